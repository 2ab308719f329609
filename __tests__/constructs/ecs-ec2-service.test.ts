import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { deploymentLimits, EcsEc2Service, type EcsEc2ServiceProps } from "../../lib/constructs/ecs-ec2-service";
import { readPolicyDocument } from "../../lib/policy/iam";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const CLUSTER_ARN = "arn:aws:ecs:eu-west-2:123456789012:cluster/team-api";

/** The service's own props: what runs, and how many. */
type ServiceShape = Omit<EcsEc2ServiceProps, "name" | "region" | "clusterArn" | "targetGroup" | "targetGroupAttachedBy" | "spareInstances">;

function service(overrides: Partial<ServiceShape> = {}): ServiceShape {
  return {
    serviceName: "orders",
    image: "123456789012.dkr.ecr.eu-west-2.amazonaws.com/orders:1.4.2",
    cpu: 512,
    memoryLimitMiB: 1024,
    containerPort: 8080,
    hostPort: 10000,
    desiredCount: 2,
    environment: { ZONE: "z", ALPHA: "a", MIDDLE: "m" },
    logRetentionDays: 14,
    ...overrides,
  };
}

/** How the service gets its instances and its task count; none of it by default. */
type CapacityShape = Pick<EcsEc2ServiceProps, "capacityProvider" | "autoscaling">;

/** Synthesises the service with a target group and listener of its own. */
function synthService(svc: ServiceShape, capacity: (stack: TerraformStack) => CapacityShape = () => ({})): string {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const targetGroup = new LbTargetGroup(stack, "TargetGroup", {
    name: "team-api-tg-10000",
    port: 10000,
    protocol: "TCP",
    vpcId: "vpc-0123456789abcdef0",
  });
  const listener = new LbListener(stack, "Listener", {
    loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/net/team-api-nlb/0123456789abcdef",
    port: 10000,
    protocol: "TCP",
    defaultAction: [{ type: "forward", targetGroupArn: targetGroup.arn }],
  });
  new EcsEc2Service(stack, "Service", {
    name: "team-api",
    region: "eu-west-2",
    clusterArn: CLUSTER_ARN,
    ...svc,
    targetGroup,
    targetGroupAttachedBy: [listener],
    ...capacity(stack),
  });
  return Testing.synth(stack, true);
}

function synthJson(svc: ServiceShape, capacity?: (stack: TerraformStack) => CapacityShape): TerraformJson {
  return JSON.parse(synthService(svc, capacity)) as TerraformJson;
}

/** A capacity provider on the cluster, and its association (which a strategy must wait for). */
function onProvider(stack: TerraformStack): CapacityShape {
  const association = new EcsClusterCapacityProviders(stack, "Association", {
    clusterName: "team-api",
    capacityProviders: ["team-api-capacity"],
  });
  return { capacityProvider: { name: "team-api-capacity", attachedBy: [association] } };
}

/** The single resource of a type, as [logical id, attributes]. */
function single(json: TerraformJson, type: string): [string, Record<string, unknown>] {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return all[0];
}

interface ContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential: boolean;
  readonly cpu: number;
  readonly memory: number;
  readonly portMappings: readonly { containerPort: number; hostPort: number; protocol: string }[];
  readonly environment: readonly { name: string; value: string }[];
  readonly logConfiguration: { logDriver: string; options: Record<string, string> };
}

/** The resource of a type whose construct id (the last part of its path) is `id`, as [logical id, attributes]. */
function resourceAt(json: TerraformJson, type: string, id: string): [string, Record<string, unknown>] {
  const found = resourcesOf(json, type).filter(([logicalId]) => new RegExp(`_${id}_[0-9A-F]{8}$`).test(logicalId));
  expect(found).toHaveLength(1);
  return found[0];
}
const policyAt = (json: TerraformJson, id: string) => resourceAt(json, "aws_iam_role_policy", id);

