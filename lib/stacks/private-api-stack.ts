import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { NlbShardLedger } from "../model/shards";
import type { ServicePlan, StackPlan } from "../model/stack-plan";
import type { Topology } from "../model/topology";
import { AlbBridge } from "../constructs/alb-bridge";
import { ApiGatewayCloudWatchRole } from "../constructs/api-gateway-cloudwatch-role";
import { addStageAlarms, addStageCustomDomain } from "../constructs/api-stage-addons";
import { applySecurityGroupRules } from "../constructs/connections";
import { EcsEc2Cluster } from "../constructs/ecs-ec2-cluster";
import { EcsEc2Service, type EcsEc2ServicePort, type EcsEc2ServiceProps } from "../constructs/ecs-ec2-service";
import { EcsFargateService } from "../constructs/ecs-fargate-service";
import type { Connections } from "../constructs/connections";
import { InternalApplicationLoadBalancer } from "../constructs/internal-application-load-balancer";
import { InternalNetworkLoadBalancer } from "../constructs/internal-network-load-balancer";
import { PrivateHttpApi } from "../constructs/private-http-api";
import { PrivateNetwork } from "../constructs/private-network";
import { PrivateRestApi } from "../constructs/private-rest-api";
import { RestApiUsagePlans } from "../constructs/rest-api-usage-plans";
import { applyAdoptions, applyRenames, attachBackend } from "./state-management";

/** The hashicorp/aws version @cdktf/provider-aws 20.1.0 was generated from; pinned exactly. */
export const AWS_PROVIDER_VERSION = "5.100.0";

export interface PrivateApiStackProps {
  /**
   * What to build, decided and checked before the app exists: `planStack(config, ledger)`
   * (lib/model/stack-plan.ts) of a config that passed every validation phase (lib/validate.ts).
   */
  readonly plan: StackPlan;
}

/**
 * The whole path from the internet to the containers: REST API -> VPC Link -> internal NLB
 * (one listener per service port) -> ECS services on EC2 with fixed host ports, or on Fargate, in
 * private subnets.
 * It builds its plan and decides nothing: every choice (what exists, names, ids, who reaches whom)
 * is in the plan. Construct ids are part of the Terraform addresses: do not rename them.
 */
export class PrivateApiStack extends TerraformStack {
  /** What this stack builds (lib/model/stack-plan.ts). */
  public readonly plan: StackPlan;
  public readonly network: PrivateNetwork;
  public readonly cluster: EcsEc2Cluster;
  /** The first internal NLB: always with a REST API, and with an HTTP API when a service has via: "nlb". */
  public readonly loadBalancer?: InternalNetworkLoadBalancer;
  /** Every internal NLB, by number; more than one when the ports exceed one NLB's 50 listeners. */
  public readonly loadBalancers: ReadonlyMap<number, InternalNetworkLoadBalancer>;
  /** Which NLB each listener port is on: the ledger to record for the next synth. */
  public readonly nlbShards: NlbShardLedger;
  /** What the stack builds, as planned from the config (lib/model/topology.ts). */
  public readonly topology: Topology;
  /** The REST API (api.type "rest"). */
  public readonly api?: PrivateRestApi;
  /** The HTTP API (api.type "http"). */
  public readonly httpApi?: PrivateHttpApi;
  /** The internal ALB, when a service has via: "alb". */
  public readonly applicationLoadBalancer?: InternalApplicationLoadBalancer;
  /** The NLB-to-ALB bridge, unless its mode is "none". */
  public readonly bridge?: AlbBridge;
  /** The Fargate services, by service name: their tasks' security groups are in the topology's rules. */
  private readonly fargateServices = new Map<string, EcsFargateService>();

  constructor(scope: Construct, id: string, props: PrivateApiStackProps) {
    super(scope, id);
    const plan = props.plan;
    this.plan = plan;
    this.topology = plan.topology;
    this.nlbShards = plan.topology.placement;

    new AwsProvider(this, "aws", {
      region: plan.provider.region,
      defaultTags: plan.provider.defaultTags ? [{ tags: plan.provider.defaultTags }] : undefined,
    });
    this.addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION);

