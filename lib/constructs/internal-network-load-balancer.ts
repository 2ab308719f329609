import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { portKey } from "../model/ids";
import { ipTargetGroupName, nlbName, targetGroupName } from "../model/names";
import { Connections } from "./connections";
import { DEFAULT_DELETION_PROTECTION, healthCheckWithDefaults } from "../core/defaults";
import type { HealthCheck } from "../core/types";

/** One TCP port on the NLB, forwarded to the same port on the ECS instances. */
export interface NlbPort {
  /** Service name; it names the listener and target group ids (unless `id` does), so keep it stable. */
  readonly service: string;
  /**
   * Names the port's listener and target group ids instead of `service` (`Listener-<id>`), for a
   * service with more than one port here; `portOf(id)` finds them. Keep it stable, and clear of
   * every service name (PrivateApiStack uses `<service>-Port-<port name>`, lib/model/ids.ts).
   * @default - the service name
   */
  readonly id?: string;
  /** Listener port, and the instances' host port (targetType "instance"). */
  readonly port: number;
  /**
   * How ECS registers the tasks: `instance` (EC2, bridge networking; the target group sends to
   * `port` on the instance) or `ip` (Fargate, awsvpc; it sends to `targetPort` on the task). An ip
   * group has its own construct id (`IpTargetGroup-<id>`) and, by default, name (`<name>-ip-<port>`),
   * so a port moving from EC2 to Fargate gets a new group while its listener moves over.
   * @default "instance"
   */
  readonly targetType?: "instance" | "ip";
  /**
   * With targetType "ip": the task's port (its container port).
   * @default - port
   */
  readonly targetPort?: number;
  /**
   * Name of the port's target group.
   * @default - `<name>-tg-<port>`, shortened with a hash past 32 characters (lib/model/names.ts)
   */
  readonly targetGroupName?: string;
  /**
   * The target group's health check on the port.
   * @default - a TCP check, every 30 seconds, 3 checks to turn healthy or unhealthy
   */
  readonly healthCheck?: HealthCheck;
}

export interface InternalNetworkLoadBalancerProps {
  /** Prefix of the load balancer and target group names. */
  readonly name: string;
  /**
   * Name of the load balancer and its security group.
   * @default - `<name>-nlb`
   */
  readonly loadBalancerName?: string;
  readonly vpcId: string;
  /** Private subnets the NLB's nodes are placed in. */
  readonly subnetIds: string[];
  /** One listener and target group per entry. */
  readonly ports: readonly NlbPort[];
  /**
   * Seconds a deregistering target keeps its open connections.
   * @default 30
   */
  readonly deregistrationDelaySeconds?: number;
  /**
   * Deletion protection: AWS refuses to delete the NLB, so a destroy or a replacement fails
   * instead of breaking the VPC link and every route. false adds a warning.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/** The listener and target group that serve one port. */
export interface NlbPortResources {
  readonly listener: LbListener;
  readonly targetGroup: LbTargetGroup;
}

/**
 * An internal Network Load Balancer with one TCP listener and one instance target group per
 * service port. It is never internet-facing: API Gateway reaches it through a VPC Link.
 *
 * It has a security group with no inbound rules, and inbound rules are not enforced on PrivateLink
 * traffic. So the VPC Link (which is PrivateLink) gets in, while nothing else in the VPC can call
 * the services around API Gateway's authorization. Targets admit this security group only. Its
 * rules, the egress to the targets included, are added through `connections`, as PrivateApiStack
 * adds the rules it plans. An NLB only accepts security groups when it is created, so the group is
 * there from the start: adding one later would replace the load balancer.
 *
 * Deletion protection is on unless `deletionProtection` is false: to destroy the NLB, turn it off
 * and apply first (docs/load-balancers.md).
 */
export class InternalNetworkLoadBalancer extends Construct {
  /** ARN of the load balancer, for the VPC Link. */
  public readonly loadBalancerArn: string;
  /** Private DNS name, used in the integration URIs. */
  public readonly loadBalancerDnsName: string;
  /** ARN suffix (`net/<name>/<id>`); the NLB's network interfaces are described as `ELB <suffix>`. */
  public readonly loadBalancerArnSuffix: string;
  /** Id of the NLB's security group; targets reference it in their ingress rules. */
  public readonly securityGroupId: string;
  /** The NLB's security group, for rules to and from it. */
  public readonly connections: Connections;
  /** By the port's id (its service name unless `id` was given). */
  private readonly byId = new Map<string, NlbPortResources>();

