/**
 * Resource addresses are the contract with Terraform state: a changed address destroys and
 * recreates real infrastructure unless a moved block says otherwise. This pins every address of
 * every example. A change here must be deliberate: review the snapshot diff, add renames
 * (moved blocks) where resources were renamed, then run `npx jest -u` on this file.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../../lib/config/default-config";
import { synthToTemp } from "../helpers/synth";

const examplesDir = join(__dirname, "..", "..", "examples");
const configs: [string, unknown][] = [
  ["embedded default", DEFAULT_CONFIG],
  ...readdirSync(examplesDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f): [string, unknown] => [`examples/${f}`, JSON.parse(readFileSync(join(examplesDir, f), "utf8"))]),
];

test.each(configs)("%s keeps its resource addresses", (_name, input) => {
  const { json } = synthToTemp(input);
  const addresses = Object.entries(json.resource)
    .flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`))
    .sort();
  expect(addresses).toMatchSnapshot();
});
