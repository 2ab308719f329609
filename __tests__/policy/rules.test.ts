/**
 * Every rule of the policy check fires on a fabricated bad resource and stays quiet on a good one,
 * both in a synthesised stack (cdk.tf.json) and in a plan (terraform show -json).
 */
import { checkPlan, checkSynth, RULE_REFERENCES, RULES, type PlanJson, type RuleId } from "../../lib/policy";
import { show } from "../../lib/core/values";
import { defaultConfig, exampleConfig, ledgerOf } from "../helpers/fixtures";
import { resourcesByPath, synthToTemp, type TerraformJson } from "../helpers/synth";

/** The day the runtime rule is judged on in these tests (nodejs20.x is past its date, nodejs22.x is not). */
const NOW = new Date("2026-11-22T12:00:00Z");

type Attrs = Record<string, unknown>;

/** A synthesised stack with one resource `<type>.subject`, plus `extra` resources. */
function stack(type: string, attrs: Attrs, extra: Record<string, Record<string, Attrs>> = {}) {
  return { resource: { ...extra, [type]: { ...(extra[type] ?? {}), subject: attrs } } };
}

/** A plan that creates one resource `<type>.subject` with `after`. */
function plan(type: string, after: Attrs, afterUnknown: Attrs = {}): PlanJson {
  return {
    format_version: "1.2",
    terraform_version: "1.11.4",
    resource_changes: [
      {
        address: `${type}.subject`,
        mode: "managed",
        type,
        name: "subject",
        change: { actions: ["create"], after, after_unknown: afterUnknown },
      },
    ],
  };
}

interface Case {
  readonly rule: RuleId;
  readonly type: string;
  readonly bad: Attrs;
  /** Absent where the resource type itself is the finding. */
  readonly good?: Attrs;
  /** Resources the good case needs beside it in a synthesised stack. */
  readonly extra?: Record<string, Record<string, Attrs>>;
  /** The good case in a plan, where it differs (a plan shows booleans and defaults as the provider has them). */
  readonly goodInPlan?: Attrs;
}

