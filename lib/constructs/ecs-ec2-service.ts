import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { MAX_TARGET_GROUPS_PER_ECS_SERVICE } from "../core/limits";
import { taskFamilyName } from "../model/names";
import { DEFAULT_CONTAINER_CPU, DEFAULT_CONTAINER_MEMORY_MIB, DEFAULT_DESIRED_COUNT } from "../core/defaults";
import type { EcsCapacityProviderRef } from "./ecs-ec2-cluster";
import {
  addAutoscaling,
  checkAutoscaling,
  checkTaskProps,
  containerDefinition,
  createTaskRoles,
  type EcsServiceAutoscaling,
  type EcsTaskProps,
  warnAboutContainer,
} from "./ecs-task-parts";

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

/** Application Auto Scaling of a service's task count (see ServiceAutoscaling); the same for EC2 and Fargate services. */
export type EcsEc2ServiceAutoscaling = EcsServiceAutoscaling;

export interface EcsEc2ServiceProps extends EcsTaskProps {
  /** ARN of the cluster the service runs in. */
  readonly clusterArn: string;
  /** Port the container listens on. */
  readonly containerPort: number;
  /** Port on the instance: a fixed one (then one task per instance), or 0 for a port ECS picks. */
  readonly hostPort: number;
  /**
   * Tasks the service runs.
   * @default 1
   */
  readonly desiredCount?: number;
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
 * port ECS picks) to `containerPort`, and each of `additionalPorts` likewise, a log group with a
 * retention period, and a service registered in its target group (one per port). With a fixed
 * host port at most one task of the service fits on an instance, so such services spread one per
 * instance and their deployment limits depend on spare instances (see `deploymentLimits`);
 * dynamic ports roll at 100-200 %.
 *
 * The service has two roles of its own, both trusted by the ECS tasks service only: an execution
 * role, with which the ECS agent pulls the image (from ECR), writes the logs and reads exactly the
 * `secrets` named; and a task role for the application, trusted by ECS tasks of the account only,
 * with no permissions unless `taskRole` gives some.
 */
export class EcsEc2Service extends Construct {
  /** ARN of the task definition revision. */
  public readonly taskDefinitionArn: string;
  /** Name of the ECS service. */
  public readonly serviceName: string;
  /** ARN of the task execution role (the ECS agent's). */
  public readonly executionRoleArn: string;
  /** ARN of the task role (the application's). */
  public readonly taskRoleArn: string;

  constructor(scope: Construct, id: string, props: EcsEc2ServiceProps) {
    super(scope, id);
    const serviceName = props.serviceName;
    const desiredCount = props.desiredCount ?? DEFAULT_DESIRED_COUNT;
    const memory = props.memoryLimitMiB ?? DEFAULT_CONTAINER_MEMORY_MIB;
    checkTaskProps("EcsEc2Service", this.node.path, props, memory);
    const { logGroup, executionRole, executionPolicy, taskRole } = createTaskRoles(this, props);
    this.executionRoleArn = executionRole.arn;
    this.taskRoleArn = taskRole.arn;

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
    const container = containerDefinition(props, ports, { cpu: props.cpu ?? DEFAULT_CONTAINER_CPU, memory });
    const taskDefinition = new EcsTaskDefinition(this, "TaskDefinition", {
      family: taskFamilyName(props.name, serviceName),
      networkMode: "bridge",
      requiresCompatibilities: ["EC2"],
      containerDefinitions: JSON.stringify([container]),
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      // The agent needs the execution role's permissions as soon as a task of this revision starts.
      dependsOn: [logGroup, executionPolicy],
    });
    this.taskDefinitionArn = taskDefinition.arn;
    warnAboutContainer(taskDefinition, props);

    // One fixed port is enough for two tasks of the service to collide on an instance.
    const fixedPort = ports.some((p) => p.hostPort !== 0);
    const limits = deploymentLimits(desiredCount, fixedPort ? (props.spareInstances ?? 0) : Number.POSITIVE_INFINITY);
    const provider = props.capacityProvider;
    const scaling = props.autoscaling;
    checkAutoscaling("EcsEc2Service", serviceName, scaling);
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
      loadBalancer: ports.map((p) => ({ targetGroupArn: p.targetGroup.arn, containerName: serviceName, containerPort: p.containerPort })),
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      dependsOn: [...ports.flatMap((p) => [...p.targetGroupAttachedBy]), ...(provider?.attachedBy ?? [])],
      // The scaling policies own the task count: an apply must not set it back.
      lifecycle: scaling ? { ignoreChanges: ["desired_count"] } : undefined,
    });
    this.serviceName = service.name;

    if (scaling) addAutoscaling(this, props.name, service, serviceName, scaling, props.targetGroup);
  }
}