    // The network, then the load balancers in it.
    const network = new PrivateNetwork(this, plan.network.constructId, plan.network.props);
    this.network = network;
    const inVpc = { vpcId: network.vpcId, subnetIds: network.privateSubnetIds };
    const nlbs = new Map(plan.nlbs.map((n) => [n.index, new InternalNetworkLoadBalancer(this, n.constructId, { ...n.props, ...inVpc })]));
    this.loadBalancers = nlbs;
    this.loadBalancer = nlbs.get(0);
    const nlbAt = (index: number): InternalNetworkLoadBalancer => nlbs.get(index) as InternalNetworkLoadBalancer;
    const alb = plan.alb && new InternalApplicationLoadBalancer(this, plan.alb.constructId, { ...plan.alb.props, ...inVpc });
    this.applicationLoadBalancer = alb;
    if (plan.bridge && alb) {
      this.bridge = new AlbBridge(this, plan.bridge.constructId, {
        ...plan.bridge.props,
        vpcId: network.vpcId,
        nlb: nlbAt(plan.bridge.nlbIndex),
        alb,
      });
    }

    // The cluster and its services.
    this.cluster = new EcsEc2Cluster(this, plan.cluster.constructId, {
      ...plan.cluster.props,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
    });
    for (const service of plan.services) this.addService(service, nlbAt, alb);

    // The API in front, and what goes on its stage.
    const api = plan.api;
    let customDomainUrl: string | undefined;
    let stage: { invokeUrl: string; vpcLinkId: string };
    if (api.kind === "http") {
      const httpApi = new PrivateHttpApi(this, api.constructId, {
        ...api.props,
        ...inVpc,
        routes: api.routes.map((r) => ({
          ...r,
          target:
            r.target.kind === "alb"
              ? {
                  key: r.target.key,
                  listenerArn: (alb as InternalApplicationLoadBalancer).listenerArn,
                  https: r.target.https,
                  serverName: r.target.serverName,
                }
              : { key: r.target.key, listenerArn: nlbAt(r.target.nlbIndex).portOf(r.target.listenerId).listener.arn, https: false },
        })),
      });
      this.httpApi = httpApi;
      stage = httpApi;
      addStageAlarms(this, plan.name, httpApi, api.alarms);
      customDomainUrl = api.customDomain && addStageCustomDomain(this, httpApi, api.customDomain);
    } else {
      const cloudWatchRole =
        api.cloudWatchRole && new ApiGatewayCloudWatchRole(this, api.cloudWatchRole.constructId, api.cloudWatchRole.props);
      const restApi = new PrivateRestApi(this, api.constructId, {
        ...api.props,
        logs: plan.logs,
        loadBalancers: nlbs,
        loggingDependsOn: cloudWatchRole ? [cloudWatchRole.account] : [],
        routes: api.routes,
      });
      this.api = restApi;
      stage = restApi;
      if (api.usagePlans) {
        new RestApiUsagePlans(this, api.usagePlans.constructId, {
          ...api.usagePlans.props,
          restApiId: restApi.restApiId,
          stageName: restApi.stageName,
        });
      }
      customDomainUrl = api.customDomain && addStageCustomDomain(this, restApi, api.customDomain);
      addStageAlarms(this, plan.name, restApi, api.alarms);
    }

    // Who may reach whom: every security group rule of the plan, each under its group.
    applySecurityGroupRules(
      plan.topology.securityGroupRules,
      (group): Connections => {
        switch (group.kind) {
          case "nlb":
            return nlbAt(group.index).connections;
          case "instances":
            return this.cluster.connections as Connections;
          case "alb":
            return (alb as InternalApplicationLoadBalancer).connections;
          case "httpVpcLink":
            return (this.httpApi as PrivateHttpApi).connections;
          case "service":
            return (this.fargateServices.get(group.service) as EcsFargateService).connections;
          case "endpoints":
            return network.endpointConnections as Connections;
        }
      },
      this.bridge,
    );

    this.addOutputs(customDomainUrl, stage);
    // State: where it lives, what moved, what is taken over. After the tree is complete.
    attachBackend(this, plan.state.backend);
    applyRenames(this, plan.state, (app, before) => new PrivateApiStack(app, before.name, { plan: before }));
    applyAdoptions(this, plan.state.adoptions);

