/**
 * The config's secrets, task roles and container settings: what is accepted, with which defaults,
 * and one clear error per problem, naming the field and the value.
 */
import { parseConfig } from "../../lib/config/load";
import { configErrorOf, defaultConfig } from "../helpers/fixtures";

type Config = ReturnType<typeof defaultConfig>;
type Service = Config["services"][number];

const SECRET = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:orders/db-AbCdEf";
const PARAMETER = "arn:aws:ssm:eu-west-2:123456789012:parameter/orders/api-key";
const KMS_KEY = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** The default config with its first service (orders) changed. */
function withOrders(change: Partial<Service>): Config {
  const cfg = defaultConfig();
  cfg.services[0] = { ...cfg.services[0], ...change };
  return cfg;
}

describe("valid secrets, task roles and container settings", () => {
  test("whole secret and parameter ARNs, a JSON key, a KMS key, a task role and every container setting are accepted", () => {
    // WHEN
    const svc = parseConfig(
      withOrders({
        secrets: { DB_PASSWORD: `${SECRET}:password::`, DB_URL: SECRET, API_KEY: PARAMETER },
        secretsKmsKeyArn: KMS_KEY,
        taskRole: {
          managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::123456789012:policy/teams/orders-reader"],
          statements: [
            { actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:eu-west-2:123456789012:orders"] },
            { actions: ["ec2:Describe*", "s3:ListAllMyBuckets"], resources: ["*"] },
          ],
        },
        command: ["serve", "--port", "8080"],
        entryPoint: ["/usr/bin/tini", "--"],
        containerHealthCheck: { command: ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"] },
        stopTimeout: 60,
        readonlyRootFilesystem: true,
        memory: 1024,
        memoryReservation: 512,
        user: "1000:1000",
      }),
    ).services[0];
    // THEN the health check gets ECS's defaults
    expect(svc.containerHealthCheck).toEqual({
      command: ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"],
      intervalSeconds: 30,
      timeoutSeconds: 5,
      retries: 3,
      startPeriodSeconds: 0,
    });
    expect(Object.keys(svc.secrets)).toEqual(["DB_PASSWORD", "DB_URL", "API_KEY"]);
    expect(svc.user).toBe("1000:1000");
  });

  test.each(["1000", "app", "app:app", "1000:app", "root", "0:0"])(
    "user %s is accepted (root too: it gets a warning, not an error)",
    (user) => {
      expect(parseConfig(withOrders({ user })).services[0].user).toBe(user);
    },
  );

  test("left out, a service has no secrets and none of the settings", () => {
    // WHEN
    const svc = parseConfig(defaultConfig()).services[0];
    // THEN
    expect(svc.secrets).toEqual({});
    for (const field of [
      "secretsKmsKeyArn",
      "taskRole",
      "command",
      "entryPoint",
      "containerHealthCheck",
      "stopTimeout",
      "readonlyRootFilesystem",
      "memoryReservation",
      "user",
    ] as const) {
      expect(svc[field]).toBeUndefined();
    }
  });
});

describe("bad secrets, task roles and container settings name the field and the value", () => {
  const cases: [string, Partial<Service>, RegExp][] = [
    [
      "a secret's name instead of its ARN",
      { secrets: { DB_PASSWORD: "orders/db" } },
      /^services\[0\]\.secrets\.DB_PASSWORD: must be a whole Secrets Manager secret ARN, .* such as arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-AbCdEf .* \(got "orders\/db"\)$/,
    ],
    [
      "a partial secret ARN (without the 6 characters after the name)",
      { secrets: { DB_PASSWORD: "arn:aws:secretsmanager:eu-west-2:123456789012:secret:orders/db" } },
      /^services\[0\]\.secrets\.DB_PASSWORD: must be a whole Secrets Manager secret ARN.*\(got "arn:aws:secretsmanager:eu-west-2:123456789012:secret:orders\/db"\)$/,
    ],
    [
      "a JSON key without its version fields",
      { secrets: { DB_PASSWORD: `${SECRET}:password` } },
      /^services\[0\]\.secrets\.DB_PASSWORD: must be a whole Secrets Manager secret ARN/,
    ],
    [
      "a parameter name instead of its ARN",
      { secrets: { API_KEY: "/orders/api-key" } },
      /^services\[0\]\.secrets\.API_KEY: .*arn:aws:ssm:eu-west-2:123456789012:parameter\/prod\/db-password \(got "\/orders\/api-key"\)$/,
    ],
    [
      "a secret whose name is no environment variable name",
      { secrets: { "db-password": SECRET } },
      /^services\[0\]\.secrets: environment variable names must match \[A-Za-z_\]\[A-Za-z0-9_\]\* \(got key "db-password"\)$/,
    ],
    [
      "a name in both environment and secrets",
      { environment: { DB_PASSWORD: "hunter2" }, secrets: { DB_PASSWORD: SECRET } },
      /^services\[0\]\.secrets\.DB_PASSWORD: DB_PASSWORD is in both services\[0\]\.environment and services\[0\]\.secrets/,
    ],
    [
      "a KMS alias instead of a key ARN",
      { secrets: { DB_PASSWORD: SECRET }, secretsKmsKeyArn: "arn:aws:kms:eu-west-2:123456789012:alias/orders" },
      /^services\[0\]\.secretsKmsKeyArn: must be a KMS key ARN such as arn:aws:kms:.*\(got "arn:aws:kms:eu-west-2:123456789012:alias\/orders"\)$/,
    ],
    [
      "a KMS key without secrets",
      { secretsKmsKeyArn: KMS_KEY },
      /^services\[0\]\.secretsKmsKeyArn: arn:aws:kms:eu-west-2:123456789012:key\/1234abcd-12ab-34cd-56ef-1234567890ab would only be used to decrypt secrets, and service "orders" has none/,
    ],
    [
      "a managed policy that is not an IAM policy ARN",
      { taskRole: { managedPolicyArns: ["AmazonS3ReadOnlyAccess"] } },
      /^services\[0\]\.taskRole\.managedPolicyArns\[0\]: must be a managed IAM policy ARN such as arn:aws:iam::aws:policy\/AmazonS3ReadOnlyAccess \(got "AmazonS3ReadOnlyAccess"\)$/,
    ],
    [
      "a managed policy listed twice",
      {
        taskRole: {
          managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        },
      },
      /^services\[0\]\.taskRole\.managedPolicyArns\[1\]: arn:aws:iam::aws:policy\/AmazonS3ReadOnlyAccess names the same policy as services\[0\]\.taskRole\.managedPolicyArns\[0\]/,
    ],
    [
      "a service wildcard action",
      { taskRole: { statements: [{ actions: ["s3:*"], resources: ["arn:aws:s3:::orders/*"] }] } },
      /^services\[0\]\.taskRole\.statements\[0\]: the statement allows every s3 action \("s3:\*"\) \(the iam-least-privilege rule of npm run check\)$/,
    ],
    [
      "a write wildcard",
      { taskRole: { statements: [{ actions: ["s3:Put*"], resources: ["arn:aws:s3:::orders/*"] }] } },
      /^services\[0\]\.taskRole\.statements\[0\]: the statement allows the wildcard action "s3:Put\*", which matches actions that change things/,
    ],
    [
      "a write action on Resource *",
      {
        taskRole: {
          statements: [
            { actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:eu-west-2:123456789012:orders"] },
            { actions: ["s3:GetObject", "sqs:SendMessage"], resources: ["*"] },
          ],
        },
      },
      /^services\[0\]\.taskRole\.statements\[1\]: the statement allows sqs:SendMessage on Resource "\*" \(only Describe\/List\/Get\/BatchGet actions may be\)/,
    ],
    [
      "every action",
      { taskRole: { statements: [{ actions: ["*"], resources: ["*"] }] } },
      /^services\[0\]\.taskRole\.statements\[0\]: the statement allows every action \("\*"\)/,
    ],
    [
      "an action that is no IAM action",
      { taskRole: { statements: [{ actions: ["GetObject"], resources: ["*"] }] } },
      /^services\[0\]\.taskRole\.statements\[0\]\.actions\[0\]: must be an IAM action such as s3:GetObject \(got "GetObject"\)$/,
    ],
    [
      "a resource that is no ARN",
      { taskRole: { statements: [{ actions: ["s3:GetObject"], resources: ["orders-bucket"] }] } },
      /^services\[0\]\.taskRole\.statements\[0\]\.resources\[0\]: must be an ARN, or \* for read-only actions \(got "orders-bucket"\)$/,
    ],
    [
      "a statement with an effect",
      { taskRole: { statements: [{ actions: ["s3:GetObject"], resources: ["*"], effect: "Deny" } as never] } },
      /^services\[0\]\.taskRole\.statements\[0\]: unknown field\(s\) "effect"$/,
    ],
    [
      "a health check command without CMD or CMD-SHELL",
      { containerHealthCheck: { command: ["curl -f http://localhost:8080/health"] } },
      /^services\[0\]\.containerHealthCheck\.command: must start with "CMD" .* or "CMD-SHELL"/,
    ],
    [
      "a health check interval below 5 seconds",
      { containerHealthCheck: { command: ["CMD", "/bin/check"], intervalSeconds: 4 } },
      /^services\[0\]\.containerHealthCheck\.intervalSeconds: .* \(got 4\)$/,
    ],
    [
      "a health check timeout above 60 seconds",
      { containerHealthCheck: { command: ["CMD", "/bin/check"], timeoutSeconds: 61 } },
      /^services\[0\]\.containerHealthCheck\.timeoutSeconds: .* \(got 61\)$/,
    ],
    [
      "no retries",
      { containerHealthCheck: { command: ["CMD", "/bin/check"], retries: 0 } },
      /^services\[0\]\.containerHealthCheck\.retries: .* \(got 0\)$/,
    ],
    [
      "a start period above 300 seconds",
      { containerHealthCheck: { command: ["CMD", "/bin/check"], startPeriodSeconds: 301 } },
      /^services\[0\]\.containerHealthCheck\.startPeriodSeconds: .* \(got 301\)$/,
    ],
    ["an empty command", { command: [] }, /^services\[0\]\.command: .* \(got \[\]\)$/],
    ["a stop timeout above 120 seconds", { stopTimeout: 121 }, /^services\[0\]\.stopTimeout: .* \(got 121\)$/],
    ["a stop timeout below 2 seconds", { stopTimeout: 1 }, /^services\[0\]\.stopTimeout: .* \(got 1\)$/],
    [
      "a memory reservation equal to the hard limit",
      { memory: 512, memoryReservation: 512 },
      /^services\[0\]\.memoryReservation: memoryReservation 512 MiB must be less than memory 512 MiB, the hard limit/,
    ],
    [
      "a memory reservation above the default hard limit",
      { memoryReservation: 1024 },
      /^services\[0\]\.memoryReservation: memoryReservation 1024 MiB must be less than memory 512 MiB/,
    ],
    [
      "a user with a space",
      { user: "app user" },
      /^services\[0\]\.user: must be a user name or uid, optionally with a group name or gid: 1000, 1000:1000, app or app:app \(got "app user"\)$/,
    ],
    ["a user with an empty group", { user: "1000:" }, /^services\[0\]\.user: must be a user name or uid.* \(got "1000:"\)$/],
    ["a user with three parts", { user: "1000:1000:1000" }, /^services\[0\]\.user: must be a user name or uid.* \(got "1000:1000:1000"\)$/],
  ];

  test.each(cases)("%s", (_label, change, message) => {
    // WHEN
    const error = configErrorOf(() => parseConfig(withOrders(change)));
    // THEN exactly one problem, and it says what and where
    const problems = error.split("\n").slice(1);
    expect(problems).toHaveLength(1);
    expect(problems[0].replace(/^ {2}- /, "")).toMatch(message);
  });
});
