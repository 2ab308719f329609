/**
 * `npm run docs:config`: renders the field table of docs/config-reference.md (between the
 * generated:start and generated:end markers) from the config's JSON Schema, which
 * lib/config/json-schema.ts makes from the zod schema (the same as config.schema.json). One row
 * per field path, as a config writes it (`services[].healthCheck.path`): its type (enums listed,
 * ranges given), its default, and the description from the schema's `.describe(...)`. Everything
 * outside the markers is hand-written and kept as it is.
 *
 * `npm run docs:config -- --check` changes nothing and exits 1 when the file is out of date;
 * __tests__/docs/config-reference.test.ts makes the same comparison in the unit tests.
 *
 * The rendering is pure (renderConfigReference, writeGeneratedBlock); only main() touches files.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderJsonSchema } from "../lib/config/json-schema";

/** The generated file, relative to the repository root. */
export const CONFIG_REFERENCE_FILE = "docs/config-reference.md";
export const GENERATED_START = "<!-- generated:start (npm run docs:config renders this table from the config schema; do not edit) -->";
export const GENERATED_END = "<!-- generated:end -->";

/** The parts of a JSON Schema (draft 2020-12, as zod writes it) that the table reads. */
export interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  maxLength?: number;
}

/** One row of the table, as data: what the tests read. */
export interface FieldRow {
  path: string;
  type: string;
  /** The default as Markdown, `required`, or `-` for an optional field without one. */
  default: string;
  /** Markdown; empty when the schema has no description for the field. */
  description: string;
}

/** A union whose alternatives all fix one property to a constant: `network.type`, `bridge.mode`. */
interface Variant {
  /** `type: "create"` */
  label: string;
  /** The discriminator's value, and the alternative's own description. */
  value: unknown;
  description?: string;
  /** Every alternative's label, to tell a field of some alternatives from one of all. */
  all: string[];
  key: string;
}

/** One place a field path appears: a union's alternatives can each have the field. */
interface Occurrence {
  node: JsonSchema;
  required: boolean;
  /** Its parent object's default for this field, when the parent's default gives one. */
  inheritedDefault?: unknown;
  variant?: Variant;
}

/** The property every alternative fixes to a constant, if there is one. */
function discriminator(alternatives: readonly JsonSchema[]): string | undefined {
  const [first] = alternatives;
  if (alternatives.length < 2 || !first?.properties) return undefined;
  return Object.keys(first.properties).find((key) => alternatives.every((a) => a.properties?.[key]?.const !== undefined));
}

