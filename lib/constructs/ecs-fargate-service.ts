import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DEFAULT_CONTAINER_CPU, DEFAULT_CONTAINER_MEMORY_MIB, DEFAULT_DESIRED_COUNT } from "../core/defaults";
import { fargateMemoryFor, MAX_TARGET_GROUPS_PER_ECS_SERVICE } from "../core/limits";
import { serviceSecurityGroupName, taskFamilyName } from "../model/names";
import { execCommandStatement } from "../model/task-permissions";
import { Connections, type Peer } from "./connections";
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

/** A container port of a Fargate service and the target group (type ip) it is registered in. */
export interface EcsFargateServicePort {
  /** Port the container listens on; in awsvpc networking also the task's host port. */
  readonly containerPort: number;
  /** Target group of type ip the port is registered in. */
  readonly targetGroup: LbTargetGroup;
  /** What attaches that group to its load balancer (its NLB listener, or ALB listener rules). */
  readonly targetGroupAttachedBy: readonly ITerraformDependable[];
}

/** One entry of a Fargate capacity provider strategy. */
export interface FargateCapacityProviderStrategyItem {
  readonly capacityProvider: "FARGATE" | "FARGATE_SPOT";
  /** Tasks placed on this provider before the weights apply. @default 0 */
  readonly base?: number;
  /** Share of the tasks past the bases. */
  readonly weight: number;
}

/** An egress rule of the tasks' security group to an address range or a prefix list. */
export interface FargateEgressRule {
  /** Construct id under the service, part of the Terraform address. */
  readonly id: string;
  readonly description: string;
  readonly fromPort: number;
  /** @default - fromPort */
  readonly toPort?: number;
  readonly peer: Exclude<Peer, { readonly securityGroupId: string }>;
}

export interface EcsFargateServiceProps extends EcsTaskProps {
  /** ARN of the cluster the service runs in. */
  readonly clusterArn: string;
  /** VPC of the tasks' security group. */
  readonly vpcId: string;
  /** Subnets of the tasks' network interfaces; they should be private: no task gets a public IP. */
  readonly subnetIds: readonly string[];
  /** The first port: `containerPort` in `targetGroup`, which `targetGroupAttachedBy` attaches to its load balancer. */
  readonly containerPort: number;
  readonly targetGroup: LbTargetGroup;
  readonly targetGroupAttachedBy: readonly ITerraformDependable[];
  /**
   * Further ports, each in its own target group (at most 4: ECS attaches 5 target groups to a service).
   * @default - none
   */
  readonly additionalPorts?: readonly EcsFargateServicePort[];
  /**
   * Tasks the service runs.
   * @default 1
   */
  readonly desiredCount?: number;
  /**
   * CPU architecture of the tasks.
   * @default "X86_64"
   */
  readonly architecture?: "X86_64" | "ARM64";
  /**
   * Ephemeral storage of each task, GiB (21 to 200).
   * @default - Fargate's 20 GiB
   */
  readonly ephemeralStorageGiB?: number;
  /**
   * Where the tasks run: FARGATE and FARGATE_SPOT, with a base and weights.
   * @default - all on FARGATE
   */
  readonly capacityProviderStrategy?: readonly FargateCapacityProviderStrategyItem[];
  /**
   * What gives the cluster the FARGATE and FARGATE_SPOT capacity providers: the service waits for it
   * (ECS refuses a strategy naming a provider the cluster does not have).
   * @default - nothing to wait for (an existing cluster that has them)
   */
  readonly capacityProvidersAttachedBy?: readonly ITerraformDependable[];
  /**
   * ECS Exec into the running containers: the task role gets the ssmmessages channel actions.
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
  /**
   * Outbound rules of the tasks' security group beyond the ones added through `connections`.
   * @default - none: the group allows nothing outbound but what is added
   */
  readonly egress?: readonly FargateEgressRule[];
  /**
   * AWS name of the tasks' security group.
   * @default `<name>-<serviceName>-tasks`, shortened with a hash past the limit
   */
  readonly securityGroupName?: string;
  /**
   * Scale the task count with Application Auto Scaling (no instances bound it on Fargate).
   * @default - no autoscaling: desiredCount is what runs
   */
  readonly autoscaling?: EcsServiceAutoscaling;
}

/**
 * One ECS service on Fargate: a task definition in awsvpc mode (`requires_compatibilities
 * FARGATE`, the task's CPU and memory one of the pairs Fargate accepts, each port mapped to itself),
 * a service whose tasks get a network interface in the private subnets with no public IP and a
 * security group of their own, registered by IP in a target group per port. The group admits
 * nothing and lets nothing out until rules are added through `connections` (the load balancers'
 * groups on the container ports, as PrivateApiStack adds the rules it plans) or given as `egress`.
 *
 * Like EcsEc2Service it has a log group, an execution role for the ECS agent and a task role for
 * the application (lib/constructs/ecs-task-parts.ts), and scales with Application Auto Scaling,
 * bounded by the autoscaling maximum only.
 */
