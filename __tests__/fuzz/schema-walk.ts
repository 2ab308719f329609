/**
 * The config's JSON Schema (generated from lib/config/schema.ts, as `config.schema.json` is), read
 * by the fuzzer to find what may stand at a path and which values sit on or just past its bounds.
 */
import fc from "fast-check";
import { renderJsonSchema } from "../../lib/config/json-schema";

export type JsonPath = readonly (string | number)[];

export interface JsonSchema {
  readonly type?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly propertyNames?: JsonSchema;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly pattern?: string;
}

/** The JSON Schema of the config as a user writes it. */
export const CONFIG_SCHEMA: JsonSchema = JSON.parse(renderJsonSchema()) as JsonSchema;

/** Top-level fields of the config: every field path in an error starts with one of these (or is `(config)`). */
export const TOP_LEVEL_FIELDS: readonly string[] = Object.keys(CONFIG_SCHEMA.properties ?? {});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A union's alternatives (nested unions flattened); any other schema alone. An object schema with
 * its own properties and a `oneOf` of required-field sets (a service's one port or several) is
 * one schema, not a union.
 */
export function alternatives(schema: JsonSchema): JsonSchema[] {
  const alts = schema.anyOf ?? schema.oneOf;
  return alts && !schema.properties ? alts.flatMap(alternatives) : [schema];
}

/** Whether an object alternative fits `value` by its discriminator fields (`type`, `mode`: properties with a const). */
function fitsDiscriminator(schema: JsonSchema, value: unknown): boolean {
  if (!isRecord(value) || !schema.properties) return true;
  return Object.entries(schema.properties).every(([key, prop]) => prop.const === undefined || !(key in value) || value[key] === prop.const);
}

/**
 * The schemas that may describe the value at `path` in `data`: unions are expanded, and object
 * alternatives whose discriminator does not match the data are dropped (unless none matches).
 */
export function schemasAt(data: unknown, path: JsonPath): JsonSchema[] {
  let current: JsonSchema[] = [CONFIG_SCHEMA];
  let value: unknown = data;
  for (const key of path) {
    const alts = current.flatMap(alternatives);
    const fitting = alts.filter((s) => fitsDiscriminator(s, value));
    const next: JsonSchema[] = [];
    for (const s of fitting.length > 0 ? fitting : alts) {
      if (typeof key === "number") {
        if (s.items) next.push(s.items);
      } else if (s.properties?.[key]) {
        next.push(s.properties[key]);
      } else if (typeof s.additionalProperties === "object") {
        next.push(s.additionalProperties);
      }
    }
    current = next;
    value = isRecord(value) || Array.isArray(value) ? (value as Record<string | number, unknown>)[key] : undefined;
  }
  return current.flatMap(alternatives);
}

/** Fields the schema allows on the object at `path` that the data does not set (optional ones, or required ones deleted). */
export function absentFields(data: unknown, path: JsonPath, value: Record<string, unknown>): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(data, path).filter((s) => fitsDiscriminator(s, value))) {
    for (const key of Object.keys(s.properties ?? {})) if (!(key in value)) keys.add(key);
  }
  return [...keys].sort();
}

const patternSamples = new Map<string, string[]>();

/** A few strings matching a schema pattern (deterministic), or none when fast-check cannot generate for it (lookahead). */
function samplesOf(pattern: string): string[] {
  let samples = patternSamples.get(pattern);
  if (!samples) {
    try {
      samples = fc.sample(fc.stringMatching(new RegExp(pattern)), { numRuns: 6, seed: 42 });
    } catch {
      samples = [];
    }
    patternSamples.set(pattern, samples);
  }
  return samples;
}

