/**
 * What every ECS service of this package has, on EC2 or on Fargate: a log group, an execution role
 * for the ECS agent, a task role for the application, and one container. EcsEc2Service and
 * EcsFargateService create them under their own scope with these ids (`LogGroup`,
 * `ExecutionRole`, `ExecutionRolePolicy`, `TaskRole`, `TaskRolePolicy`), so the two differ only in
 * networking, placement and capacity.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Annotations, Fn, Token } from "cdktf";
import type { Construct } from "constructs";
import { DEFAULT_CONTAINER_HEALTH_CHECK, DEFAULT_SERVICE_LOG_RETENTION_DAYS } from "../core/defaults";
import { CONTAINER_USER, isRootUser, secretLooking } from "../core/container-settings";
import type { ContainerHealthCheck, TaskRolePermissions } from "../core/types";
import { ServiceAutoscaling } from "./service-autoscaling";
import { executionRoleName, serviceLogGroupName, taskRoleName } from "../model/names";
import {
  ecsExecutionTrustPolicy,
  ecsTasksTrustPolicy,
  executionRoleStatements,
  managedPolicyAttachmentId,
  secretSourceOf,
  taskRoleStatements,
  type IamStatement,
} from "../model/task-permissions";

/** The task and container settings both service constructs take. */
export interface EcsTaskProps {
  /** Prefix of the task family and log group. */
  readonly name: string;
  readonly region: string;
  /** Name of the ECS service and its container; it also names the task family and log group. */
  readonly serviceName: string;
  /** Container image, for example an ECR repository URI with a tag. */
  readonly image: string;
  /**
   * CPU units reserved for the container on the instance (1024 units are one vCPU); on Fargate
   * the task's CPU.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Hard memory limit of the container, MiB: the container is killed above it. On Fargate the
   * task's memory.
   * @default 512
   */
  readonly memoryLimitMiB?: number;
  /**
   * Soft memory limit, MiB: what the container reserves on the instance. Less than `memoryLimitMiB`.
   * @default - none: the hard limit is reserved
   */
  readonly memoryReservationMiB?: number;
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
  /**
   * ARN of a customer-managed KMS key that encrypts the service's log group. It must be in the
   * service's region, and its key policy must let CloudWatch Logs use it (docs/logging.md).
   * @default - CloudWatch Logs' own encryption
   */
  readonly logKmsKeyArn?: string;
  /**
   * The Linux user the container runs as: `user`, `user:group`, `uid`, `uid:gid` (`"1000:1000"`).
   * Root (`root`, `0`) is allowed, with a warning.
   * @default - the image's USER (root if the image sets none)
   */
  readonly user?: string;
  /**
   * Where these settings come from in a config (`services[2]`): warnings name the fields under it
   * (`services[2].environment.DB_PASSWORD`).
   * @default - warnings name the props (`environment.DB_PASSWORD`)
   */
  readonly configPath?: string;
}

/** Application Auto Scaling of a service's task count (see ServiceAutoscaling). */
export interface EcsServiceAutoscaling {
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

/** The log group and the two roles of a service. */
export interface TaskRoles {
  readonly logGroup: CloudwatchLogGroup;
  readonly executionRole: IamRole;
  /** The execution role's policy: a task must not start before it exists. */
  readonly executionPolicy: IamRolePolicy;
  readonly taskRole: IamRole;
}

/**
 * The service's log group, execution role and task role, under `scope`. `extraTaskStatements`
 * are added to the task role's inline policy before the config's (ECS Exec's).
 */
export function createTaskRoles(scope: Construct, props: EcsTaskProps, extraTaskStatements: readonly IamStatement[] = []): TaskRoles {
  const serviceName = props.serviceName;
  const logGroup = new CloudwatchLogGroup(scope, "LogGroup", {
    name: serviceLogGroupName(props.name, serviceName),
    retentionInDays: props.logRetentionDays ?? DEFAULT_SERVICE_LOG_RETENTION_DAYS,
    kmsKeyId: props.logKmsKeyArn,
  });

  // The task role trusts ECS tasks of this account only. The account comes from an ARN the
  // stack has anyway (the log group's: arn:partition:logs:region:ACCOUNT:log-group:name), so a
  // plan needs no AWS call, as a data source would. The execution role keeps the trust AWS
  // documents for it (see ecsExecutionTrustPolicy).
  const account = Token.asString(Fn.element(Fn.split(":", logGroup.arn), 4));
  const executionRole = new IamRole(scope, "ExecutionRole", {
    name: executionRoleName(props.name, serviceName),
    description: `ECS agent for ${serviceName}: pull the image, write the logs, read the secrets`,
    assumeRolePolicy: JSON.stringify(ecsExecutionTrustPolicy()),
  });
  const executionPolicy = new IamRolePolicy(scope, "ExecutionRolePolicy", {
    role: executionRole.name,
    name: executionRoleName(props.name, serviceName),
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: executionRoleStatements({
        logGroupArn: logGroup.arn,
        image: props.image,
        secrets: props.secrets ?? {},
        secretsKmsKeyArn: props.secretsKmsKeyArn,
      }),
    }),
  });
  const taskRole = new IamRole(scope, "TaskRole", {
    name: taskRoleName(props.name, serviceName),
    description: `The application in the tasks of ${serviceName}`,
    assumeRolePolicy: Fn.jsonencode(ecsTasksTrustPolicy(props.region, account)),
  });
  const taskStatements = [...extraTaskStatements, ...taskRoleStatements(props.taskRole?.statements)];
  if (taskStatements.length > 0) {
    new IamRolePolicy(scope, "TaskRolePolicy", {
      role: taskRole.name,
      name: taskRoleName(props.name, serviceName),
      policy: JSON.stringify({ Version: "2012-10-17", Statement: taskStatements }),
    });
  }
  for (const policyArn of props.taskRole?.managedPolicyArns ?? []) {
    new IamRolePolicyAttachment(scope, managedPolicyAttachmentId(policyArn), { role: taskRole.name, policyArn });
  }
  return { logGroup, executionRole, executionPolicy, taskRole };
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
 * The service's one container. `sizing` is the container's own CPU and hard memory limit (on EC2);
 * a Fargate container leaves both to the task's size.
 */
