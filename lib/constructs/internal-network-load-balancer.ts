import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Construct } from "constructs";
import { nlbName, targetGroupName } from "../config/names";
import type { ServiceConfig } from "../config/schema";

/** One TCP port on the NLB, forwarded to the same port on the ECS instances. */
export interface NlbPort {
  /** Service name; it names the listener and target group ids, so keep it stable. */
  readonly service: string;
  /** Listener port, and the instances' host port. */
  readonly port: number;
  readonly healthCheck: ServiceConfig["healthCheck"];
}

export interface InternalNetworkLoadBalancerProps {
  /** Prefix of the load balancer and target group names. */
  readonly name: string;
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
}

/** The listener and target group that serve one port. */
export interface NlbPortResources {
  readonly listener: LbListener;
  readonly targetGroup: LbTargetGroup;
}

/**
 * An internal Network Load Balancer with one TCP listener and one instance target group per
 * service port. It is never internet-facing: API Gateway reaches it through a VPC Link.
 */
export class InternalNetworkLoadBalancer extends Construct {
  /** ARN of the load balancer, for the VPC Link. */
  public readonly loadBalancerArn: string;
  /** Private DNS name, used in the integration URIs. */
  public readonly loadBalancerDnsName: string;
  private readonly byService = new Map<string, NlbPortResources>();

  constructor(scope: Construct, id: string, props: InternalNetworkLoadBalancerProps) {
    super(scope, id);
    const lb = new Lb(this, "Resource", {
      name: nlbName(props.name),
      loadBalancerType: "network",
      internal: true,
      subnets: props.subnetIds,
      // Fixed host ports mean a service may run in fewer AZs than the NLB has nodes in.
      enableCrossZoneLoadBalancing: true,
      enableDeletionProtection: false,
      tags: { Name: nlbName(props.name) },
    });
    this.loadBalancerArn = lb.arn;
    this.loadBalancerDnsName = lb.dnsName;

    for (const p of props.ports) {
      const hc = p.healthCheck;
      const targetGroup = new LbTargetGroup(this, `TargetGroup-${p.service}`, {
        name: targetGroupName(props.name, p.port),
        port: p.port,
        protocol: "TCP",
        targetType: "instance",
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
        tags: { Name: targetGroupName(props.name, p.port), Service: p.service },
        // The name carries the port, so a port change creates the new group before the listener
        // moves to it; the old one is deleted afterwards.
        lifecycle: { createBeforeDestroy: true },
      });
      const listener = new LbListener(this, `Listener-${p.service}`, {
        loadBalancerArn: lb.arn,
        port: p.port,
        protocol: "TCP",
        defaultAction: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        tags: { Service: p.service },
      });
      this.byService.set(p.service, { listener, targetGroup });
    }
  }

  /** The listener and target group of a service; throws for a service that has no port here. */
  public portOf(service: string): NlbPortResources {
    const found = this.byService.get(service);
    if (!found) throw new Error(`InternalNetworkLoadBalancer has no port for service "${service}"`);
    return found;
  }
}