/** A policy or trust policy attribute, read the way the policy check reads it. */
function documentOf(value: unknown): { Statement: Record<string, unknown>[] } {
  const read = readPolicyDocument(value);
  if (!read.ok) throw new Error(read.reason);
  return read.document as { Statement: Record<string, unknown>[] };
}

function containersOf(json: TerraformJson): ContainerDefinition[] {
  const [, taskDefinition] = single(json, "aws_ecs_task_definition");
  expect(typeof taskDefinition.container_definitions).toBe("string");
  return JSON.parse(String(taskDefinition.container_definitions)) as ContainerDefinition[];
}

describe("EcsEc2Service task definition", () => {
  test("is an EC2 task definition in bridge mode", () => {
    // WHEN
    const synth = synthService(service());
    // THEN
    expect(synth).toHaveResourceWithProperties(EcsTaskDefinition, {
      family: "team-api-orders",
      network_mode: "bridge",
      requires_compatibilities: ["EC2"],
    });
  });

  test("maps the fixed host port to the container port", () => {
    // WHEN
    const containers = containersOf(synthJson(service({ containerPort: 3000, hostPort: 10042 })));
    // THEN
    expect(containers).toHaveLength(1);
    expect(containers[0].portMappings).toEqual([{ containerPort: 3000, hostPort: 10042, protocol: "tcp" }]);
  });

  test("runs the configured image with its CPU and memory", () => {
    // WHEN
    const [container] = containersOf(synthJson(service()));
    // THEN
    expect(container).toEqual(
      expect.objectContaining({
        name: "orders",
        image: "123456789012.dkr.ecr.eu-west-2.amazonaws.com/orders:1.4.2",
        essential: true,
        cpu: 512,
        memory: 1024,
      }),
    );
  });

  test("environment variables are sorted by name", () => {
    // WHEN
    const [container] = containersOf(synthJson(service()));
    // THEN
    expect(container.environment).toEqual([
      { name: "ALPHA", value: "a" },
      { name: "MIDDLE", value: "m" },
      { name: "ZONE", value: "z" },
    ]);
  });

  test("reordering the environment does not change the container definitions", () => {
    // GIVEN
    const a = service({ environment: { B: "2", A: "1", C: "3" } });
    const b = service({ environment: { C: "3", A: "1", B: "2" } });
    // WHEN
    const [, first] = single(synthJson(a), "aws_ecs_task_definition");
    const [, second] = single(synthJson(b), "aws_ecs_task_definition");
    // THEN
    expect(first.container_definitions).toBe(second.container_definitions);
  });

  test("no environment gives an empty list", () => {
    // WHEN
    const [container] = containersOf(synthJson(service({ environment: {} })));
    // THEN
    expect(container.environment).toEqual([]);
  });

  test("logs go to the service's log group through awslogs", () => {
    // WHEN
    const json = synthJson(service());
    // THEN
    const [logGroupId, logGroup] = single(json, "aws_cloudwatch_log_group");
    const [container] = containersOf(json);
    expect(container.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: { "awslogs-group": "/ecs/team-api/orders", "awslogs-region": "eu-west-2", "awslogs-stream-prefix": "orders" },
    });
    expect(logGroup.name).toBe(container.logConfiguration.options["awslogs-group"]);
    const [, taskDefinition] = single(json, "aws_ecs_task_definition");
    const [executionPolicyId] = policyAt(json, "ExecutionRolePolicy");
    expect(taskDefinition.depends_on).toEqual([`aws_cloudwatch_log_group.${logGroupId}`, `aws_iam_role_policy.${executionPolicyId}`]);
  });
});

describe("EcsEc2Service log group", () => {
  test.each<number>([1, 14, 365])("keeps logs for the configured %p days", (days) => {
    // WHEN
    const synth = synthService(service({ logRetentionDays: days }));
    // THEN
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/ecs/team-api/orders", retention_in_days: days });
  });
});

