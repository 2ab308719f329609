import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import type { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { Construct } from "constructs";
import { scalingPolicyName } from "../model/names";

/** What a service scales on: one target tracking policy per metric given. */
export interface ServiceScalingMetrics {
  /**
   * Average CPU utilisation of the service's tasks to hold, percent (ECSServiceAverageCPUUtilization).
   * @default - no CPU policy
   */
  readonly cpuPercent?: number;
  /**
   * Average memory utilisation of the service's tasks to hold, percent (ECSServiceAverageMemoryUtilization).
   * @default - no memory policy
   */
  readonly memoryPercent?: number;
  /**
   * ALB requests per task and minute to hold (ALBRequestCountPerTarget), and the target group it is
   * counted on: `resourceLabel` is `<ALB arn suffix>/<target group arn suffix>`
   * (`app/<name>/<id>/targetgroup/<name>/<id>`).
   * @default - no requests policy
   */
  readonly requestsPerTarget?: { readonly targetValue: number; readonly resourceLabel: string };
}

export interface ServiceAutoscalingProps extends ServiceScalingMetrics {
  /** Prefix of the policy names. */
  readonly name: string;
  /** Name of the ECS cluster the service runs in (not its ARN: the resource id needs the name). */
  readonly clusterName: string;
  /** The ECS service to scale. The target's resource id refers to its name, so the target waits for it. */
  readonly service: EcsService;
  /** The service's name as a plain string, for the policy names (`service.name` is known only to Terraform). */
  readonly serviceName: string;
  /** Fewest tasks. */
  readonly minCapacity: number;
  /** Most tasks. */
  readonly maxCapacity: number;
}

/** The metrics, each with its predefined metric type and the suffix of its policy's name. */
const METRICS = [
  { key: "cpuPercent", id: "CpuPolicy", suffix: "cpu", type: "ECSServiceAverageCPUUtilization" },
  { key: "memoryPercent", id: "MemoryPolicy", suffix: "memory", type: "ECSServiceAverageMemoryUtilization" },
  { key: "requestsPerTarget", id: "RequestsPolicy", suffix: "requests", type: "ALBRequestCountPerTarget" },
] as const;

/**
 * Application Auto Scaling of an ECS service's task count: a scalable target on its desired count
 * (`service/<cluster>/<service>`), between `minCapacity` and `maxCapacity`, and one target tracking
 * policy per metric given. Application Auto Scaling acts through its service-linked role
 * (AWSServiceRoleForApplicationAutoScaling_ECSService, created by AWS on first use), so no role is
 * created here. The service should ignore changes to its desired count (EcsEc2Service does, when
 * autoscaled), or every apply would reset what the policies chose.
 */
export class ServiceAutoscaling extends Construct {
  /** Resource id of the scalable target, `service/<cluster>/<service>`. */
  public readonly resourceId: string;

  constructor(scope: Construct, id: string, props: ServiceAutoscalingProps) {
    super(scope, id);
    const what = `ServiceAutoscaling "${props.serviceName}"`;
    if (!Number.isInteger(props.minCapacity) || !Number.isInteger(props.maxCapacity) || props.minCapacity < 0) {
      throw new Error(`${what}: minCapacity ${props.minCapacity} and maxCapacity ${props.maxCapacity} must be whole numbers, from 0`);
    }
    if (props.minCapacity > props.maxCapacity) {
      throw new Error(`${what}: minCapacity ${props.minCapacity} is more than maxCapacity ${props.maxCapacity}`);
    }
    const given = METRICS.filter((m) => props[m.key] !== undefined);
    if (given.length === 0) throw new Error(`${what}: give at least one of cpuPercent, memoryPercent, requestsPerTarget`);

    const target = new AppautoscalingTarget(this, "Target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.clusterName}/${props.service.name}`,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
    });
    this.resourceId = target.resourceId;

    for (const metric of given) {
      const requests = metric.key === "requestsPerTarget" ? props.requestsPerTarget : undefined;
      new AppautoscalingPolicy(this, metric.id, {
        name: scalingPolicyName(props.name, props.serviceName, metric.suffix),
        policyType: "TargetTrackingScaling",
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: requests ? requests.targetValue : (props[metric.key] as number),
          predefinedMetricSpecification: {
            predefinedMetricType: metric.type,
            resourceLabel: requests?.resourceLabel,
          },
        },
      });
    }
  }
}
