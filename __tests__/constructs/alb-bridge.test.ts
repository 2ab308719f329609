import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { LbTargetGroupAttachment } from "@cdktf/provider-aws/lib/lb-target-group-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { AlbBridge, type AlbBridgeProps } from "../../lib/constructs/alb-bridge";
import { applySecurityGroupRules } from "../../lib/constructs/connections";
import { planSecurityGroupRules } from "../../lib/model/connections";
import { LAMBDA_RUNTIME } from "../../lib/constructs/bundled-nodejs-function";
import { InternalApplicationLoadBalancer } from "../../lib/constructs/internal-application-load-balancer";
import { InternalNetworkLoadBalancer } from "../../lib/constructs/internal-network-load-balancer";
import { HTTP_HEALTH_CHECK as HTTP } from "../helpers/fixtures";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const KEY = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function build(
  mode: AlbBridgeProps["mode"],
  extra: Partial<Pick<AlbBridgeProps, "logRetentionDays" | "logKmsKeyArn" | "syncSchedule">> = {},
): { synth: string; json: TerraformJson; bridge: AlbBridge } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const common = { name: "shop", vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] };
  const nlb = new InternalNetworkLoadBalancer(stack, "Nlb", { ...common, ports: [] });
  const alb = new InternalApplicationLoadBalancer(stack, "Alb", {
    ...common,
    listenerPort: 80,
    services: [{ service: "search", hostPort: 0, pathPatterns: ["/search/*"], healthCheck: HTTP }],
  });
  const bridge = new AlbBridge(stack, "Bridge", { name: "shop", region: "eu-west-2", vpcId: common.vpcId, nlb, alb, mode, ...extra });
  // The bridge's security group rules, planned and created as PrivateApiStack does.
  const rules = planSecurityGroupRules(
    {
      nlbs: [{ index: 0, servicePorts: [] }],
      bridge: { mode, port: 80, nlbIndex: 0 },
      api: { kind: "rest", routes: [] },
    },
    60,
  );
  applySecurityGroupRules(rules, (group) => (group.kind === "nlb" ? nlb.connections : alb.connections), bridge);
  const synth = Testing.synth(stack, true);
  return { synth, json: JSON.parse(synth) as TerraformJson, bridge };
}

/** `${type.<id>.<attr>}` of the only resource of a type whose attributes match. */
function ref(json: TerraformJson, type: string, attr: string, match: Record<string, unknown> = {}): string {
  const found = resourcesOf(json, type).filter(([, r]) => Object.entries(match).every(([k, v]) => r[k] === v));
  expect(found).toHaveLength(1);
  return `\${${type}.${found[0][0]}.${attr}}`;
}

