/**
 * What a container's settings say about its security, read the same way by the config (the shape
 * of `services[].user`) and by the service constructs (their warnings): who the container runs as,
 * and which plain environment variables look like they hold a secret.
 */

/** A user name or group name in a container's `user`, as Linux and Docker accept them. */
const NAME = "[A-Za-z_][A-Za-z0-9_.-]{0,31}";
/** A numeric uid or gid. */
const ID = "[0-9]{1,10}";

/**
 * The shapes ECS accepts for a Linux container's `user`: `user`, `user:group`, `uid`, `uid:gid`,
 * `user:gid` and `uid:group`.
 */
export const CONTAINER_USER = new RegExp(`^(${NAME}|${ID})(:(${NAME}|${ID}))?$`);

/** Whether a `user` (of the CONTAINER_USER shape) runs the container as root: the user `root` or uid 0, whatever the group. */
export function isRootUser(user: string): boolean {
  const name = user.split(":")[0];
  return name === "root" || /^0+$/.test(name);
}

/**
 * Names Security Hub's ECS.8 fails in any container's environment (its `secretKeys`, not
 * customisable): always a secret here too, whatever the words below say.
 */
const ALWAYS_SECRET = new Set(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"]);

/** Words that make a name look like a secret on their own (after splitting on `_` and camelCase, upper-cased). */
const SECRET_WORDS = new Set([
  "PASSWORD",
  "PASSWORDS",
  "PASSWD",
  "PASS",
  "PASSPHRASE",
  "SECRET",
  "SECRETS",
  "TOKEN",
  "TOKENS",
  "CREDENTIAL",
  "CREDENTIALS",
  "CREDS",
  "APIKEY",
  "ACCESSKEY",
  "SECRETKEY",
  "PRIVATEKEY",
  "AUTHTOKEN",
]);

/** Words that make the next word `KEY` a secret: `API_KEY`, `PRIVATE_KEY`, `SIGNING_KEY`, ... A bare `KEY` is not (S3 keys, cache keys). */
const KEY_KINDS = new Set([
  "API",
  "ACCESS",
  "PRIVATE",
  "SIGNING",
  "ENCRYPTION",
  "MASTER",
  "HMAC",
  "SESSION",
  "AUTH",
  "LICENSE",
  "ACCOUNT",
  "SSH",
]);

/**
 * Last words that make the name hold something about a secret rather than the secret: where it is
 * (`SECRET_ARN`, `DB_PASSWORD_FILE`, `TOKEN_URL`) or how it is handled (`TOKEN_TTL`,
 * `PASSWORD_MIN_LENGTH`, `API_KEY_HEADER`).
 */
export const REFERENCE_WORDS: readonly string[] = [
  // where the secret is
  "ARN",
  "NAME",
  "ID",
  "FILE",
  "PATH",
  "DIR",
  "URL",
  "URI",
  "ENDPOINT",
  "HOST",
  "PARAMETER",
  "PARAM",
  "REF",
  "LOCATION",
  // how it is handled
  "TTL",
  "EXPIRY",
  "EXPIRES",
  "EXPIRATION",
  "LIFETIME",
  "TIMEOUT",
  "LENGTH",
  "HEADER",
  "TYPE",
  "ALGORITHM",
  "ISSUER",
  "AUDIENCE",
  "VERSION",
  "ENABLED",
  "DISABLED",
  "REQUIRED",
  "POLICY",
  "FORMAT",
  "MODE",
  "SCOPE",
  "SCOPES",
];
const REFERENCE = new Set(REFERENCE_WORDS);

/** `dbPassword`, `DB_PASSWORD`, `JWTSecret2` -> their upper-case words, trailing digits dropped: `DB PASSWORD`, `JWT SECRET`. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toUpperCase()
    .split("_")
    .map((w) => w.replace(/[0-9]+$/, ""))
    .filter((w) => w !== "");
}

/** A URL with a password in it: `postgres://app:hunter2@db:5432/app`. */
const URL_WITH_PASSWORD = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@\s:]*:[^/?#@\s]+@/;

/** Why a plain environment variable looks like it holds a secret. */
export type SecretLooking = "name" | "url-with-password";

/**
 * Whether a plain environment variable looks like it holds a secret, and why: its name (a word such
 * as PASSWORD, SECRET, TOKEN or API_KEY, unless its last word says it holds a reference or a
 * setting, as SECRET_ARN or TOKEN_TTL do; the three names Security Hub's ECS.8 fails always), or
 * its value (a URL with a password in it). An empty value or an ARN holds no secret. Undefined
 * when it does not look like one.
 */
export function secretLooking(name: string, value: string): SecretLooking | undefined {
  if (ALWAYS_SECRET.has(name.toUpperCase())) return "name";
  if (value === "" || value.startsWith("arn:")) return undefined;
  if (URL_WITH_PASSWORD.test(value)) return "url-with-password";
  const words = nameWords(name);
  if (words.length === 0 || REFERENCE.has(words[words.length - 1])) return undefined;
  const secret = words.some((w, i) => SECRET_WORDS.has(w) || (w === "KEY" && i > 0 && KEY_KINDS.has(words[i - 1])));
  return secret ? "name" : undefined;
}
