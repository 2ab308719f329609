import { z } from "zod";
import { FARGATE_EPHEMERAL_STORAGE_GIB, MAX_TARGET_GROUPS_PER_ECS_SERVICE } from "../core/limits";
import { AWS_ID_EXAMPLES, AWS_ID_PATTERNS } from "../core/aws-ids";
import { arnPattern, IAM_POLICY_ARN, KMS_KEY_ARN, SECRETS_MANAGER_SECRET_ARN, SSM_PARAMETER_ARN, WAFV2_WEB_ACL_ARN } from "../core/arn";
import { CONTAINER_USER } from "../core/container-settings";
import {
  DEFAULT_ACCESS_LOG_RETENTION_DAYS,
  DEFAULT_ALARM_EVALUATION_MINUTES,
  DEFAULT_ALB_LOG_EXPIRATION_DAYS,
  DEFAULT_ANTI_FLAP_RUNS,
  DEFAULT_API_KEY_VALUE,
  DEFAULT_AUTHORIZER_RESULT_TTL_SECONDS,
  DEFAULT_CACHE_SIZE_GB,
  DEFAULT_CACHE_TTL_SECONDS,
  DEFAULT_CLUSTER_DESIRED_CAPACITY,
  DEFAULT_CLUSTER_MAX_SIZE,
  DEFAULT_CLUSTER_MIN_SIZE,
  DEFAULT_CONTAINER_CPU,
  DEFAULT_CONTAINER_HEALTH_CHECK,
  DEFAULT_CONTAINER_MEMORY_MIB,
  DEFAULT_DELETION_PROTECTION,
  DEFAULT_DESIRED_COUNT,
  DEFAULT_ECS_AMI_SSM_PARAMETER,
  DEFAULT_EXECUTION_LOG_LEVEL,
  DEFAULT_FLOW_LOG_TRAFFIC,
  DEFAULT_HEALTH_CHECK,
  DEFAULT_HTTP_IDENTITY_SOURCE,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_P99_LATENCY_MS,
  DEFAULT_REST_IDENTITY_SOURCE,
  DEFAULT_ROOT_VOLUME_SIZE_GIB,
  DEFAULT_ROUTE_AUTHORIZATION,
  DEFAULT_SERVER_ERROR_RATE_PERCENT,
  DEFAULT_SERVICE_CAPACITY,
  DEFAULT_SERVICE_LOG_RETENTION_DAYS,
  DEFAULT_SSL_POLICY,
  DEFAULT_STAGE_NAME,
  DEFAULT_SYNC_SCHEDULE,
  DEFAULT_TARGET_CAPACITY_PERCENT,
  DEFAULT_VPC_ENDPOINTS,
  DEFAULT_WEB_ACL_RATE_LIMIT,
  WEB_ACL_MANAGED_RULE_GROUPS,
} from "../core/defaults";
import {
  HTTP_METHODS,
  type AlbLogsOptions,
  type Authorization,
  type Authorizer,
  type ContainerHealthCheck,
  type CustomDomainOptions,
  type HealthCheck,
  type LogGroupOptions,
  type TaskRolePermissions,
  type ThrottleSettings,
  type WebAclOptions,
} from "../core/types";

/**
 * The one typed config a platform team writes. Every field is checked here at runtime (zod), and
 * `config.schema.json` is generated from this file for editor completion (`npm run schema`).
 *
 * Cross-field rules (ports used twice, routes to unknown services, subnets outside the VPC, ...)
 * live in ./semantics.ts and run after the shapes are valid; lib/validate.ts names the phases.
 */

/** A CloudWatch Logs retention, days: one of the values CloudWatch Logs accepts. */
const logRetentionDays = z.literal([
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
]);

const kmsKeyArn = z.string().regex(KMS_KEY_ARN, {
  message: "must be a KMS key ARN such as arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
});

