/**
 * docs/config-reference.md: its field table is what `npm run docs:config` renders from the config
 * schema (as terraform-docs' CI check does), it has a described row for every field of the
 * schema, and its hand-written notes name only fields that exist.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderJsonSchema } from "../../lib/config/json-schema";
import {
  CONFIG_REFERENCE_FILE,
  configFieldRows,
  readGeneratedBlock,
  renderConfigReference,
  typeText,
  writeGeneratedBlock,
  type JsonSchema,
} from "../../scripts/config-reference";

const root = join(__dirname, "..", "..");
const committed = readFileSync(join(root, CONFIG_REFERENCE_FILE), "utf8");

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
}

/**
 * Every field path in the JSON Schema, as the reference writes it (`services[].healthCheck.path`),
 * found here independently of the generator, so that a generator that drops rows fails.
 */
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

describe("the committed docs/config-reference.md", () => {
  test("its field table is what the generator renders from the schema (run `npm run docs:config` to update it)", () => {
    const expected = writeGeneratedBlock(committed, renderConfigReference());
    if (expected !== committed) {
      throw new Error(`${CONFIG_REFERENCE_FILE} is out of date with the config schema: run \`npm run docs:config\` and commit the result`);
    }
  });

  test("its table has a row for every field of the schema", () => {
    const table = readGeneratedBlock(committed) ?? "";
    const undocumented = fieldPaths(JSON.parse(renderJsonSchema()) as SchemaNode).filter((p) => !table.includes(`| \`${p}\` |`));
    expect(undocumented).toEqual([]);
  });

  test("every field has a description: give a new field a .describe(...) in lib/config/schema.ts", () => {
    expect(
      configFieldRows()
        .filter((r) => r.description === "")
        .map((r) => r.path),
    ).toEqual([]);
  });

  test("the hand-written notes name only fields of the table", () => {
    const notes = committed.slice(committed.indexOf("## More on some fields"), committed.indexOf("## Validation"));
    expect(notes.length).toBeGreaterThan(0);
    const paths = new Set(configFieldRows().map((r) => r.path));
    // Bullets start with the field they are about, or the object whose fields they are about (`backend`).
    const named = [...notes.matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(10);
    const known = (p: string) => paths.has(p) || [...paths].some((q) => q.startsWith(`${p}.`));
    expect(named.filter((p) => !known(p))).toEqual([]);
  });
});

describe("the generated block", () => {
  test("is replaced by what is written into it, the rest kept", () => {
    const written = writeGeneratedBlock(committed, "| a |\nb");
    expect(readGeneratedBlock(written)).toBe("| a |\nb");
    expect(writeGeneratedBlock(written, readGeneratedBlock(committed)!)).toBe(committed);
  });

  test("a document without the markers is refused", () => {
    expect(readGeneratedBlock("# x\n")).toBeUndefined();
    expect(() => writeGeneratedBlock("# x\n", "")).toThrow(/generated:start/);
  });
});

describe("rendering a schema", () => {
  const schema: JsonSchema = {
    type: "object",
    required: ["name", "network"],
    properties: {
      name: { type: "string", maxLength: 32, description: "The name | with <name>" },
      retention: { type: "number", enum: [1, 3], default: 3, description: "Days" },
      count: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: "How many" },
      network: {
        anyOf: [
          {
            type: "object",
            description: "A new VPC",
            required: ["type", "cidr"],
            properties: { type: { type: "string", const: "create" }, cidr: { type: "string", description: "Its CIDR" } },
          },
          {
            type: "object",
            description: "A VPC you have",
            required: ["type", "vpcId"],
            properties: { type: { type: "string", const: "existing" }, vpcId: { type: "string", description: "Its id" } },
          },
        ],
      },
      limits: {
        type: "object",
        default: { rate: 10 },
        required: ["rate"],
        properties: { rate: { type: "number", exclusiveMinimum: 0, description: "Per second, see docs/front-door.md" } },
      },
      tags: { type: "array", items: { type: "string" }, minItems: 1 },
    },
  };
  const rows = new Map(configFieldRows(schema).map((r) => [r.path, r]));

  test("a field: its type with its range, required marked, its description as a table-safe sentence", () => {
    expect(rows.get("name")).toEqual({
      path: "name",
      type: "string, at most 32 characters",
      default: "required",
      description: "The name \\| with &lt;name&gt;.",
    });
    expect(rows.get("count")).toMatchObject({ type: "integer, at least 1", default: "-" });
  });

  test("an enum lists its values, and a default is given", () => {
    expect(rows.get("retention")).toMatchObject({ type: "one of `1`, `3`", default: "`3`", description: "Days." });
  });

  test("a union's discriminator lists the forms, each with its description; a field of one form says so", () => {
    expect(rows.get("network.type")).toEqual({
      path: "network.type",
      type: 'one of `"create"`, `"existing"`',
      default: "required",
      description: '`"create"`: A new VPC. `"existing"`: A VPC you have.',
    });
    expect(rows.get("network.vpcId")).toMatchObject({ default: "required", description: 'Only with `type: "existing"`. Its id.' });
  });

  test("a field its object requires takes the object's default when the object is left out; docs/ pages are linked", () => {
    expect(rows.get("limits.rate")).toEqual({
      path: "limits.rate",
      type: "number, above 0",
      default: "`10` (required when `limits` is given)",
      description: "Per second, see [docs/front-door.md](front-door.md).",
    });
  });

  test("an undescribed object has no row, an undescribed field one with no description", () => {
    expect(rows.has("network")).toBe(false);
    expect(rows.has("limits")).toBe(false);
    expect(rows.get("tags")).toMatchObject({ type: "array of (string), at least 1 item", description: "" });
  });

  test("types: maps and arrays of objects", () => {
    expect(typeText({ type: "object", additionalProperties: { type: "string" } })).toBe("map of name to (string)");
    expect(typeText({ type: "array", items: { type: "object", properties: {} }, minItems: 1, maxItems: 5 })).toBe(
      "array of (object), 1 to 5 items",
    );
  });

  test("the table: a header and one line per row", () => {
    const table = renderConfigReference(schema).split("\n");
    expect(table.slice(0, 2)).toEqual(["| Field | Type | Default | Description |", "| --- | --- | --- | --- |"]);
    expect(table).toContain("| `retention` | one of `1`, `3` | `3` | Days. |");
    expect(table).toHaveLength(2 + rows.size);
  });
});