function collect(node: JsonSchema, prefix: string, rows: Map<string, Occurrence[]>, variant?: Variant): void {
  const parentDefault = isRecord(node.default) ? node.default : undefined;
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const occurrence: Occurrence = { node: child, required: node.required?.includes(key) ?? false, variant };
    if (parentDefault && key in parentDefault) occurrence.inheritedDefault = parentDefault[key];
    rows.set(path, [...(rows.get(path) ?? []), occurrence]);
    collect(withDefault(child, occurrence.inheritedDefault), path, rows);
  }
  if (node.items) collect(node.items, `${prefix}[]`, rows);
  if (typeof node.additionalProperties === "object") collect(node.additionalProperties, `${prefix}.<name>`, rows);
  const alternatives = [...(node.anyOf ?? []), ...(node.oneOf ?? [])];
  const key = discriminator(alternatives);
  const all = key === undefined ? [] : alternatives.map((a) => `${key}: ${JSON.stringify(a.properties![key].const)}`);
  for (const alt of alternatives) {
    const value = key === undefined ? undefined : alt.properties![key].const;
    const altVariant =
      key === undefined ? undefined : { label: `${key}: ${JSON.stringify(value)}`, value, description: alt.description, all, key };
    // A union's own default (backend's {"type": "local"}) is its alternatives' parent default.
    collect(alt.default === undefined && node.default !== undefined ? { ...alt, default: node.default } : alt, prefix, rows, altVariant);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function withDefault(node: JsonSchema, inherited: unknown): JsonSchema {
  return node.default === undefined && inherited !== undefined ? { ...node, default: inherited } : node;
}

/** An object documented through its fields: only worth a row of its own when it says something. */
function isObject(node: JsonSchema): boolean {
  const alternatives = [...(node.anyOf ?? []), ...(node.oneOf ?? [])];
  return node.properties !== undefined || (alternatives.length > 0 && alternatives.every((a) => a.properties !== undefined));
}

const code = (text: string) => `\`${text}\``;
const literal = (value: unknown) => code(JSON.stringify(value));

/** "1 to 6", "at least 1": zod's bound for a plain int (Number.MAX_SAFE_INTEGER) is no bound. */
function range(low: number | undefined, high: number | undefined, unit?: [string, string]): string {
  const top = high !== undefined && high < Number.MAX_SAFE_INTEGER ? high : undefined;
  const units = (n: number) => (unit === undefined ? "" : ` ${n === 1 ? unit[0] : unit[1]}`);
  if (low !== undefined && top !== undefined) return `${low} to ${top}${units(top)}`;
  if (low !== undefined) return `at least ${low}${units(low)}`;
  if (top !== undefined) return `at most ${top}${units(top)}`;
  return "";
}

/** The type column: the JSON type, enums and constants listed, ranges and sizes given. */
export function typeText(node: JsonSchema): string {
  if (node.const !== undefined) return literal(node.const);
  if (node.enum) return `one of ${node.enum.map(literal).join(", ")}`;
  const alternatives = [...(node.anyOf ?? []), ...(node.oneOf ?? [])];
  if (alternatives.length > 0 && node.type === undefined) return [...new Set(alternatives.map(typeText))].join(", or ");
  const withRange = (name: string, text: string) => (text ? `${name}, ${text}` : name);
  switch (node.type) {
    case "integer":
    case "number": {
      const low = node.exclusiveMinimum !== undefined ? undefined : node.minimum;
      const text = node.exclusiveMinimum !== undefined ? `above ${node.exclusiveMinimum}` : range(low, node.maximum);
      return withRange(node.type, text);
    }
    case "string":
      return withRange("string", node.maxLength !== undefined ? `at most ${node.maxLength} characters` : "");
    case "array": {
      const items = node.items ? typeText(node.items) : "any";
      const size = range(node.minItems, node.maxItems, ["item", "items"]);
      return withRange(`array of (${items})`, size);
    }
    case "object":
      if (typeof node.additionalProperties === "object") return `map of name to (${typeText(node.additionalProperties)})`;
      return "object";
    default:
      return node.type ?? "any";
  }
}

function defaultText(value: unknown): string {
  return typeof value === "string" ? code(value) : literal(value);
}

/** A description from the schema as Markdown: a sentence, table-safe, with `docs/x.md` linked. */
function markdown(text: string): string {
  const sentence = /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
  return sentence
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/\*/g, "\\*")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\bdocs\/([a-z0-9-]+\.md)\b/g, "[docs/$1]($1)");
}

