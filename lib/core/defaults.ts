/**
 * The constructs' defaults, each defined once. A construct applies its own when a prop is left
 * out; lib/config/schema.ts imports the same constants for its `.default(...)` values, so a config
 * that leaves a field out gets what the construct would have chosen.
 *
 * They live here, not in the construct modules, because lib/config/schema.ts must stay light and
 * cycle-free: this module imports nothing but types from ./types.ts, while the construct modules load cdktf and the
 * provider classes. Each construct module re-exports the constants it owns.
 */
import type { HealthCheck, WebAclManagedRuleGroup } from "./types";

// ---- EcsEc2Cluster (./ecs-ec2-cluster.ts) ----

/** The AMI the launch template uses by default: the current ECS-optimised Amazon Linux 2023 image. */
export const DEFAULT_ECS_AMI_SSM_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
/** Instance type of the cluster's EC2 capacity. */
export const DEFAULT_INSTANCE_TYPE = "t3.medium";
/** Autoscaling group minimum size. */
export const DEFAULT_CLUSTER_MIN_SIZE = 2;
/** Autoscaling group maximum size. */
export const DEFAULT_CLUSTER_MAX_SIZE = 4;
/** Autoscaling group desired capacity. */
export const DEFAULT_CLUSTER_DESIRED_CAPACITY = 2;
/** Root volume of each instance, GiB (the ECS-optimised AMI's snapshot is 30 GiB). */
export const DEFAULT_ROOT_VOLUME_SIZE_GIB = 30;
/** Target capacity of the capacity provider's managed scaling, percent: no empty instance beyond the minimum. */
export const DEFAULT_TARGET_CAPACITY_PERCENT = 100;

// ---- EcsEc2Service (./ecs-ec2-service.ts) ----

/** CPU units reserved for the container. */
export const DEFAULT_CONTAINER_CPU = 256;
/** Hard memory limit of the container, MiB. */
export const DEFAULT_CONTAINER_MEMORY_MIB = 512;
/** Tasks the service runs. */
export const DEFAULT_DESIRED_COUNT = 1;
/** Retention of the service's log group, days. */
export const DEFAULT_SERVICE_LOG_RETENTION_DAYS = 30;
/** A container health check, field by field, when only its command is given (ECS's own defaults). */
export const DEFAULT_CONTAINER_HEALTH_CHECK = {
  intervalSeconds: 30,
  timeoutSeconds: 5,
  retries: 3,
  startPeriodSeconds: 0,
} as const;

/**
 * Where a service's tasks are placed: with the EC2 launch type, as services always were. Adding a
 * capacity provider strategy to a service that has none replaces the ECS service (hashicorp/aws
 * forces a new one), so an existing service keeps its launch type unless it is switched on purpose.
 */
export const DEFAULT_SERVICE_CAPACITY = "launchType";

// ---- Target group health checks (HealthCheck in ./types.ts; the NLB and the ALB) ----

/** The health check of a target group, field by field, when none or part of one is given. */
export const DEFAULT_HEALTH_CHECK = {
  protocol: "TCP",
  matcher: "200-399",
  intervalSeconds: 30,
  healthyThreshold: 3,
  unhealthyThreshold: 3,
} as const;

/** A health check with every field the defaults fill in set; `path` stays as given. */
export function healthCheckWithDefaults(hc: HealthCheck = {}): Required<Omit<HealthCheck, "path">> & Pick<HealthCheck, "path"> {
  return {
    protocol: hc.protocol ?? DEFAULT_HEALTH_CHECK.protocol,
    path: hc.path,
    matcher: hc.matcher ?? DEFAULT_HEALTH_CHECK.matcher,
    intervalSeconds: hc.intervalSeconds ?? DEFAULT_HEALTH_CHECK.intervalSeconds,
    healthyThreshold: hc.healthyThreshold ?? DEFAULT_HEALTH_CHECK.healthyThreshold,
    unhealthyThreshold: hc.unhealthyThreshold ?? DEFAULT_HEALTH_CHECK.unhealthyThreshold,
  };
}

// ---- PrivateNetwork (./private-network.ts) ----

/** A new VPC gets the interface and gateway endpoints ECS needs without internet access. */
export const DEFAULT_VPC_ENDPOINTS = true;
/** A new VPC's flow log records the traffic its security groups reject (Security Hub EC2.6's own default). */
export const DEFAULT_FLOW_LOG_TRAFFIC = "REJECT";

// ---- InternalNetworkLoadBalancer and InternalApplicationLoadBalancer ----

/**
 * Deletion protection on the load balancers the stack creates: deleting the NLB by mistake breaks
 * the VPC link and every route at once. AWS's own default is off.
 */
export const DEFAULT_DELETION_PROTECTION = true;

// ---- InternalApplicationLoadBalancer (./internal-application-load-balancer.ts) ----