describe("EcsEc2Service service", () => {
  test("runs on EC2 in the given cluster with the task definition", () => {
    // WHEN
    const synth = synthService(service({ desiredCount: 3 }));
    // THEN
    const [taskDefinitionId] = single(JSON.parse(synth) as TerraformJson, "aws_ecs_task_definition");
    expect(synth).toHaveResourceWithProperties(EcsService, {
      name: "orders",
      launch_type: "EC2",
      cluster: CLUSTER_ARN,
      desired_count: 3,
      task_definition: `\${aws_ecs_task_definition.${taskDefinitionId}.arn}`,
    });
  });

  test("registers the container port in the target group", () => {
    // WHEN
    const json = synthJson(service({ containerPort: 3000 }));
    // THEN
    const [targetGroupId] = single(json, "aws_lb_target_group");
    const [, ecsService] = single(json, "aws_ecs_service");
    expect(ecsService.load_balancer).toEqual([
      { target_group_arn: `\${aws_lb_target_group.${targetGroupId}.arn}`, container_name: "orders", container_port: 3000 },
    ]);
  });

  test("depends on the listener, so the target group has a load balancer first", () => {
    // WHEN
    const json = synthJson(service());
    // THEN
    const [listenerId] = single(json, "aws_lb_listener");
    const [, ecsService] = single(json, "aws_ecs_service");
    expect(ecsService.depends_on).toEqual([`aws_lb_listener.${listenerId}`]);
  });

  test("places at most one task per instance", () => {
    // WHEN
    const [, ecsService] = single(synthJson(service()), "aws_ecs_service");
    // THEN
    expect(ecsService.placement_constraints).toEqual([{ type: "distinctInstance" }]);
  });
});

describe("EcsEc2Service with additional ports", () => {
  /** The service on 8080 -> `hostPort`, and `extra` further ports, each with a target group and listener of its own. */
  function synthPorts(hostPort: number, extra: { containerPort: number; hostPort: number }[]): TerraformJson {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const attached = (id: string, port: number) => {
      const targetGroup = new LbTargetGroup(stack, `TargetGroup-${id}`, { name: `team-api-tg-${port}`, port, protocol: "TCP" });
      const listener = new LbListener(stack, `Listener-${id}`, {
        loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/net/team-api-nlb/0123456789abcdef",
        port,
        protocol: "TCP",
        defaultAction: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      });
      return { targetGroup, targetGroupAttachedBy: [listener] };
    };
    new EcsEc2Service(stack, "Service", {
      name: "team-api",
      region: "eu-west-2",
      clusterArn: CLUSTER_ARN,
      ...service({ containerPort: 8080, hostPort }),
      ...attached("main", hostPort === 0 ? 80 : hostPort),
      additionalPorts: extra.map((p, i) => ({ ...p, ...attached(`extra-${i}`, p.hostPort) })),
    });
    return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
  }

  test("maps every port, registers each in its own target group and waits for every listener", () => {
    // WHEN
    const json = synthPorts(10000, [{ containerPort: 7777, hostPort: 10001 }]);
    // THEN
    expect(containersOf(json)[0].portMappings).toEqual([
      { containerPort: 8080, hostPort: 10000, protocol: "tcp" },
      { containerPort: 7777, hostPort: 10001, protocol: "tcp" },
    ]);
    const groups = new Map(resourcesOf(json, "aws_lb_target_group").map(([id, tg]) => [tg.port, id]));
    const listeners = new Map(resourcesOf(json, "aws_lb_listener").map(([id, l]) => [l.port, id]));
    const [, ecsService] = single(json, "aws_ecs_service");
    expect(ecsService.load_balancer).toEqual([
      { target_group_arn: `\${aws_lb_target_group.${groups.get(10000)}.arn}`, container_name: "orders", container_port: 8080 },
      { target_group_arn: `\${aws_lb_target_group.${groups.get(10001)}.arn}`, container_name: "orders", container_port: 7777 },
    ]);
    expect(ecsService.depends_on).toEqual([`aws_lb_listener.${listeners.get(10000)}`, `aws_lb_listener.${listeners.get(10001)}`]);
  });

  test("one fixed host port places one task per instance, though the first port is dynamic", () => {
    const [, fixed] = single(synthPorts(0, [{ containerPort: 7777, hostPort: 10001 }]), "aws_ecs_service");
    expect(fixed.placement_constraints).toEqual([{ type: "distinctInstance" }]);
    const [, dynamic] = single(synthPorts(0, []), "aws_ecs_service");
    expect(dynamic.placement_constraints).toBeUndefined();
  });

  test("no additional ports: exactly the one-port service", () => {
    const [, ecsService] = single(synthPorts(10000, []), "aws_ecs_service");
    expect(ecsService.load_balancer).toHaveLength(1);
    expect(containersOf(synthPorts(10000, []))[0].portMappings).toEqual([{ containerPort: 8080, hostPort: 10000, protocol: "tcp" }]);
  });

  test("more than five ports is an error naming ECS's limit", () => {
    const extra = [1, 2, 3, 4, 5].map((i) => ({ containerPort: 7000 + i, hostPort: 10000 + i }));
    expect(() => synthPorts(10000, extra)).toThrow(
      /EcsEc2Service "orders": 6 ports, but ECS attaches at most 5 target groups to a service/,
    );
  });
});