const policy = (statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
/** `{ policy }` with one Allow statement. */
const allowing = (statement: Attrs) => ({ policy: policy([{ Effect: "Allow", ...statement }]) });

/** One case: `bad` breaks `rule`, `good` (absent where the type itself is the finding) does not. */
const kase = (rule: RuleId, type: string, bad: Attrs, good?: Attrs, more: Pick<Case, "extra" | "goodInPlan"> = {}): Case => ({
  rule,
  type,
  bad,
  good,
  ...more,
});

/** `metadata_options` of a launch template or configuration. */
const imds = (tokens: string, hopLimit: number | string) => ({
  metadata_options: { http_endpoint: "enabled", http_tokens: tokens, http_put_response_hop_limit: hopLimit },
});
/** IMDSv2 only, hop limit 1: what the imds-hop-limit rule asks of every launch template and configuration. */
const IMDS_V2_HOP_1 = imds("required", 1);
/** A launch template interface without a public IP, so that only the IMDS rule can fire. */
const PRIVATE_NIC = { network_interfaces: [{ associate_public_ip_address: "false" }] };

/** An iam-least-privilege case: one Allow statement that breaks the rule, one that does not. */
const iam = (type: string, bad: Attrs, good: Attrs) => kase("iam-least-privilege", type, allowing(bad), allowing(good));

/** What the lb-deletion-protection rule asks of every load balancer, so other rules' cases on one stay about their rule. */
const LB_PROTECTED = { enable_deletion_protection: true } as const;
/** What the alb-header-hardening and lb-deletion-protection rules ask of an application load balancer, for the same reason. */
const ALB_HARDENED = { drop_invalid_header_fields: true, desync_mitigation_mode: "defensive", ...LB_PROTECTED } as const;

const CASES: readonly Case[] = [
  kase("internal-load-balancers", "aws_lb", { internal: false, ...ALB_HARDENED }, { internal: true, ...ALB_HARDENED }),
  kase("internal-load-balancers", "aws_alb", { ...ALB_HARDENED }, { internal: true, ...ALB_HARDENED }),
  kase("internal-load-balancers", "aws_elb", { internal: "false" }, { internal: "true" }),
  kase(
    "no-open-ingress",
    "aws_vpc_security_group_ingress_rule",
    { cidr_ipv4: "0.0.0.0/0", ip_protocol: "tcp", from_port: 443, to_port: 443 },
    { cidr_ipv4: "10.0.0.0/16", ip_protocol: "tcp", from_port: 443, to_port: 443 },
  ),
  kase("no-open-ingress", "aws_vpc_security_group_ingress_rule", { cidr_ipv6: "::/0", ip_protocol: "-1" }, { cidr_ipv6: "fd00::/8" }),
  kase(
    "no-open-ingress",
    "aws_security_group_rule",
    { type: "ingress", cidr_blocks: ["10.0.0.0/8", "0.0.0.0/0"], protocol: "tcp", from_port: 0, to_port: 65535 },
    { type: "egress", cidr_blocks: ["0.0.0.0/0"], protocol: "-1", from_port: 0, to_port: 0 },
  ),
  kase(
    "no-open-ingress",
    "aws_security_group",
    { ingress: [{ cidr_blocks: ["10.0.0.0/8"], ipv6_cidr_blocks: ["::/0"], protocol: "tcp", from_port: 22, to_port: 22 }] },
    {
      ingress: [{ cidr_blocks: ["10.0.0.0/8"], protocol: "tcp", from_port: 22, to_port: 22 }],
      egress: [{ cidr_blocks: ["0.0.0.0/0"] }],
    },
  ),
  kase("no-open-ingress", "aws_default_security_group", { ingress: [{ cidr_blocks: ["0.0.0.0/0"] }] }, { ingress: [] }),
  kase(
    "integrations-via-vpc-link",
    "aws_api_gateway_integration",
    { type: "HTTP_PROXY", connection_type: "INTERNET", uri: "http://example.com" },
    { type: "HTTP_PROXY", connection_type: "VPC_LINK", connection_id: "${aws_api_gateway_vpc_link.link.id}" },
    { extra: { aws_api_gateway_vpc_link: { link: { name: "link" } } } },
  ),
  kase(
    "integrations-via-vpc-link",
    "aws_api_gateway_integration",
    { type: "HTTP" },
    { type: "AWS_PROXY", uri: "arn:aws:apigateway:eu-west-2:lambda:path/functions/f/invocations" },
  ),
  kase(
    "integrations-via-vpc-link",
    "aws_apigatewayv2_integration",
    { integration_type: "HTTP_PROXY", integration_uri: "https://example.com" },
    { integration_type: "HTTP_PROXY", connection_type: "VPC_LINK", connection_id: "${aws_apigatewayv2_vpc_link.link.id}" },
    { extra: { aws_apigatewayv2_vpc_link: { link: { name: "link" } } } },
  ),
  kase(
    "authorization",
    "aws_api_gateway_method",
    { http_method: "GET", authorization: "NONE" },
    { http_method: "GET", authorization: "AWS_IAM" },
  ),
  kase("authorization", "aws_apigatewayv2_route", { route_key: "GET /open" }, { route_key: "GET /x", authorization_type: "JWT" }),
  kase("iam-least-privilege", "aws_iam_role_policy", allowing({ Action: "s3:*", Resource: "arn:aws:s3:::bucket/*" }), {
    policy: policy([
      { Effect: "Allow", Action: ["ec2:DescribeNetworkInterfaces", "elasticloadbalancing:Describe*"], Resource: "*" },
      { Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: "${aws_cloudwatch_log_group.logs.arn}:*" },
      { Effect: "Deny", Action: "*", Resource: "*" },
    ]),
  }),
  iam(
    "aws_iam_policy",
    { Action: "ec2:TerminateInstances", Resource: "*" },
    { Action: "ec2:TerminateInstances", Resource: "arn:aws:ec2:*:*:instance/i-0123" },
  ),
  iam("aws_iam_user_policy", { NotAction: "iam:*", Resource: "arn:aws:s3:::b" }, { Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }),
  iam("aws_iam_group_policy", { Action: "s3:GetObject", NotResource: "arn:aws:s3:::secret/*" }, { Action: "s3:List*", Resource: "*" }),
  kase(
    "iam-least-privilege",
    "aws_iam_role",
    { inline_policy: [{ name: "p", policy: policy([{ Effect: "Allow", Action: "*", Resource: "*" }]) }] },
    { assume_role_policy: policy([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]) },
    { goodInPlan: { inline_policy: [] } },
  ),
  kase(
    "no-wildcard-principals",
    "aws_lambda_permission",
    { action: "lambda:InvokeFunction", function_name: "f", principal: "*" },
    { action: "lambda:InvokeFunction", function_name: "f", principal: "apigateway.amazonaws.com", source_arn: "arn:aws:execute-api:x" },
  ),
  kase(
    "no-wildcard-principals",
    "aws_iam_role",
    {
      assume_role_policy: policy([
        { Effect: "Allow", Principal: { AWS: ["arn:aws:iam::123456789012:root", "*"] }, Action: "sts:AssumeRole" },
      ]),
    },
    { assume_role_policy: policy([{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }]) },
    {
      goodInPlan: {
        assume_role_policy: policy([{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }]),
        inline_policy: [],
      },
    },
  ),
  kase(
    "no-wildcard-principals",
    "aws_iam_role",
    {
      assume_role_policy: policy([{ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" }]),
    },
    {
      assume_role_policy: policy([
        { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole" },
        { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" },
      ]),
    },
  ),
  kase("lambda-runtime", "aws_lambda_function", { runtime: "nodejs20.x" }, { runtime: "nodejs22.x" }),
  kase("lambda-runtime", "aws_lambda_function", { runtime: "nodejs99.x" }, { package_type: "Image", image_uri: "x" }),
  kase(
    "no-public-ips",
    "aws_launch_template",
    { network_interfaces: [{ associate_public_ip_address: "true" }], ...IMDS_V2_HOP_1 },
    { network_interfaces: [{ associate_public_ip_address: "false" }], ...IMDS_V2_HOP_1 },
  ),
  kase("no-public-ips", "aws_launch_template", IMDS_V2_HOP_1, {
    network_interfaces: [{ associate_public_ip_address: false }],
    ...IMDS_V2_HOP_1,
  }),
  kase("no-public-ips", "aws_launch_configuration", IMDS_V2_HOP_1, { associate_public_ip_address: false, ...IMDS_V2_HOP_1 }),
  kase("no-public-ips", "aws_instance", { associate_public_ip_address: true }, {}, { goodInPlan: { associate_public_ip_address: false } }),
  kase(
    "no-public-ips",
    "aws_ecs_service",
    { name: "orders", network_configuration: { subnets: ["subnet-1"], assign_public_ip: true } },
    { name: "orders", network_configuration: { subnets: ["subnet-1"], assign_public_ip: false } },
    { goodInPlan: { name: "orders", network_configuration: [{ subnets: ["subnet-1"], assign_public_ip: false }] } },
  ),
  kase("no-public-ips", "aws_ecs_service", { name: "orders", network_configuration: [{ assign_public_ip: "true" }] }, { name: "bridge" }),
  kase("no-public-ips", "aws_subnet", { map_public_ip_on_launch: true }, { map_public_ip_on_launch: false }),
  kase("no-public-ips", "aws_nat_gateway", { subnet_id: "subnet-1" }, { connectivity_type: "private" }),
  kase("no-public-ips", "aws_internet_gateway", {}, undefined),
  kase("no-public-ips", "aws_eip", { domain: "vpc" }, undefined),
  kase(
    "alb-header-hardening",
    "aws_lb",
    {
      internal: true,
      load_balancer_type: "application",
      drop_invalid_header_fields: false,
      desync_mitigation_mode: "defensive",
      ...LB_PROTECTED,
    },
    {
      internal: true,
      load_balancer_type: "application",
      drop_invalid_header_fields: true,
      desync_mitigation_mode: "strictest",
      ...LB_PROTECTED,
    },
  ),
  kase(
    "alb-header-hardening",
    "aws_lb",
    { internal: true, drop_invalid_header_fields: true, desync_mitigation_mode: "monitor", ...LB_PROTECTED },
    { internal: true, load_balancer_type: "network", ...LB_PROTECTED },
  ),
  kase(
    "alb-header-hardening",
    "aws_alb",
    { internal: true, drop_invalid_header_fields: true, ...LB_PROTECTED },
    {
      internal: true,
      drop_invalid_header_fields: true,
      desync_mitigation_mode: "defensive",
      ...LB_PROTECTED,
    },
  ),
  kase(
    "lb-deletion-protection",
    "aws_lb",
    { internal: true, load_balancer_type: "network", enable_deletion_protection: false },
    { internal: true, load_balancer_type: "network", enable_deletion_protection: true },
  ),
  // Unset is a finding: AWS's default is off. CDKTF and plans may write the boolean as a string.
  kase(
    "lb-deletion-protection",
    "aws_lb",
    { internal: true, load_balancer_type: "network" },
    { internal: true, load_balancer_type: "network", enable_deletion_protection: "true" },
  ),
  kase(
    "lb-deletion-protection",
    "aws_alb",
    { internal: true, drop_invalid_header_fields: true, desync_mitigation_mode: "defensive" },
    { internal: true, ...ALB_HARDENED },
  ),
  kase(
    "rest-stage-web-acl",
    "aws_api_gateway_stage",
    { stage_name: "v1" },
    { stage_name: "v1" },
    {
      extra: {
        aws_wafv2_web_acl_association: {
          waf: { resource_arn: "${aws_api_gateway_stage.subject.arn}", web_acl_arn: "${aws_wafv2_web_acl.acl.arn}" },
        },
      },
      // A plan of a stage associated elsewhere (Firewall Manager, another stack) knows its web_acl_arn.
      goodInPlan: { stage_name: "v1", web_acl_arn: "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/central/a1b2c3d4" },
    },
  ),
  kase("log-retention", "aws_cloudwatch_log_group", {}, { retention_in_days: 30 }),
  kase("log-retention", "aws_cloudwatch_log_group", { retention_in_days: 0 }, { retention_in_days: 1 }),
  kase("imds-hop-limit", "aws_launch_template", { ...PRIVATE_NIC, ...imds("required", 2) }, { ...PRIVATE_NIC, ...IMDS_V2_HOP_1 }),
  kase("imds-hop-limit", "aws_launch_template", { ...PRIVATE_NIC, ...imds("optional", 1) }, { ...PRIVATE_NIC, ...imds("required", "1") }),
  kase("imds-hop-limit", "aws_launch_template", PRIVATE_NIC, { ...PRIVATE_NIC, ...IMDS_V2_HOP_1 }),
  kase(
    "imds-hop-limit",
    "aws_launch_template",
    { ...PRIVATE_NIC, metadata_options: { http_tokens: "required" } },
    { ...PRIVATE_NIC, ...IMDS_V2_HOP_1 },
  ),
  kase(
    "imds-hop-limit",
    "aws_launch_configuration",
    { associate_public_ip_address: false, ...imds("required", 2) },
    { associate_public_ip_address: false, ...IMDS_V2_HOP_1 },
  ),
  kase(
    "imds-hop-limit",
    "aws_launch_configuration",
    { associate_public_ip_address: false, metadata_options: { http_put_response_hop_limit: 1 } },
    { associate_public_ip_address: false, ...IMDS_V2_HOP_1 },
  ),
];

test("every rule has cases", () => {
  expect(new Set(CASES.map((c) => c.rule))).toEqual(new Set(RULES.map((r) => r.id)));
});

describe.each(CASES.map((c) => [`${c.rule} on ${c.type} ${JSON.stringify(c.bad)}`, c] as const))("%s", (_name, c) => {
  test("fires on the bad resource in a synthesised stack, naming its address", () => {
    const { findings } = checkSynth(stack(c.type, c.bad), { now: NOW });
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f).toMatchObject({ address: `${c.type}.subject`, rule: c.rule });
    for (const f of findings) expect(f.message).not.toContain("\n");
  });

  test("fires on the bad resource in a plan", () => {
    const { findings } = checkPlan(plan(c.type, c.bad), { now: NOW });
    expect(findings.map((f) => [f.address, f.rule])).toContainEqual([`${c.type}.subject`, c.rule]);
  });

  const good = c.good;
  if (good === undefined) return;
  test("stays quiet on the good resource in a synthesised stack", () => {
    const result = checkSynth(stack(c.type, good, c.extra), { now: NOW });
    expect(result.findings).toEqual([]);
    expect(result.unchecked).toEqual([]);
  });

  test("stays quiet on the good resource in a plan", () => {
    const result = checkPlan(plan(c.type, c.goodInPlan ?? good), { now: NOW });
    expect(result.findings).toEqual([]);
    expect(result.unchecked).toEqual([]);
  });
});

describe("messages", () => {
  test("name what is wrong, in one line per finding", () => {
    const messages = (type: string, attrs: Attrs) => checkSynth(stack(type, attrs), { now: NOW }).findings.map((f) => f.message);
    expect(messages("aws_lb", { internal: false, ...ALB_HARDENED })).toEqual(["is internet-facing: internal is false, not true"]);
    expect(messages("aws_lb", { internal: true })).toEqual([
      "drop_invalid_header_fields is not set, not true: headers that are not valid HTTP reach the targets (request smuggling)",
      'desync_mitigation_mode is not set: state "defensive" or "strictest" rather than leave it to the account\'s default',
      "enable_deletion_protection is not set, not true: a destroy or a replacement deletes the load balancer, and everything routed through it stops",
    ]);
    expect(messages("aws_lb", { internal: true, load_balancer_type: "network", enable_deletion_protection: false })).toEqual([
      "enable_deletion_protection is false, not true: a destroy or a replacement deletes the load balancer, and everything routed through it stops",
    ]);
    expect(
      messages("aws_vpc_security_group_ingress_rule", { cidr_ipv4: "0.0.0.0/0", ip_protocol: "tcp", from_port: 80, to_port: 80 }),
    ).toEqual(["admits 0.0.0.0/0 (the whole internet), tcp port 80"]);
    expect(messages("aws_security_group", { ingress: [{ ipv6_cidr_blocks: ["::/0"], protocol: "-1", from_port: 0, to_port: 0 }] })).toEqual(
      ["ingress.0 admits ::/0 (the whole internet), all traffic"],
    );
    expect(messages("aws_lambda_function", { runtime: "nodejs20.x" })).toEqual(["runtime nodejs20.x is deprecated since 2026-04-30"]);
    expect(
      messages("aws_iam_role", { assume_role_policy: policy([{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }]) }),
    ).toEqual(['assume_role_policy: statement 1 trusts any principal ("*"): anyone in any AWS account may assume the role']);
    expect(messages("aws_lambda_permission", { principal: "*" })).toEqual(['any principal ("*") may invoke the function']);
    expect(messages("aws_lambda_function", { runtime: "nodejs99.x" })[0]).toMatch(
      /^runtime nodejs99.x is not in the table of AWS deprecation dates/,
    );
    expect(messages("aws_cloudwatch_log_group", {})).toEqual(["keeps logs forever: retention_in_days is not set"]);
    expect(messages("aws_apigatewayv2_route", { route_key: "GET /open" })).toEqual([
      '"GET /open" has authorization_type NONE: anyone can call it',
    ]);
  });
});

describe("lambda-runtime", () => {
  test("a runtime is deprecated from its deprecation day on, judged on the day given", () => {
    const fn = stack("aws_lambda_function", { runtime: "nodejs22.x" });
    expect(checkSynth(fn, { now: new Date("2027-04-29T23:59:59Z") }).findings).toEqual([]);
    expect(checkSynth(fn, { now: new Date("2027-04-30T00:00:00Z") }).findings.map((f) => f.message)).toEqual([
      "runtime nodejs22.x is deprecated since 2027-04-30",
    ]);
  });

  test("a function without a runtime is a finding, unless it is a container image", () => {
    expect(checkSynth(stack("aws_lambda_function", {}), { now: NOW }).findings.map((f) => f.message)).toEqual(["has no runtime"]);
  });
});

describe("integrations-via-vpc-link in a synthesised stack", () => {
  const integration = (connectionId: string) => ({ type: "HTTP_PROXY", connection_type: "VPC_LINK", connection_id: connectionId });
  const link = { aws_api_gateway_vpc_link: { link: { name: "link" } } };

  test("needs connection_id to reference the id of a VPC link of the stack", () => {
    const messages = (connectionId: string, extra = link) =>
      checkSynth(stack("aws_api_gateway_integration", integration(connectionId), extra)).findings.map((f) => f.message);
    expect(messages("abc123")).toEqual(['connection_id ("abc123") does not reference the id of an aws_api_gateway_vpc_link']);
    expect(messages("${aws_api_gateway_vpc_link.gone.id}")).toEqual([
      "connection_id references aws_api_gateway_vpc_link.gone, which is not a resource of this stack",
    ]);
    expect(messages("${aws_apigatewayv2_vpc_link.link.id}")).toHaveLength(1);
    expect(messages("${aws_api_gateway_vpc_link.link.arn}")).toHaveLength(1);
    expect(messages("${aws_api_gateway_vpc_link.link.id}")).toEqual([]);
  });
});

describe("plans", () => {
  test("a value known only after apply is listed as unchecked, not as a finding", () => {
    const result = checkPlan(plan("aws_lb", { name: "x", ...ALB_HARDENED }, { internal: true }));
    expect(result.findings).toEqual([]);
    expect(result.unchecked).toEqual([
      { address: "aws_lb.subject", rule: "internal-load-balancers", message: "internal is known only after apply" },
    ]);
  });

  test("findings carry the plan's address, module prefix and index included", () => {
    const p = plan("aws_lb", { internal: false, ...ALB_HARDENED });
    const change = {
      ...p.resource_changes![0],
      address: 'module.api["eu"].aws_lb.subject[0]',
      module_address: 'module.api["eu"]',
      index: 0,
    };
    expect(checkPlan({ ...p, resource_changes: [change] }).findings.map((f) => f.address)).toEqual(['module.api["eu"].aws_lb.subject[0]']);
  });

  test("data sources and resources the plan destroys are not looked at", () => {
    const p = plan("aws_lb", { internal: false });
    const data = { ...p.resource_changes![0], mode: "data", address: "data.aws_lb.subject" };
    const deleted = { ...p.resource_changes![0], change: { actions: ["delete"], before: { internal: false }, after: null } };
    const result = checkPlan({ ...p, resource_changes: [data, deleted] });
    expect(result).toMatchObject({ resources: 0, findings: [] });
  });

  describe("with the plan's configuration section", () => {
    const withConfiguration = (connectionId: Record<string, unknown>, moduleResources: Record<string, unknown>[] = []): PlanJson => ({
      ...plan("aws_api_gateway_integration", { type: "HTTP_PROXY", connection_type: "VPC_LINK" }, { connection_id: true }),
      configuration: {
        root_module: {
          resources: [
            { address: "aws_api_gateway_integration.subject", mode: "managed", expressions: { connection_id: connectionId } },
            ...(moduleResources as never[]),
          ],
        },
      },
    });

    test("an integration must reference a VPC link of the configuration", () => {
      const link = { address: "aws_api_gateway_vpc_link.link", mode: "managed", expressions: {} };
      const ok = withConfiguration({ references: ["aws_api_gateway_vpc_link.link.id", "aws_api_gateway_vpc_link.link"] }, [link]);
      expect(checkPlan(ok).findings).toEqual([]);
      const literal = checkPlan(withConfiguration({ constant_value: "abc123" }, [link])).findings;
      expect(literal.map((f) => f.rule)).toEqual(["integrations-via-vpc-link"]);
      const variable = checkPlan(withConfiguration({ references: ["var.link_id"] }, [link])).findings;
      expect(variable.map((f) => f.rule)).toEqual(["integrations-via-vpc-link"]);
    });

    test("without it, connection_type alone is checked", () => {
      const p = plan("aws_api_gateway_integration", { type: "HTTP_PROXY", connection_type: "VPC_LINK" }, { connection_id: true });
      expect(checkPlan(p).findings).toEqual([]);
    });

    test("a policy known only after apply is checked as the configuration writes it", () => {
      const written = policy([{ Effect: "Allow", Action: "ec2:AuthorizeSecurityGroupIngress", Resource: "*" }]);
      const p: PlanJson = {
        ...plan("aws_iam_role_policy", { role: "r" }, { policy: true }),
        configuration: {
          root_module: {
            resources: [{ address: "aws_iam_role_policy.subject", mode: "managed", expressions: { policy: { constant_value: written } } }],
          },
        },
      };
      expect(checkPlan(p).findings.map((f) => f.rule)).toEqual(["iam-least-privilege"]);
      expect(checkPlan(plan("aws_iam_role_policy", { role: "r" }, { policy: true })).unchecked.map((u) => u.message)).toEqual([
        "policy is known only after apply",
      ]);
    });

    test("a trust policy known only after apply is checked as the configuration writes it", () => {
      const written = policy([{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }]);
      const p: PlanJson = {
        ...plan("aws_iam_role", { name: "r", inline_policy: [] }, { assume_role_policy: true }),
        configuration: {
          root_module: {
            resources: [
              { address: "aws_iam_role.subject", mode: "managed", expressions: { assume_role_policy: { constant_value: written } } },
            ],
          },
        },
      };
      expect(checkPlan(p).findings.map((f) => f.rule)).toEqual(["no-wildcard-principals"]);
      expect(checkPlan(plan("aws_iam_role", { name: "r" }, { assume_role_policy: true })).unchecked.map((u) => u.message)).toEqual([
        "assume_role_policy is known only after apply",
      ]);
    });

    test("a security group whose configuration has no inline ingress is not unchecked for its computed ingress", () => {
      const p: PlanJson = {
        ...plan("aws_security_group", { name: "sg" }, { ingress: true }),
        configuration: {
          root_module: { resources: [{ address: "aws_security_group.subject", mode: "managed", expressions: { name: {} } }] },
        },
      };
      expect(checkPlan(p)).toMatchObject({ findings: [], unchecked: [] });
      expect(checkPlan(plan("aws_security_group", { name: "sg" }, { ingress: true })).unchecked).toHaveLength(1);
    });
  });
});

test("messages show non-string values as JSON, never [object Object]", () => {
  // An ingress rule whose ports a plan only knows as an object (or a list) once printed "[object Object]".
  expect(show({ a: 1 })).toBe('{"a":1}');
  expect(show([80, 443])).toBe("[80,443]");
  expect(show("tcp")).toBe("tcp");
  expect(show(undefined)).toBe("undefined");
});

describe("imds-hop-limit", () => {
  // GIVEN the launch template of the default stack, and the launch configuration of its example, as synthesised
  const launchTemplate = synthToTemp(defaultConfig());
  const launchConfiguration = synthToTemp(exampleConfig("launch-configuration"), {
    nlbShards: ledgerOf("examples/launch-configuration.json"),
  });
  const cases = [
    ["launch template", launchTemplate.json, "aws_launch_template"],
    ["launch configuration", launchConfiguration.json, "aws_launch_configuration"],
  ] as const;
  const imdsFindings = (json: TerraformJson) => checkSynth(json, { now: NOW }).findings.filter((f) => f.rule === "imds-hop-limit");

  /** The stack with every resource of `type` given hop limit `limit`. */
  function withHopLimit(json: TerraformJson, type: string, limit: number): { json: TerraformJson; addresses: string[] } {
    const copy = structuredClone(json);
    const byId = copy.resource[type];
    for (const attrs of Object.values(byId)) (attrs.metadata_options as Attrs).http_put_response_hop_limit = limit;
    return { json: copy, addresses: Object.keys(byId).map((id) => `${type}.${id}`) };
  }

  /** A plan that creates the stack's resources of `type`, with their values as a plan shows them (blocks as lists). */
  function planOf(json: TerraformJson, type: string, afterUnknown: Attrs = {}): PlanJson {
    return {
      format_version: "1.2",
      terraform_version: "1.11.4",
      resource_changes: Object.entries(json.resource[type]).map(([id, attrs]) => {
        const { "//": _metadata, ...values } = attrs;
        const after = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, isBlock(v) ? [v] : v]));
        return {
          address: `${type}.${id}`,
          mode: "managed",
          type,
          name: id,
          change: { actions: ["create"], after, after_unknown: afterUnknown },
        };
      }),
    };
  }
  const isBlock = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);

  test.each(cases)("the %s the stack synthesises has hop limit 1 and IMDSv2, and passes", (_what, json, type) => {
    const [options] = Object.values(json.resource[type]).map((attrs) => attrs.metadata_options);
    expect(options).toEqual({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 });
    expect(imdsFindings(json)).toEqual([]);
    expect(checkPlan(planOf(json, type), { now: NOW }).findings).toEqual([]);
  });

  test.each(cases)("a stack whose %s has hop limit 2 fails, synthesised and planned", (_what, json, type) => {
    // GIVEN
    const bad = withHopLimit(json, type, 2);
    const message =
      "metadata_options.http_put_response_hop_limit is 2, not 1: bridge-mode containers are one hop away and can get IMDSv2 tokens, so the instance role's credentials";
    // WHEN / THEN
    const references = RULE_REFERENCES["imds-hop-limit"];
    expect(imdsFindings(bad.json)).toEqual(bad.addresses.map((address) => ({ address, rule: "imds-hop-limit", message, references })));
    expect(checkPlan(planOf(bad.json, type), { now: NOW }).findings).toEqual(
      bad.addresses.map((address) => ({ address, rule: "imds-hop-limit", message, references })),
    );
  });

  test("a hop limit known only after apply is unchecked, not passed", () => {
    const unknown = { metadata_options: [{ http_put_response_hop_limit: true }] };
    const result = checkPlan(planOf(launchTemplate.json, "aws_launch_template", unknown), { now: NOW });
    expect(result.findings).toEqual([]);
    expect(result.unchecked.map((u) => [u.rule, u.message])).toEqual([
      ["imds-hop-limit", "metadata_options.0.http_put_response_hop_limit is known only after apply"],
    ]);
  });

  test("a missing value says what EC2 does instead", () => {
    const messages = (attrs: Attrs) =>
      checkSynth(stack("aws_launch_configuration", { associate_public_ip_address: false, ...attrs }), { now: NOW }).findings.map(
        (f) => f.message,
      );
    expect(messages({})).toEqual([expect.stringMatching(/^has no metadata_options: EC2 then takes the account default or the AMI's/)]);
    expect(messages({ metadata_options: { http_tokens: "required" } })).toEqual([
      expect.stringMatching(/^metadata_options.http_put_response_hop_limit is not set: .*2 for AMIs marked for IMDSv2 .*: set 1$/),
    ]);
    expect(messages({ metadata_options: { http_put_response_hop_limit: 1 } })).toEqual([
      expect.stringMatching(/^metadata_options.http_tokens is not set: EC2 then takes the account default or "optional"/),
    ]);
  });
});

describe("Fargate services", () => {
  // GIVEN the two Fargate examples, synthesised as `npm run check` reads them (the config's NONE routes allowed)
  const stacks = (["fargate-http-api", "fargate-spot-rest"] as const).map((name) => {
    const synth = synthToTemp(exampleConfig(name), { nlbShards: ledgerOf(`examples/${name}.json`) });
    return [name, synth] as const;
  });
  const fargateServices = (json: TerraformJson) =>
    [...resourcesByPath(json, "aws_ecs_service")].filter(([, { attrs }]) => attrs.network_configuration !== undefined);

  test.each(stacks)("examples/%s.json has Fargate services and passes the whole check", (_name, synth) => {
    expect(fargateServices(synth.json).length).toBeGreaterThan(0);
    const result = checkSynth(synth.json, { plan: synth.plan, now: NOW });
    expect(result.findings).toEqual([]);
    expect(result.unchecked).toEqual([]);
  });

  test.each(stacks)("examples/%s.json: a Fargate service's security group with ingress from 0.0.0.0/0 fails", (_name, synth) => {
    // GIVEN an ingress rule from anywhere on the group of the first Fargate service (Service-<name>/SecurityGroup)
    const [[path]] = fargateServices(synth.json);
    const groupPath = path.replace(/\/Resource$/, "/SecurityGroup");
    const group = resourcesByPath(synth.json, "aws_security_group").get(groupPath);
    expect(group).toBeDefined();
    const json = structuredClone(synth.json);
    json.resource.aws_vpc_security_group_ingress_rule = {
      ...json.resource.aws_vpc_security_group_ingress_rule,
      OpenToTheWorld: {
        security_group_id: `\${aws_security_group.${group!.id}.id}`,
        cidr_ipv4: "0.0.0.0/0",
        ip_protocol: "tcp",
        from_port: 8080,
        to_port: 8080,
      },
    };
    // WHEN / THEN
    expect(checkSynth(json, { plan: synth.plan, now: NOW }).findings).toEqual([
      {
        address: "aws_vpc_security_group_ingress_rule.OpenToTheWorld",
        rule: "no-open-ingress",
        message: "admits 0.0.0.0/0 (the whole internet), tcp port 8080",
        references: RULE_REFERENCES["no-open-ingress"],
      },
    ]);
  });

  test.each(stacks)("examples/%s.json: a Fargate service that assigns public IPs fails, naming the service", (_name, synth) => {
    // GIVEN the first Fargate service with assign_public_ip = true
    const [[, { id }]] = fargateServices(synth.json);
    const json = structuredClone(synth.json);
    (json.resource.aws_ecs_service[id].network_configuration as Attrs).assign_public_ip = true;
    // WHEN / THEN
    expect(checkSynth(json, { plan: synth.plan, now: NOW }).findings).toEqual([
      {
        address: `aws_ecs_service.${id}`,
        rule: "no-public-ips",
        message: "network_configuration.assign_public_ip is true: every task gets a public IP",
        references: RULE_REFERENCES["no-public-ips"],
      },
    ]);
  });

  test("in a plan, assign_public_ip known only after apply is unchecked, and an expression in a synthesised stack too", () => {
    const unknown = checkPlan(
      plan("aws_ecs_service", { network_configuration: [{}] }, { network_configuration: [{ assign_public_ip: true }] }),
    );
    expect(unknown.findings).toEqual([]);
    expect(unknown.unchecked.map((u) => [u.rule, u.message])).toEqual([
      ["no-public-ips", "network_configuration.0.assign_public_ip is known only after apply"],
    ]);
    const expression = checkSynth(stack("aws_ecs_service", { network_configuration: { assign_public_ip: "${var.public}" } }));
    expect(expression.findings).toEqual([]);
    expect(expression.unchecked.map((u) => u.message)).toEqual([
      'network_configuration.assign_public_ip is the expression "${var.public}"',
    ]);
  });
});

describe("rest-stage-web-acl: the stage and the association that names it", () => {
  const STAGE_ARN = "arn:aws:apigateway:eu-west-2::/restapis/a1b2c3d4e5/stages/v1";
  const webAclFindings = (result: ReturnType<typeof checkSynth>) => result.findings.filter((f) => f.rule === "rest-stage-web-acl");
  const association = (resourceArn: string) => ({ resource_arn: resourceArn, web_acl_arn: "${aws_wafv2_web_acl.acl.arn}" });

  test("in a synthesised stack, the association must reference that stage's arn", () => {
    const withAssociation = (resourceArn: string) =>
      webAclFindings(
        checkSynth(
          stack("aws_api_gateway_stage", { stage_name: "v1" }, { aws_wafv2_web_acl_association: { waf: association(resourceArn) } }),
        ),
      );
    expect(withAssociation("${aws_api_gateway_stage.subject.arn}")).toEqual([]);
    // Another stage's, a literal ARN, or another attribute of the stage do not count.
    expect(withAssociation("${aws_api_gateway_stage.other.arn}")).toHaveLength(1);
    expect(withAssociation(STAGE_ARN)).toHaveLength(1);
    expect(withAssociation("${aws_api_gateway_stage.subject.invoke_url}")).toHaveLength(1);
  });

  test("the finding names the stage and says why it matters, with the rule's ids", () => {
    const [finding] = checkSynth(stack("aws_api_gateway_stage", { stage_name: "prod" })).findings;
    expect(finding).toEqual({
      address: "aws_api_gateway_stage.subject",
      rule: "rest-stage-web-acl",
      message:
        "stage prod has no AWS WAF web ACL: no aws_wafv2_web_acl_association in this input names its arn, so requests reach it unfiltered",
      references: { checkov: ["CKV2_AWS_29"], trivy: [], securityHub: ["APIGateway.4"] },
    });
  });

  describe("in a plan", () => {
    /** A plan creating the stage (arn unknown) and an association (resource_arn unknown), in `module`. */
    const planWith = (options: {
      configuration?: string[];
      module?: string;
      associationModule?: string;
      arns?: [string, string];
    }): PlanJson => {
      const at = (module: string | undefined, address: string) => (module ? `${module}.${address}` : address);
      const [stageArn, resourceArn] = options.arns ?? [undefined, undefined];
      const change = (type: string, name: string, module: string | undefined, after: Attrs, unknown: Attrs) => ({
        address: at(module, `${type}.${name}`),
        module_address: module,
        mode: "managed",
        type,
        name,
        change: { actions: ["create"], after, after_unknown: unknown },
      });
      const moduleResources = [
        { address: "aws_api_gateway_stage.stage", mode: "managed", expressions: {} },
        {
          address: "aws_wafv2_web_acl_association.waf",
          mode: "managed",
          expressions: { resource_arn: { references: options.configuration ?? [] } },
        },
      ];
      return {
        format_version: "1.2",
        terraform_version: "1.11.4",
        resource_changes: [
          change(
            "aws_api_gateway_stage",
            "stage",
            options.module,
            { stage_name: "v1", ...(stageArn ? { arn: stageArn } : {}) },
            stageArn ? {} : { arn: true, web_acl_arn: true },
          ),
          change(
            "aws_wafv2_web_acl_association",
            "waf",
            options.associationModule ?? options.module,
            resourceArn ? { resource_arn: resourceArn } : {},
            resourceArn ? {} : { resource_arn: true },
          ),
        ],
        ...(options.configuration
          ? {
              configuration: {
                root_module: options.module
                  ? { module_calls: { [options.module.replace(/^module\./, "")]: { module: { resources: moduleResources } } } }
                  : { resources: moduleResources },
              },
            }
          : {}),
      };
    };

    test("a new stage passes when the configuration section shows the association references its arn", () => {
      const refs = ["aws_api_gateway_stage.stage.arn", "aws_api_gateway_stage.stage"];
      expect(checkPlan(planWith({ configuration: refs }))).toMatchObject({ findings: [], unchecked: [] });
      expect(checkPlan(planWith({ configuration: refs, module: "module.api" }))).toMatchObject({ findings: [], unchecked: [] });
      // An association of another module references another stage, whatever its expression says.
      expect(
        checkPlan(planWith({ configuration: refs, module: "module.api", associationModule: "module.other" })).findings.map((f) => f.rule),
      ).toEqual(["rest-stage-web-acl"]);
      expect(checkPlan(planWith({ configuration: ["aws_api_gateway_stage.other.arn"] })).findings.map((f) => f.rule)).toEqual([
        "rest-stage-web-acl",
      ]);
    });

    test("an existing stage passes when the association's resource_arn is its known arn", () => {
      expect(checkPlan(planWith({ arns: [STAGE_ARN, STAGE_ARN] }))).toMatchObject({ findings: [], unchecked: [] });
      expect(checkPlan(planWith({ arns: [STAGE_ARN, STAGE_ARN.replace("v1", "v2")] })).findings.map((f) => f.rule)).toEqual([
        "rest-stage-web-acl",
      ]);
    });

    test("without a configuration section or known values, it is unchecked, not passed", () => {
      const result = checkPlan(planWith({}));
      expect(result.findings).toEqual([]);
      expect(result.unchecked).toEqual([
        {
          address: "aws_api_gateway_stage.stage",
          rule: "rest-stage-web-acl",
          message:
            "resource_arn of a web ACL association is known only after apply, and the plan has no configuration section to show what it references",
        },
      ]);
    });
  });
});