const NAME_PATTERN = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
const nameField = (what: string) =>
  z.string().regex(NAME_PATTERN, {
    message: `${what} must be lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
  });

const port = z.number().int().min(1).max(65535);

const s3BucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "must be an S3 bucket name" });

const cidr = z.string().describe("An IPv4 CIDR block, for example 10.0.0.0/16");

/** One check for every ARN field of the config (lib/core/arn.ts). */
const arn = (service: string, resource: string, example: string) =>
  z.string().regex(arnPattern(service, resource), { message: `must be an ARN such as ${example}` });
const snsTopicArn = arn("sns", "[A-Za-z0-9_-]{1,256}(\\.fifo)?", "arn:aws:sns:eu-west-2:123456789012:oncall");
const acmCertificateArn = arn("acm", "certificate/[A-Za-z0-9-]+", "arn:aws:acm:eu-west-2:123456789012:certificate/abc");

const createNetwork = z
  .strictObject({
    type: z.literal("create"),
    vpcCidr: cidr,
    availabilityZones: z
      .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { message: "must be an AZ name such as eu-west-2a" }))
      .min(1)
      .max(6)
      .describe("AZ names in region, one per subnet"),
    privateSubnetCidrs: z.array(cidr).min(1).max(6).describe("One private subnet per AZ, inside the VPC, not overlapping, /28 or larger"),
    vpcEndpoints: z
      .boolean()
      .default(DEFAULT_VPC_ENDPOINTS)
      .describe(
        "Create the interface endpoints (ecs, ecs-agent, ecs-telemetry, ecr.api, ecr.dkr, logs) and the S3 gateway endpoint that instances in subnets without internet access need to join the cluster and pull images from ECR.",
      ),
    flowLogs: z
      .enum(["REJECT", "ALL", "none"])
      .default(DEFAULT_FLOW_LOG_TRAFFIC)
      .describe(
        "The VPC's flow log, to a CloudWatch log group (retention and KMS key from logs): REJECT records the traffic security groups refuse, ALL every connection (more log volume, more cost), none no flow log (a warning).",
      ),
  })
  .describe("Create a new VPC with private subnets only: nothing in it is reachable from the internet.");

const existingNetwork = z
  .strictObject({
    type: z.literal("existing"),
    vpcId: z
      .string()
      .regex(AWS_ID_PATTERNS.vpc, { message: `must look like ${AWS_ID_EXAMPLES.vpc}` })
      .describe("The VPC's id, vpc-..."),
    vpcCidr: cidr.describe(
      "The VPC's CIDR block, as the diagram shows it; no rule of the stack admits it (the instances admit only the load balancers' security groups)",
    ),
    privateSubnetIds: z
      .array(z.string().regex(AWS_ID_PATTERNS.subnet, { message: `must look like ${AWS_ID_EXAMPLES.subnet}` }))
      .min(1)
      .max(6)
      .describe("The private subnets for instances and the NLB, in different AZs"),
  })
  .describe("Use an existing VPC and its private subnets. Nothing is created in the network itself.");

const launchTemplate = z
  .strictObject({
    type: z.literal("launchTemplate"),
    amiSsmParameter: z
      .string()
      .regex(/^\/[A-Za-z0-9_.\-/]+$/, { message: "must be an SSM parameter name starting with /" })
      .default(DEFAULT_ECS_AMI_SSM_PARAMETER)
      .describe("SSM parameter holding the AMI id; EC2 resolves it at launch (resolve:ssm:), so no data source is needed"),
  })
  .describe("A launch template with the AMI from an SSM parameter: the default, and the one to use for anything new.");

const launchConfiguration = z
  .strictObject({
    type: z.literal("launchConfiguration"),
    imageId: z
      .string()
      .regex(AWS_ID_PATTERNS.ami, { message: `must look like ${AWS_ID_EXAMPLES.ami}` })
      .describe("The AMI id, ami-..."),
  })
  .describe(
    "Legacy launch configuration, for accounts or state that already have one. AWS no longer lets new accounts create launch configurations.",
  );

const healthCheck = z
  .strictObject({
    protocol: z
      .enum(["TCP", "HTTP", "HTTPS"])
      .default(DEFAULT_HEALTH_CHECK.protocol)
      .describe("Health check protocol; HTTP or HTTPS for a port behind the ALB"),
    path: z
      .string()
      .regex(/^\/[\x21-\x7e]*$/, { message: "must start with / and contain no spaces" })
      .max(1024)
      .optional()
      .describe("Required for HTTP and HTTPS health checks"),
    matcher: z
      .string()
      .regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, { message: "must be HTTP codes such as 200 or 200-399" })
      .default(DEFAULT_HEALTH_CHECK.matcher)
      .describe("HTTP codes that count as healthy"),
    intervalSeconds: z
      .number()
      .int()
      .min(5)
      .max(300)
      .default(DEFAULT_HEALTH_CHECK.intervalSeconds)
      .describe("Seconds between two health checks"),
    healthyThreshold: z
      .number()
      .int()
      .min(2)
      .max(10)
      .default(DEFAULT_HEALTH_CHECK.healthyThreshold)
      .describe("Successful checks in a row before a target counts as healthy"),
    unhealthyThreshold: z
      .number()
      .int()
      .min(2)
      .max(10)
      .default(DEFAULT_HEALTH_CHECK.unhealthyThreshold)
      .describe("Failed checks in a row before a target counts as unhealthy"),
  })
  .describe("The NLB target group's health check for this service's host port");

const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envVarName = z.string().regex(ENV_VAR_NAME, { message: "environment variable names must match [A-Za-z_][A-Za-z0-9_]*" });

const SECRET_ARN_EXAMPLES =
  "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-AbCdEf (optionally with :<json-key>:<version-stage>:<version-id>, such as ...:secret:db-AbCdEf:password::) or arn:aws:ssm:eu-west-2:123456789012:parameter/prod/db-password";
const secretArn = z
  .string()
  .regex(new RegExp(`${SECRETS_MANAGER_SECRET_ARN.source}|${SSM_PARAMETER_ARN.source}`), {
    message: `must be a whole Secrets Manager secret ARN, with the 6 characters after the name, or an SSM parameter ARN, such as ${SECRET_ARN_EXAMPLES}`,
  })
  .describe("A whole Secrets Manager secret ARN (optionally with :<json-key>:<version-stage>:<version-id>) or an SSM parameter ARN");

/** A free-text argument list (command, entry point, health check): any strings, at least one. */
const argumentList = z.array(z.string().max(4096)).min(1);

const containerHealthCheck = z
  .strictObject({
    command: argumentList
      .refine((c) => c.length >= 2 && (c[0] === "CMD" || c[0] === "CMD-SHELL"), {
        message:
          'must start with "CMD" (then the executable and its arguments) or "CMD-SHELL" (then a command line), such as ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"]',
      })
      .describe('["CMD", "executable", "arg", ...] or ["CMD-SHELL", "command line"]'),
    intervalSeconds: z
      .number()
      .int()
      .min(5)
      .max(300)
      .default(DEFAULT_CONTAINER_HEALTH_CHECK.intervalSeconds)
      .describe("Seconds between two checks"),
    timeoutSeconds: z
      .number()
      .int()
      .min(2)
      .max(60)
      .default(DEFAULT_CONTAINER_HEALTH_CHECK.timeoutSeconds)
      .describe("Seconds a check may take before it counts as failed"),
    retries: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(DEFAULT_CONTAINER_HEALTH_CHECK.retries)
      .describe("Failures in a row before the container is unhealthy"),
    startPeriodSeconds: z
      .number()
      .int()
      .min(0)
      .max(300)
      .default(DEFAULT_CONTAINER_HEALTH_CHECK.startPeriodSeconds)
      .describe("Grace period after start in which failures do not count, seconds"),
  })
  .describe("Docker's health check inside the container, run by the ECS agent (not the load balancer's healthCheck)");

const taskRole = z
  .strictObject({
    managedPolicyArns: z
      .array(
        z
          .string()
          .regex(IAM_POLICY_ARN, { message: "must be a managed IAM policy ARN such as arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }),
      )
      .optional()
      .describe("Managed IAM policies attached to the task role"),
    statements: z
      .array(
        z.strictObject({
          actions: z
            .array(z.string().regex(/^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$/, { message: "must be an IAM action such as s3:GetObject" }))
            .min(1)
            .describe("IAM actions, such as s3:GetObject"),
          resources: z
            .array(z.string().regex(/^(\*|arn:aws[a-z-]*:[a-z0-9-]+:\S*)$/, { message: "must be an ARN, or * for read-only actions" }))
            .min(1)
            .describe("ARNs the actions are allowed on, or * for read-only actions"),
        }),
      )
      .optional()
      .describe(
        'Allow statements of the task role\'s inline policy, held to the iam-least-privilege rule of npm run check (no wildcard actions, no write actions on "*")',
      ),
  })
  .describe("What the application in the container may do in AWS. Without it the task role has no permissions at all.");

const percent = (what: string) => z.number().min(1).max(100).optional().describe(what);

const serviceAutoscaling = z
  .strictObject({
    min: z.number().int().min(0).max(1000).describe("Fewest tasks Application Auto Scaling scales in to"),
    max: z.number().int().min(1).max(1000).describe("Most tasks Application Auto Scaling scales out to"),
    cpuPercent: percent("Target tracking on the service's average CPU utilisation (ECSServiceAverageCPUUtilization), percent"),
    memoryPercent: percent("Target tracking on the service's average memory utilisation (ECSServiceAverageMemoryUtilization), percent"),
    requestsPerTarget: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe('via "alb" only: target tracking on ALB requests per task and minute (ALBRequestCountPerTarget)'),
  })
  .describe(
    "Application Auto Scaling of the task count between min and max, with one target tracking policy per metric given (at least one). ECS then owns desiredCount.",
  );

/** A port per target group, and ECS attaches at most 5 to a service. */
const MAX_PORTS_PER_SERVICE = MAX_TARGET_GROUPS_PER_ECS_SERVICE;

const servicePort = z.strictObject({
  name: nameField("port name")
    .max(16)
    .describe(
      'Names the port in routes (routes[].port) and in its resources\' construct ids; unique within the service, such as "http" or "admin"',
    ),
  containerPort: port.describe("Port the container listens on; unique within the service (ECS registers a target group by container port)"),
  hostPort: z
    .number()
    .int()
    .min(0)
    .max(65535)
    .optional()
    .describe(
      'EC2 services: port on the instance, also the port\'s NLB listener port. 0 (a dynamic port) only for the first port of a service with via "alb"; every other port is a fixed port served by the NLB. Fargate services give listenerPort instead.',
    ),
  listenerPort: port
    .optional()
    .describe(
      "Fargate services only: the port's NLB listener port (default its containerPort). A Fargate task's host port is its container port (awsvpc), so Fargate ports have no hostPort.",
    ),
  healthCheck: healthCheck.prefault({}),
});

const FARGATE_CAPACITY_PROVIDERS = ["FARGATE", "FARGATE_SPOT"] as const;

const fargateEgress = z.strictObject({
  description: z
    .string()
    .regex(/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/, { message: "must be 1 to 255 characters AWS accepts in a rule description" })
    .describe("What the tasks reach there, such as the orders database"),
  cidr: cidr.describe("Where to: an IPv4 CIDR block, for example 10.20.0.0/16"),
  fromPort: port.describe("First TCP port"),
  toPort: port.optional().describe("Last TCP port; default fromPort"),
});

const fargate = z
  .strictObject({
    architecture: z
      .enum(["X86_64", "ARM64"])
      .default("X86_64")
      .describe("CPU architecture of the tasks; the image must be built for it (ARM64 is Graviton)"),
    ephemeralStorageGiB: z
      .number()
      .int()
      .min(FARGATE_EPHEMERAL_STORAGE_GIB.from)
      .max(FARGATE_EPHEMERAL_STORAGE_GIB.to)
      .optional()
      .describe("Ephemeral storage of each task, GiB; default Fargate's 20"),
    capacityProviderStrategy: z
      .array(
        z.strictObject({
          capacityProvider: z.enum(FARGATE_CAPACITY_PROVIDERS).describe("FARGATE, or FARGATE_SPOT (interruptible, cheaper)"),
          base: z.number().int().min(0).max(100000).optional().describe("Tasks placed on this provider before any weight applies"),
          weight: z.number().int().min(0).max(1000).default(1).describe("Share of the tasks past the bases"),
        }),
      )
      .min(1)
      .max(2)
      .default([{ capacityProvider: "FARGATE", weight: 1 }])
      .describe(
        'Where the tasks run, such as [{"capacityProvider": "FARGATE", "base": 1, "weight": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 3}]; default all on FARGATE',
      ),
    enableExecuteCommand: z
      .boolean()
      .default(false)
      .describe(
        "ECS Exec (aws ecs execute-command) into the running containers: the task role gets the four ssmmessages channel actions it needs, and a created VPC gets the ssmmessages endpoint",
      ),
    egress: z
      .array(fargateEgress)
      .default([])
      .describe(
        "What the tasks may reach beyond the AWS endpoints they need (image pull, logs, secrets), one TCP rule each: their security group allows nothing else outbound",
      ),
  })
  .describe(
    "Run the service on Fargate: awsvpc tasks in the private subnets with no public IP and a security group of their own, cpu and memory being the task's size (a pair Fargate accepts). Without it the service runs on the cluster's EC2 instances.",
  );

const serviceShape = z.strictObject({
  name: nameField("service name")
    .max(32)
    .describe(
      "Unique; lower-case letters, digits and hyphens. It names the ECS service and the Terraform addresses of its resources, so renaming it replaces them.",
    ),
  image: z.string().min(1).max(255).describe("Container image, for example an ECR repository URI with a tag"),
  cpu: z
    .number()
    .int()
    .min(0)
    .max(16384)
    .default(DEFAULT_CONTAINER_CPU)
    .describe(
      "CPU units reserved for the container (1024 are one vCPU); on Fargate the task's CPU: 256, 512, 1024, 2048, 4096, 8192 or 16384",
    ),
  memory: z
    .number()
    .int()
    .min(6)
    .max(122880)
    .default(DEFAULT_CONTAINER_MEMORY_MIB)
    .describe("Hard memory limit of the container, MiB; on Fargate the task's memory, one of the sizes its cpu allows"),
  containerPort: port
    .optional()
    .describe("The service's one port (with hostPort on EC2, optionally listenerPort on Fargate); for several, give ports instead"),
  hostPort: z
    .number()
    .int()
    .min(0)
    .max(65535)
    .optional()
    .describe(
      'EC2 services: port on the instance. For via "nlb": a fixed port, also the NLB listener port. For via "alb": 0 lets ECS pick a dynamic port. Fargate services give listenerPort instead.',
    ),
  listenerPort: port
    .optional()
    .describe(
      "Fargate services only: the NLB listener port of the service's one port (default its containerPort); not used behind the ALB",
    ),
  ports: z
    .array(servicePort)
    .min(1)
    .max(MAX_PORTS_PER_SERVICE, {
      message: `a service has at most ${MAX_PORTS_PER_SERVICE} ports: ECS attaches at most ${MAX_PORTS_PER_SERVICE} target groups to a service`,
    })
    .optional()
    .describe(
      `Several ports instead of containerPort, hostPort (or listenerPort) and healthCheck, each with its own target group (at most ${MAX_PORTS_PER_SERVICE}, the most ECS attaches to a service). The first is the service's main port: routes go to it unless they name another, and with via "alb" it is the ALB's; every further port gets its own NLB listener.`,
    ),
  via: z
    .enum(["nlb", "alb"])
    .default("nlb")
    .describe(
      '"nlb": its own NLB listener on hostPort. "alb": path-pattern rules on the internal ALB, which the NLB reaches through the bridge (with ports, for the first port; the others get NLB listeners).',
    ),
  desiredCount: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(DEFAULT_DESIRED_COUNT)
    .describe(
      "Tasks to run, at most cluster.maxSize. With autoscaling: the tasks at the first apply, between min and max; afterwards Application Auto Scaling sets the count (Terraform ignores changes to it).",
    ),
  environment: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "environment variable names must match [A-Za-z_][A-Za-z0-9_]*" }),
      z.string(),
    )
    .default({})
    .describe(
      "Plain environment variables. They end up in Terraform state and the task definition: no secrets here. A name that looks like a secret's (PASSWORD, SECRET, TOKEN, API_KEY, ...) or a URL with a password gets a warning pointing to secrets.",
    ),
  healthCheck: healthCheck
    .optional()
    .describe("The target group's health check of the service's one port (with ports, each port has its own)"),
  capacity: z
    .enum(["launchType", "provider"])
    .default(DEFAULT_SERVICE_CAPACITY)
    .describe(
      "launchType: the EC2 launch type, as before. provider: the cluster's capacity provider, which adds instances when tasks need them (new services; switching an existing one replaces its ECS service).",
    ),
  autoscaling: serviceAutoscaling.optional(),
  fargate: fargate.optional(),
  logRetentionDays: logRetentionDays
    .default(DEFAULT_SERVICE_LOG_RETENTION_DAYS)
    .describe("Retention of the service's CloudWatch log group, days"),
  secrets: z
    .record(envVarName, secretArn)
    .default({})
    .describe(
      "Environment variables whose values ECS reads from Secrets Manager or SSM Parameter Store when a task starts: only the ARNs are in the config, the state and the plan.",
    ),
  secretsKmsKeyArn: kmsKeyArn
    .optional()
    .describe(
      "The customer-managed KMS key the secrets are encrypted with; the only key the execution role may decrypt with. Not needed for AWS-managed keys.",
    ),
  taskRole: taskRole.optional(),
  command: argumentList.optional().describe("The container's command (Docker CMD), overriding the image's"),
  entryPoint: argumentList.optional().describe("The container's entry point (Docker ENTRYPOINT), overriding the image's"),
  containerHealthCheck: containerHealthCheck.optional(),
  stopTimeout: z.number().int().min(2).max(120).optional().describe("Seconds the container gets to stop after SIGTERM before it is killed"),
  readonlyRootFilesystem: z.boolean().optional().describe("Mount the container's root file system read-only"),
  user: z
    .string()
    .regex(CONTAINER_USER, {
      message: "must be a user name or uid, optionally with a group name or gid: 1000, 1000:1000, app or app:app",
    })
    .optional()
    .describe(
      "The Linux user the container runs as: a name or uid, optionally :group or :gid (1000, 1000:1000, app, app:app); a name must exist in the image. root or uid 0 is accepted with a warning. Default: the image's USER, root if it has none.",
    ),
  memoryReservation: z
    .number()
    .int()
    .min(6)
    .max(120000)
    .optional()
    .describe("Soft memory limit of the container, MiB: what is reserved on the instance; less than memory"),
});

const service = serviceShape
  .superRefine(checkPortForm)
  // For editors: the same rule as checkPortForm, which gives the message.
  .meta({ oneOf: [{ required: ["containerPort"] }, { required: ["ports"] }] });

/** The port fields checkPortForm reads. */
interface PortFormInput {
  containerPort?: number;
  hostPort?: number;
  listenerPort?: number;
  healthCheck?: unknown;
  ports?: { hostPort?: number; listenerPort?: number }[];
  fargate?: unknown;
}

/**
 * A service has one port (containerPort, hostPort or listenerPort, healthCheck) or several
 * (ports): exactly one of the two forms. An EC2 service gives each port a hostPort; a Fargate
 * service none (its host port is its container port), and a listenerPort where it wants another
 * NLB listener port than the container port. Its issues stop the cross-field rules
 * (`continue: false`), which read the ports.
 */
function checkPortForm(svc: PortFormInput, ctx: z.RefinementCtx): void {
  const onFargate = svc.fargate !== undefined;
  const single = (["containerPort", "hostPort", "listenerPort", "healthCheck"] as const).filter((f) => svc[f] !== undefined);
  const stop = (path: (string | number)[], message: string): void => ctx.addIssue({ code: "custom", path, message, continue: false });
  if (svc.ports !== undefined) {
    if (single.length > 0) {
      stop(
        ["ports"],
        `a service has either containerPort and ${onFargate ? "listenerPort" : "hostPort"} (one port) or ports (several), not both: move ${single.join(", ")} into a ports entry`,
      );
      return;
    }
    svc.ports.forEach((p, i) => checkPortFields(p, ["ports", i], onFargate, stop));
    return;
  }
  if (svc.containerPort === undefined) {
    stop(
      single.length > 0 ? ["containerPort"] : [],
      single.length > 0
        ? `containerPort is required with ${single.join(" and ")} (or give ports instead)`
        : `give the service's port: containerPort${onFargate ? "" : " and hostPort"}, or ports for several`,
    );
    return;
  }
  if (!onFargate && svc.hostPort === undefined) {
    stop(["hostPort"], `hostPort is required with ${single.join(" and ")} (or give ports instead)`);
    return;
  }
  checkPortFields(svc, [], onFargate, stop);
}