/** A value that fits `schema` (the `variant`-th of several plausible ones), for adding a missing field or entry. */
export function exampleOf(schema: JsonSchema, variant: number, depth = 0): unknown {
  const alts = alternatives(schema);
  if (alts.length > 1) return exampleOf(alts[variant % alts.length], Math.floor(variant / alts.length), depth);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[variant % schema.enum.length];
  switch (schema.type) {
    case "boolean":
      return variant % 2 === 0;
    case "number":
    case "integer": {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
      const max = schema.maximum ?? min + 1000;
      const picks = [schema.default, min, max, Math.floor((min + max) / 2)].filter((v): v is number => typeof v === "number");
      return picks[variant % picks.length];
    }
    case "string": {
      const picks = [
        ...(typeof schema.default === "string" ? [schema.default] : []),
        ...(schema.pattern ? samplesOf(schema.pattern) : ["x".repeat(Math.max(1, schema.minLength ?? 1))]),
      ].filter((s) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity));
      return picks.length > 0 ? picks[variant % picks.length] : "a";
    }
    case "array": {
      if (depth > 4 || !schema.items) return [];
      const count = Math.max(schema.minItems ?? 0, variant % 3);
      return Array.from({ length: count }, (_, i) => exampleOf(schema.items as JsonSchema, variant + i, depth + 1));
    }
    case "object": {
      if (depth > 4) return {};
      const out: Record<string, unknown> = {};
      if (typeof schema.additionalProperties === "object") {
        // A record (tags, environment, authorizers, renames): one entry, keyed as its keys must be.
        const keys = schema.propertyNames?.pattern ? samplesOf(schema.propertyNames.pattern) : ["key", "Name", "cost-center"];
        if (keys.length > 0) out[keys[variant % keys.length]] = exampleOf(schema.additionalProperties, variant, depth + 1);
      }
      const required = new Set(schema.required ?? []);
      Object.entries(schema.properties ?? {}).forEach(([key, prop], i) => {
        // Required fields always; optional ones by the variant's bits, so examples differ in which they set.
        if (required.has(key) || (variant >> i) % 2 === 1) out[key] = exampleOf(prop, variant + i, depth + 1);
      });
      return out;
    }
    default:
      return null;
  }
}

/**
 * Values on and just past the schema's bounds and forms: min and max, one either side, a fraction
 * for an integer, every enum member and a near miss of one, strings at their length limits and one
 * over, arrays one short of and one past their item limits.
 */
export function edgeValuesOf(schema: JsonSchema, sample: unknown): unknown[] {
  const out: unknown[] = [];
  for (const s of alternatives(schema)) {
    if (s.const !== undefined) out.push(s.const, typeof s.const === "string" ? s.const.toUpperCase() : null);
    if (s.enum) out.push(...s.enum, ...s.enum.map((v) => (typeof v === "string" ? v.toLowerCase() : String(v))));
    if (s.type === "number" || s.type === "integer") {
      for (const bound of [s.minimum, s.maximum]) if (bound !== undefined) out.push(bound - 1, bound, bound + 1);
      if (s.exclusiveMinimum !== undefined) out.push(s.exclusiveMinimum, s.exclusiveMinimum + Number.EPSILON * 8);
      if (s.type === "integer") out.push((s.minimum ?? 0) + 0.5);
      if (s.maximum === undefined) out.push(2 ** 31, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e308);
    }
    if (s.type === "string") {
      const base = typeof sample === "string" && sample.length > 0 ? sample : String(exampleOf(s, 0));
      const grow = (n: number) => (base + "a".repeat(Math.max(0, n))).slice(0, Math.max(0, n));
      if (s.minLength !== undefined) out.push(grow(s.minLength - 1), grow(s.minLength));
      if (s.maxLength !== undefined) out.push(grow(s.maxLength), grow(s.maxLength + 1));
      out.push("", ` ${base}`, `${base} `, base.toUpperCase());
    }
    if (s.type === "array") {
      const items: unknown[] = Array.isArray(sample) && sample.length > 0 ? sample : [exampleOf(s.items ?? {}, 0)];
      const ofLength = (n: number) => Array.from({ length: Math.max(0, n) }, (_, i) => items[i % items.length]);
      if (s.minItems !== undefined) out.push(ofLength(s.minItems - 1), ofLength(s.minItems));
      if (s.maxItems !== undefined) out.push(ofLength(s.maxItems), ofLength(s.maxItems + 1));
      out.push([]);
    }
    if (s.type === "boolean") out.push(true, false, "true");
  }
  return out;
}