export function containerDefinition(
  props: EcsTaskProps,
  portMappings: readonly { readonly containerPort: number; readonly hostPort: number }[],
  sizing: { readonly cpu: number; readonly memory: number } | undefined,
): Record<string, unknown> {
  const serviceName = props.serviceName;
  const environment = props.environment ?? {};
  const secrets = props.secrets ?? {};
  return {
    name: serviceName,
    image: props.image,
    essential: true,
    ...(sizing ? { cpu: sizing.cpu, memory: sizing.memory } : {}),
    portMappings: portMappings.map((p) => ({ containerPort: p.containerPort, hostPort: p.hostPort, protocol: "tcp" })),
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
    ...(props.user !== undefined ? { user: props.user } : {}),
  };
}

/** Eager checks of what a service construct cannot build from, with the prop and the value. */
export function checkTaskProps(construct: string, path: string, props: EcsTaskProps, memory: number): void {
  for (const [name, valueFrom] of Object.entries(props.secrets ?? {})) {
    if (!secretSourceOf(valueFrom)) {
      throw new Error(
        `${construct} ${path}: secrets.${name} must be a whole Secrets Manager secret ARN or an SSM parameter ARN (got ${JSON.stringify(valueFrom)})`,
      );
    }
  }
  if (props.memoryReservationMiB !== undefined && props.memoryReservationMiB >= memory) {
    throw new Error(`${construct} ${path}: memoryReservationMiB ${props.memoryReservationMiB} must be less than the hard limit ${memory}`);
  }
  if (props.user !== undefined && !CONTAINER_USER.test(props.user)) {
    throw new Error(
      `${construct} ${path}: user ${JSON.stringify(props.user)} must be a user name or uid, optionally with a group name or gid (1000, 1000:1000, app, app:app)`,
    );
  }
}

/**
 * Warnings on the task definition, for settings that are allowed but risky: a container run as
 * root, and plain environment variables that look like secrets (never showing their values).
 */
export function warnAboutContainer(taskDefinition: Construct, props: EcsTaskProps): void {
  const field = (name: string) => (props.configPath !== undefined ? `${props.configPath}.${name}` : name);
  if (props.user !== undefined && isRootUser(props.user)) {
    Annotations.of(taskDefinition).addWarning(
      `${field("user")} ${JSON.stringify(props.user)} runs the container as root (Security Hub ECS.20 fails it): a process that breaks out of the application has root in the container. Give a non-root user such as "1000:1000" unless the image needs root.`,
    );
  }
  const environment = props.environment ?? {};
  for (const name of Object.keys(environment).sort()) {
    const why = secretLooking(name, environment[name]);
    if (why === undefined) continue;
    const what = why === "name" ? "looks like a secret" : "is a URL with a password in it";
    Annotations.of(taskDefinition).addWarning(
      `${field(`environment.${name}`)} ${what}, and a plain environment variable's value is stored in the task definition and the Terraform state for anyone who can read them. Keep the value in Secrets Manager or SSM Parameter Store and give its ARN in ${field("secrets")} instead (docs/services.md).`,
    );
  }
}

/** A requests-per-target policy needs the ALB the service's target group is on. */
export function checkAutoscaling(construct: string, serviceName: string, scaling: EcsServiceAutoscaling | undefined): void {
  if (scaling?.requestsPerTarget !== undefined && scaling.loadBalancerArnSuffix === undefined) {
    throw new Error(
      `${construct} "${serviceName}": autoscaling.requestsPerTarget counts ALB requests and needs autoscaling.loadBalancerArnSuffix, the ALB its target group is on`,
    );
  }
}

/** The service's Application Auto Scaling (`Autoscaling` under `scope`); requests are counted on `targetGroup`. */
export function addAutoscaling(
  scope: Construct,
  name: string,
  service: EcsService,
  serviceName: string,
  scaling: EcsServiceAutoscaling,
  targetGroup: LbTargetGroup,
): ServiceAutoscaling {
  const { loadBalancerArnSuffix, requestsPerTarget, clusterName, minCapacity, maxCapacity, cpuPercent, memoryPercent } = scaling;
  return new ServiceAutoscaling(scope, "Autoscaling", {
    name,
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
        : { targetValue: requestsPerTarget, resourceLabel: `${loadBalancerArnSuffix}/${targetGroup.arnSuffix}` },
  });
}
