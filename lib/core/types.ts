/**
 * Prop types that more than one construct takes: a target group health check, a route's HTTP
 * methods and authorization, API authorizers, throttling and a custom domain. They belong to the
 * constructs, not to the config file: lib/config/schema.ts declares its output compatible with
 * them (see `AssignableTo` there), and PrivateApiStack maps one to the other.
 *
 * This module imports nothing, so the config schema may import it without a cycle.
 */

/** The HTTP methods a route may have; `ANY` matches every method. */
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"] as const;

/** One of `HTTP_METHODS`. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The health check of a target group (NLB or ALB) on the targets' traffic port. */
export interface HealthCheck {
  /**
   * How the targets are checked. An ALB target group checks TCP as HTTP.
   * @default "TCP"
   */
  readonly protocol?: "TCP" | "HTTP" | "HTTPS";
  /**
   * Path an HTTP or HTTPS check requests.
   * @default - none (required for HTTP and HTTPS checks on an NLB)
   */
  readonly path?: string;
  /**
   * HTTP codes that count as healthy, for HTTP and HTTPS checks.
   * @default "200-399"
   */
  readonly matcher?: string;
  /** @default 30 */
  readonly intervalSeconds?: number;
  /** @default 3 */
  readonly healthyThreshold?: number;
  /** @default 3 */
  readonly unhealthyThreshold?: number;
}

/**
 * Who may call a route. `AWS_IAM` requires SigV4-signed callers; `NONE` leaves the route open to
 * anyone (reported as a warning at synth time); `{ authorizer }` names an authorizer of the API,
 * with OAuth scopes for Cognito (REST) or JWT (HTTP) authorizers.
 */
export type Authorization =
  | "AWS_IAM"
  | "NONE"
  | {
      /** Name of an entry of the API's `authorizers`. */
      readonly authorizer: string;
      /**
       * OAuth scopes the caller's token must have.
       * @default - none
       */
      readonly scopes?: readonly string[];
    };

/** A Cognito user pool authorizer (REST APIs; an HTTP API uses a JWT authorizer for a user pool). */
export interface CognitoAuthorizer {
  readonly type: "cognito";
  /** ARNs of the user pools whose tokens are accepted. */
  readonly userPoolArns: readonly string[];
  /** @default "method.request.header.Authorization" */
  readonly identitySource?: string;
}

/** A Lambda authorizer; API Gateway is allowed to invoke the function through this authorizer only. */
export interface LambdaAuthorizer {
  readonly type: "lambda";
  /** ARN of the authorizer function (a version or alias ARN too). */
  readonly functionArn: string;
  /**
   * REST only: `TOKEN` or `REQUEST`. HTTP APIs always use `REQUEST`.
   * @default "TOKEN"
   */
  readonly kind?: "TOKEN" | "REQUEST";
  /** @default - the Authorization header: "method.request.header.Authorization" (REST), "$request.header.Authorization" (HTTP) */
  readonly identitySource?: string;
  /**
   * Seconds API Gateway caches the function's answer.
   * @default 300
   */
  readonly resultTtlSeconds?: number;
}

/** A JWT authorizer (HTTP APIs only). */
export interface JwtAuthorizer {
  readonly type: "jwt";
  /** Issuer URL of the tokens (https://...). */
  readonly issuer: string;
  /** Accepted `aud` values, for example an app client id. */
  readonly audience: readonly string[];
  /** @default "$request.header.Authorization" */
  readonly identitySource?: string;
}

/** An authorizer that routes refer to by name. */
export type Authorizer = CognitoAuthorizer | LambdaAuthorizer | JwtAuthorizer;

/** Request rate limits. */
export interface ThrottleSettings {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests allowed in a burst. */
  readonly burstLimit: number;
}

/** How the log groups the stack creates are kept: retention and, optionally, a customer-managed KMS key. */
export interface LogGroupOptions {
  /**
   * ARN of a customer-managed KMS key that encrypts the log group. Its key policy must let the
   * region's CloudWatch Logs service principal use it (docs/logging.md).
   * @default - CloudWatch Logs' own encryption
   */
  readonly kmsKeyArn?: string;
  /**
   * Retention, days.
   * @default 30
   */
  readonly retentionDays?: number;
}

/**
 * The S3 bucket an ALB writes its logs to: one the stack creates (hardened: public access blocked,
 * ACLs off, SSE-S3, TLS only, only the region's log delivery may write, objects expire), or an
 * existing one by name, whose policy must let the region's ELB log delivery write (docs/load-balancers.md).
 */