/** hostPort on EC2, never on Fargate; listenerPort on Fargate only. */
function checkPortFields(
  p: { hostPort?: number; listenerPort?: number },
  at: (string | number)[],
  onFargate: boolean,
  stop: (path: (string | number)[], message: string) => void,
): void {
  if (onFargate && p.hostPort !== undefined) {
    stop(
      [...at, "hostPort"],
      `hostPort ${p.hostPort}: a Fargate task's host port is its container port (awsvpc networking); give listenerPort for the NLB listener port instead`,
    );
  } else if (!onFargate && p.listenerPort !== undefined) {
    stop(
      [...at, "listenerPort"],
      `listenerPort ${p.listenerPort} is for Fargate services (with fargate); on EC2 the NLB listener port is hostPort`,
    );
  } else if (!onFargate && p.hostPort === undefined) {
    stop([...at, "hostPort"], "hostPort is required: the instance port of a service on EC2 (a Fargate service, with fargate, gives none)");
  }
}

const routeAuthorization = z
  .union([
    z.enum(["AWS_IAM", "NONE"]),
    z.strictObject({
      authorizer: z.string().describe("Name of an entry in api.authorizers"),
      scopes: z.array(z.string().min(1)).optional().describe("OAuth scopes (Cognito on REST, JWT on HTTP APIs)"),
    }),
  ])
  .default(DEFAULT_ROUTE_AUTHORIZATION)
  .describe(
    'AWS_IAM (SigV4-signed callers) by default; {"authorizer": "<name>"} for a Cognito, Lambda or JWT authorizer; NONE leaves the route open to the internet and must be chosen explicitly.',
  );

