import { readFileSync } from "node:fs";
import type { z } from "zod";
import { DEFAULT_CONFIG } from "./default-config";
import { configShape, type PrivateApiConfig } from "./schema";
import { checkSemantics } from "./semantics";

/** Validation phases 1 (shape) and 2 (cross-field rules, once the shape is valid); phase 3 is in lib/validate.ts. */
const configSchema = configShape.superRefine(checkSemantics);

/** Environment variable that selects a config file; without it the embedded default is used. */
export const CONFIG_ENV_VAR = "PRIVATE_API_CONFIG";

/** A config that cannot be used. `message` is meant for people: one line per problem, each naming a field. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** Every problem found, as `field.path: what is wrong`. */
    public readonly problems: readonly string[] = [message],
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

/** A key that can stand in a path as `.key`; any other (empty, spaces, dots, line breaks) is quoted: `tags["a b"]`. */
const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

/** `services[1].hostPort` from zod's path array; `tags["cost center"]` for a key that is not a plain word. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (!PLAIN_KEY.test(String(key))) out += `[${JSON.stringify(String(key))}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out || "(config)";
}

/**
 * One problem, one line: control characters (a line break in a quoted value or a key) are written
 * as JSON escapes, so a value cannot start a line of its own in the message.
 */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    // Own properties only: `toString` or `__proto__` in a path is a key the user wrote, not Object.prototype's.
    if (cur === null || typeof cur !== "object" || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function describeValue(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return "";
  return text.length > 80 ? ` (got ${text.slice(0, 77)}...)` : ` (got ${text})`;
}

/** Whether a cross-field message already shows the plain value at its path (as written or JSON-quoted); objects and arrays are not shown. */
function shows(message: string, value: unknown): boolean {
  if (value !== null && typeof value === "object") return true;
  const json = JSON.stringify(value);
  return json === undefined || message.includes(json) || (String(value) !== "" && message.includes(String(value)));
}

function formatIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const value = valueAt(input, issue.path);
  if (issue.code === "invalid_key") {
    // A record key that fails its own rule: the problem is the key, not the value under it.
    const key = String(issue.path[issue.path.length - 1]);
    const reason = issue.issues[0]?.message ?? issue.message;
    return oneLine(`${formatPath(issue.path.slice(0, -1))}: ${reason} (got key ${JSON.stringify(key)})`);
  }
  const field = formatPath(issue.path);
  if (issue.code === "unrecognized_keys")
    return oneLine(`${field}: unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`);
  // A missing field, or a union (network, capacity, bridge, ...) whose discriminator is missing.
  if ((issue.code === "invalid_type" || issue.code === "invalid_union") && value === undefined) return `${field}: is required`;
  // Cross-field messages usually quote the value already; zod's own ones never do.
  const got = issue.code === "custom" && shows(issue.message, value) ? "" : describeValue(value);
  return oneLine(`${field}: ${issue.message}${got}`);
}

/**
 * Validates a parsed JSON value. Throws a ConfigError listing every problem, each prefixed with
 * its field path, so nothing is synthesised from a config that is only partly right.
 */
export function parseConfig(input: unknown, source = "config"): PrivateApiConfig {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => formatIssue(issue, input));
  const header = problems.length === 1 ? `Invalid ${source}:` : `Invalid ${source} (${problems.length} problems):`;
  throw new ConfigError(`${header}\n${problems.map((p) => `  - ${p}`).join("\n")}`, problems);
}

/** Reads and validates a JSON config file. */
export function loadConfigFile(path: string): PrivateApiConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "read error";
    throw new ConfigError(`Cannot read config file "${path}" (${CONFIG_ENV_VAR}): ${code === "ENOENT" ? "no such file" : code}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`Config file "${path}" is not valid JSON: ${(err as Error).message}`);
  }
  return parseConfig(json, `config file "${path}"`);
}

/** The config file PRIVATE_API_CONFIG names; undefined when the embedded default is in use. */
export function configPathFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env[CONFIG_ENV_VAR];
  return path !== undefined && path.trim() !== "" ? path : undefined;
}

/** The config selected by the environment: the file named by PRIVATE_API_CONFIG, or the embedded default. */
export function loadConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PrivateApiConfig {
  const path = configPathFromEnv(env);
  if (path !== undefined) return loadConfigFile(path);
  return parseConfig(DEFAULT_CONFIG, "embedded default config");
}

/** Whether the environment says this is a CI run (CI set to anything but "", "0" or "false"). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== "" && ci !== "0" && ci !== "false";
}