  constructor(scope: Construct, id: string, props: InternalNetworkLoadBalancerProps) {
    super(scope, id);
    const lbName = props.loadBalancerName ?? nlbName(props.name);
    const deletionProtection = props.deletionProtection ?? DEFAULT_DELETION_PROTECTION;
    const sg = new SecurityGroup(this, "SecurityGroup", {
      name: lbName,
      description: "Internal NLB: VPC Link traffic only (no inbound rules; PrivateLink traffic is not filtered)",
      vpcId: props.vpcId,
      tags: { Name: lbName },
    });
    this.securityGroupId = sg.id;
    this.connections = new Connections(this, sg.id);
    const lb = new Lb(this, "Resource", {
      name: lbName,
      loadBalancerType: "network",
      internal: true,
      subnets: props.subnetIds,
      securityGroups: [sg.id],
      // The REST API VPC Link reaches the NLB through PrivateLink; with "on", the empty inbound
      // rule set would drop it.
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: "off",
      // Fixed host ports mean a service may run in fewer AZs than the NLB has nodes in.
      enableCrossZoneLoadBalancing: true,
      enableDeletionProtection: deletionProtection,
      tags: { Name: lbName },
    });
    if (!deletionProtection) {
      Annotations.of(lb).addWarning(
        `NLB ${lbName} has no deletion protection (deletionProtection false): a destroy, or a change that replaces it, deletes it at once, and with it the VPC link's target: every route of the API fails until a new NLB and VPC link are up.`,
      );
    }
    this.loadBalancerArn = lb.arn;
    this.loadBalancerDnsName = lb.dnsName;
    this.loadBalancerArnSuffix = lb.arnSuffix;

    for (const p of props.ports) {
      const hc = healthCheckWithDefaults(p.healthCheck);
      const ip = p.targetType === "ip";
      const tgName = p.targetGroupName ?? (ip ? ipTargetGroupName(props.name, p.port) : targetGroupName(props.name, p.port));
      const id = portKey({ service: p.service, portId: p.id });
      if (this.byId.has(id)) throw new Error(`InternalNetworkLoadBalancer: two ports have the id "${id}"; give each its own id`);
      const targetGroup = new LbTargetGroup(this, `${ip ? "IpTargetGroup" : "TargetGroup"}-${id}`, {
        name: tgName,
        port: ip ? (p.targetPort ?? p.port) : p.port,
        protocol: "TCP",
        targetType: ip ? "ip" : "instance",
        vpcId: props.vpcId,
        deregistrationDelay: String(props.deregistrationDelaySeconds ?? 30),
        healthCheck: {
          enabled: true,
          protocol: hc.protocol,
          port: "traffic-port",
          path: hc.protocol === "TCP" ? undefined : hc.path,
          matcher: hc.protocol === "TCP" ? undefined : hc.matcher,
          interval: hc.intervalSeconds,
          healthyThreshold: hc.healthyThreshold,
          unhealthyThreshold: hc.unhealthyThreshold,
        },
        tags: { Name: tgName, Service: p.service },
        // The name carries the port, so a port change creates the new group before the listener
        // moves to it; the old one is deleted afterwards.
        lifecycle: { createBeforeDestroy: true },
      });
      const listener = new LbListener(this, `Listener-${id}`, {
        loadBalancerArn: lb.arn,
        port: p.port,
        protocol: "TCP",
        defaultAction: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        tags: { Service: p.service },
      });
      this.byId.set(id, { listener, targetGroup });
    }
  }

  /**
   * The listener and target group of a port, by its id: the service name, or the port's `id`
   * where one was given. Throws for an id that has no port here.
   */
  public portOf(id: string): NlbPortResources {
    const found = this.byId.get(id);
    if (!found) throw new Error(`InternalNetworkLoadBalancer has no port for service "${id}"`);
    return found;
  }
}
