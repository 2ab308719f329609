/**
 * What both service constructs take from ecs-task-parts: the log group's KMS key, the container's
 * user, and the warnings about a root user and secret-looking environment variables. Each test runs
 * on EcsEc2Service and on EcsFargateService.
 */
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import type { Construct } from "constructs";
import { EcsEc2Service } from "../../lib/constructs/ecs-ec2-service";
import { EcsFargateService } from "../../lib/constructs/ecs-fargate-service";
import type { EcsTaskProps } from "../../lib/constructs/ecs-task-parts";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const KEY = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

type TaskShape = Partial<Omit<EcsTaskProps, "name" | "region" | "serviceName" | "image">>;
type Kind = "ec2" | "fargate";
const KINDS: Kind[] = ["ec2", "fargate"];

interface Built {
  readonly json: TerraformJson;
  /** Warning annotations in the service's subtree, with the path of the construct each is on. */
  readonly warnings: { path: string; message: string }[];
}

/** One service of `kind` with a target group and listener of its own, synthesised. */
function build(kind: Kind, task: TaskShape = {}): Built {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const targetGroup = new LbTargetGroup(stack, "TargetGroup", {
    name: "team-api-tg",
    port: 10000,
    protocol: "TCP",
    targetType: kind === "fargate" ? "ip" : "instance",
    vpcId: "vpc-0123456789abcdef0",
  });
  const listener = new LbListener(stack, "Listener", {
    loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/net/team-api-nlb/0123456789abcdef",
    port: 10000,
    protocol: "TCP",
    defaultAction: [{ type: "forward", targetGroupArn: targetGroup.arn }],
  });
  const common = {
    name: "team-api",
    region: "eu-west-2",
    clusterArn: "arn:aws:ecs:eu-west-2:123456789012:cluster/team-api",
    serviceName: "orders",
    image: "123456789012.dkr.ecr.eu-west-2.amazonaws.com/orders:1.4.2",
    containerPort: 8080,
    targetGroup,
    targetGroupAttachedBy: [listener],
    ...task,
  };
  const service: Construct =
    kind === "ec2"
      ? new EcsEc2Service(stack, "Service", { ...common, hostPort: 10000 })
      : new EcsFargateService(stack, "Service", { ...common, vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0"] });
  const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
  const warnings = service.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => ({ path: c.node.path, message: String(m.data) })));
  return { json, warnings };
}

function logGroupOf(json: TerraformJson): Record<string, unknown> {
  const groups = resourcesOf(json, "aws_cloudwatch_log_group");
  expect(groups).toHaveLength(1);
  return groups[0][1];
}

function containerOf(json: TerraformJson): Record<string, unknown> {
  const definitions = resourcesOf(json, "aws_ecs_task_definition");
  expect(definitions).toHaveLength(1);
  const containers = JSON.parse(String(definitions[0][1].container_definitions)) as Record<string, unknown>[];
  expect(containers).toHaveLength(1);
  return containers[0];
}

describe.each(KINDS)("%s service: the log group's KMS key", (kind) => {
  test("by default none: CloudWatch Logs' own encryption, as before", () => {
    const group = logGroupOf(build(kind).json);
    expect(group).not.toHaveProperty("kms_key_id");
    expect(group.retention_in_days).toBe(30);
  });

  test("logKmsKeyArn becomes the log group's kms_key_id; retention stays its own", () => {
    const group = logGroupOf(build(kind, { logKmsKeyArn: KEY, logRetentionDays: 365 }).json);
    expect(group).toMatchObject({ name: "/ecs/team-api/orders", kms_key_id: KEY, retention_in_days: 365 });
  });

  test("the execution role gets no KMS permission for it: CloudWatch Logs encrypts, not the writer", () => {
    const { json } = build(kind, { logKmsKeyArn: KEY });
    const policies = resourcesOf(json, "aws_iam_role_policy").map(([, p]) => String(p.policy));
    expect(policies.length).toBeGreaterThan(0);
    expect(policies.filter((p) => p.includes("kms:"))).toEqual([]);
  });
});

describe.each(KINDS)("%s service: the container's user", (kind) => {
  test("without user the container definition has none (the image's USER applies), and nothing is warned", () => {
    const { json, warnings } = build(kind);
    expect(containerOf(json)).not.toHaveProperty("user");
    expect(warnings).toEqual([]);
  });

  test.each(["1000", "1000:1000", "app", "app:app"])("user %s is written as given, without a warning", (user) => {
    const { json, warnings } = build(kind, { user });
    expect(containerOf(json).user).toBe(user);
    expect(warnings).toEqual([]);
  });

  test.each(["root", "0", "0:0", "root:root"])(
    "user %s runs as root: written as given, with one warning on the task definition",
    (user) => {
      const { json, warnings } = build(kind, { user, configPath: "services[1]" });
      expect(containerOf(json).user).toBe(user);
      expect(warnings).toEqual([
        {
          path: "test/Service/TaskDefinition",
          message: `services[1].user ${JSON.stringify(user)} runs the container as root (Security Hub ECS.20 fails it): a process that breaks out of the application has root in the container. Give a non-root user such as "1000:1000" unless the image needs root.`,
        },
      ]);
    },
  );

  test("a user that is not a shape ECS accepts is refused, naming the prop and the value", () => {
    expect(() => build(kind, { user: "app user" })).toThrow(
      /Service: user "app user" must be a user name or uid, optionally with a group name or gid/,
    );
  });
});

describe.each(KINDS)("%s service: environment variables that look like secrets", (kind) => {
  test("each gets one warning naming the variable under the config path and pointing to secrets, never showing the value", () => {
    const environment = {
      LOG_LEVEL: "info",
      DB_PASSWORD: "hunter2-value",
      DATABASE_URL: "postgres://app:hunter2-url@db:5432/app",
      JWT_SECRET_ARN: "arn:aws:secretsmanager:eu-west-2:123456789012:secret:jwt-AbCdEf",
      TOKEN_URL: "https://auth.example.com/token",
    };
    const { warnings } = build(kind, { environment, configPath: "services[0]" });
    expect(warnings.map((w) => w.path)).toEqual(["test/Service/TaskDefinition", "test/Service/TaskDefinition"]);
    expect(warnings.map((w) => w.message)).toEqual([
      "services[0].environment.DATABASE_URL is a URL with a password in it, and a plain environment variable's value is stored in the task definition and the Terraform state for anyone who can read them. Keep the value in Secrets Manager or SSM Parameter Store and give its ARN in services[0].secrets instead (docs/services.md).",
      "services[0].environment.DB_PASSWORD looks like a secret, and a plain environment variable's value is stored in the task definition and the Terraform state for anyone who can read them. Keep the value in Secrets Manager or SSM Parameter Store and give its ARN in services[0].secrets instead (docs/services.md).",
    ]);
    expect(warnings.filter((w) => w.message.includes("hunter2"))).toEqual([]);
  });

  test("without a config path, the warning names the props", () => {
    const { warnings } = build(kind, { environment: { API_KEY: "k" } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/^environment\.API_KEY looks like a secret, .* give its ARN in secrets instead/);
  });

  test("secrets (ARNs) are not warned about, whatever their names", () => {
    const { warnings } = build(kind, {
      secrets: { DB_PASSWORD: "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-AbCdEf" },
      environment: { NODE_ENV: "production" },
    });
    expect(warnings).toEqual([]);
  });
});