function rowOf(path: string, occurrences: readonly Occurrence[]): FieldRow | undefined {
  const nodes = occurrences.map((o) => o.node);
  const descriptions = [...new Set(nodes.map((n) => n.description).filter((d): d is string => d !== undefined))];
  if (nodes.every(isObject) && descriptions.length === 0) return undefined;

  const variants = occurrences.map((o) => o.variant).filter((v): v is Variant => v !== undefined);
  // The discriminator itself (`network.type`): one constant per alternative, each described by its alternative.
  const discriminates =
    variants.length === occurrences.length &&
    variants.length > 0 &&
    path.endsWith(`.${variants[0].key}`) &&
    nodes.every((n) => n.const !== undefined);

  const types = discriminates ? [`one of ${nodes.map((n) => literal(n.const)).join(", ")}`] : [...new Set(nodes.map(typeText))];
  const defaults = [...new Set(nodes.map((n) => (n.default === undefined ? undefined : defaultText(n.default))))];
  // A field its object requires can still have a default: the object's own, when the object is left out.
  const inherited = [...new Set(occurrences.map((o) => (o.inheritedDefault === undefined ? undefined : defaultText(o.inheritedDefault))))];
  const parent = path.slice(0, path.lastIndexOf("."));
  const required = occurrences.every((o) => o.required);
  let defaultColumn = defaults.length === 1 && defaults[0] !== undefined ? defaults[0] : "-";
  if (required) {
    defaultColumn =
      inherited.length === 1 && inherited[0] !== undefined ? `${inherited[0]} (required when ${code(parent)} is given)` : "required";
  }

  let description: string;
  if (discriminates) {
    description = variants.map((v) => `${literal(v.value)}: ${markdown(v.description ?? "")}`.trimEnd()).join(" ");
    if (variants.some((v) => !v.description)) description = "";
  } else {
    const only =
      variants.length === occurrences.length && variants.length > 0 && variants.length < variants[0].all.length
        ? `Only with ${variants.map((v) => code(v.label)).join(" or ")}. `
        : "";
    const perVariant =
      descriptions.length > 1 && variants.length === occurrences.length
        ? occurrences
            .map((o) => (o.node.description ? `With ${code(o.variant!.label)}: ${markdown(o.node.description)}` : ""))
            .filter(Boolean)
        : descriptions.map(markdown);
    description = perVariant.length > 0 ? `${only}${perVariant.join(" ")}` : "";
  }
  return { path, type: types.join(", or "), default: defaultColumn, description };
}

/** Every documented field of the schema, in schema order. */
export function configFieldRows(schema: JsonSchema = JSON.parse(renderJsonSchema()) as JsonSchema): FieldRow[] {
  const rows = new Map<string, Occurrence[]>();
  collect(schema, "", rows);
  return [...rows.entries()].map(([path, occurrences]) => rowOf(path, occurrences)).filter((r): r is FieldRow => r !== undefined);
}

/** The table that goes between the markers. */
export function renderConfigReference(schema?: JsonSchema): string {
  const lines = ["| Field | Type | Default | Description |", "| --- | --- | --- | --- |"];
  for (const row of configFieldRows(schema)) {
    lines.push(`| ${code(row.path)} | ${row.type} | ${row.default} | ${row.description} |`);
  }
  return lines.join("\n");
}

function blockRange(doc: string): { start: number; end: number } | undefined {
  const at = doc.indexOf(GENERATED_START);
  const end = doc.indexOf(GENERATED_END);
  if (at < 0 || end < 0 || end <= at) return undefined;
  return { start: at + GENERATED_START.length + 1, end };
}

/** The generated block of a document, without the markers; undefined without one. */
export function readGeneratedBlock(doc: string): string | undefined {
  const range = blockRange(doc);
  return range === undefined ? undefined : doc.slice(range.start, range.end).replace(/\n$/, "");
}

/** The document with its generated block replaced by `table`, everything else kept. */
export function writeGeneratedBlock(doc: string, table: string): string {
  const range = blockRange(doc);
  if (range === undefined) throw new Error(`${CONFIG_REFERENCE_FILE} has no "${GENERATED_START}" ... "${GENERATED_END}" block`);
  return `${doc.slice(0, range.start)}${table}\n${doc.slice(range.end)}`;
}

function main(argv: readonly string[]): number {
  const path = join(__dirname, "..", CONFIG_REFERENCE_FILE);
  const doc = readFileSync(path, "utf8");
  const updated = writeGeneratedBlock(doc, renderConfigReference());
  if (argv.includes("--check")) {
    if (updated === doc) return 0;
    process.stderr.write(`${CONFIG_REFERENCE_FILE}: the field table is out of date; run \`npm run docs:config\`\n`);
    return 1;
  }
  if (updated !== doc) writeFileSync(path, updated);
  process.stderr.write(`${CONFIG_REFERENCE_FILE}: field table ${updated === doc ? "already up to date" : "updated"}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
