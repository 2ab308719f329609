import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { MAX_TARGET_GROUPS_PER_ECS_SERVICE } from "../model/limits";
import { serviceLogGroupName, taskFamilyName } from "../model/names";
import { DEFAULT_CONTAINER_CPU, DEFAULT_CONTAINER_MEMORY_MIB, DEFAULT_DESIRED_COUNT, DEFAULT_SERVICE_LOG_RETENTION_DAYS } from "./defaults";

export { DEFAULT_CONTAINER_CPU, DEFAULT_CONTAINER_MEMORY_MIB, DEFAULT_DESIRED_COUNT, DEFAULT_SERVICE_LOG_RETENTION_DAYS };

/** A further container port of a service, registered in a target group of its own. */
export interface EcsEc2ServicePort {
  /** Port the container listens on. */
  readonly containerPort: number;
  /** Port on the instance: a fixed one, or 0 for a port ECS picks. */
  readonly hostPort: number;
  /** Target group the port is registered in. */
  readonly targetGroup: LbTargetGroup;
  /** What attaches that group to its load balancer (its NLB listener, or ALB listener rules). */
  readonly targetGroupAttachedBy: readonly ITerraformDependable[];
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
   * Further ports of the container, each mapped to its host port and registered in its own target
   * group, after the one that `containerPort`, `hostPort` and `targetGroup` describe. ECS attaches
   * at most 5 target groups to a service, so at most 4 here.
   * @default - none: the container has one port
   */
  readonly additionalPorts?: readonly EcsEc2ServicePort[];
  /**
   * Instances the cluster always has beyond this service's tasks (cluster minimum size minus
   * desired count). With at least one, deployments start new tasks before stopping old ones.
   * @default 0
   */
  readonly spareInstances?: number;
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
 * port ECS picks) to `containerPort`, and each of `additionalPorts` likewise, a log group with a
 * retention period, and a service registered in its target group (one per port). With a fixed
 * host port at most one task of the service fits on an instance, so such services spread one per
 * instance and their deployment limits depend on spare instances (see `deploymentLimits`);
 * dynamic ports roll at 100-200 %.
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

    const additionalPorts = props.additionalPorts ?? [];
    if (additionalPorts.length + 1 > MAX_TARGET_GROUPS_PER_ECS_SERVICE) {
      throw new Error(
        `EcsEc2Service "${serviceName}": ${additionalPorts.length + 1} ports, but ECS attaches at most ${MAX_TARGET_GROUPS_PER_ECS_SERVICE} target groups to a service`,
      );
    }
    const ports = [
      {
        containerPort: props.containerPort,
        hostPort: props.hostPort,
        targetGroup: props.targetGroup,
        targetGroupAttachedBy: props.targetGroupAttachedBy,
      },
      ...additionalPorts,
    ];
    const container = {
      name: serviceName,
      image: props.image,
      essential: true,
      cpu: props.cpu ?? DEFAULT_CONTAINER_CPU,
      memory: props.memoryLimitMiB ?? DEFAULT_CONTAINER_MEMORY_MIB,
      portMappings: ports.map((p) => ({ containerPort: p.containerPort, hostPort: p.hostPort, protocol: "tcp" })),
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

    // One fixed port is enough for two tasks of the service to collide on an instance.
    const fixedPort = ports.some((p) => p.hostPort !== 0);
    const limits = deploymentLimits(desiredCount, fixedPort ? (props.spareInstances ?? 0) : Number.POSITIVE_INFINITY);
    const service = new EcsService(this, "Resource", {
      name: serviceName,
      cluster: props.clusterArn,
      taskDefinition: taskDefinition.arn,
      desiredCount,
      launchType: "EC2",
      deploymentMinimumHealthyPercent: limits.minimumHealthyPercent,
      deploymentMaximumPercent: limits.maximumPercent,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriodSeconds: 60,
      // One task per instance: a fixed host port would collide anyway; this makes it explicit.
      placementConstraints: fixedPort ? [{ type: "distinctInstance" }] : undefined,
      orderedPlacementStrategy: [{ type: "spread", field: "attribute:ecs.availability-zone" }],
      loadBalancer: ports.map((p) => ({ targetGroupArn: p.targetGroup.arn, containerName: serviceName, containerPort: p.containerPort })),
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      dependsOn: ports.flatMap((p) => [...p.targetGroupAttachedBy]),
    });
    this.serviceName = service.name;
  }
}