const route = z.strictObject({
  path: z.string().max(1024).describe("API path such as /orders, /orders/{id} or /orders/{proxy+} (greedy, last segment only)"),
  methods: z.array(z.enum(HTTP_METHODS)).min(1).describe("HTTP methods of the route. A path and method pair may appear once."),
  service: z.string().describe("Name of the service this route is sent to"),
  port: z
    .string()
    .optional()
    .describe("Name of the port (services[].ports[].name) of that service the route is sent to; default its first port"),
  authorization: routeAuthorization,
  apiKeyRequired: z.boolean().optional().describe("REST only: callers must send an API key of a usage plan (x-api-key)"),
});

const bridgePort = port.describe("NLB listener port of the bridge, and the ALB listener port (they match)");
const bridge = z
  .discriminatedUnion("mode", [
    z
      .strictObject({
        mode: z.literal("native"),
        port: bridgePort.optional().describe("Default 80, or 443 with alb.certificateArn"),
      })
      .describe("An NLB target group of target type alb, with the ALB as its target; no code runs. The default."),
    z
      .strictObject({
        mode: z.literal("lambda"),
        port: bridgePort.optional().describe("Default 80, or 443 with alb.certificateArn"),
        syncSchedule: z
          .string()
          .regex(/^(rate\(\d+ (minute|minutes|hour|hours)\)|cron\(.+\))$/, {
            message: "must be an EventBridge rate(...) or cron(...) expression",
          })
          .default(DEFAULT_SYNC_SCHEDULE)
          .describe("EventBridge schedule of nlb-target-sync"),
        antiFlapRuns: z
          .number()
          .int()
          .min(1)
          .max(60)
          .default(DEFAULT_ANTI_FLAP_RUNS)
          .describe("Consecutive runs an ALB IP must be missing before it is deregistered"),
        alarmTopicArn: snsTopicArn.optional().describe("SNS topic the bridge alarms notify"),
      })
      .describe(
        "An IP target group: nlb-target-sync registers the ALB's private IPs on a schedule, and alb-ingress-from-nlb keeps the ALB's security group open to exactly the NLB's private IPs.",
      ),
    z
      .strictObject({ mode: z.literal("none") })
      .describe("No bridge: the ALB and its services exist, but no REST API route may reach them."),
  ])
  .describe('How the NLB reaches the internal ALB for services with via: "alb"');