describe("EcsEc2Service placement: launch type or capacity provider", () => {
  test("by default the EC2 launch type, no strategy, and no lifecycle rule: as services always were", () => {
    // WHEN
    const [, ecsService] = single(synthJson(service()), "aws_ecs_service");
    // THEN
    expect(ecsService.launch_type).toBe("EC2");
    expect(ecsService).not.toHaveProperty("capacity_provider_strategy");
    expect(ecsService).not.toHaveProperty("lifecycle");
  });

  test("on a capacity provider: its strategy instead of a launch type, after the cluster has the provider", () => {
    // WHEN
    const json = synthJson(service(), onProvider);
    // THEN
    const [, ecsService] = single(json, "aws_ecs_service");
    const [listenerId] = single(json, "aws_lb_listener");
    const [associationId] = single(json, "aws_ecs_cluster_capacity_providers");
    expect(ecsService).not.toHaveProperty("launch_type");
    expect(ecsService.capacity_provider_strategy).toEqual([{ capacity_provider: "team-api-capacity", weight: 1 }]);
    expect(ecsService.depends_on).toEqual([`aws_lb_listener.${listenerId}`, `aws_ecs_cluster_capacity_providers.${associationId}`]);
    // A fixed host port still means one task per instance.
    expect(ecsService.placement_constraints).toEqual([{ type: "distinctInstance" }]);
  });
});

describe("EcsEc2Service autoscaling", () => {
  const autoscaling = { clusterName: "team-api", minCapacity: 2, maxCapacity: 4, cpuPercent: 60 };

  test("the task count is left to the scaling policies: Terraform ignores desired_count after the first apply", () => {
    // WHEN
    const json = synthJson(service({ desiredCount: 2 }), () => ({ autoscaling }));
    // THEN
    const [serviceId, ecsService] = single(json, "aws_ecs_service");
    expect(ecsService).toMatchObject({ desired_count: 2, lifecycle: { ignore_changes: ["desired_count"] } });
    const [, target] = single(json, "aws_appautoscaling_target");
    expect(target).toMatchObject({
      resource_id: `service/team-api/\${aws_ecs_service.${serviceId}.name}`,
      min_capacity: 2,
      max_capacity: 4,
    });
    expect(resourcesOf(json, "aws_appautoscaling_policy").map(([, p]) => p.name)).toEqual(["team-api-orders-cpu"]);
  });

  test("requests per target are counted on the service's own target group of the given ALB", () => {
    // WHEN
    const json = synthJson(service(), () => ({
      autoscaling: { ...autoscaling, requestsPerTarget: 300, loadBalancerArnSuffix: "app/team-api-alb/50dc6c495c0c9188" },
    }));
    // THEN
    const [targetGroupId] = single(json, "aws_lb_target_group");
    const requests = resourcesOf(json, "aws_appautoscaling_policy").find(([, p]) => p.name === "team-api-orders-requests");
    expect(requests?.[1].target_tracking_scaling_policy_configuration).toEqual({
      target_value: 300,
      predefined_metric_specification: {
        predefined_metric_type: "ALBRequestCountPerTarget",
        resource_label: `app/team-api-alb/50dc6c495c0c9188/\${aws_lb_target_group.${targetGroupId}.arn_suffix}`,
      },
    });
  });

  test("refuses requests per target without the ALB to count them on", () => {
    expect(() => synthService(service(), () => ({ autoscaling: { ...autoscaling, requestsPerTarget: 300 } }))).toThrow(
      /autoscaling.requestsPerTarget counts ALB requests and needs autoscaling.loadBalancerArnSuffix/,
    );
  });
});

