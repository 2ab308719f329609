import type { PrivateApiConfig } from "../config/schema";

/**
 * A config string as a Terraform literal. Terraform reads every string of a JSON configuration
 * (arguments, map keys, import ids; not backend settings) as a template: `${...}` interpolates and
 * `%{...}` is a directive. So an environment value such as `${DB_HOST}` would be a reference to a
 * resource type "DB_HOST", and fail. Written as `$${` and `%%{` they stay literal, and AWS gets
 * exactly what the config says.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/([$%])\{/g, "$1$1{");
}

function literalDeep<T>(value: T): T {
  if (typeof value === "string") return terraformLiteral(value) as T;
  if (Array.isArray(value)) return value.map(literalDeep) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [terraformLiteral(k), literalDeep(v)])) as T;
  }
  return value;
}

/**
 * The config with every string that becomes a resource or provider argument written as a
 * Terraform literal. Names, ports and paths cannot contain `${` or `%{` (their patterns forbid
 * it), so they are unchanged; free text (tags, images, environment values, descriptions, health
 * check paths, authorizer settings, ...) is escaped. Left as written: `backend` (Terraform does
 * not read backend settings as templates), `adopt` (its ids are escaped where the import blocks
 * are made, after their format is checked) and `renames` (names only).
 */
export function withTerraformLiterals(cfg: PrivateApiConfig): PrivateApiConfig {
  const { backend, adopt, renames, ...rest } = cfg;
  return { ...literalDeep(rest), backend, adopt, renames };
}