const albLogs = z
  .strictObject({
    access: z.boolean().default(true).describe("Access logs: one entry per request"),
    connection: z
      .boolean()
      .default(true)
      .describe("Connection logs: one entry per connection (client address and port, TLS protocol and cipher, handshake latency)"),
    bucket: z
      .discriminatedUnion("type", [
        z
          .strictObject({
            type: z.literal("create"),
            expireAfterDays: z.number().int().min(1).max(3653).default(DEFAULT_ALB_LOG_EXPIRATION_DAYS).describe("Days a log file is kept"),
          })
          .describe(
            "A bucket the stack creates: public access blocked, ACLs off, SSE-S3 (the only encryption ELB log delivery supports), TLS only, only the region's ELB log delivery may write, files expire. Empty it before a destroy.",
          ),
        z
          .strictObject({
            type: z.literal("existing"),
            name: s3BucketName.describe("The bucket, in the stack's region"),
          })
          .describe(
            "An existing bucket; its policy must let the region's ELB log delivery write under the prefix (docs/load-balancers.md)",
          ),
      ])
      .prefault({ type: "create" })
      .describe("Where the logs go; default a bucket the stack creates"),
    prefix: z
      .string()
      // No * or ?: the prefix goes into the bucket policy's Resource, where they would be wildcards.
      .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, {
        message: "must be an S3 key prefix such as payments-alb or logs/alb: letters, digits, _ . - in /-separated parts",
      })
      .refine((p) => !p.includes("AWSLogs"), {
        message: "may not contain AWSLogs: Elastic Load Balancing adds AWSLogs/<account>/... after it",
      })
      .optional()
      .describe("Key prefix of the log files; default the ALB's name"),
  })
  .describe("Access and connection logs of the created ALB, to S3 (not with alb.existing). Absent: no logs.");

const alb = z.strictObject({
  certificateArn: acmCertificateArn.optional().describe("Serve HTTPS on the ALB listener with this certificate"),
  sslPolicy: z.string().min(1).default(DEFAULT_SSL_POLICY).describe("TLS policy of the HTTPS listener"),
  existing: z
    .strictObject({
      loadBalancerArn: arn(
        "elasticloadbalancing",
        "loadbalancer/app/[A-Za-z0-9-]{1,32}/[0-9a-f]+",
        "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/shared/50dc6c495c0c9188",
      ).describe(
        "The existing internal ALB: only our target groups and listener rules are created on it (plus the bridge's ingress and the egress to the instances, on its security group). Without existing a new ALB is created.",
      ),
      listenerArn: arn(
        "elasticloadbalancing",
        "listener/app/[A-Za-z0-9-]{1,32}/[0-9a-f]+/[0-9a-f]+",
        "arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2",
      ).describe("The listener our rules go on"),
      listenerPort: port.describe("Its port; the bridge's NLB listener uses the same one"),
      https: z.boolean().default(false).describe("The listener speaks HTTPS"),
      securityGroupId: z
        .string()
        .regex(AWS_ID_PATTERNS.securityGroup, { message: `must look like ${AWS_ID_EXAMPLES.securityGroup}` })
        .describe("The ALB's security group"),
      rulePriorityOffset: z
        .number()
        .int()
        .min(0)
        .max(49000)
        .default(1000)
        .describe("Added to our rule priorities, to stay clear of existing rules"),
    })
    .optional()
    .describe("Use an existing internal ALB and listener: only target groups and listener rules are created"),
  logs: albLogs.optional(),
  serverName: z
    .string()
    .regex(/^[a-z0-9*.-]+$/, { message: "must be a DNS name" })
    .optional()
    .describe("A name on the certificate; an HTTP API verifies it when it connects (required with api.type http and a certificate)"),
});

