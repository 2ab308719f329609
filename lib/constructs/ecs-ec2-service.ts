import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { serviceLogGroupName, taskFamilyName } from "../model/names";
import type { EcsCapacityProviderRef } from "./ecs-ec2-cluster";
import { ServiceAutoscaling } from "./service-autoscaling";
import { DEFAULT_CONTAINER_CPU, DEFAULT_CONTAINER_MEMORY_MIB, DEFAULT_DESIRED_COUNT, DEFAULT_SERVICE_LOG_RETENTION_DAYS } from "./defaults";

export { DEFAULT_CONTAINER_CPU, DEFAULT_CONTAINER_MEMORY_MIB, DEFAULT_DESIRED_COUNT, DEFAULT_SERVICE_LOG_RETENTION_DAYS };

/** Application Auto Scaling of a service's task count (see ServiceAutoscaling). */
export interface EcsEc2ServiceAutoscaling {
  /** Name of the cluster (the scalable target's resource id needs the name, not the ARN). */
  readonly clusterName: string;
  /** Fewest tasks. */
  readonly minCapacity: number;
  /** Most tasks. */
  readonly maxCapacity: number;
  /**
   * Average CPU utilisation to hold, percent.
   * @default - no CPU policy
   */
  readonly cpuPercent?: number;
  /**
   * Average memory utilisation to hold, percent.
   * @default - no memory policy
   */
  readonly memoryPercent?: number;
  /**
   * ALB requests per task and minute to hold, counted on the service's target group; needs
   * `loadBalancerArnSuffix`.
   * @default - no requests policy
   */
  readonly requestsPerTarget?: number;
  /**
   * ARN suffix (`app/<name>/<id>`) of the ALB the service's target group is on, for requestsPerTarget.
   * @default - none
   */
  readonly loadBalancerArnSuffix?: string;
}

export interface EcsEc2ServiceProps {
  /** Prefix of the task family and log group. */
  readonly name: string;
  readonly region: string;
  /** ARN of the cluster the service runs in. */
  readonly clusterArn: string;
  /** Name of the ECS service and its container; it also names the task family and log group. */
  readonly serviceName: string;
  /** Container image, for example an ECR repository URI with a tag. */
  readonly image: string;
  /**
   * CPU units reserved for the container.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Hard memory limit of the container, MiB.
   * @default 512
   */
  readonly memoryLimitMiB?: number;
  /** Port the container listens on. */
  readonly containerPort: number;
  /** Port on the instance: a fixed one (then one task per instance), or 0 for a port ECS picks. */
  readonly hostPort: number;
  /**
   * Tasks the service runs.
   * @default 1
   */
  readonly desiredCount?: number;
  /**
   * Plain environment variables of the container (they end up in Terraform state: no secrets).
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Retention of the service's log group, days.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /** Target group (on the NLB, or on the ALB) the container's host port is registered in. */
  readonly targetGroup: LbTargetGroup;
  /**
   * What attaches that group to its load balancer (the NLB listener, or the ALB listener rules).
   * ECS refuses a target group that no load balancer uses, so the service waits for these.
   */
  readonly targetGroupAttachedBy: readonly ITerraformDependable[];
  /**
   * Instances the cluster always has beyond this service's tasks (cluster minimum size minus
   * desired count). With at least one, deployments start new tasks before stopping old ones.
   * @default 0
   */
  readonly spareInstances?: number;
  /**
   * Run the tasks on this capacity provider (a capacity provider strategy) instead of the EC2
   * launch type: a task that finds no room waits while managed scaling adds an instance. Adding it
   * to a service that had none replaces the ECS service (hashicorp/aws forces a new one).
   * @default - the EC2 launch type
   */
  readonly capacityProvider?: EcsCapacityProviderRef;
  /**
   * Scale the task count with Application Auto Scaling; the service then ignores changes to its
   * desired count, which the policies set.
   * @default - no autoscaling: desiredCount is what runs
   */
  readonly autoscaling?: EcsEc2ServiceAutoscaling;
}

/** Deployment limits that let a fixed-host-port service roll at all. */
export function deploymentLimits(desiredCount: number, spareInstances: number): { minimumHealthyPercent: number; maximumPercent: number } {
  // A new task needs an instance where the port is free. With a spare instance, start it first.
  // Dynamic host ports never collide; callers pass Infinity for them.
  if (spareInstances >= 1) return { minimumHealthyPercent: 100, maximumPercent: 200 };
  // Otherwise an old task must stop first. ECS rounds the minimum up, so with one task anything
  // above 0 % would keep it running forever and the deployment would never progress.
  return { minimumHealthyPercent: desiredCount <= 1 ? 0 : 50, maximumPercent: 100 };
}