    if (plan.outputs.bridgeNlbIps && this.bridge?.admittedNlbIps !== undefined) {
      new TerraformOutput(this, "bridge_nlb_ips", {
        value: this.bridge.admittedNlbIps,
        description: "NLB private IPs the ALB security group admits (lambda bridge)",
      });
    }
  }

  /** One ECS service, attached to the target groups of its ports. */
  private addService(
    service: ServicePlan,
    nlbAt: (index: number) => InternalNetworkLoadBalancer,
    alb: InternalApplicationLoadBalancer | undefined,
  ): void {
    // The first port: its NLB listener's target group, or the ALB's, reached by path rules.
    let first: Pick<EcsEc2ServiceProps, "targetGroup" | "targetGroupAttachedBy">;
    if (service.via === "nlb") {
      const { targetGroup, listener } = nlbAt(service.nlbIndex as number).portOf(service.name);
      first = { targetGroup, targetGroupAttachedBy: [listener] };
    } else {
      const { targetGroup, rules } = (alb as InternalApplicationLoadBalancer).routeOf(service.name);
      first = { targetGroup, targetGroupAttachedBy: rules };
    }
    // Every port after the first has an NLB listener of its own.
    const additionalPorts: EcsEc2ServicePort[] = service.furtherPorts.map((p) => {
      const resources = nlbAt(p.nlbIndex).portOf(p.portId);
      return {
        containerPort: p.containerPort,
        hostPort: p.hostPort,
        targetGroup: resources.targetGroup,
        targetGroupAttachedBy: [resources.listener],
      };
    });
    const scaling = service.autoscaling;
    const autoscaling = scaling && {
      ...scaling,
      clusterName: this.cluster.clusterName,
      loadBalancerArnSuffix: service.via === "alb" ? alb?.loadBalancerArnSuffix : undefined,
    };
    if (service.fargate) {
      const f = service.fargate;
      const { hostPort: _instancePort, spareInstances: _spare, ...task } = service.props;
      this.fargateServices.set(
        service.name,
        new EcsFargateService(this, service.constructId, {
          ...task,
          clusterArn: this.cluster.clusterArn,
          vpcId: this.network.vpcId,
          subnetIds: this.network.privateSubnetIds,
          ...first,
          additionalPorts: additionalPorts.length > 0 ? additionalPorts : undefined,
          architecture: f.architecture,
          ephemeralStorageGiB: f.ephemeralStorageGiB,
          capacityProviderStrategy: f.capacityProviderStrategy,
          capacityProvidersAttachedBy: this.cluster.fargateCapacityAttachedBy,
          enableExecuteCommand: f.enableExecuteCommand,
          securityGroupName: f.securityGroupName,
          egress: f.egress.map((r) => ({
            id: r.id,
            description: r.description,
            fromPort: r.fromPort,
            toPort: r.toPort,
            peer: "cidr" in r.to ? { cidrIpv4: r.to.cidr } : { prefixListId: this.network.s3PrefixListId as string },
          })),
          autoscaling,
        }),
      );
      return;
    }
    new EcsEc2Service(this, service.constructId, {
      ...service.props,
      clusterArn: this.cluster.clusterArn,
      ...first,
      additionalPorts: additionalPorts.length > 0 ? additionalPorts : undefined,
      capacityProvider: service.capacity === "provider" ? this.cluster.capacityProvider : undefined,
      autoscaling,
    });
  }

  /** The stack's outputs: the stage's URLs, the VPC link and the NLBs. */
  private addOutputs(customDomainUrl: string | undefined, stage: { invokeUrl: string; vpcLinkId: string }): void {
    const outputs = this.plan.outputs;
    if (outputs.customDomainUrl && customDomainUrl)
      new TerraformOutput(this, "custom_domain_url", { value: customDomainUrl, description: "The API under its custom domain" });
    new TerraformOutput(this, "invoke_url", { value: stage.invokeUrl, description: "Base URL of the API stage" });
    if (outputs.nlbDnsName && this.loadBalancer) {
      new TerraformOutput(this, "nlb_dns_name", {
        value: this.loadBalancer.loadBalancerDnsName,
        description: "Private DNS name of the (first) internal NLB",
      });
    }
    new TerraformOutput(this, "vpc_link_id", { value: stage.vpcLinkId, description: "Id of the (first) API Gateway VPC link" });
    if (outputs.perNlb) {
      new TerraformOutput(this, "nlb_dns_names", {
        value: [...this.loadBalancers.values()].map((n) => n.loadBalancerDnsName),
        description: "Private DNS names of every internal NLB, in ledger order",
      });
      if (this.api) {
        new TerraformOutput(this, "vpc_link_ids", {
          value: [...this.api.vpcLinkIds.values()],
          description: "Ids of the REST API's VPC links, one per NLB, in ledger order",
        });
      }
    }
  }
}
