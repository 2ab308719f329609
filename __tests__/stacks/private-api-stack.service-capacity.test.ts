/**
 * Services' capacity and autoscaling as the stack wires them: the capacity provider of the
 * stack's own cluster, the scalable target on the real cluster and service names, the ALB request
 * metric on the right load balancer and target group (a new ALB's, or an existing one's from its
 * ARN), and deployment limits that follow where the tasks can go.
 */
import type { PrivateApiConfigInput } from "../../lib/config/schema";
import { defaultConfig, exampleConfig, ledgerOf } from "../helpers/fixtures";
import { resourcesByPath, resourcesOf, synthToTemp, type TerraformJson } from "../helpers/synth";

type Service = PrivateApiConfigInput["services"][number];

/** `cfg` with the service called `name` changed. */
function changed(cfg: PrivateApiConfigInput, name: string, change: Partial<Service>): PrivateApiConfigInput {
  const copy = structuredClone(cfg);
  copy.services = copy.services.map((s) => (s.name === name ? { ...s, ...change } : s));
  return copy;
}

/** The resource at a construct path (`Service-orders/Resource`), with its logical id. */
function at(json: TerraformJson, type: string, path: string): { id: string; attrs: Record<string, unknown> } {
  const found = resourcesByPath(json, type).get(path);
  if (!found) throw new Error(`no ${type} at ${path}`);
  return found;
}

