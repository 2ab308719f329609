/** The README is the user's contract: its quick start and config reference must match the code. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderJsonSchema } from "../lib/config/json-schema";
import { checkSynth } from "../lib/policy";
import { nlbServicePorts } from "../lib/config/implied";
import { synthToTemp } from "./helpers/synth";

const root = join(__dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
}

/** Every field path in the JSON Schema, as the README writes it: `services[].healthCheck.path`. */
function fieldPaths(node: SchemaNode, prefix = ""): string[] {
  const out: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    // Objects are documented through their fields; everything else (arrays too) by its own row.
    const isObject = child.properties !== undefined || (child.anyOf ?? child.oneOf ?? []).some((a) => a.properties);
    if (!isObject) out.push(path);
    out.push(...fieldPaths(child, path));
  }
  if (node.items) out.push(...fieldPaths(node.items, `${prefix}[]`));
  for (const alt of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) out.push(...fieldPaths(alt, prefix));
  return [...new Set(out)];
}

test("the config reference documents every field of the schema", () => {
  const undocumented = fieldPaths(JSON.parse(renderJsonSchema()) as SchemaNode).filter((p) => !readme.includes(`| \`${p}\` |`));
  expect(undocumented).toEqual([]);
});

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

test("every JSON config in the README synthesises and passes the policy check (npm run check)", () => {
  const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as unknown);
  expect(blocks.length).toBeGreaterThanOrEqual(1);
  for (const block of blocks) {
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
});

test("the README's production service is examples/production-service.json, as it is", () => {
  const example = JSON.parse(readFileSync(join(root, "examples", "production-service.json"), "utf8")) as unknown;
  const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as unknown);
  expect(blocks).toContainEqual(example);
});