/**
 * TLS policy of the ALB's HTTPS listener: TLS 1.3 and 1.2 with forward-secret AEAD ciphers only
 * ("Res"), the policy AWS's console chooses and Security Hub ELB.17 accepts (the plain
 * TLS13-1-2-2021-06 also allows CBC ciphers on TLS 1.2).
 */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06";

// ---- AlbLogBucket (./alb-log-bucket.ts) ----

/** Days a created ALB log bucket keeps a log file, as the API access logs' group keeps its events. */
export const DEFAULT_ALB_LOG_EXPIRATION_DAYS = 90;
/** Days after which the log bucket removes the parts of an upload that was never completed. */
export const ALB_LOG_ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

// ---- AlbBridge (./alb-bridge.ts) ----

/** How often the lambda bridge's sync function runs. */
export const DEFAULT_SYNC_SCHEDULE = "rate(1 minute)";
/** Consecutive runs an ALB IP must be missing before the lambda bridge deregisters it. */
export const DEFAULT_ANTI_FLAP_RUNS = 3;
/** Namespace of the bridge's custom metrics; never an `AWS/` one. */
export const BRIDGE_METRIC_NAMESPACE = "PrivateEcsApi/AlbBridge";

// ---- PrivateRestApi and PrivateHttpApi (./private-rest-api.ts, ./private-http-api.ts) ----

/** Name of the stage an API is published to. */
export const DEFAULT_STAGE_NAME = "v1";
/** Who may call a route that names no authorization: SigV4-signed callers. */
export const DEFAULT_ROUTE_AUTHORIZATION = "AWS_IAM";
/** Where a REST API authorizer reads the caller's token: the Authorization header. */
export const DEFAULT_REST_IDENTITY_SOURCE = "method.request.header.Authorization";
/** Where an HTTP API authorizer reads the caller's token: the Authorization header. */
export const DEFAULT_HTTP_IDENTITY_SOURCE = "$request.header.Authorization";
/** How a REST API calls a Lambda authorizer: with the token only. */
export const DEFAULT_LAMBDA_AUTHORIZER_KIND = "TOKEN";
/**
 * REST stage execution logging: errors only, to a log group the stack manages (retention, KMS key).
 * INFO logs every request's execution and costs more; data trace (bodies) is never turned on.
 */
export const DEFAULT_EXECUTION_LOG_LEVEL = "ERROR";
/** Seconds API Gateway caches a Lambda authorizer's answer. */
export const DEFAULT_AUTHORIZER_RESULT_TTL_SECONDS = 300;
/** Retention of the log groups without a setting of their own (Lambdas, the web ACL's, REST execution logs), days. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;
/** Retention of an API's access log group, days. */
export const DEFAULT_ACCESS_LOG_RETENTION_DAYS = 90;
/** Size of a REST stage cache, GB. */
export const DEFAULT_CACHE_SIZE_GB = "0.5";
/** Seconds a REST stage cache keeps an answer. */
export const DEFAULT_CACHE_TTL_SECONDS = 300;

// ---- RestApiWebAcl (./rest-api-web-acl.ts) ----

/** Requests one client IP may send in 5 minutes before the web ACL's rate-based rule blocks it. */
export const DEFAULT_WEB_ACL_RATE_LIMIT = 2000;
/**
 * The AWS managed rule groups of the web ACL the stack creates, in the order they are evaluated
 * (after the IP reputation list comes the rate-based rule): known bad IPs, the core rule set
 * (OWASP Top 10 style attacks), and known bad inputs (Log4j, Java deserialisation, ...). All three
 * are free beyond the web ACL's own price; together with the rate-based rule they use 927 of the
 * 1,500 web ACL capacity units (WCU) the base price includes (25 + 700 + 200 + 2).
 */
export const WEB_ACL_MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
] as const satisfies readonly WebAclManagedRuleGroup[];

// ---- ApiAlarms (./api-alarms.ts) ----

/** Alarm when more than this share of requests, in percent, ends in a 5XX error. */
export const DEFAULT_SERVER_ERROR_RATE_PERCENT = 5;
/** Alarm when the p99 latency is above this, in milliseconds. */
export const DEFAULT_P99_LATENCY_MS = 3000;
/** Minutes an alarm's condition must hold. */
export const DEFAULT_ALARM_EVALUATION_MINUTES = 5;

// ---- RestApiUsagePlans (./rest-api-usage-plans.ts) ----

/** Where an API key's value comes from: API Gateway generates it. */
export const DEFAULT_API_KEY_VALUE = "generated";

/** Interface endpoints ECS container instances need when their subnets have no route to the internet. */
export const EC2_INTERFACE_ENDPOINTS = ["ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr", "logs"] as const;

/**
 * Interface endpoints Fargate tasks need without internet access: the image pull (ECR's API and
 * registry; the layers come through the S3 gateway endpoint) and the logs. Secrets Manager, SSM
 * and ssmmessages (ECS Exec) are added where a service uses them.
 */
export const FARGATE_INTERFACE_ENDPOINTS = ["ecr.api", "ecr.dkr", "logs"] as const;
