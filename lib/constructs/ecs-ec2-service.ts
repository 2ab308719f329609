import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Fn, Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { MAX_TARGET_GROUPS_PER_ECS_SERVICE } from "../core/limits";
import { executionRoleName, serviceLogGroupName, taskFamilyName, taskRoleName } from "../model/names";
import {
  ecsExecutionTrustPolicy,
  ecsTasksTrustPolicy,
  executionRoleStatements,
  managedPolicyAttachmentId,
  secretSourceOf,
  taskRoleStatements,
} from "../model/task-permissions";
import {
  DEFAULT_CONTAINER_CPU,
  DEFAULT_CONTAINER_HEALTH_CHECK,
  DEFAULT_CONTAINER_MEMORY_MIB,
  DEFAULT_DESIRED_COUNT,
  DEFAULT_SERVICE_LOG_RETENTION_DAYS,
} from "../core/defaults";
import type { EcsCapacityProviderRef } from "./ecs-ec2-cluster";
import { ServiceAutoscaling } from "./service-autoscaling";
import type { ContainerHealthCheck, TaskRolePermissions } from "../core/types";

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
   * CPU units reserved for the container on the instance (1024 units are one vCPU).
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Hard memory limit of the container, MiB: the container is killed above it.
   * @default 512
   */
  readonly memoryLimitMiB?: number;
  /**
   * Soft memory limit, MiB: what the container reserves on the instance. Less than `memoryLimitMiB`.
   * @default - none: the hard limit is reserved
   */
  readonly memoryReservationMiB?: number;
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
   * Environment variables whose values ECS reads when a task starts: name -> a whole Secrets
   * Manager secret ARN (optionally with `:<json-key>:<version-stage>:<version-id>`) or an SSM
   * parameter ARN. The execution role may read exactly these.
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, string>>;
  /**
   * The KMS key the secrets are encrypted with, when it is a customer-managed one: the only key the
   * execution role may decrypt with.
   * @default - no kms:Decrypt permission (AWS-managed keys need none)
   */
  readonly secretsKmsKeyArn?: string;
  /**
   * What the application may do in AWS.
   * @default - a task role with no permissions at all
   */
  readonly taskRole?: TaskRolePermissions;
  /**
   * The container's command (Docker CMD).
   * @default - the image's
   */
  readonly command?: readonly string[];
  /**
   * The container's entry point (Docker ENTRYPOINT).
   * @default - the image's
   */
  readonly entryPoint?: readonly string[];
  /**
   * Docker's health check inside the container.
   * @default - none (the image's HEALTHCHECK, if any, is not used by ECS)
   */
  readonly containerHealthCheck?: ContainerHealthCheck;
  /**
   * Seconds the container gets to stop after SIGTERM before it is killed (2 to 120).
   * @default - the ECS agent's (30 seconds)
   */
  readonly stopTimeout?: number;
  /**
   * Mount the container's root file system read-only.
   * @default - writable
   */
  readonly readonlyRootFilesystem?: boolean;
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

