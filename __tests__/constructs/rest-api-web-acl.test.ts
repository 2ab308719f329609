import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import {
  DEFAULT_WEB_ACL_RATE_LIMIT,
  RATE_LIMIT_RULE_NAME,
  RestApiWebAcl,
  WEB_ACL_MANAGED_RULE_GROUPS,
  WEB_ACL_REDACTED_HEADERS,
  type RestApiWebAclProps,
} from "../../lib/constructs/rest-api-web-acl";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const STAGE_ARN = "arn:aws:apigateway:eu-west-2::/restapis/a1b2c3d4e5/stages/v1";
const EXISTING = "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/central/a1b2c3d4-5678-90ab-cdef-111122223333";

interface Built {
  readonly acl: RestApiWebAcl;
  readonly json: TerraformJson;
}

function build(props: Partial<RestApiWebAclProps> = {}): Built {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const acl = new RestApiWebAcl(stack, "WebAcl", { name: "shop", stageArn: STAGE_ARN, ...props });
  return { acl, json: JSON.parse(Testing.synth(stack, true)) as TerraformJson };
}

/** The only resource of a type, as [logical id, attributes]. */
function only(json: TerraformJson, type: string): [string, Record<string, unknown>] {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return all[0];
}

type Rule = {
  name: string;
  priority: number;
  action?: unknown;
  override_action?: unknown;
  statement: Record<string, Record<string, unknown>>;
  visibility_config: unknown;
};
const rulesOf = (json: TerraformJson): Rule[] => only(json, "aws_wafv2_web_acl")[1].rule as Rule[];

/** Every warning annotation in the construct's subtree. */
function warningsOf(acl: RestApiWebAcl): string[] {
  return acl.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data)));
}

describe("RestApiWebAcl, by default a web ACL of its own", () => {
  test("a regional web ACL named <name>-api that allows what no rule blocks, with metrics and samples", () => {
    // WHEN
    const { json } = build();
    // THEN
    const [, acl] = only(json, "aws_wafv2_web_acl");
    expect(acl).toMatchObject({
      name: "shop-api",
      scope: "REGIONAL",
      default_action: { allow: {} },
      visibility_config: { cloudwatch_metrics_enabled: true, metric_name: "shop-api", sampled_requests_enabled: true },
    });
  });

  test("the IP reputation list, the rate-based rule, the core rule set and the known bad inputs, in that order", () => {
    // WHEN
    const rules = rulesOf(build().json).sort((a, b) => a.priority - b.priority);
    // THEN
    expect(rules.map((r) => [r.priority, r.name])).toEqual([
      [0, "AWSManagedRulesAmazonIpReputationList"],
      [1, RATE_LIMIT_RULE_NAME],
      [2, "AWSManagedRulesCommonRuleSet"],
      [3, "AWSManagedRulesKnownBadInputsRuleSet"],
    ]);
    // Each rule has its own metric and sampled requests.
    for (const rule of rules) {
      expect(rule.visibility_config).toEqual({ cloudwatch_metrics_enabled: true, metric_name: rule.name, sampled_requests_enabled: true });
    }
  });

  test("the managed groups are AWS's, and keep their own actions (override none): they block", () => {
    // WHEN
    const managed = rulesOf(build().json).filter((r) => r.statement.managed_rule_group_statement !== undefined);
    // THEN
    expect(managed.map((r) => r.name)).toEqual([...WEB_ACL_MANAGED_RULE_GROUPS]);
    for (const rule of managed) {
      expect(rule.override_action).toEqual({ none: {} });
      expect(rule.action).toBeUndefined();
      expect(rule.statement.managed_rule_group_statement).toEqual({ vendor_name: "AWS", name: rule.name });
    }
  });

  test.each([
    ["the default", undefined, DEFAULT_WEB_ACL_RATE_LIMIT],
    ["a configured", 500, 500],
  ])("%s rate limit blocks a client IP past it in 5 minutes", (_what, rateLimit, limit) => {
    // WHEN
    const { json } = build({ webAcl: { mode: "create", rateLimit } });
    // THEN
    const rate = rulesOf(json).find((r) => r.name === RATE_LIMIT_RULE_NAME);
    expect(rate?.action).toEqual({ block: {} });
    expect(rate?.statement).toEqual({ rate_based_statement: { limit, aggregate_key_type: "IP", evaluation_window_sec: 300 } });
    expect(DEFAULT_WEB_ACL_RATE_LIMIT).toBe(2000);
  });

  test("logs every request to aws-waf-logs-<name>, kept 30 days, without the Authorization and X-API-Key headers", () => {
    // WHEN
    const { json } = build();
    // THEN
    const [groupId, group] = only(json, "aws_cloudwatch_log_group");
    expect(group).toMatchObject({ name: "aws-waf-logs-shop", retention_in_days: 30 });
    expect(group.kms_key_id).toBeUndefined();
    const [aclId] = only(json, "aws_wafv2_web_acl");
    const [, logging] = only(json, "aws_wafv2_web_acl_logging_configuration");
    expect(logging).toMatchObject({
      resource_arn: `\${aws_wafv2_web_acl.${aclId}.arn}`,
      log_destination_configs: [`\${aws_cloudwatch_log_group.${groupId}.arn}`],
      redacted_fields: [{ single_header: { name: "authorization" } }, { single_header: { name: "x-api-key" } }],
    });
    expect(logging.logging_filter).toBeUndefined();
    expect([...WEB_ACL_REDACTED_HEADERS]).toEqual(["authorization", "x-api-key"]);
  });

  test("its log group takes the KMS key and the retention of `logs`", () => {
    // WHEN
    const kmsKeyArn = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { json } = build({ logs: { kmsKeyArn, retentionDays: 365 } });
    // THEN
    const [, group] = only(json, "aws_cloudwatch_log_group");
    expect(group).toMatchObject({ name: "aws-waf-logs-shop", retention_in_days: 365, kms_key_id: kmsKeyArn });
  });

  test("is associated with the stage", () => {
    // WHEN
    const { acl, json } = build();
    // THEN
    const [aclId] = only(json, "aws_wafv2_web_acl");
    const [, association] = only(json, "aws_wafv2_web_acl_association");
    expect(association).toMatchObject({ resource_arn: STAGE_ARN, web_acl_arn: `\${aws_wafv2_web_acl.${aclId}.arn}` });
    expect(acl.webAcl).toBeDefined();
  });

  test("construct ids, which are Terraform addresses: Resource, Logs, Logging, Association", () => {
    const { acl } = build();
    expect(acl.node.children.map((c) => c.node.id).sort()).toEqual(["Association", "Logging", "Logs", "Resource"]);
  });

  test("no warning unless a rule only counts", () => {
    expect(warningsOf(build().acl)).toEqual([]);
  });
});