const cluster = z.strictObject({
  instanceType: z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: "must be an EC2 instance type such as t3.medium" })
    .default(DEFAULT_INSTANCE_TYPE)
    .describe("EC2 instance type"),
  minSize: z.number().int().min(0).max(1000).default(DEFAULT_CLUSTER_MIN_SIZE).describe("Autoscaling group minimum"),
  maxSize: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(DEFAULT_CLUSTER_MAX_SIZE)
    .describe("Autoscaling group maximum. Also the most tasks any one service can run (fixed host ports)."),
  desiredCapacity: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(DEFAULT_CLUSTER_DESIRED_CAPACITY)
    .describe(
      "Instances when the autoscaling group is created, between minSize and maxSize. After that the capacity provider's managed scaling sets the group's desired capacity, and Terraform ignores changes to this value (ignore_changes); change minSize or maxSize instead.",
    ),
  capacity: z.discriminatedUnion("type", [launchTemplate, launchConfiguration]).prefault({ type: "launchTemplate" }),
  rootVolumeSizeGiB: z
    .number()
    .int()
    .min(30)
    .max(16384)
    .default(DEFAULT_ROOT_VOLUME_SIZE_GIB)
    .describe("Encrypted gp3 root volume size, GiB"),
  capacityProvider: z
    .strictObject({
      targetCapacityPercent: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(DEFAULT_TARGET_CAPACITY_PERCENT)
        .describe("Managed scaling keeps this percentage of the instances running tasks; below 100 keeps spare instances"),
    })
    .prefault({})
    .describe(
      "The ECS capacity provider on the autoscaling group (managed scaling, managed termination protection), the cluster's default strategy",
    ),
  existing: z
    .strictObject({
      clusterName: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,255}$/, { message: "must be an ECS cluster name" })
        .describe(
          "The existing cluster the services run on: no cluster, role, launch template or autoscaling group is created, and the size and capacity fields are not used.",
        ),
      instanceSecurityGroupId: z
        .string()
        .regex(AWS_ID_PATTERNS.securityGroup, { message: `must look like ${AWS_ID_EXAMPLES.securityGroup}` })
        .describe(
          "The instances' security group, which gets one ingress rule per host port (from the load balancer's group). Nothing else on it changes.",
        ),
    })
    .optional()
    .describe(
      "Run the services on an existing ECS cluster with EC2 capacity: nothing of the cluster is created, and its instances' security group gets the host-port rules. The size and capacity fields are then not used.",
    ),
});

const authorizer = z.discriminatedUnion("type", [
  z
    .strictObject({
      type: z.literal("cognito"),
      userPoolArns: z
        .array(
          arn(
            "cognito-idp",
            "userpool/[a-z]{2}(-[a-z]+)+-\\d_[A-Za-z0-9]+",
            "arn:aws:cognito-idp:eu-west-2:123456789012:userpool/eu-west-2_abc",
          ),
        )
        .min(1)
        .describe("The Cognito user pools' ARNs"),
      identitySource: z.string().optional().describe(`Default ${DEFAULT_REST_IDENTITY_SOURCE}`),
    })
    .describe("A Cognito user pool authorizer (REST APIs)"),
  z
    .strictObject({
      type: z.literal("lambda"),
      functionArn: arn(
        "lambda",
        "function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?",
        "arn:aws:lambda:eu-west-2:123456789012:function:authorize",
      ).describe("The authorizer function; it gets the invoke permission, limited to this authorizer"),
      kind: z.enum(["TOKEN", "REQUEST"]).optional().describe("REST only: TOKEN (default) or REQUEST; HTTP APIs always use REQUEST"),
      identitySource: z
        .string()
        .optional()
        .describe(`Default ${DEFAULT_REST_IDENTITY_SOURCE} (REST) or ${DEFAULT_HTTP_IDENTITY_SOURCE} (HTTP)`),
      resultTtlSeconds: z
        .number()
        .int()
        .min(0)
        .max(3600)
        .default(DEFAULT_AUTHORIZER_RESULT_TTL_SECONDS)
        .describe("Seconds API Gateway caches the authorizer's result"),
    })
    .describe("A Lambda authorizer (REST and HTTP APIs)"),
  z
    .strictObject({
      type: z.literal("jwt"),
      issuer: z
        .string()
        .regex(/^https:\/\/\S+$/, { message: "must be an https:// issuer URL" })
        .describe("The token issuer's URL; for Cognito, the user pool's issuer URL"),
      audience: z.array(z.string().min(1)).min(1).describe("Audiences a token must be for"),
      identitySource: z.string().optional().describe(`Default ${DEFAULT_HTTP_IDENTITY_SOURCE}`),
    })
    .describe("A JWT authorizer (HTTP APIs)"),
]);

const throttle = z.strictObject({
  rateLimit: z.number().positive().max(1_000_000).describe("Steady-state requests per second"),
  burstLimit: z.number().int().min(0).max(1_000_000).describe("Requests allowed in a burst"),
});

const usagePlan = z.strictObject({
  name: nameField("usage plan name").describe("Plan name"),
  keys: z.array(z.string()).default([]).describe("Names of entries in api.apiKeys"),
  quota: z
    .strictObject({
      limit: z.number().int().min(1).describe("Requests per period"),
      period: z.enum(["DAY", "WEEK", "MONTH"]).describe("The period the limit counts over"),
      offset: z.number().int().min(0).optional().describe("Days (or hours) the period is shifted by"),
    })
    .optional(),
  throttle: throttle.optional(),
  methodThrottles: z
    .array(
      z.strictObject({
        path: z.string().describe("A route path"),
        method: z.enum(HTTP_METHODS).describe("One of that route's methods"),
        rateLimit: z.number().positive().describe("Rate for that method"),
        burstLimit: z.number().int().min(0).describe("Burst for that method"),
      }),
    )
    .default([])
    .describe("Per-method limits; path and method must be a route of this API"),
});

const webAcl = z
  .discriminatedUnion("mode", [
    z
      .strictObject({
        mode: z.literal("create"),
        rateLimit: z
          .number()
          .int()
          .min(10)
          .max(2_000_000_000)
          .default(DEFAULT_WEB_ACL_RATE_LIMIT)
          .describe(
            "Requests one client IP may send in 5 minutes before the rate-based rule blocks it (AWS WAF allows 10 to 2,000,000,000)",
          ),
        countRules: z
          .partialRecord(
            z.enum(WEB_ACL_MANAGED_RULE_GROUPS),
            z
              .array(
                z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, { message: "must be a rule name of the group, such as SizeRestrictions_BODY" }),
              )
              .min(1),
          )
          .optional()
          .describe(
            `Rules of the managed groups that only count (and log) what they match instead of blocking it, by group (${WEB_ACL_MANAGED_RULE_GROUPS.join(", ")}), such as {"AWSManagedRulesCommonRuleSet": ["SizeRestrictions_BODY"]} for APIs that take bodies over 8 KB (see docs/waf.md). The Log4j rules (Log4JRCE_*) cannot count.`,
          ),
      })
      .describe(
        "A web ACL of the stack's own (the default): AWS managed rule groups for IP reputation, common attacks and known bad inputs (Log4j), a rate-based rule per client IP, and its logs in the log group aws-waf-logs-<name>",
      ),
    z
      .strictObject({
        mode: z.literal("existing"),
        arn: z
          .string()
          .regex(WAFV2_WEB_ACL_ARN, {
            message:
              "must be a web ACL ARN such as arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/central-api/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
          })
          .describe("ARN of a regional web ACL in the stack's region, arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>"),
      })
      .describe("A web ACL managed elsewhere (a central security team's, Firewall Manager's): the stage is only associated with it"),
    z
      .strictObject({ mode: z.literal("none") })
      .describe(
        "No web ACL: requests reach the stage unfiltered. Printed as a warning at every synth, and allowed by npm run check --config.",
      ),
  ])
  .describe(
    'REST only: the AWS WAF web ACL of the stage; default {"mode": "create"}. AWS WAF cannot be associated with an HTTP API (only with REST API stages, ALBs, CloudFront, AppSync, Cognito user pools, App Runner and Verified Access): for a web ACL use "type": "rest", or put CloudFront with a web ACL in front of the HTTP API (docs/waf.md).',
  );