/** The container health check as the task definition writes it (ECS's field names), defaults filled in. */
function healthCheckDefinition(hc: ContainerHealthCheck): Record<string, unknown> {
  const startPeriod = hc.startPeriodSeconds ?? DEFAULT_CONTAINER_HEALTH_CHECK.startPeriodSeconds;
  return {
    command: [...hc.command],
    interval: hc.intervalSeconds ?? DEFAULT_CONTAINER_HEALTH_CHECK.intervalSeconds,
    timeout: hc.timeoutSeconds ?? DEFAULT_CONTAINER_HEALTH_CHECK.timeoutSeconds,
    retries: hc.retries ?? DEFAULT_CONTAINER_HEALTH_CHECK.retries,
    // 0 is ECS's default; left out so the definition reads back as written.
    ...(startPeriod > 0 ? { startPeriod } : {}),
  };
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
    const environment = props.environment ?? {};
    const secrets = props.secrets ?? {};
    const memory = props.memoryLimitMiB ?? DEFAULT_CONTAINER_MEMORY_MIB;
    checkProps(this.node.path, props, memory);
    const logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: serviceLogGroupName(props.name, serviceName),
      retentionInDays: props.logRetentionDays ?? DEFAULT_SERVICE_LOG_RETENTION_DAYS,
    });

    // The task role trusts ECS tasks of this account only. The account comes from an ARN the
    // stack has anyway (the log group's: arn:partition:logs:region:ACCOUNT:log-group:name), so a
    // plan needs no AWS call, as a data source would. The execution role keeps the trust AWS
    // documents for it (see ecsExecutionTrustPolicy).
    const account = Token.asString(Fn.element(Fn.split(":", logGroup.arn), 4));
    const executionRole = new IamRole(this, "ExecutionRole", {
      name: executionRoleName(props.name, serviceName),
      description: `ECS agent for ${serviceName}: pull the image, write the logs, read the secrets`,
      assumeRolePolicy: JSON.stringify(ecsExecutionTrustPolicy()),
    });
    const executionPolicy = new IamRolePolicy(this, "ExecutionRolePolicy", {
      role: executionRole.name,
      name: executionRoleName(props.name, serviceName),
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: executionRoleStatements({
          logGroupArn: logGroup.arn,
          image: props.image,
          secrets,
          secretsKmsKeyArn: props.secretsKmsKeyArn,
        }),
      }),
    });
    const taskRole = new IamRole(this, "TaskRole", {
      name: taskRoleName(props.name, serviceName),
      description: `The application in the tasks of ${serviceName}`,
      assumeRolePolicy: Fn.jsonencode(ecsTasksTrustPolicy(props.region, account)),
    });
    const taskStatements = taskRoleStatements(props.taskRole?.statements);
    if (taskStatements.length > 0) {
      new IamRolePolicy(this, "TaskRolePolicy", {
        role: taskRole.name,
        name: taskRoleName(props.name, serviceName),
        policy: JSON.stringify({ Version: "2012-10-17", Statement: taskStatements }),
      });
    }
    for (const policyArn of props.taskRole?.managedPolicyArns ?? []) {
      new IamRolePolicyAttachment(this, managedPolicyAttachmentId(policyArn), { role: taskRole.name, policyArn });
    }
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
    const container = {
      name: serviceName,
      image: props.image,
      essential: true,
      cpu: props.cpu ?? DEFAULT_CONTAINER_CPU,
      memory,
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
      // Each setting only when given, so a service without them keeps its container definition.
      ...(Object.keys(secrets).length > 0
        ? {
            secrets: Object.keys(secrets)
              .sort()
              .map((key) => ({ name: key, valueFrom: secrets[key] })),
          }
        : {}),
      ...(props.memoryReservationMiB !== undefined ? { memoryReservation: props.memoryReservationMiB } : {}),
      ...(props.entryPoint ? { entryPoint: [...props.entryPoint] } : {}),
      ...(props.command ? { command: [...props.command] } : {}),
      ...(props.containerHealthCheck ? { healthCheck: healthCheckDefinition(props.containerHealthCheck) } : {}),
      ...(props.stopTimeout !== undefined ? { stopTimeout: props.stopTimeout } : {}),
      ...(props.readonlyRootFilesystem !== undefined ? { readonlyRootFilesystem: props.readonlyRootFilesystem } : {}),
    };
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

    // One fixed port is enough for two tasks of the service to collide on an instance.
    const fixedPort = ports.some((p) => p.hostPort !== 0);
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
      loadBalancer: ports.map((p) => ({ targetGroupArn: p.targetGroup.arn, containerName: serviceName, containerPort: p.containerPort })),
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      dependsOn: [...ports.flatMap((p) => [...p.targetGroupAttachedBy]), ...(provider?.attachedBy ?? [])],
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

/** Eager checks of what the construct cannot build from, with the prop and the value. */
function checkProps(path: string, props: EcsEc2ServiceProps, memory: number): void {
  for (const [name, valueFrom] of Object.entries(props.secrets ?? {})) {
    if (!secretSourceOf(valueFrom)) {
      throw new Error(
        `EcsEc2Service ${path}: secrets.${name} must be a whole Secrets Manager secret ARN or an SSM parameter ARN (got ${JSON.stringify(valueFrom)})`,
      );
    }
  }
  if (props.memoryReservationMiB !== undefined && props.memoryReservationMiB >= memory) {
    throw new Error(`EcsEc2Service ${path}: memoryReservationMiB ${props.memoryReservationMiB} must be less than the hard limit ${memory}`);
  }
}