/**
 * One ECS service on EC2: a task definition in bridge mode that maps `hostPort` (fixed, or 0 for a
 * port ECS picks) to `containerPort`, a log group with a retention period, and a service registered
 * in its target group. With a fixed host port at most one task of the service fits on an instance,
 * so such services spread one per instance and their deployment limits depend on spare instances
 * (see `deploymentLimits`); dynamic ports roll at 100-200 %.
 */
export class EcsEc2Service extends Construct {
  /** ARN of the task definition revision. */
  public readonly taskDefinitionArn: string;
  /** Name of the ECS service. */
  public readonly serviceName: string;

  constructor(scope: Construct, id: string, props: EcsEc2ServiceProps) {
    super(scope, id);
    const serviceName = props.serviceName;
    const desiredCount = props.desiredCount ?? DEFAULT_DESIRED_COUNT;
    const environment = props.environment ?? {};
    const logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: serviceLogGroupName(props.name, serviceName),
      retentionInDays: props.logRetentionDays ?? DEFAULT_SERVICE_LOG_RETENTION_DAYS,
    });

    const container = {
      name: serviceName,
      image: props.image,
      essential: true,
      cpu: props.cpu ?? DEFAULT_CONTAINER_CPU,
      memory: props.memoryLimitMiB ?? DEFAULT_CONTAINER_MEMORY_MIB,
      portMappings: [{ containerPort: props.containerPort, hostPort: props.hostPort, protocol: "tcp" }],
      // Sorted so that reordering keys in the config does not create a new task definition revision.
      environment: Object.keys(environment)
        .sort()
        .map((key) => ({ name: key, value: environment[key] })),
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": serviceLogGroupName(props.name, serviceName),
          "awslogs-region": props.region,
          "awslogs-stream-prefix": serviceName,
        },
      },
    };
    const taskDefinition = new EcsTaskDefinition(this, "TaskDefinition", {
      family: taskFamilyName(props.name, serviceName),
      networkMode: "bridge",
      requiresCompatibilities: ["EC2"],
      containerDefinitions: JSON.stringify([container]),
      dependsOn: [logGroup],
    });
    this.taskDefinitionArn = taskDefinition.arn;

    const fixedPort = props.hostPort !== 0;
    const limits = deploymentLimits(desiredCount, fixedPort ? (props.spareInstances ?? 0) : Number.POSITIVE_INFINITY);
    const provider = props.capacityProvider;
    const scaling = props.autoscaling;
    if (scaling?.requestsPerTarget !== undefined && scaling.loadBalancerArnSuffix === undefined) {
      throw new Error(
        `EcsEc2Service "${serviceName}": autoscaling.requestsPerTarget counts ALB requests and needs autoscaling.loadBalancerArnSuffix, the ALB its target group is on`,
      );
    }
    const service = new EcsService(this, "Resource", {
      name: serviceName,
      cluster: props.clusterArn,
      taskDefinition: taskDefinition.arn,
      desiredCount,
      launchType: provider ? undefined : "EC2",
      capacityProviderStrategy: provider ? [{ capacityProvider: provider.name, weight: 1 }] : undefined,
      deploymentMinimumHealthyPercent: limits.minimumHealthyPercent,
      deploymentMaximumPercent: limits.maximumPercent,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriodSeconds: 60,
      // One task per instance: a fixed host port would collide anyway; this makes it explicit.
      placementConstraints: fixedPort ? [{ type: "distinctInstance" }] : undefined,
      orderedPlacementStrategy: [{ type: "spread", field: "attribute:ecs.availability-zone" }],
      loadBalancer: [{ targetGroupArn: props.targetGroup.arn, containerName: serviceName, containerPort: props.containerPort }],
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      dependsOn: [...props.targetGroupAttachedBy, ...(provider?.attachedBy ?? [])],
      // The scaling policies own the task count: an apply must not set it back.
      lifecycle: scaling ? { ignoreChanges: ["desired_count"] } : undefined,
    });
    this.serviceName = service.name;

    if (scaling) {
      const { loadBalancerArnSuffix, requestsPerTarget, clusterName, minCapacity, maxCapacity, cpuPercent, memoryPercent } = scaling;
      new ServiceAutoscaling(this, "Autoscaling", {
        name: props.name,
        clusterName,
        service,
        serviceName,
        minCapacity,
        maxCapacity,
        cpuPercent,
        memoryPercent,
        requestsPerTarget:
          requestsPerTarget === undefined
            ? undefined
            : { targetValue: requestsPerTarget, resourceLabel: `${loadBalancerArnSuffix}/${props.targetGroup.arnSuffix}` },
      });
    }
  }
}
