import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { PrivateApiConfig } from "../config/schema";
import { EcsEc2Cluster } from "../constructs/ecs-ec2-cluster";
import { FixedPortEcsService } from "../constructs/fixed-port-ecs-service";
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

  constructor(scope: Construct, id: string, props: PrivateApiStackProps) {
    super(scope, id);
    const cfg = props.config;

    new AwsProvider(this, "aws", {
      region: cfg.region,
      defaultTags: Object.keys(cfg.tags).length > 0 ? [{ tags: cfg.tags }] : undefined,
    });
    this.addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION);

    this.network = new PrivateNetwork(this, "Network", { name: cfg.name, region: cfg.region, network: cfg.network });

    this.loadBalancer = new InternalNetworkLoadBalancer(this, "Nlb", {
      name: cfg.name,
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      ports: cfg.services.map((s) => ({ service: s.name, port: s.hostPort, healthCheck: s.healthCheck })),
    });

    this.cluster = new EcsEc2Cluster(this, "Cluster", {
      name: cfg.name,
      region: cfg.region,
      vpcId: this.network.vpcId,
      vpcCidr: this.network.vpcCidr,
      subnetIds: this.network.privateSubnetIds,
      cluster: cfg.cluster,
      hostPortSourceSecurityGroupId: this.loadBalancer.securityGroupId,
      hostPorts: cfg.services.map((s) => ({ service: s.name, port: s.hostPort })),
    });

    this.loadBalancer.allowTrafficTo(this.cluster.instanceSecurityGroupId);

    for (const svc of cfg.services) {
      const { listener, targetGroup } = this.loadBalancer.portOf(svc.name);
      new FixedPortEcsService(this, `Service-${svc.name}`, {
        name: cfg.name,
        region: cfg.region,
        clusterArn: this.cluster.clusterArn,
        service: svc,
        targetGroup,
        listener,
        spareInstances: Math.max(0, cfg.cluster.minSize - svc.desiredCount),
      });
    }

    const portOf = new Map(cfg.services.map((s) => [s.name, s.hostPort]));
    this.api = new PrivateRestApi(this, "Api", {
      name: cfg.name,
      loadBalancer: this.loadBalancer,
      stageName: cfg.api.stageName,
      description: cfg.api.description,
      routes: cfg.routes.map((r) => ({
        path: r.path,
        methods: r.methods,
        authorization: r.authorization,
        port: portOf.get(r.service) as number,
      })),
    });

    new TerraformOutput(this, "invoke_url", { value: this.api.invokeUrl, description: "Base URL of the API stage" });
    new TerraformOutput(this, "nlb_dns_name", {
      value: this.loadBalancer.loadBalancerDnsName,
      description: "Private DNS name of the internal NLB",
    });
    new TerraformOutput(this, "vpc_link_id", { value: this.api.vpcLinkId, description: "Id of the API Gateway VPC Link to the NLB" });
  }
}
