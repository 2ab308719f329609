/**
 * Resource addresses are the contract with Terraform state: a changed address destroys and
 * recreates real infrastructure unless a moved block says otherwise. This pins every address of
 * every example. A change here must be deliberate: review the snapshot diff, add renames
 * (moved blocks) where resources were renamed, then run `npx jest -u` on this file.
 */
import { allConfigs } from "../helpers/fixtures";
import { synthToTemp } from "../helpers/synth";

const configs: [string, unknown][] = allConfigs();

test.each(configs)("%s keeps its resource addresses", (_name, input) => {
  const { json } = synthToTemp(input);
  const addresses = Object.entries(json.resource)
    .flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`))
    .sort();
  expect(addresses).toMatchSnapshot();
});