describe("native mode", () => {
  const { synth, json } = build("native");

  test("an NLB listener forwards to an alb-type target group with the ALB registered on the listener port", () => {
    const tg = ref(json, "aws_lb_target_group", "arn", { target_type: "alb" });
    expect(resourcesOf(json, "aws_lb_listener").map(([, l]) => l)).toContainEqual(
      expect.objectContaining({
        port: 80,
        protocol: "TCP",
        load_balancer_arn: ref(json, "aws_lb", "arn", { load_balancer_type: "network" }),
      }),
    );
    expect(synth).toHaveResourceWithProperties(LbTargetGroupAttachment, {
      target_group_arn: tg,
      target_id: ref(json, "aws_lb", "arn", { load_balancer_type: "application" }),
      port: 80,
    });
  });

  test("the ALB admits only the NLB's security group, and the NLB may send only there", () => {
    const nlbSg = ref(json, "aws_security_group", "id", { name: "shop-nlb" });
    const albSg = ref(json, "aws_security_group", "id", { name: "shop-alb" });
    const ingress = resourcesOf(json, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
    expect(ingress).toEqual([
      expect.objectContaining({ security_group_id: albSg, referenced_security_group_id: nlbSg, from_port: 80, to_port: 80 }),
    ]);
    expect(resourcesOf(json, "aws_vpc_security_group_egress_rule").map(([, r]) => r)).toContainEqual(
      expect.objectContaining({ security_group_id: nlbSg, referenced_security_group_id: albSg, from_port: 80, to_port: 80 }),
    );
  });

  test("runs no code", () => {
    expect(synth).not.toHaveResource(LambdaFunction);
  });

  test("refuses the props only lambda mode reads, its log groups' included, naming them", () => {
    expect(() => build("native", { logRetentionDays: 90, logKmsKeyArn: KEY })).toThrow(
      `AlbBridge "shop": native mode runs no code. Don't supply logRetentionDays, logKmsKeyArn unless mode is "lambda".`,
    );
    expect(() => build("native", { syncSchedule: "rate(5 minutes)" })).toThrow(/Don't supply syncSchedule unless mode is "lambda"/);
  });
});

describe("lambda mode", () => {
  const { synth, json, bridge } = build("lambda");
  const functions = resourcesOf(json, "aws_lambda_function").map(([, f]) => f);
  const policies = resourcesOf(json, "aws_iam_role_policy").map(
    ([, p]) => JSON.parse(String(p.policy)) as { Statement: { Action: string[]; Resource: string | string[] }[] },
  );

  test("an IP target group, two functions on the current Node.js runtime, the sync one never running twice at once", () => {
    ref(json, "aws_lb_target_group", "arn", { target_type: "ip" });
    expect(functions).toHaveLength(2);
    for (const f of functions) expect(f).toMatchObject({ runtime: LAMBDA_RUNTIME, handler: "index.handler" });
    expect(functions.find((f) => f.function_name === "shop-nlb-target-sync")).toMatchObject({ reserved_concurrent_executions: 1 });
  });

  test("the sync function gets the ALB's ENI description, the target group, the port and the anti-flap state", () => {
    const sync = functions.find((f) => f.function_name === "shop-nlb-target-sync");
    expect(sync?.environment).toEqual({
      variables: {
        ALB_ENI_DESCRIPTION: `ELB ${ref(json, "aws_lb", "arn_suffix", { load_balancer_type: "application" })}`,
        TARGET_GROUP_ARN: ref(json, "aws_lb_target_group", "arn", { target_type: "ip" }),
        TARGET_PORT: "80",
        STATE_PARAMETER_NAME: ref(json, "aws_ssm_parameter", "name"),
        ANTI_FLAP_RUNS: "3",
        METRIC_NAMESPACE: "PrivateEcsApi/AlbBridge",
      },
    });
  });

  test("IAM: mutating actions are scoped to the one target group, parameter or security group; * only for Describe", () => {
    const statements = policies.flatMap((p) => p.Statement);
    for (const s of statements) {
      const mutating = s.Action.filter((a) => !/:(Describe|Get)/.test(a) && !a.startsWith("logs:"));
      if (s.Resource === "*") expect(mutating).toEqual([]);
      expect(s.Action.some((a) => a.endsWith(":*") || a === "*")).toBe(false);
    }
    const tg = ref(json, "aws_lb_target_group", "arn", { target_type: "ip" });
    expect(statements).toContainEqual({
      Sid: "ManageBridgeTargets",
      Effect: "Allow",
      Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      Resource: tg,
    });
    const albSg = ref(json, "aws_security_group", "id", { name: "shop-alb" });
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
        Resource: `arn:aws:ec2:eu-west-2:*:security-group/${albSg}`,
      }),
    );
  });

  test("log groups keep logs for a limited time, with CloudWatch Logs' own encryption by default", () => {
    const groups = resourcesOf(json, "aws_cloudwatch_log_group").map(([, g]) => g);
    expect(groups).toHaveLength(2);
    for (const g of groups) expect(g.retention_in_days).toBe(30);
    for (const g of groups) expect(g).not.toHaveProperty("kms_key_id");
  });

  test("both functions' log groups take the given retention and KMS key", () => {
    const groups = resourcesOf(build("lambda", { logRetentionDays: 365, logKmsKeyArn: KEY }).json, "aws_cloudwatch_log_group").map(
      ([, g]) => [g.name, g.retention_in_days, g.kms_key_id],
    );
    expect(groups).toEqual(
      expect.arrayContaining([
        ["/aws/lambda/shop-nlb-target-sync", 365, KEY],
        ["/aws/lambda/shop-alb-ingress-from-nlb", 365, KEY],
      ]),
    );
    expect(groups).toHaveLength(2);
  });

  test("Terraform invokes the ingress function on create, update and delete, and the ALB group has no static ingress", () => {
    expect(synth).toHaveResourceWithProperties(LambdaInvocation, { lifecycle_scope: "CRUD" });
    expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).toEqual([]);
    expect(bridge.admittedNlbIps).toBeDefined();
  });

  test("alarms on function errors, on a safety stop and on a bridge with no healthy target", () => {
    expect(synth).toHaveResourceWithProperties(CloudwatchMetricAlarm, { namespace: "PrivateEcsApi/AlbBridge", metric_name: "AlbIpsFound" });
    expect(synth).toHaveResourceWithProperties(CloudwatchMetricAlarm, { namespace: "AWS/Lambda", metric_name: "Errors" });
    expect(synth).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      namespace: "AWS/NetworkELB",
      metric_name: "HealthyHostCount",
      comparison_operator: "LessThanThreshold",
    });
  });

  test("a state parameter that Terraform creates and then leaves to the function", () => {
    const [, param] = resourcesOf(json, "aws_ssm_parameter")[0];
    expect(JSON.parse(String(param.value))).toEqual({ missing: {} });
    expect(param.lifecycle).toEqual({ ignore_changes: ["value"] });
  });
});