describe("deploymentLimits", () => {
  test.each([
    [1, 0, 0, 100],
    [2, 0, 50, 100],
    [3, 0, 50, 100],
    [1, 1, 100, 200],
    [4, 2, 100, 200],
  ])("desiredCount %i with %i spare instance(s) rolls at %i%%-%i%%", (count, spare, min, max) => {
    expect(deploymentLimits(count, spare)).toEqual({ minimumHealthyPercent: min, maximumPercent: max });
  });
});

const SECRET_ARN = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:orders/db-AbCdEf";
const PARAMETER_ARN = "arn:aws:ssm:eu-west-2:123456789012:parameter/orders/api-key";
const KMS_KEY_ARN = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("EcsEc2Service execution role", () => {
  test("every service has one, and the task definition names it", () => {
    // WHEN
    const json = synthJson(service());
    // THEN
    const [roleId, role] = resourceAt(json, "aws_iam_role", "ExecutionRole");
    expect(role.name).toBe("team-api-orders-execution");
    const [, taskDefinition] = single(json, "aws_ecs_task_definition");
    expect(taskDefinition.execution_role_arn).toBe(`\${aws_iam_role.${roleId}.arn}`);
    const [, policy] = policyAt(json, "ExecutionRolePolicy");
    expect(policy.role).toBe(`\${aws_iam_role.${roleId}.name}`);
  });

  test("allows exactly the logs, the ECR pull, the secret, the parameter and the KMS key", () => {
    // GIVEN a secret read whole, one read by its JSON key, a parameter and a customer-managed key
    const svc = service({
      secrets: { DB_PASSWORD: `${SECRET_ARN}:password::`, DB_URL: SECRET_ARN, API_KEY: PARAMETER_ARN },
      secretsKmsKeyArn: KMS_KEY_ARN,
    });
    // WHEN
    const json = synthJson(svc);
    // THEN
    const [logGroupId] = single(json, "aws_cloudwatch_log_group");
    expect(documentOf(policyAt(json, "ExecutionRolePolicy")[1].policy).Statement).toEqual([
      {
        Sid: "OwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `\${aws_cloudwatch_log_group.${logGroupId}.arn}:*`,
      },
      { Sid: "EcrAuthorization", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
      {
        Sid: "EcrPull",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
        Resource: "arn:aws:ecr:eu-west-2:123456789012:repository/orders",
      },
      // The JSON key is ECS's business: IAM authorises the secret itself, once.
      { Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRET_ARN] },
      { Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [PARAMETER_ARN] },
      { Sid: "DecryptSecrets", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KMS_KEY_ARN] },
    ]);
  });

  test("without secrets it may write its logs and pull its image, and nothing else", () => {
    // WHEN
    const statements = documentOf(policyAt(synthJson(service()), "ExecutionRolePolicy")[1].policy).Statement;
    // THEN
    expect(statements.map((s) => s.Sid)).toEqual(["OwnLogs", "EcrAuthorization", "EcrPull"]);
  });

  test.each(["public.ecr.aws/nginx/nginx:1.27", "nginx:1.27", "ghcr.io/acme/orders:1.0.0"])(
    "an image from %s gets no ECR statement",
    (image) => {
      // WHEN
      const statements = documentOf(policyAt(synthJson(service({ image })), "ExecutionRolePolicy")[1].policy).Statement;
      // THEN
      expect(statements.map((s) => s.Sid)).toEqual(["OwnLogs"]);
    },
  );

  test("an ECR image by digest, in a nested repository of another account, is pulled from that repository", () => {
    // GIVEN
    const image = `210987654321.dkr.ecr.eu-west-1.amazonaws.com/platform/base/orders@sha256:${"a".repeat(64)}`;
    // WHEN
    const statements = documentOf(policyAt(synthJson(service({ image })), "ExecutionRolePolicy")[1].policy).Statement;
    // THEN
    expect(statements.find((s) => s.Sid === "EcrPull")?.Resource).toBe(
      "arn:aws:ecr:eu-west-1:210987654321:repository/platform/base/orders",
    );
  });

  test("a secret that is not a whole ARN is refused, naming the prop and the value", () => {
    expect(() => synthService(service({ secrets: { DB_PASSWORD: "orders/db" } }))).toThrow(
      /secrets\.DB_PASSWORD must be a whole Secrets Manager secret ARN or an SSM parameter ARN \(got "orders\/db"\)/,
    );
  });
});

