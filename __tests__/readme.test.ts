/**
 * The README and docs/ are the user's contract: the quick start, and every JSON config they show,
 * must match the code. The config reference's own checks are in __tests__/docs/.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSynth } from "../lib/policy";
import { nlbServicePorts } from "../lib/config/implied";
import { synthToTemp } from "./helpers/synth";

const root = join(__dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
/** The README and every page of docs/, by path. */
const pages: [string, string][] = [
  ["README.md", readme],
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f): [string, string] => [`docs/${f}`, readFileSync(join(root, "docs", f), "utf8")]),
];
const jsonBlocks = (text: string) => [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as unknown);

test("the quick start is the two commands, and they exist", () => {
  expect(readme).toContain("npm ci && npm run synth");
  expect(readme).toContain("npm test");
  const { scripts } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
  expect(scripts.synth).toBeDefined();
  expect(scripts.test).toBeDefined();
});

test(".ci/run runs npm ci and the README's test command", () => {
  const ci = readFileSync(join(root, ".ci", "run"), "utf8");
  expect(ci).toMatch(/^npm ci\b/m);
  expect(ci).toMatch(/^npm test( 2>&1)?$/m);
});

test("the README has a worked example: at least one config", () => {
  expect(jsonBlocks(readme).length).toBeGreaterThanOrEqual(1);
});

test.each(pages.filter(([, text]) => jsonBlocks(text).length > 0))(
  "every JSON config in %s synthesises and passes the policy check (npm run check)",
  (_path, text) => {
    for (const block of jsonBlocks(text)) {
      const { json, config, plan } = synthToTemp(block);
      // One NLB listener per service port (the ALB's and the bridge's listeners are not service ports).
      const nlbListeners = Object.keys(json.resource.aws_lb_listener ?? {}).filter((id) => /^Nlb(-\d+)?_Listener-/.test(id));
      expect(nlbListeners).toHaveLength(nlbServicePorts(config).length);
      const result = checkSynth(json, { plan });
      expect({ name: config.name, findings: result.findings, unchecked: result.unchecked }).toEqual({
        name: config.name,
        findings: [],
        unchecked: [],
      });
    }
  },
);

test("the JSON configs of the README and docs/ are all checked: at least the six they had when they moved", () => {
  expect(pages.flatMap(([, text]) => jsonBlocks(text)).length).toBeGreaterThanOrEqual(6);
});

test("docs/services.md's production service is examples/production-service.json, as it is", () => {
  const example = JSON.parse(readFileSync(join(root, "examples", "production-service.json"), "utf8")) as unknown;
  expect(jsonBlocks(readFileSync(join(root, "docs", "services.md"), "utf8"))).toContainEqual(example);
});
