/**
 * API route paths: parsing and the resource tree API Gateway needs. Used both by config
 * validation and by the REST API construct, so both agree on what a path means.
 */

export interface PathSegment {
  /** The segment as API Gateway's path_part: `orders`, `{id}` or `{proxy+}`. */
  readonly part: string;
  /** Name of the path parameter, for `{id}` and `{proxy+}` segments. */
  readonly parameter?: string;
  readonly greedy: boolean;
}

const LITERAL = /^[A-Za-z0-9._~-]+$/;
const PARAMETER = /^\{([A-Za-z_][A-Za-z0-9_]*)(\+?)\}$/;

/**
 * Splits a route path into segments, or returns a message saying what is wrong with it.
 * `/` is the root resource and has no segments.
 */
export function parseRoutePath(path: string): PathSegment[] | string {
  if (!path.startsWith("/")) return "must start with /";
  if (path === "/") return [];
  if (path.endsWith("/")) return "must not end with /";
  const segments: PathSegment[] = [];
  const parts = path.slice(1).split("/");
  for (const [i, part] of parts.entries()) {
    if (part === "") return "must not contain an empty segment (//)";
    const param = PARAMETER.exec(part);
    if (param) {
      const greedy = param[2] === "+";
      if (greedy && i !== parts.length - 1) return `greedy segment ${part} must be the last segment`;
      segments.push({ part, parameter: param[1], greedy });
    } else if (LITERAL.test(part)) {
      segments.push({ part, greedy: false });
    } else {
      return `segment "${part}" must be letters, digits, . _ ~ - or a {parameter} / {parameter+}`;
    }
  }
  return segments;
}

/** The backend path for an integration URI: `{proxy+}` becomes `{proxy}`. */
export function integrationPath(segments: readonly PathSegment[]): string {
  return "/" + segments.map((s) => (s.parameter ? `{${s.parameter}}` : s.part)).join("/");
}

/**
 * The ALB path pattern that matches what a route matches: each parameter segment becomes a `*`
 * wildcard, which in an ALB pattern also spans slashes, as a greedy parameter does.
 * For example `/orders/{id}` gives `/orders/*`.
 */
export function albPathPattern(segments: readonly PathSegment[]): string {
  return "/" + segments.map((s) => (s.parameter ? "*" : s.part)).join("/");
}

/**
 * A stable identifier for a path, used in construct ids (and so in Terraform addresses):
 * `/orders/{id}` -> `orders:{id}`, `/` -> `(root)`. It is one-to-one: literal segments cannot
 * contain `:`, braces or parentheses, so no two paths share an id (`/a/b` and `/a_b`,
 * `/inventory/{sku}` and `/inventory/sku` all differ).
 */
export function pathId(segments: readonly PathSegment[]): string {
  if (segments.length === 0) return "(root)";
  return segments.map((s) => s.part).join(":");
}
