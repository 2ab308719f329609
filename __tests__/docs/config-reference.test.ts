/** docs/config-reference.md documents every field of the config schema. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderJsonSchema } from "../../lib/config/json-schema";

const root = join(__dirname, "..", "..");
const reference = readFileSync(join(root, "docs", "config-reference.md"), "utf8");

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
}

/** Every field path in the JSON Schema, as the reference writes it: `services[].healthCheck.path`. */
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
  const undocumented = fieldPaths(JSON.parse(renderJsonSchema()) as SchemaNode).filter((p) => !reference.includes(`| \`${p}\` |`));
  expect(undocumented).toEqual([]);
});