export class EcsFargateService extends Construct {
  /** ARN of the task definition revision. */
  public readonly taskDefinitionArn: string;
  /** Name of the ECS service. */
  public readonly serviceName: string;
  /** ARN of the task execution role (the ECS agent's). */
  public readonly executionRoleArn: string;
  /** ARN of the task role (the application's). */
  public readonly taskRoleArn: string;
  /** Id of the tasks' security group. */
  public readonly securityGroupId: string;
  /** The tasks' security group, for rules to and from it. */
  public readonly connections: Connections;

  constructor(scope: Construct, id: string, props: EcsFargateServiceProps) {
    super(scope, id);
    const serviceName = props.serviceName;
    const cpu = props.cpu ?? DEFAULT_CONTAINER_CPU;
    const memory = props.memoryLimitMiB ?? DEFAULT_CONTAINER_MEMORY_MIB;
    checkTaskProps("EcsFargateService", this.node.path, props, memory);
    const allowed = fargateMemoryFor(cpu);
    if (!allowed.includes(memory)) {
      throw new Error(
        allowed.length === 0
          ? `EcsFargateService ${this.node.path}: cpu ${cpu} is not a Fargate task size`
          : `EcsFargateService ${this.node.path}: memoryLimitMiB ${memory} is not a size Fargate allows with cpu ${cpu}; it allows ${allowed.join(", ")} MiB`,
      );
    }
    const additionalPorts = props.additionalPorts ?? [];
    if (additionalPorts.length + 1 > MAX_TARGET_GROUPS_PER_ECS_SERVICE) {
      throw new Error(
        `EcsFargateService "${serviceName}": ${additionalPorts.length + 1} ports, but ECS attaches at most ${MAX_TARGET_GROUPS_PER_ECS_SERVICE} target groups to a service`,
      );
    }
    const scaling = props.autoscaling;
    checkAutoscaling("EcsFargateService", serviceName, scaling);

    const exec = props.enableExecuteCommand ?? false;
    const { logGroup, executionRole, executionPolicy, taskRole } = createTaskRoles(this, props, exec ? [execCommandStatement()] : []);
    this.executionRoleArn = executionRole.arn;
    this.taskRoleArn = taskRole.arn;

    const sgName = props.securityGroupName ?? serviceSecurityGroupName(props.name, serviceName);
    const sg = new SecurityGroup(this, "SecurityGroup", {
      name: sgName,
      description: `Fargate tasks of ${serviceName}: their load balancers in, the AWS endpoints and declared peers out`,
      vpcId: props.vpcId,
      // No inline rules: an empty egress list here would remove AWS's default allow-all, but the
      // standalone rules below are the only ones, and Terraform keeps both kinds apart.
      revokeRulesOnDelete: true,
      tags: { Name: sgName },
    });
    this.securityGroupId = sg.id;
    this.connections = new Connections(this, sg.id);
    for (const rule of props.egress ?? []) {
      this.connections.allowTo(rule.peer, { id: rule.id, fromPort: rule.fromPort, toPort: rule.toPort, description: rule.description });
    }

    const ports: EcsFargateServicePort[] = [
      { containerPort: props.containerPort, targetGroup: props.targetGroup, targetGroupAttachedBy: props.targetGroupAttachedBy },
      ...additionalPorts,
    ];
    // awsvpc: the task's host port is its container port.
    const container = containerDefinition(
      props,
      ports.map((p) => ({ containerPort: p.containerPort, hostPort: p.containerPort })),
      undefined,
    );
    const taskDefinition = new EcsTaskDefinition(this, "TaskDefinition", {
      family: taskFamilyName(props.name, serviceName),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      cpu: String(cpu),
      memory: String(memory),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: props.architecture ?? "X86_64" },
      ephemeralStorage: props.ephemeralStorageGiB !== undefined ? { sizeInGib: props.ephemeralStorageGiB } : undefined,
      containerDefinitions: JSON.stringify([container]),
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      dependsOn: [logGroup, executionPolicy],
    });
    this.taskDefinitionArn = taskDefinition.arn;
    warnAboutContainer(taskDefinition, props);

    const desiredCount = props.desiredCount ?? DEFAULT_DESIRED_COUNT;
    const strategy = props.capacityProviderStrategy ?? [{ capacityProvider: "FARGATE", weight: 1 }];
    const service = new EcsService(this, "Resource", {
      name: serviceName,
      cluster: props.clusterArn,
      taskDefinition: taskDefinition.arn,
      desiredCount,
      capacityProviderStrategy: strategy.map((s) => ({ capacityProvider: s.capacityProvider, base: s.base, weight: s.weight })),
      // No ports to collide on: start the new tasks before the old ones stop.
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriodSeconds: 60,
      networkConfiguration: { subnets: [...props.subnetIds], securityGroups: [sg.id], assignPublicIp: false },
      enableExecuteCommand: exec,
      loadBalancer: ports.map((p) => ({ targetGroupArn: p.targetGroup.arn, containerName: serviceName, containerPort: p.containerPort })),
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      dependsOn: [...ports.flatMap((p) => [...p.targetGroupAttachedBy]), ...(props.capacityProvidersAttachedBy ?? [])],
      lifecycle: scaling ? { ignoreChanges: ["desired_count"] } : undefined,
    });
    this.serviceName = service.name;

    if (scaling) addAutoscaling(this, props.name, service, serviceName, scaling, props.targetGroup);
  }
}
