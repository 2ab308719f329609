import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { ServiceAutoscaling, type ServiceAutoscalingProps } from "../../lib/constructs/service-autoscaling";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

type Options = Omit<ServiceAutoscalingProps, "name" | "clusterName" | "service" | "serviceName">;

/** Synthesises a bare ECS service and its autoscaling. */
function synth(options: Options): { json: TerraformJson; serviceId: string } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const service = new EcsService(stack, "Service", { name: "orders", cluster: "team-api", taskDefinition: "orders:1" });
  new ServiceAutoscaling(stack, "Autoscaling", { name: "team-api", clusterName: "team-api", service, serviceName: "orders", ...options });
  const json = JSON.parse(Testing.synth(stack, true)) as TerraformJson;
  return { json, serviceId: resourcesOf(json, "aws_ecs_service")[0][0] };
}

const LABEL = "app/team-api-alb/50dc6c495c0c9188/targetgroup/team-api-alb-orders/0123456789abcdef";

describe("ServiceAutoscaling", () => {
  test("registers the service's desired count as a scalable target between min and max, after the service exists", () => {
    // WHEN
    const { json, serviceId } = synth({ minCapacity: 2, maxCapacity: 6, cpuPercent: 60 });
    // THEN
    const targets = resourcesOf(json, "aws_appautoscaling_target");
    expect(targets).toHaveLength(1);
    expect(targets[0][1]).toMatchObject({
      service_namespace: "ecs",
      scalable_dimension: "ecs:service:DesiredCount",
      // The service's name by reference: Terraform creates the target after the service.
      resource_id: `service/team-api/\${aws_ecs_service.${serviceId}.name}`,
      min_capacity: 2,
      max_capacity: 6,
    });
    // Application Auto Scaling uses its service-linked role: no role is given or created.
    expect(targets[0][1]).not.toHaveProperty("role_arn");
    expect(json.resource).not.toHaveProperty("aws_iam_role");
  });

  test("one target tracking policy per metric given, each on the target", () => {
    // WHEN
    const { json } = synth({
      minCapacity: 1,
      maxCapacity: 4,
      cpuPercent: 60,
      memoryPercent: 70,
      requestsPerTarget: { targetValue: 500, resourceLabel: LABEL },
    });
    // THEN
    const [[targetId]] = resourcesOf(json, "aws_appautoscaling_target");
    const policies = resourcesOf(json, "aws_appautoscaling_policy").map(([, p]) => p);
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      expect(policy).toMatchObject({
        policy_type: "TargetTrackingScaling",
        resource_id: `\${aws_appautoscaling_target.${targetId}.resource_id}`,
        scalable_dimension: `\${aws_appautoscaling_target.${targetId}.scalable_dimension}`,
        service_namespace: `\${aws_appautoscaling_target.${targetId}.service_namespace}`,
      });
    }
    expect(policies.map((p) => [p.name, p.target_tracking_scaling_policy_configuration])).toEqual([
      [
        "team-api-orders-cpu",
        { target_value: 60, predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" } },
      ],
      [
        "team-api-orders-memory",
        { target_value: 70, predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageMemoryUtilization" } },
      ],
      [
        "team-api-orders-requests",
        {
          target_value: 500,
          predefined_metric_specification: { predefined_metric_type: "ALBRequestCountPerTarget", resource_label: LABEL },
        },
      ],
    ]);
  });

  test("only the metrics given get a policy", () => {
    // WHEN
    const { json } = synth({ minCapacity: 0, maxCapacity: 2, memoryPercent: 80 });
    // THEN
    expect(JSON.stringify(json)).not.toContain("ECSServiceAverageCPUUtilization");
    expect(resourcesOf(json, "aws_appautoscaling_policy").map(([, p]) => p.name)).toEqual(["team-api-orders-memory"]);
  });

  test.each<[string, Options, RegExp]>([
    [
      "no metric",
      { minCapacity: 1, maxCapacity: 2 },
      /ServiceAutoscaling "orders": give at least one of cpuPercent, memoryPercent, requestsPerTarget/,
    ],
    ["min above max", { minCapacity: 3, maxCapacity: 2, cpuPercent: 50 }, /minCapacity 3 is more than maxCapacity 2/],
    ["a fractional max", { minCapacity: 1, maxCapacity: 2.5, cpuPercent: 50 }, /must be whole numbers, from 0/],
  ])("refuses %s", (_what, options, expected) => {
    expect(() => synth(options)).toThrow(expected);
  });

  test("the matchers see the resources", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const service = new EcsService(stack, "Service", { name: "orders", cluster: "team-api" });
    new ServiceAutoscaling(stack, "Autoscaling", {
      name: "team-api",
      clusterName: "team-api",
      service,
      serviceName: "orders",
      minCapacity: 1,
      maxCapacity: 3,
      cpuPercent: 50,
    });
    const synthesised = Testing.synth(stack);
    expect(synthesised).toHaveResourceWithProperties(AppautoscalingTarget, { min_capacity: 1, max_capacity: 3 });
    expect(synthesised).toHaveResourceWithProperties(AppautoscalingPolicy, { name: "team-api-orders-cpu" });
  });
});