export type AlbLogBucketOptions =
  | {
      readonly type: "create";
      /**
       * Days a log file is kept.
       * @default 90
       */
      readonly expireAfterDays?: number;
    }
  | { readonly type: "existing"; readonly name: string };

/** An ALB's access and connection logs, written to S3 (ALBs cannot log to CloudWatch Logs). */
export interface AlbLogsOptions {
  /**
   * Access logs: one entry per request.
   * @default true
   */
  readonly access?: boolean;
  /**
   * Connection logs: one entry per connection, with its TLS details on an HTTPS listener.
   * @default true
   */
  readonly connection?: boolean;
  /** Where the logs go. */
  readonly bucket: AlbLogBucketOptions;
  /**
   * Key prefix of the log files, before the `AWSLogs/<account>/...` that ELB adds; it may not contain `AWSLogs`.
   * @default - the ALB's name
   */
  readonly prefix?: string;
}

/** JSON access logs of an API stage, to a log group of their own. */
export interface AccessLogOptions {
  /**
   * Retention of the log group, days.
   * @default 90
   */
  readonly retentionDays?: number;
  /**
   * ARN of a customer-managed KMS key that encrypts the log group (LogGroupOptions' kmsKeyArn).
   * @default - CloudWatch Logs' own encryption
   */
  readonly kmsKeyArn?: string;
}

/** One of the AWS managed rule groups of the web ACL the stack creates (WEB_ACL_MANAGED_RULE_GROUPS in ./defaults.ts). */
export type WebAclManagedRuleGroup =
  | "AWSManagedRulesAmazonIpReputationList"
  | "AWSManagedRulesCommonRuleSet"
  | "AWSManagedRulesKnownBadInputsRuleSet";

/**
 * The AWS WAF web ACL of a REST API stage (AWS WAF cannot be associated with an HTTP API stage).
 * `create`: a regional web ACL of the stack's own (AWS managed rule groups and a rate-based rule),
 * logging to a log group; `existing`: an association with a web ACL managed elsewhere, by ARN;
 * `none`: no web ACL, reported as a warning at synth time.
 */
export type WebAclOptions =
  | {
      readonly mode: "create";
      /**
       * Requests one client IP may send in 5 minutes before it is blocked, 10 to 2,000,000,000.
       * @default 2000
       */
      readonly rateLimit?: number;
      /**
       * Rules of the managed groups that only count (and log) what they match instead of blocking
       * it, by group: `{ AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY"] }`.
       * @default - every rule blocks
       */
      readonly countRules?: Readonly<Partial<Record<WebAclManagedRuleGroup, readonly string[]>>>;
    }
  | {
      readonly mode: "existing";
      /** ARN of a regional web ACL in the stack's region: arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>. */
      readonly arn: string;
    }
  | { readonly mode: "none" };

/** A regional custom domain for an API stage, with an alias record in a Route 53 zone. */
export interface CustomDomainOptions {
  /** For example api.example.com. */
  readonly domainName: string;
  /** ACM certificate in the API's region covering the domain. */
  readonly certificateArn: string;
  /** Route 53 zone that gets the alias record. */
  readonly hostedZoneId: string;
  /**
   * Mount the stage under this path.
   * @default - the domain's root
   */
  readonly basePath?: string;
}

/**
 * Docker's health check of a container, run by the ECS agent on the instance (not the target
 * group's health check, which the load balancer runs).
 */
export interface ContainerHealthCheck {
  /** `["CMD", "executable", "arg", ...]` or `["CMD-SHELL", "command line"]`. */
  readonly command: readonly string[];
  /**
   * Seconds between checks, 5 to 300.
   * @default 30
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds a check may take before it counts as failed, 2 to 60.
   * @default 5
   */
  readonly timeoutSeconds?: number;
  /**
   * Failed checks in a row before the container is unhealthy, 1 to 10.
   * @default 3
   */
  readonly retries?: number;
  /**
   * Seconds after start during which failed checks do not count, 0 to 300.
   * @default 0
   */
  readonly startPeriodSeconds?: number;
}

/** One Allow statement of a task role's inline policy. */
export interface TaskRoleStatement {
  /** IAM actions, such as `s3:GetObject`. */
  readonly actions: readonly string[];
  /** ARNs the actions are allowed on (`*` only for read-only actions). */
  readonly resources: readonly string[];
}

/** What the application in a task may do in AWS: the task role's permissions. */
export interface TaskRolePermissions {
  /**
   * Managed IAM policies attached to the task role.
   * @default - none
   */
  readonly managedPolicyArns?: readonly string[];
  /**
   * Allow statements of the task role's inline policy.
   * @default - none: no inline policy
   */
  readonly statements?: readonly TaskRoleStatement[];
}
