/**
 * The stack's log groups and containers as a whole: every log group takes the config's KMS key and
 * a retention the config sets, and the warnings about containers reach synthesize()'s warnings
 * (what main.ts prints), naming the config's fields.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../lib/config/load";
import type { PrivateApiConfigInput } from "../../lib/config/schema";
import { synthesize } from "../../lib/synth";
import { allConfigs, defaultConfig, exampleConfig } from "../helpers/fixtures";
import { resourcesByPath, synthToTemp, type TerraformJson } from "../helpers/synth";

const keyIn = (region: string) => `arn:aws:kms:${region}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** Every log group of a synthesised config, by construct path: [retention, KMS key]. */
function logGroups(input: PrivateApiConfigInput): Map<string, [unknown, unknown]> {
  const { json } = synthToTemp(input);
  return new Map(
    [...resourcesByPath(json, "aws_cloudwatch_log_group")].map(([path, g]) => [path, [g.attrs.retention_in_days, g.attrs.kms_key_id]]),
  );
}

/** The config with its logs section, its services' retention and its access logs' retention set. */
function withLogSettings(input: PrivateApiConfigInput): PrivateApiConfigInput {
  return {
    ...input,
    logs: { kmsKeyArn: keyIn(input.region), retentionDays: 365 },
    services: input.services.map((s) => ({ ...s, logRetentionDays: 731 })),
    api: { ...input.api, accessLogs: { retentionDays: 90 } },
  };
}

describe("every log group takes the config's KMS key and a retention the config sets", () => {
  test.each(["http-api", "fargate-http-api"])("%s: services' groups and the HTTP API's access logs", (example) => {
    const input = withLogSettings(exampleConfig(example));
    const key = keyIn(input.region);
    const expected = new Map<string, [unknown, unknown]>([
      ...input.services.map((s): [string, [unknown, unknown]] => [`Service-${s.name}/LogGroup`, [731, key]]),
      ["HttpApi/AccessLogs", [90, key]],
      // A created VPC's flow log keeps logs.retentionDays.
      ["Network/FlowLogs", [365, key]],
    ]);
    expect(input.network.type).toBe("create");
    expect(logGroups(input)).toEqual(expected);
  });

  test("alb-bridge-lambda: services' groups and both bridge functions' groups (logs.retentionDays)", () => {
    const input = withLogSettings(exampleConfig("alb-bridge-lambda"));
    const key = keyIn(input.region);
    const groups = logGroups(input);
    expect(groups).toEqual(
      new Map<string, [unknown, unknown]>([
        ...input.services.map((s): [string, [unknown, unknown]] => [`Service-${s.name}/LogGroup`, [731, key]]),
        ["AlbBridge/SyncFunction/LogGroup", [365, key]],
        ["AlbBridge/IngressFunction/LogGroup", [365, key]],
        // The REST API's: access logs keep api.accessLogs.retentionDays; execution logs and the web ACL's, logs.retentionDays.
        ["Api/AccessLogs", [90, key]],
        ["Api/ExecutionLogs", [365, key]],
        ["Api/WebAcl/Logs", [365, key]],
      ]),
    );
  });
});

describe("container warnings reach synthesize()'s warnings", () => {
  const synthWarnings = (input: unknown) => synthesize(parseConfig(input), mkdtempSync(join(tmpdir(), "logs-warn-"))).warnings;

  test("a root user and a secret-looking variable each get one, naming the config's field, on the service's task definition", () => {
    const input = defaultConfig();
    input.services[1] = { ...input.services[1], user: "root", environment: { LOG_LEVEL: "info", STRIPE_API_KEY: "sk_live_value" } };
    const warnings = synthWarnings(input);
    expect(warnings.map((w) => w.path)).toEqual([
      "private-api/Service-inventory/TaskDefinition",
      "private-api/Service-inventory/TaskDefinition",
    ]);
    expect(warnings.map((w) => w.message.split(" ").slice(0, 3).join(" "))).toEqual([
      'services[1].user "root" runs',
      "services[1].environment.STRIPE_API_KEY looks like",
    ]);
    expect(warnings[1].message).toContain("give its ARN in services[1].secrets instead");
    expect(warnings.filter((w) => w.message.includes("sk_live_value"))).toEqual([]);
  });
});

/** The examples that encrypt their log groups with a customer-managed key. */
const KEYED_EXAMPLES = ["examples/production-service.json"];

describe("the default config and every example, as they are", () => {
  // Each synthesised once: its Terraform JSON and its warnings.
  const configs = allConfigs().map(([name, input]) => {
    const outdir = mkdtempSync(join(tmpdir(), "logs-all-"));
    const config = parseConfig(input);
    const { warnings } = synthesize(config, outdir);
    const json = JSON.parse(readFileSync(join(outdir, "stacks", config.name, "cdk.tf.json"), "utf8")) as TerraformJson;
    return { name, config, json, warnings };
  });

  test("a log group has a KMS key exactly when the config has logs.kmsKeyArn, and then it is that key", () => {
    expect(configs.length).toBeGreaterThan(10);
    const wrong = configs.flatMap(({ name, config, json }) =>
      [...resourcesByPath(json, "aws_cloudwatch_log_group")]
        .filter(([, g]) => g.attrs.kms_key_id !== config.logs.kmsKeyArn)
        .map(([path, g]) => `${name} ${path}: ${String(g.attrs.kms_key_id)}`),
    );
    expect(wrong).toEqual([]);
    expect(configs.filter(({ config }) => config.logs.kmsKeyArn !== undefined).map(({ name }) => name)).toEqual(KEYED_EXAMPLES);
  });

  test("no container warning", () => {
    expect(configs.length).toBeGreaterThan(10);
    const container = configs.flatMap(({ name, warnings }) =>
      warnings.filter((w) => /\/TaskDefinition$/.test(w.path)).map((w) => `${name}: ${w.message}`),
    );
    expect(container).toEqual([]);
  });
});