describe("countRules", () => {
  test("set the named rules of a managed group to count, and warn at synth", () => {
    // WHEN
    const { acl, json } = build({
      webAcl: { mode: "create", countRules: { AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY", "NoUserAgent_HEADER"] } },
    });
    // THEN
    const rules = rulesOf(json);
    const common = rules.find((r) => r.name === "AWSManagedRulesCommonRuleSet");
    expect(common?.statement.managed_rule_group_statement.rule_action_override).toEqual([
      { name: "SizeRestrictions_BODY", action_to_use: { count: {} } },
      { name: "NoUserAgent_HEADER", action_to_use: { count: {} } },
    ]);
    // The group itself keeps blocking; the other groups are untouched.
    expect(common?.override_action).toEqual({ none: {} });
    const others = rules.filter((r) => r.name !== "AWSManagedRulesCommonRuleSet" && r.statement.managed_rule_group_statement);
    expect(others).toHaveLength(2);
    for (const rule of others) expect(rule.statement.managed_rule_group_statement.rule_action_override).toBeUndefined();
    expect(warningsOf(acl)).toEqual([
      "Web ACL shop-api: AWSManagedRulesCommonRuleSet/SizeRestrictions_BODY, AWSManagedRulesCommonRuleSet/NoUserAgent_HEADER only count what they match and let it through (countRules). This was chosen explicitly in the config.",
    ]);
  });
});

describe("an existing web ACL", () => {
  test("is only associated with the stage: no web ACL, log group or logging of the stack's", () => {
    // WHEN
    const { acl, json } = build({ webAcl: { mode: "existing", arn: EXISTING } });
    // THEN
    expect(Object.keys(json.resource)).toEqual(["aws_wafv2_web_acl_association"]);
    const [, association] = only(json, "aws_wafv2_web_acl_association");
    expect(association).toMatchObject({ resource_arn: STAGE_ARN, web_acl_arn: EXISTING });
    expect(acl.webAclArn).toBe(EXISTING);
    expect(acl.webAcl).toBeUndefined();
    expect(acl.node.children.map((c) => c.node.id)).toEqual(["Association"]);
  });
});