describe("EcsEc2Service roles' trust", () => {
  test("the ExecutionRole trusts the ECS tasks service, as AWS documents it for execution roles", () => {
    // WHEN
    const json = synthJson(service());
    // THEN
    expect(documentOf(resourceAt(json, "aws_iam_role", "ExecutionRole")[1].assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });

  test("the TaskRole trusts ECS tasks of the log group's account in the region only", () => {
    // WHEN
    const json = synthJson(service());
    // THEN
    const [logGroupId] = single(json, "aws_cloudwatch_log_group");
    const account = `\${element(split(":", aws_cloudwatch_log_group.${logGroupId}.arn), 4)}`;
    expect(documentOf(resourceAt(json, "aws_iam_role", "TaskRole")[1].assume_role_policy).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": account },
          ArnLike: { "aws:SourceArn": `arn:aws:ecs:eu-west-2:${account}:*` },
        },
      },
    ]);
  });

  test("needs no data source for the account, so a plan makes no AWS call", () => {
    expect(synthJson(service()).data).toBeUndefined();
  });
});

describe("EcsEc2Service task role", () => {
  test("by default has no permissions at all: no policy, no attachment", () => {
    // WHEN
    const json = synthJson(service());
    // THEN
    const [roleId, role] = resourceAt(json, "aws_iam_role", "TaskRole");
    expect(role.name).toBe("team-api-orders-task");
    expect(single(json, "aws_ecs_task_definition")[1].task_role_arn).toBe(`\${aws_iam_role.${roleId}.arn}`);
    expect(resourcesOf(json, "aws_iam_role_policy").map(([, p]) => p.role)).not.toContain(`\${aws_iam_role.${roleId}.name}`);
    expect(resourcesOf(json, "aws_iam_role_policy_attachment")).toEqual([]);
  });

  test("inline statements become one policy on the task role", () => {
    // GIVEN
    const statements = [
      { actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:eu-west-2:123456789012:orders"] },
      { actions: ["s3:GetObject", "s3:PutObject"], resources: ["arn:aws:s3:::orders-archive/*"] },
    ];
    // WHEN
    const json = synthJson(service({ taskRole: { statements } }));
    // THEN
    const [roleId] = resourceAt(json, "aws_iam_role", "TaskRole");
    const [, policy] = policyAt(json, "TaskRolePolicy");
    expect(policy.role).toBe(`\${aws_iam_role.${roleId}.name}`);
    expect(documentOf(policy.policy).Statement).toEqual([
      { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: ["arn:aws:sqs:eu-west-2:123456789012:orders"] },
      { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::orders-archive/*"] },
    ]);
  });

  test("managed policies are attached one by one, at ids that do not move when the list is reordered", () => {
    // GIVEN
    const arns = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::123456789012:policy/teams/orders-reader"];
    const attachments = (list: string[]) =>
      Object.fromEntries(
        resourcesOf(synthJson(service({ taskRole: { managedPolicyArns: list } })), "aws_iam_role_policy_attachment").map(([id, a]) => [
          id,
          a.policy_arn,
        ]),
      );
    // WHEN
    const forward = attachments(arns);
    const reversed = attachments([...arns].reverse());
    // THEN
    expect(Object.values(forward).sort()).toEqual([...arns].sort());
    expect(reversed).toEqual(forward);
    expect(Object.keys(forward).sort()).toEqual([
      expect.stringMatching(/^Service_ManagedPolicy-123456789012-orders-reader_[0-9A-F]{8}$/),
      expect.stringMatching(/^Service_ManagedPolicy-aws-AmazonS3ReadOnlyAccess_[0-9A-F]{8}$/),
    ]);
  });
});

describe("EcsEc2Service secrets", () => {
  test("become the container's secrets, sorted by name, with the ARN as given", () => {
    // WHEN
    const [container] = containersOf(synthJson(service({ secrets: { Z_TOKEN: PARAMETER_ARN, A_PASSWORD: `${SECRET_ARN}:password::` } })));
    // THEN
    expect((container as unknown as { secrets: unknown }).secrets).toEqual([
      { name: "A_PASSWORD", valueFrom: `${SECRET_ARN}:password::` },
      { name: "Z_TOKEN", valueFrom: PARAMETER_ARN },
    ]);
  });

  test("reordering them does not change the container definitions", () => {
    // GIVEN
    const a = service({ secrets: { B: PARAMETER_ARN, A: SECRET_ARN } });
    const b = service({ secrets: { A: SECRET_ARN, B: PARAMETER_ARN } });
    // THEN
    expect(single(synthJson(a), "aws_ecs_task_definition")[1].container_definitions).toBe(
      single(synthJson(b), "aws_ecs_task_definition")[1].container_definitions,
    );
  });
});

describe("EcsEc2Service container settings", () => {
  test("left out, the container definition has exactly the fields it always had", () => {
    // WHEN
    const [container] = containersOf(synthJson(service()));
    // THEN
    expect(Object.keys(container)).toEqual([
      "name",
      "image",
      "essential",
      "cpu",
      "memory",
      "portMappings",
      "environment",
      "logConfiguration",
    ]);
  });

  test("command, entry point, health check, stop timeout, read-only root and memory reservation are written as ECS names them", () => {
    // GIVEN
    const svc = service({
      command: ["serve", "--port", "8080"],
      entryPoint: ["/usr/bin/tini", "--"],
      containerHealthCheck: {
        command: ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"],
        retries: 5,
        startPeriodSeconds: 20,
      },
      stopTimeout: 60,
      readonlyRootFilesystem: true,
      memoryReservationMiB: 768,
    });
    // WHEN
    const [container] = containersOf(synthJson(svc));
    // THEN
    expect(container).toEqual(
      expect.objectContaining({
        command: ["serve", "--port", "8080"],
        entryPoint: ["/usr/bin/tini", "--"],
        healthCheck: {
          command: ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"],
          interval: 30,
          timeout: 5,
          retries: 5,
          startPeriod: 20,
        },
        stopTimeout: 60,
        readonlyRootFilesystem: true,
        memory: 1024,
        memoryReservation: 768,
      }),
    );
  });

  test("a health check's start period of 0, ECS's default, is left out", () => {
    // WHEN
    const [container] = containersOf(synthJson(service({ containerHealthCheck: { command: ["CMD", "/bin/check"] } })));
    // THEN
    expect((container as unknown as { healthCheck: unknown }).healthCheck).toEqual({
      command: ["CMD", "/bin/check"],
      interval: 30,
      timeout: 5,
      retries: 3,
    });
  });

  test("a memory reservation not below the hard limit is refused", () => {
    expect(() => synthService(service({ memoryReservationMiB: 1024 }))).toThrow(
      /memoryReservationMiB 1024 must be less than the hard limit 1024/,
    );
  });
});