describe("a service on the capacity provider, autoscaled", () => {
  // GIVEN the default config (2 to 4 instances) with orders on the capacity provider, scaling 2 to 4 tasks on CPU
  const stack = synthToTemp(
    changed(defaultConfig(), "orders", { capacity: "provider", desiredCount: 2, autoscaling: { min: 2, max: 4, cpuPercent: 60 } }),
  );
  const json = stack.json;
  const provider = at(json, "aws_ecs_capacity_provider", "Cluster/CapacityProvider");
  const association = at(json, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders");
  const cluster = at(json, "aws_ecs_cluster", "Cluster/Resource");

  test("uses the cluster's capacity provider, once the cluster has it", () => {
    const orders = at(json, "aws_ecs_service", "Service-orders/Resource").attrs;
    expect(orders.capacity_provider_strategy).toEqual([
      { capacity_provider: `\${aws_ecs_capacity_provider.${provider.id}.name}`, weight: 1 },
    ]);
    expect(orders).not.toHaveProperty("launch_type");
    expect(orders.depends_on).toContain(`aws_ecs_cluster_capacity_providers.${association.id}`);
  });

  test("scales between min and max on the service of the stack's cluster", () => {
    const orders = at(json, "aws_ecs_service", "Service-orders/Resource");
    const target = at(json, "aws_appautoscaling_target", "Service-orders/Autoscaling/Target").attrs;
    expect(target).toMatchObject({
      resource_id: `service/\${aws_ecs_cluster.${cluster.id}.name}/\${aws_ecs_service.${orders.id}.name}`,
      min_capacity: 2,
      max_capacity: 4,
    });
    expect(orders.attrs.lifecycle).toEqual({ ignore_changes: ["desired_count"] });
    expect(at(json, "aws_appautoscaling_policy", "Service-orders/Autoscaling/CpuPolicy").attrs.name).toBe("private-api-orders-cpu");
  });

  test("rolls at 100-200 % while the capacity provider can add an instance below cluster.maxSize, else stops old tasks first", () => {
    // cluster.maxSize 4: at max 3 tasks one instance can still be added; at max 4 (above) none can.
    const roomy = synthToTemp(
      changed(defaultConfig(), "orders", { capacity: "provider", desiredCount: 2, autoscaling: { min: 2, max: 3, cpuPercent: 60 } }),
    );
    expect(at(roomy.json, "aws_ecs_service", "Service-orders/Resource").attrs).toMatchObject({
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
    });
    expect(at(json, "aws_ecs_service", "Service-orders/Resource").attrs).toMatchObject({
      deployment_minimum_healthy_percent: 50,
      deployment_maximum_percent: 100,
    });
  });

  test("leaves the other service exactly as it was", () => {
    const before = synthToTemp(defaultConfig()).json;
    for (const type of ["aws_ecs_service", "aws_ecs_task_definition", "aws_cloudwatch_log_group"]) {
      const path =
        type === "aws_cloudwatch_log_group"
          ? "Service-inventory/LogGroup"
          : type === "aws_ecs_service"
            ? "Service-inventory/Resource"
            : "Service-inventory/TaskDefinition";
      expect(at(json, type, path)).toEqual(at(before, type, path));
    }
    expect(resourcesOf(json, "aws_appautoscaling_target")).toHaveLength(1);
  });
});

describe("deployment limits with the launch type", () => {
  test("an autoscaled fixed-port service counts the spare instances at its largest task count", () => {
    // GIVEN minSize 2, orders scaling 1 to 2 tasks: at 2 tasks no instance is spare
    const stack = synthToTemp(changed(defaultConfig(), "orders", { autoscaling: { min: 1, max: 2, memoryPercent: 70 } }));
    // THEN old tasks stop first, as for 2 tasks without autoscaling
    expect(at(stack.json, "aws_ecs_service", "Service-orders/Resource").attrs).toMatchObject({
      launch_type: "EC2",
      deployment_minimum_healthy_percent: 50,
      deployment_maximum_percent: 100,
    });
  });

  test("without autoscaling, as before: cluster.minSize minus desiredCount", () => {
    // GIVEN minSize 2 and one task: one instance is always spare
    const stack = synthToTemp(changed(defaultConfig(), "orders", { desiredCount: 1 }));
    expect(at(stack.json, "aws_ecs_service", "Service-orders/Resource").attrs).toMatchObject({
      launch_type: "EC2",
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
    });
  });
});

describe("requests per target", () => {
  test("on a new ALB: the ALB's and the service's target group's ARN suffixes", () => {
    // GIVEN examples/alb-bridge-native.json with search (dynamic ports) scaling on requests
    const input = changed(exampleConfig("alb-bridge-native"), "search", { autoscaling: { min: 2, max: 12, requestsPerTarget: 800 } });
    // WHEN
    const { json } = synthToTemp(input, { nlbShards: ledgerOf("examples/alb-bridge-native.json") });
    // THEN
    const alb = at(json, "aws_lb", "Alb/Resource");
    const targetGroup = at(json, "aws_lb_target_group", "Alb/TargetGroup-search");
    const policy = at(json, "aws_appautoscaling_policy", "Service-search/Autoscaling/RequestsPolicy").attrs;
    expect(policy.target_tracking_scaling_policy_configuration).toEqual({
      target_value: 800,
      predefined_metric_specification: {
        predefined_metric_type: "ALBRequestCountPerTarget",
        resource_label: `\${aws_lb.${alb.id}.arn_suffix}/\${aws_lb_target_group.${targetGroup.id}.arn_suffix}`,
      },
    });
  });

  test("on an existing ALB: its ARN suffix from the ARN in the config", () => {
    // GIVEN examples/existing-alb.json with products scaling on requests
    const input = changed(exampleConfig("existing-alb"), "products", { autoscaling: { min: 3, max: 9, requestsPerTarget: 1000 } });
    // WHEN
    const { json } = synthToTemp(input, { nlbShards: ledgerOf("examples/existing-alb.json") });
    // THEN
    const targetGroup = at(json, "aws_lb_target_group", "Alb/TargetGroup-products");
    const policy = at(json, "aws_appautoscaling_policy", "Service-products/Autoscaling/RequestsPolicy").attrs;
    expect(policy.target_tracking_scaling_policy_configuration).toMatchObject({
      predefined_metric_specification: {
        resource_label: `app/shared-internal/6f4e3d2c1b0a9988/\${aws_lb_target_group.${targetGroup.id}.arn_suffix}`,
      },
    });
  });
});

test("on an existing cluster, the scalable target names that cluster", () => {
  // GIVEN examples/adopt-existing.json (cluster "shared-ec2") with invoices autoscaled
  const input = changed(exampleConfig("adopt-existing"), "invoices", { autoscaling: { min: 2, max: 8, cpuPercent: 50 } });
  // WHEN
  const { json } = synthToTemp(input, { nlbShards: ledgerOf("examples/adopt-existing.json") });
  // THEN
  const invoices = at(json, "aws_ecs_service", "Service-invoices/Resource");
  expect(at(json, "aws_appautoscaling_target", "Service-invoices/Autoscaling/Target").attrs.resource_id).toBe(
    `service/shared-ec2/\${aws_ecs_service.${invoices.id}.name}`,
  );
  expect(json.resource).not.toHaveProperty("aws_ecs_capacity_provider");
});