const api = z.strictObject({
  type: z
    .enum(["rest", "http"])
    .default("rest")
    .describe("rest: REST API, VPC Link to the NLB. http: HTTP API, VPC Link v2 to the load balancer listeners."),
  stageName: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,128}$/, { message: "must be letters, digits and underscores" })
    .default(DEFAULT_STAGE_NAME)
    .describe("Stage the API is deployed to"),
  description: z.string().max(1024).optional().describe("API description; default Private ECS services behind <name>"),
  authorizers: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/), authorizer)
    .default({})
    .describe("Named authorizers, which routes name in routes[].authorization (see docs/front-door.md)"),
  throttling: throttle.prefault({ rateLimit: 1000, burstLimit: 500 }).describe("Stage-wide default limits"),
  accessLogs: z
    .strictObject({
      enabled: z.boolean().default(true).describe("JSON access logs, one object per request"),
      retentionDays: logRetentionDays.default(DEFAULT_ACCESS_LOG_RETENTION_DAYS).describe("Retention of the access log group, days"),
    })
    .prefault({}),
  cloudWatchRole: z
    .enum(["create", "existing"])
    .optional()
    .describe(
      "REST only. create (default): set the region's API Gateway account CloudWatch role, which REST access and execution logs need. existing: the account already has one.",
    ),
  executionLogLevel: z
    .enum(["OFF", "ERROR", "INFO"])
    .optional()
    .describe(
      `REST only: execution logging of every method (never with bodies), to the log group API-Gateway-Execution-Logs_<api id>/<stage>, which the stack manages (logs.retentionDays, logs.kmsKeyArn); default ${DEFAULT_EXECUTION_LOG_LEVEL}`,
    ),
  detailedMetrics: z.boolean().optional().describe("Per-method (REST) or per-route (HTTP) CloudWatch metrics; default false"),
  tracing: z.boolean().optional().describe("REST only: X-Ray tracing; default false"),
  webAcl: webAcl.optional(),
  cache: z
    .strictObject({
      sizeGb: z
        .enum(["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"])
        .default(DEFAULT_CACHE_SIZE_GB)
        .describe("Stage cache size, GB; the cache is encrypted"),
      ttlSeconds: z.number().int().min(0).max(3600).default(DEFAULT_CACHE_TTL_SECONDS).describe("Cache time to live, seconds"),
    })
    .optional()
    .describe("REST only: a stage cache for GET methods"),
  alarms: z
    .strictObject({
      serverErrorRatePercent: z
        .number()
        .min(0)
        .max(100)
        .default(DEFAULT_SERVER_ERROR_RATE_PERCENT)
        .describe("Alarm when 5XX responses exceed this share of requests"),
      p99LatencyMs: z
        .number()
        .int()
        .min(1)
        .max(60000)
        .default(DEFAULT_P99_LATENCY_MS)
        .describe("Alarm when the p99 latency is above this, milliseconds"),
      evaluationMinutes: z
        .number()
        .int()
        .min(1)
        .max(60)
        .default(DEFAULT_ALARM_EVALUATION_MINUTES)
        .describe("Minutes the condition must hold"),
      snsTopicArn: snsTopicArn.optional().describe("Topic the alarms notify"),
    })
    .prefault({}),
  apiKeys: z
    .array(
      z.strictObject({
        name: nameField("API key name").describe("Key name (<name>-<key> in AWS)"),
        value: z
          .enum(["generated", "variable"])
          .default(DEFAULT_API_KEY_VALUE)
          .describe("generated: API Gateway makes the value. variable: a sensitive Terraform variable api_key_<name> supplies it."),
      }),
    )
    .optional()
    .describe("REST only"),
  usagePlans: z.array(usagePlan).optional().describe("REST only"),
  customDomain: z
    .strictObject({
      domainName: z
        .string()
        .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
          message: "must be a lower-case DNS name such as api.example.com",
        })
        .describe("The domain name, for example api.example.com"),
      certificateArn: acmCertificateArn.describe("ACM certificate in the API's region. A domain without one is refused."),
      hostedZoneId: z
        .string()
        .regex(/^Z[A-Z0-9]{1,32}$/, { message: "must be a Route 53 hosted zone id such as Z0123456789ABC" })
        .describe("Route 53 zone for the alias record"),
      basePath: z
        .string()
        .regex(/^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/, { message: "must be a path without leading /, such as orders or v1" })
        .optional()
        .describe("Mount the stage under this path; default the root"),
    })
    .optional(),
});

const backend = z.discriminatedUnion("type", [
  z
    .strictObject({
      type: z.literal("local"),
      path: z.string().min(1).optional().describe("State file; default terraform.<name>.tfstate in the project directory"),
    })
    .describe("State in a local file"),
  z
    .strictObject({
      type: z.literal("s3"),
      bucket: s3BucketName.describe("The state bucket"),
      key: z
        .string()
        .regex(/^[^/].*\.tfstate$/, { message: "must be an object key ending in .tfstate, without a leading /" })
        .optional()
        .describe("Default env/<name>/terraform.tfstate"),
      region: z
        .string()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: "must be an AWS region such as eu-west-2" })
        .optional()
        .describe("Default: the stack's region"),
      locking: z
        .union([
          z.literal("lockfile"),
          z.strictObject({
            dynamodbTable: z
              .string()
              .regex(/^[A-Za-z0-9_.-]{3,255}$/)
              .describe("The DynamoDB lock table, when locking is not lockfile"),
          }),
        ])
        .default("lockfile")
        .describe(
          '"lockfile": S3-native locking (Terraform 1.10+, use_lockfile). {"dynamodbTable": "..."}: the older DynamoDB lock table.',
        ),
      kmsKeyId: z.string().min(1).optional().describe("KMS key for the state object; default SSE-S3"),
    })
    .describe("State in S3, always encrypted"),
]);

