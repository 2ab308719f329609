import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Annotations, Fn, type ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { albIpTargetGroupName, albLogBucketPrefix, albName, albTargetGroupName } from "../model/names";
import { AlbLogBucket } from "./alb-log-bucket";
import { Connections } from "./connections";
import { DEFAULT_DELETION_PROTECTION, DEFAULT_SSL_POLICY, healthCheckWithDefaults } from "../core/defaults";
import type { AlbLogsOptions, HealthCheck } from "../core/types";

/** A service behind the ALB and the path patterns that reach it. */
export interface AlbServiceRoute {
  /** Service name; it names the target group, so keep it stable. */
  readonly service: string;
  /** The instance port, or 0 for a dynamic port chosen by ECS; with targetType "ip", the task's container port. */
  readonly hostPort: number;
  /**
   * How ECS registers the tasks: `instance` (EC2) or `ip` (Fargate, awsvpc). An ip group has its
   * own construct id (`IpTargetGroup-<service>`) and, by default, name (`<name>-albip-<service>`).
   * @default "instance"
   */
  readonly targetType?: "instance" | "ip";
  /** ALB path patterns (`/orders`, `/orders/*`) that go to this service. */
  readonly pathPatterns: readonly string[];
  /**
   * Name of the service's target group.
   * @default - `<name>-alb-<service>`, shortened with a hash past 32 characters (lib/model/names.ts)
   */
  readonly targetGroupName?: string;
  /**
   * The target group's health check; a TCP protocol is checked as HTTP, since an ALB target group
   * checks over HTTP or HTTPS only.
   * @default - an HTTP check of the traffic port's `path` (none given: "/"), every 30 seconds
   */
  readonly healthCheck?: HealthCheck;
}

/** An internal ALB and listener that exist already. */
export interface ExistingApplicationLoadBalancer {
  readonly loadBalancerArn: string;
  /** The listener the rules are added to. */
  readonly listenerArn: string;
  /** The ALB's security group; the egress rules to the instances go on it. */
  readonly securityGroupId: string;
  /** The listener speaks HTTPS. */
  readonly https: boolean;
}

export interface InternalApplicationLoadBalancerProps {
  /** Prefix of the load balancer and target group names. */
  readonly name: string;
  /**
   * Name of a new ALB and its security group.
   * @default - `<name>-alb`, shortened with a hash past 32 characters (lib/model/names.ts)
   */
  readonly loadBalancerName?: string;
  readonly vpcId: string;
  /** Private subnets, in at least two AZs (an ALB requirement). */
  readonly subnetIds: string[];
  /** The listener port; the bridge's NLB listener uses the same one. */
  readonly listenerPort: number;
  readonly services: readonly AlbServiceRoute[];
  /**
   * Serve HTTPS with this ACM certificate.
   * @default - plain HTTP
   */
  readonly certificateArn?: string;
  /**
   * TLS policy of the HTTPS listener.
   * @default "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
   */
  readonly sslPolicy?: string;
  /**
   * Use an existing internal ALB and listener: only target groups and listener rules are created,
   * and the egress rules to the instances go on its security group.
   * @default - a new ALB, security group and listener
   */
  readonly existing?: ExistingApplicationLoadBalancer;
  /**
   * Added to every rule priority, to stay clear of rules someone else keeps on an existing listener.
   * @default 0
   */
  readonly rulePriorityOffset?: number;
  /**
   * Deletion protection on a new ALB (an existing one is left as it is). false adds a warning.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Access and connection logs of a new ALB, to S3: to a bucket created here (`AlbLogBucket`, id
   * `LogBucket`) or to an existing one. Not with `existing`.
   * @default - no logs
   */
  readonly logs?: AlbLogsOptions;
  /**
   * The region, which decides who delivers the logs into a created log bucket.
   * @default - required with a created log bucket
   */
  readonly region?: string;
}

/**
 * An internal Application Load Balancer with one listener and a path-pattern rule per route
 * pattern, forwarding to one instance target group per service (dynamic host ports allowed).
 * Requests that match no rule get a 404. Its security group starts with no rules: they are added
 * through `connections` (the egress to the instances, and in front exactly what the NLB bridge or
 * the HTTP API's VPC link needs), as PrivateApiStack adds the rules it plans, and nothing else in
 * the VPC is let in.
 *
 * A new ALB has deletion protection unless `deletionProtection` is false, and writes access and
 * connection logs to S3 when `logs` says so.
 */
