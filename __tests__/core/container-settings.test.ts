import { CONTAINER_USER, isRootUser, nameWords, REFERENCE_WORDS, secretLooking } from "../../lib/core/container-settings";

describe("CONTAINER_USER", () => {
  test.each([
    "1000",
    "1000:1000",
    "app",
    "app:app",
    "app:1000",
    "1000:app",
    "_svc",
    "www-data",
    "node.js",
    "root",
    "0",
    "0:0",
    "4294967294",
  ])("%s is a user ECS accepts", (user) => {
    expect(CONTAINER_USER.test(user)).toBe(true);
  });

  test.each(["", ":", "app:", ":app", "1000:1000:1000", "app user", "-app", "app@example", "a".repeat(33), "12345678901", "app\n"])(
    "%j is refused",
    (user) => {
      expect(CONTAINER_USER.test(user)).toBe(false);
    },
  );
});

describe("isRootUser", () => {
  test.each(["root", "0", "00", "0:0", "root:root", "root:1000", "0:app"])("%s is root", (user) => {
    expect(isRootUser(user)).toBe(true);
  });

  test.each(["1000", "1000:0", "app:root", "rootless", "10", "Root"])("%s is not root (the group does not matter)", (user) => {
    expect(isRootUser(user)).toBe(false);
  });
});

test("nameWords splits on underscores and camelCase, upper-cases, and drops trailing digits", () => {
  expect(nameWords("DB_PASSWORD")).toEqual(["DB", "PASSWORD"]);
  expect(nameWords("dbPassword")).toEqual(["DB", "PASSWORD"]);
  expect(nameWords("JWTSecret2")).toEqual(["JWT", "SECRET"]);
  expect(nameWords("stripeAPIKey")).toEqual(["STRIPE", "API", "KEY"]);
  expect(nameWords("__TOKEN__")).toEqual(["TOKEN"]);
});

describe("secretLooking: names", () => {
  // Each a secret's name as teams write them.
  test.each([
    "PASSWORD",
    "DB_PASSWORD",
    "db_password",
    "dbPassword",
    "SMTP_PASSWD",
    "REDIS_PASS",
    "GPG_PASSPHRASE",
    "JWT_SECRET",
    "CLIENT_SECRET",
    "SECRET_KEY_BASE",
    "GITHUB_TOKEN",
    "authToken",
    "SLACK_TOKENS",
    "API_KEY",
    "STRIPE_API_KEY",
    "APIKEY",
    "stripeApiKey",
    "PRIVATE_KEY",
    "TLS_PRIVATE_KEY",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
    "SSH_KEY",
    "CREDENTIALS",
    "GOOGLE_APPLICATION_CREDENTIAL",
    "DB_CREDS",
    "PASSWORD_HASH",
    "TOKEN_SECRET",
    "SECRET2",
  ])("%s looks like a secret", (name) => {
    expect(secretLooking(name, "s3cr3t")).toBe("name");
  });

  test.each(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA", "aws_access_key_id"])(
    "%s is always a secret, as Security Hub ECS.8 fails it, whatever its value",
    (name) => {
      expect(secretLooking(name, "AKIAIOSFODNN7EXAMPLE")).toBe("name");
      expect(secretLooking(name, "")).toBe("name");
    },
  );

  // Names that hold where a secret is, or how it is handled, not the secret.
  test.each([
    "SECRET_ARN",
    "JWT_SECRET_NAME",
    "SECRET_ID",
    "DB_PASSWORD_FILE",
    "CREDENTIALS_PATH",
    "TOKEN_URL",
    "OAUTH_TOKEN_ENDPOINT",
    "API_KEY_HEADER",
    "TOKEN_TTL",
    "PASSWORD_MIN_LENGTH",
    "TOKEN_TYPE",
    "SECRETS_MANAGER_ENDPOINT",
    "API_KEY_PARAMETER",
    "ENCRYPTION_KEY_ARN",
    "tokenUrl",
  ])("%s names or describes a secret, so it is not one", (name) => {
    expect(secretLooking(name, "s3cr3t")).toBeUndefined();
  });

  // Names with no secret word, or KEY without a kind that makes it one.
  test.each([
    "LOG_LEVEL",
    "NODE_ENV",
    "DB_HOST",
    "S3_KEY",
    "CACHE_KEY",
    "PARTITION_KEY",
    "KEY",
    "PASSAGE",
    "TOKENIZER",
    "BYPASS",
    "CONNECTION_STRING_PARAMETER",
  ])("%s does not look like a secret", (name) => {
    expect(secretLooking(name, "s3cr3t")).toBeUndefined();
  });

  test("every reference word clears a secret name that ends with it", () => {
    expect(REFERENCE_WORDS.length).toBeGreaterThan(20);
    const warned = REFERENCE_WORDS.filter((w) => secretLooking(`DB_PASSWORD_${w}`, "x") !== undefined);
    expect(warned).toEqual([]);
    // ... and only at the end: the same word before the secret word clears nothing.
    const cleared = REFERENCE_WORDS.filter((w) => secretLooking(`${w}_PASSWORD`, "x") === undefined);
    expect(cleared).toEqual([]);
  });
});

describe("secretLooking: values", () => {
  test("an empty value or an ARN holds no secret, whatever the name", () => {
    expect(secretLooking("DB_PASSWORD", "")).toBeUndefined();
    expect(secretLooking("DB_PASSWORD", "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-AbCdEf")).toBeUndefined();
    expect(secretLooking("API_TOKEN", "arn:aws:ssm:eu-west-2:123456789012:parameter/api-token")).toBeUndefined();
  });

  test.each(["postgres://app:hunter2@db.internal:5432/app", "redis://:hunter2@cache:6379/0", "https://user:p%40ss@example.com/"])(
    "a URL with a password (%s) is a secret, whatever the name",
    (value) => {
      expect(secretLooking("DATABASE_URL", value)).toBe("url-with-password");
    },
  );

  test.each(["postgres://app@db.internal:5432/app", "https://example.com/a:b@c", "http://example.com:8080/", "db.internal:5432"])(
    "%s has no password in it",
    (value) => {
      expect(secretLooking("DATABASE_URL", value)).toBeUndefined();
    },
  );
});
