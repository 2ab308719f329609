/**
 * What must hold for any input: parseConfig returns a config or throws a ConfigError whose every
 * problem names a field path (and the value, where there is one at that path); a valid config
 * synthesises, or is refused with such a ConfigError before a single file is written; and the
 * Terraform JSON it gives refers only to what it declares.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, parseConfig } from "../../lib/config/load";
import type { PrivateApiConfig } from "../../lib/config/schema";
import type { NlbShardLedger } from "../../lib/model/shards";
import { synthesize } from "../../lib/synth";
import type { TerraformJson } from "../helpers/synth";
import { TOP_LEVEL_FIELDS, type JsonPath } from "./schema-walk";

/**
 * A field path as the loader writes it: `name`, `services[1].hostPort`, `tags["a b"]` (a key that
 * is not a plain word is quoted as JSON), or `(config)` for the whole document.
 */
const FIELD_PATH = /^(\(config\)|[A-Za-z$][A-Za-z0-9_$]*(?:\[\d+\]|\.[A-Za-z0-9_$-]+|\["(?:[^"\\]|\\.)*"\])*): /;
const SEGMENT = /\[(\d+)\]|\.([A-Za-z0-9_$-]+)|\[("(?:[^"\\]|\\.)*")\]/y;

/** The path a problem line starts with, as keys; undefined if it does not start with one. */
export function problemPath(problem: string): JsonPath | undefined {
  const m = FIELD_PATH.exec(problem);
  if (!m) return undefined;
  const text = m[1];
  if (text === "(config)") return [];
  const first = /^[A-Za-z$][A-Za-z0-9_$]*/.exec(text)![0];
  const path: (string | number)[] = [first];
  SEGMENT.lastIndex = first.length;
  while (SEGMENT.lastIndex < text.length) {
    const s = SEGMENT.exec(text);
    if (!s) return undefined;
    path.push(s[1] !== undefined ? Number(s[1]) : s[2] !== undefined ? s[2] : (JSON.parse(s[3]) as string));
  }
  return path;
}

function valueAt(input: unknown, path: JsonPath): unknown {
  let cur = input;
  for (const key of path) {
    if (cur === null || typeof cur !== "object" || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** Ways a message may show a value: as written (line breaks escaped), JSON-quoted, or JSON-quoted and cut short. */
function showings(value: string | number | boolean | null): string[] {
  const json = JSON.stringify(value) ?? String(value);
  const escaped = String(value).replace(/[\u0000-\u001f]/g, (c) => JSON.stringify(c).slice(1, -1));
  const forms = [String(value), escaped, json, json.slice(1, -1), json.slice(0, 77)];
  return forms.filter((f) => f.length > 0);
}

/**
 * What is wrong with a ConfigError, or [] when it keeps the promise: at least one problem; the
 * message is its header and one line per problem; each problem starts with a field path whose
 * first field is a real top-level field; and where the input holds a plain value at that path,
 * the problem shows it (unless the problem is an unknown field or a missing one).
 */
export function configErrorDefects(err: ConfigError, input: unknown): string[] {
  const defects: string[] = [];
  if (err.problems.length === 0) defects.push("a ConfigError with no problems");
  const lines = err.message.split("\n");
  const listed = lines.slice(1).map((l) => l.replace(/^ {2}- /, ""));
  if (lines.length !== err.problems.length + 1 || listed.some((l, i) => l !== err.problems[i])) {
    defects.push(`the message is not its header and one line per problem:\n${err.message}`);
  }
  for (const problem of err.problems) {
    const path = problemPath(problem);
    if (path === undefined) {
      defects.push(`problem does not start with a field path: ${JSON.stringify(problem.slice(0, 300))}`);
      continue;
    }
    if (path.length > 0 && !TOP_LEVEL_FIELDS.includes(String(path[0]))) {
      defects.push(`problem names a field the config does not have: ${JSON.stringify(problem.slice(0, 300))}`);
    }
    const value = valueAt(input, path);
    const about = /: (is required|unknown field\(s\) )/.test(problem);
    const plain = value === null || ["string", "number", "boolean"].includes(typeof value);
    if (plain && !about && !showings(value as string | number | boolean | null).some((f) => problem.includes(f))) {
      defects.push(`problem does not show the value ${JSON.stringify(value)?.slice(0, 80)}: ${JSON.stringify(problem.slice(0, 300))}`);
    }
  }
  return defects;
}

export type ParseOutcome = { readonly config: PrivateApiConfig } | { readonly error: ConfigError };

/** parseConfig, with anything but a well-formed ConfigError turned into a failure that says what and for which input. */
export function parseOrExplain(input: unknown): ParseOutcome {
  let config: PrivateApiConfig;
  try {
    config = parseConfig(input);
  } catch (err) {
    if (!(err instanceof ConfigError)) {
      throw new Error(
        `parseConfig threw ${(err as Error)?.name ?? typeof err} instead of a ConfigError: ${(err as Error)?.stack ?? String(err)}`,
      );
    }
    const defects = configErrorDefects(err, input);
    if (defects.length > 0) throw new Error(`parseConfig's ConfigError breaks the promise:\n- ${defects.join("\n- ")}`);
    return { error: err };
  }
  return { config };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Terraform template sequences in a string (`${...}` and `%{...}`), skipping the `$${` and `%%{`
 * escapes, as Terraform reads strings in JSON configuration.
 */
export function templatesIn(text: string): string[] {
  const found: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
      i += 3;
    } else if (text.startsWith("${", i) || text.startsWith("%{", i)) {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === "{") depth++;
        else if (text[j] === "}" && --depth === 0) break;
      }
      found.push(text.slice(i, j + 1));
      i = j + 1;
    } else {
      i++;
    }
  }
  return found;
}

/**
 * Template sequences of the synthesised JSON that Terraform would reject or misread: directives
 * (`%{`), and interpolations that do not start with a reference or a function call, or refer to
 * a resource, variable or data source the stack does not declare. A config string that reaches
 * the output unescaped shows up here.
 */
export function templateDefects(json: TerraformJson): string[] {
  const defects: string[] = [];
  const declared = (kind: "resource" | "data", type: string, name: string) =>
    Boolean((json[kind] as Record<string, Record<string, unknown>> | undefined)?.[type]?.[name]);
  const check = (text: string, where: string) => {
    for (const t of templatesIn(text)) {
      const expr = t.slice(2, -1);
      const refs = [...expr.matchAll(/(?<![\w.])(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)];
      const vars = [...expr.matchAll(/(?<![\w.])var\.([A-Za-z0-9_-]+)/g)];
      const wellFormed = t.startsWith("${") && /^(data\.aws_|aws_|var\.|[a-z][a-z0-9_]*\()/.test(expr);
      const undeclared = [
        ...refs.filter((r) => !declared(r[1] ? "data" : "resource", r[2], r[3])).map((r) => r[0]),
        ...vars.filter((v) => !json.variable?.[v[1]]).map((v) => v[0]),
      ];
      if (!wellFormed || undeclared.length > 0) defects.push(`${where}: ${t.slice(0, 120)}`);
    }
  };
  const walk = (value: unknown, where: string): void => {
    if (typeof value === "string") check(value, where);
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`));
    else if (value !== null && typeof value === "object") {
      // Terraform reads backend settings as they are, not as templates.
      if (where === "cdk.tf.json.terraform.backend") return;
      for (const [k, v] of Object.entries(value)) {
        check(k, `${where} (key)`);
        walk(v, `${where}.${k}`);
      }
    }
  };
  walk(json, "cdk.tf.json");
  return defects;
}

/**
 * Import and moved blocks Terraform would refuse: two imports into one address, an import into
 * an address the stack does not declare, two moves to or from one address.
 */
export function blockDefects(json: TerraformJson): string[] {
  const blocks = json as unknown as { import?: { to: string }[]; moved?: { from: string; to: string }[] };
  const defects: string[] = [];
  const twice = (list: string[]) => list.filter((a, i) => list.indexOf(a) !== i);
  const imports = (blocks.import ?? []).map((b) => b.to);
  for (const to of twice(imports)) defects.push(`two import blocks into ${to}`);
  for (const to of imports) {
    const [type, name] = to.split(".");
    if (!json.resource[type]?.[name]) defects.push(`an import block into ${to}, which the stack does not declare`);
  }
  for (const end of ["from", "to"] as const) {
    for (const address of twice((blocks.moved ?? []).map((b) => b[end]))) defects.push(`two moved blocks ${end} ${address}`);
  }
  return defects;
}

export type SynthOutcome =
  | { readonly stackDir: string; readonly json: TerraformJson }
  | { readonly error: ConfigError; readonly outdir: string };

/**
 * Synthesises a valid config into a fresh temp dir. It must succeed with a well-formed stack, or
 * throw a ConfigError that names fields and leaves no file behind. Anything else throws, saying what.
 */
export function synthOrExplain(config: PrivateApiConfig, input: unknown, nlbShards?: NlbShardLedger): SynthOutcome {
  const outdir = mkdtempSync(join(tmpdir(), "fuzz-synth-"));
  try {
    synthesize(config, outdir, { nlbShards });
  } catch (err) {
    if (!(err instanceof ConfigError)) {
      throw new Error(
        `synthesize threw ${(err as Error)?.name ?? typeof err} instead of a ConfigError for a valid config: ${(err as Error)?.stack ?? String(err)}`,
      );
    }
    const defects = configErrorDefects(err, input);
    const written = filesUnder(outdir);
    if (written.length > 0) defects.push(`it left ${written.length} file(s) behind, such as ${written[0]}`);
    if (defects.length > 0) throw new Error(`synthesize's ConfigError breaks the promise:\n- ${defects.join("\n- ")}`);
    return { error: err, outdir };
  }
  const stackDir = join(outdir, "stacks", config.name);
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as TerraformJson;
  const defects = [...templateDefects(json), ...blockDefects(json)];
  if (defects.length > 0) throw new Error(`the synthesised JSON has what Terraform would refuse or misread:\n- ${defects.join("\n- ")}`);
  return { stackDir, json };
}