export class InternalApplicationLoadBalancer extends Construct {
  /** ARN of the ALB. */
  public readonly loadBalancerArn: string;
  /** ARN suffix (`app/<name>/<id>`); the ALB's network interfaces are described as `ELB <suffix>`. */
  public readonly loadBalancerArnSuffix: string;
  /** Id of the ALB's security group. */
  public readonly securityGroupId: string;
  /** The ALB's security group (an existing ALB's, if given), for rules to and from it. */
  public readonly connections: Connections;
  /** ARN of the listener the bridge (or an HTTP API) forwards to. */
  public readonly listenerArn: string;
  /** What must exist before the listener may be used: our listener, or nothing for an existing one. */
  public readonly listenerDependables: ITerraformDependable[];
  public readonly listenerPort: number;
  /** True when the listener speaks HTTPS. */
  public readonly https: boolean;
  private readonly byService = new Map<string, { targetGroup: LbTargetGroup; rules: LbListenerRule[] }>();
  /** The services behind the ALB, as given. */
  public readonly services: readonly AlbServiceRoute[];

  constructor(scope: Construct, id: string, props: InternalApplicationLoadBalancerProps) {
    super(scope, id);
    this.services = props.services;
    this.listenerPort = props.listenerPort;
    this.https = props.existing ? props.existing.https : props.certificateArn !== undefined;

    if (props.existing && props.logs) {
      throw new Error(
        "InternalApplicationLoadBalancer: logs are for a new ALB; an existing one keeps the logs it is given where it is managed",
      );
    }
    if (props.existing) {
      this.securityGroupId = props.existing.securityGroupId;
      this.loadBalancerArn = props.existing.loadBalancerArn;
      this.loadBalancerArnSuffix = props.existing.loadBalancerArn.split(":loadbalancer/")[1] ?? props.existing.loadBalancerArn;
      this.listenerArn = props.existing.listenerArn;
      this.listenerDependables = [];
    } else {
      const lbName = props.loadBalancerName ?? albName(props.name);
      const sg = new SecurityGroup(this, "SecurityGroup", {
        name: lbName,
        description: "Internal ALB: only the NLB bridge may connect (rules added by the bridge)",
        vpcId: props.vpcId,
        tags: { Name: lbName },
      });
      this.securityGroupId = sg.id;

      const deletionProtection = props.deletionProtection ?? DEFAULT_DELETION_PROTECTION;
      const logs = props.logs && this.logDestination(props.name, props.logs, props.region, sg.arn, lbName);
      const lb = new Lb(this, "Resource", {
        name: lbName,
        loadBalancerType: "application",
        internal: true,
        subnets: props.subnetIds,
        securityGroups: [sg.id],
        // Request smuggling: headers that are not valid HTTP are dropped, not passed on to the
        // targets, and ambiguous requests are handled by the desync mitigation mode, stated
        // rather than left to AWS's default (which is "defensive" too, so a deployed ALB does not change).
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "defensive",
        enableDeletionProtection: deletionProtection,
        accessLogs: logs && { bucket: logs.bucket, prefix: logs.prefix, enabled: logs.access },
        connectionLogs: logs && { bucket: logs.bucket, prefix: logs.prefix, enabled: logs.connection },
        // ELB writes a test file when logging is turned on: the bucket's policy must be there first.
        dependsOn: logs && logs.dependsOn.length > 0 ? logs.dependsOn : undefined,
        tags: { Name: lbName },
      });
      if (!deletionProtection) {
        Annotations.of(lb).addWarning(
          `ALB ${lbName} has no deletion protection (deletionProtection false): a destroy, or a change that replaces it, deletes it at once, and every service behind it is unreachable until a new ALB is up.`,
        );
      }
      this.loadBalancerArn = lb.arn;
      this.loadBalancerArnSuffix = lb.arnSuffix;

      const listener = new LbListener(this, "Listener", {
        loadBalancerArn: lb.arn,
        port: props.listenerPort,
        protocol: this.https ? "HTTPS" : "HTTP",
        certificateArn: props.certificateArn,
        sslPolicy: this.https ? (props.sslPolicy ?? DEFAULT_SSL_POLICY) : undefined,
        defaultAction: [
          { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not found" } },
        ],
      });
      this.listenerArn = listener.arn;
      this.listenerDependables = [listener];
    }
    this.connections = new Connections(this, this.securityGroupId);

    for (const svc of props.services) {
      const hc = healthCheckWithDefaults(svc.healthCheck);
      const ip = svc.targetType === "ip";
      const tgName =
        svc.targetGroupName ?? (ip ? albIpTargetGroupName(props.name, svc.service) : albTargetGroupName(props.name, svc.service));
      const targetGroup = new LbTargetGroup(this, `${ip ? "IpTargetGroup" : "TargetGroup"}-${svc.service}`, {
        name: tgName,
        // With dynamic host ports ECS registers each task's own port; this one is only a default.
        port: svc.hostPort === 0 ? 80 : svc.hostPort,
        protocol: "HTTP",
        targetType: ip ? "ip" : "instance",
        vpcId: props.vpcId,
        deregistrationDelay: "30",
        healthCheck: {
          enabled: true,
          protocol: hc.protocol === "HTTPS" ? "HTTPS" : "HTTP",
          port: "traffic-port",
          path: hc.path,
          matcher: hc.matcher,
          interval: hc.intervalSeconds,
          healthyThreshold: hc.healthyThreshold,
          unhealthyThreshold: hc.unhealthyThreshold,
        },
        tags: { Name: tgName, Service: svc.service },
      });
      const rules = svc.pathPatterns.map(
        (pattern) =>
          new LbListenerRule(this, `Rule-${svc.service}-${pattern.replace(/\//g, ":")}`, {
            listenerArn: this.listenerArn,
            priority: (props.rulePriorityOffset ?? 0) + rulePriority(allPatterns(props.services), pattern),
            condition: [{ pathPattern: { values: [pattern] } }],
            action: [{ type: "forward", targetGroupArn: targetGroup.arn }],
            tags: { Service: svc.service },
          }),
      );
      this.byService.set(svc.service, { targetGroup, rules });
    }
  }

  /**
   * Where the logs go: a bucket created here (its policy lets the region's log delivery write
   * under the prefix, for the account the ALB's security group is in), or the one given.
   */
  private logDestination(
    name: string,
    logs: AlbLogsOptions,
    region: string | undefined,
    securityGroupArn: string,
    lbName: string,
  ): { bucket: string; prefix: string; access: boolean; connection: boolean; dependsOn: ITerraformDependable[] } {
    const prefix = logs.prefix ?? lbName;
    const kinds = { prefix, access: logs.access ?? true, connection: logs.connection ?? true };
    if (logs.bucket.type === "existing") return { ...kinds, bucket: logs.bucket.name, dependsOn: [] };
    if (region === undefined) {
      throw new Error("InternalApplicationLoadBalancer: a created log bucket needs the region: it decides who delivers the logs");
    }
    const bucket = new AlbLogBucket(this, "LogBucket", {
      bucketPrefix: albLogBucketPrefix(name),
      region,
      // The account is the fifth part of any ARN of it: the security group's is there before the ALB, and needs no lookup.
      accountId: Token.asString(Fn.element(Fn.split(":", securityGroupArn), 4)),
      logPrefix: prefix,
      expireAfterDays: logs.bucket.expireAfterDays,
    });
    return { ...kinds, bucket: bucket.bucketName, dependsOn: [bucket.policy] };
  }

  /** The target group of a service and the rules that attach it to the ALB. */
  public routeOf(service: string): { targetGroup: LbTargetGroup; rules: LbListenerRule[] } {
    const found = this.byService.get(service);
    if (!found) throw new Error(`InternalApplicationLoadBalancer has no target group for service "${service}"`);
    return found;
  }
}

function allPatterns(services: readonly AlbServiceRoute[]): string[] {
  return services.flatMap((s) => s.pathPatterns);
}

/**
 * ALB rules are evaluated by priority, lowest first, and the first match wins, so more specific
 * patterns must come first: exact paths before wildcards, then longer before shorter. The priority
 * is the pattern's place in that order (times 10, leaving room for hand-made rules in between).
 */
export function rulePriority(patterns: readonly string[], pattern: string): number {
  const ordered = [...new Set(patterns)].sort((a, b) => {
    const wa = a.includes("*") ? 1 : 0;
    const wb = b.includes("*") ? 1 : 0;
    if (wa !== wb) return wa - wb;
    if (a.length !== b.length) return b.length - a.length;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return (ordered.indexOf(pattern) + 1) * 10;
}
