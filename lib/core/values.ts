/** Small readers for attribute values as they appear in `cdk.tf.json` and in plan JSON. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A block or list attribute as a list: CDKTF writes a single nested block as an object, plans as a list. */
export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A boolean that may be written as a string (`"false"`, as CDKTF and the provider do for some attributes). */
export function asBool(value: unknown): boolean | undefined {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return undefined;
}

/** A value for a one-line message: strings quoted, long ones cut. */
export function quote(value: unknown): string {
  if (value === undefined) return "not set";
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A value as message text: strings as they are, anything else as JSON. */
export function show(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? typeof value);
}

/** `value`, and everything reachable from it, frozen: a plan or a topology is read-only all the way down. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
