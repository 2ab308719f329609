import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { albPathPattern, parseRoutePath } from "../config/paths";
import type { PrivateApiConfig } from "../config/schema";
import { bridgeMode, bridgePort } from "../config/semantics";
import { AlbBridge } from "../constructs/alb-bridge";
import { EcsEc2Cluster } from "../constructs/ecs-ec2-cluster";
import { EcsEc2Service } from "../constructs/ecs-ec2-service";
import { InternalApplicationLoadBalancer, targetPortRanges } from "../constructs/internal-application-load-balancer";
import { InternalNetworkLoadBalancer } from "../constructs/internal-network-load-balancer";
import { PrivateNetwork } from "../constructs/private-network";
import { PrivateRestApi } from "../constructs/private-rest-api";

/** The hashicorp/aws version @cdktf/provider-aws 20.1.0 was generated from; pinned exactly. */
export const AWS_PROVIDER_VERSION = "5.100.0";

export interface PrivateApiStackProps {
  /** A validated config (see lib/config/load.ts). */
  readonly config: PrivateApiConfig;
}

/**
 * The whole path from the internet to the containers: REST API -> VPC Link -> internal NLB
 * (one listener per service port) -> ECS services on EC2 with fixed host ports, in private subnets.
 * Construct ids are part of the Terraform addresses: do not rename them.
 */
export class PrivateApiStack extends TerraformStack {
  public readonly network: PrivateNetwork;
  public readonly cluster: EcsEc2Cluster;
  public readonly loadBalancer: InternalNetworkLoadBalancer;
  public readonly api: PrivateRestApi;
  /** The internal ALB, when a service has via: "alb". */
  public readonly applicationLoadBalancer?: InternalApplicationLoadBalancer;
  /** The NLB-to-ALB bridge, unless its mode is "none". */
  public readonly bridge?: AlbBridge;

  constructor(scope: Construct, id: string, props: PrivateApiStackProps) {
    super(scope, id);
    const cfg = props.config;

    new AwsProvider(this, "aws", {
      region: cfg.region,
      defaultTags: Object.keys(cfg.tags).length > 0 ? [{ tags: cfg.tags }] : undefined,
    });
    this.addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION);

    this.network = new PrivateNetwork(this, "Network", { name: cfg.name, region: cfg.region, network: cfg.network });

    const nlbServices = cfg.services.filter((s) => s.via === "nlb");
    const albServices = cfg.services.filter((s) => s.via === "alb");

    this.loadBalancer = new InternalNetworkLoadBalancer(this, "Nlb", {
      name: cfg.name,
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      ports: nlbServices.map((s) => ({ service: s.name, port: s.hostPort, healthCheck: s.healthCheck })),
    });

    const mode = bridgeMode(cfg);
    const port = bridgePort(cfg);
    if (albServices.length > 0) {
      this.applicationLoadBalancer = new InternalApplicationLoadBalancer(this, "Alb", {
        name: cfg.name,
        vpcId: this.network.vpcId,
        subnetIds: this.network.privateSubnetIds,
        listenerPort: port,
        certificateArn: cfg.alb?.certificateArn,
        sslPolicy: cfg.alb?.sslPolicy,
        services: albServices.map((s) => ({
          service: s.name,
          hostPort: s.hostPort,
          healthCheck: s.healthCheck,
          pathPatterns: albPatternsOf(cfg, s.name),
        })),
      });
      if (mode !== "none") {
        this.bridge = new AlbBridge(this, "AlbBridge", {
          name: cfg.name,
          region: cfg.region,
          vpcId: this.network.vpcId,
          nlb: this.loadBalancer,
          alb: this.applicationLoadBalancer,
          mode,
          lambda: cfg.bridge?.mode === "lambda" ? cfg.bridge : undefined,
        });
      }
    }

    const alb = this.applicationLoadBalancer;
    this.cluster = new EcsEc2Cluster(this, "Cluster", {
      name: cfg.name,
      region: cfg.region,
      vpcId: this.network.vpcId,
      vpcCidr: this.network.vpcCidr,
      subnetIds: this.network.privateSubnetIds,
      cluster: cfg.cluster,
      hostPorts: [
        ...nlbServices.map((s) => ({ id: s.name, fromPort: s.hostPort, sourceSecurityGroupId: this.loadBalancer.securityGroupId })),
        ...(alb
          ? targetPortRanges(alb.services).map((r) => ({
              id: r.id,
              fromPort: r.from,
              toPort: r.to,
              sourceSecurityGroupId: alb.securityGroupId,
            }))
          : []),
      ],
    });
    this.loadBalancer.allowTrafficTo(this.cluster.instanceSecurityGroupId);
    alb?.allowTrafficTo(this.cluster.instanceSecurityGroupId);

    for (const svc of cfg.services) {
      const route = svc.via === "nlb" ? this.loadBalancer.portOf(svc.name) : undefined;
      const albRoute = svc.via === "alb" && alb ? alb.routeOf(svc.name) : undefined;
      const targetGroup = route?.targetGroup ?? albRoute?.targetGroup;
      if (!targetGroup) throw new Error(`PrivateApiStack: service "${svc.name}" has no target group`);
      new EcsEc2Service(this, `Service-${svc.name}`, {
        name: cfg.name,
        region: cfg.region,
        clusterArn: this.cluster.clusterArn,
        service: svc,
        targetGroup,
        targetGroupAttachedBy: route ? [route.listener] : (albRoute?.rules ?? []),
        spareInstances: Math.max(0, cfg.cluster.minSize - svc.desiredCount),
      });
    }

    const byName = new Map(cfg.services.map((s) => [s.name, s]));
    this.api = new PrivateRestApi(this, "Api", {
      name: cfg.name,
      loadBalancer: this.loadBalancer,
      stageName: cfg.api.stageName,
      description: cfg.api.description,
      routes: cfg.routes.map((r) => {
        const svc = byName.get(r.service);
        const viaAlb = svc?.via === "alb";
        return {
          path: r.path,
          methods: r.methods,
          authorization: r.authorization,
          port: viaAlb ? port : (svc?.hostPort as number),
          protocol: viaAlb && alb?.https ? "https" : "http",
        };
      }),
    });

    new TerraformOutput(this, "invoke_url", { value: this.api.invokeUrl, description: "Base URL of the API stage" });
    new TerraformOutput(this, "nlb_dns_name", {
      value: this.loadBalancer.loadBalancerDnsName,
      description: "Private DNS name of the internal NLB",
    });
    new TerraformOutput(this, "vpc_link_id", { value: this.api.vpcLinkId, description: "Id of the API Gateway VPC Link to the NLB" });
    if (this.bridge?.admittedNlbIps !== undefined) {
      new TerraformOutput(this, "bridge_nlb_ips", {
        value: this.bridge.admittedNlbIps,
        description: "NLB private IPs the ALB security group admits (lambda bridge)",
      });
    }
  }
}

/** The ALB path patterns of a service's routes, in config order without repeats. */
function albPatternsOf(cfg: PrivateApiConfig, service: string): string[] {
  const patterns = cfg.routes
    .filter((r) => r.service === service)
    .map((r) => parseRoutePath(r.path))
    .flatMap((segments) => (typeof segments === "string" ? [] : [albPathPattern(segments)]));
  return [...new Set(patterns)];
}
