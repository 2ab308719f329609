import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { deploymentLimits, EcsEc2Service, type EcsEc2ServiceProps } from "../../lib/constructs/ecs-ec2-service";
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
    expect(taskDefinition.depends_on).toEqual([`aws_cloudwatch_log_group.${logGroupId}`]);
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