const adoption = z.strictObject({
  resource: z
    .string()
    .min(1)
    .describe('Our resource, by construct path inside the stack: "Nlb", "Api/VpcLink", "Network", "Cluster", "Service-orders", ...'),
  id: z.string().min(1).describe("The existing AWS resource's import id (an ARN, vpc-..., the VPC link id, ...)"),
});

const quota = (what: string, awsDefault: number) =>
  z
    .number()
    .int()
    .min(1)
    .default(awsDefault)
    .describe(`${what}: AWS's default is ${awsDefault}; set the value your account has been granted`);

const logs = z.strictObject({
  kmsKeyArn: kmsKeyArn
    .optional()
    .describe(
      "A customer-managed KMS key that encrypts every log group the stack creates (services, Lambdas, API access and execution logs, the web ACL's). It must be in the stack's region and exist before the apply, and its key policy must let CloudWatch Logs in that region use it (docs/logging.md). Default: CloudWatch Logs' own encryption.",
    ),
  retentionDays: logRetentionDays
    .default(DEFAULT_LOG_RETENTION_DAYS)
    .describe(
      "Retention, days, of the log groups without a setting of their own: the Lambdas', the web ACL's and the REST execution logs'. services[].logRetentionDays and api.accessLogs.retentionDays set theirs.",
    ),
});

/** Adjustable AWS quotas the config is checked against. Only raise one after AWS has raised it for the account. */
const quotas = z.strictObject({
  vpcLinks: quota("REST API VPC links per account per Region (a REST API uses one per NLB)", 20),
  restApiResources: quota("Resources per REST API", 300),
  httpApiRoutes: quota("Routes per HTTP API", 300),
  networkLoadBalancers: quota("Network Load Balancers per Region", 50),
  targetGroups: quota("Target groups per Region", 3000),
  securityGroupRules: quota("Inbound or outbound rules per security group", 60),
});

/** The shape of the config (validation phase 1); lib/config/load.ts adds the cross-field rules (phase 2). */
export const configShape = z.strictObject({
  $schema: z.string().optional().describe("Path to config.schema.json, for editors"),
  name: nameField("name").max(32).describe("Prefix of every AWS name; also the CDKTF stack name"),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: "must be an AWS region such as eu-west-2" })
    .describe("AWS region, for example eu-west-2"),
  tags: z
    .record(z.string().min(1).max(128), z.string().max(256))
    .default({})
    .describe("Tags applied to every resource (provider default_tags)"),
  network: z.discriminatedUnion("type", [createNetwork, existingNetwork]),
  cluster: cluster.prefault({}),
  services: z
    .array(service)
    .describe("At least one service. Past 50 NLB listener ports they are spread over several NLBs (see docs/sharding.md)."),
  routes: z.array(route).describe("At least one route"),
  api: api.prefault({}),
  alb: alb.optional().describe('The internal ALB, created when a service has via: "alb"'),
  bridge: bridge.optional().describe('NLB to ALB bridge; defaults to {"mode": "native"} when a service has via: "alb"'),
  deletionProtection: z
    .boolean()
    .default(DEFAULT_DELETION_PROTECTION)
    .describe(
      "Deletion protection on the load balancers the stack creates (every NLB, and the ALB unless alb.existing). false prints a warning: deleting the NLB breaks the VPC link and every route. Set false and apply before a destroy (docs/load-balancers.md).",
    ),
  logs: logs.prefault({}).describe("How the log groups the stack creates are kept"),
  backend: backend.prefault({ type: "local" }).describe("Where Terraform keeps the state"),
  adopt: z.array(adoption).default([]).describe("Existing AWS resources to take over instead of creating: Terraform import blocks"),
  renames: z
    .strictObject({
      services: z
        .record(z.string(), z.string())
        .default({})
        .describe('{"old-name": "new-name"}: moved blocks instead of destroy and create'),
    })
    .prefault({})
    .describe("Renames since the last apply, so that a plan shows moves"),
  quotas: quotas.prefault({}).describe("AWS quotas that limit the stack's size; the defaults are AWS's"),
});

/** The config as written (defaults optional). */
export type PrivateApiConfigInput = z.input<typeof configShape>;
/** The config after validation, with every default filled in. */
export type PrivateApiConfig = z.output<typeof configShape>;
/**
 * `T`, which must be assignable to the construct prop type `U`: the config's shapes that
 * PrivateApiStack hands to a construct as they are fail to compile here if they drift apart.
 */
type AssignableTo<T extends U, U> = T;

export type ServiceConfig = PrivateApiConfig["services"][number];
export type ServicePortConfig = NonNullable<ServiceConfig["ports"]>[number];
export type HealthCheckConfig = AssignableTo<ServicePortConfig["healthCheck"], HealthCheck>;
/** The health check a port gets when it gives none (the schema's defaults). */
export const DEFAULT_PORT_HEALTH_CHECK: HealthCheckConfig = healthCheck.parse({});
export type ContainerHealthCheckConfig = AssignableTo<NonNullable<ServiceConfig["containerHealthCheck"]>, ContainerHealthCheck>;
export type TaskRoleConfig = AssignableTo<NonNullable<ServiceConfig["taskRole"]>, TaskRolePermissions>;
export type RouteConfig = PrivateApiConfig["routes"][number];
export type ClusterConfig = PrivateApiConfig["cluster"];
export type NetworkConfig = PrivateApiConfig["network"];
export type ApiConfig = PrivateApiConfig["api"];
export type AuthorizerConfig = AssignableTo<ApiConfig["authorizers"][string], Authorizer>;
export type RouteAuthorization = AssignableTo<RouteConfig["authorization"], Authorization>;
export type ThrottleConfig = AssignableTo<ApiConfig["throttling"], ThrottleSettings>;
export type CustomDomainConfig = AssignableTo<NonNullable<ApiConfig["customDomain"]>, CustomDomainOptions>;
export type WebAclConfig = AssignableTo<NonNullable<ApiConfig["webAcl"]>, WebAclOptions>;
export type BackendConfig = PrivateApiConfig["backend"];
export type BridgeConfig = NonNullable<PrivateApiConfig["bridge"]>;
export type AlbConfig = NonNullable<PrivateApiConfig["alb"]>;
export type AlbLogsConfig = AssignableTo<NonNullable<AlbConfig["logs"]>, AlbLogsOptions>;
export type QuotasConfig = PrivateApiConfig["quotas"];
export type LogsConfig = AssignableTo<PrivateApiConfig["logs"], LogGroupOptions>;
