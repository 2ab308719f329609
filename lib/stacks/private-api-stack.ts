import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { albPathPattern, parseRoutePath } from "../config/paths";
import type { PrivateApiConfig, ServiceConfig } from "../config/schema";
import { ConfigError } from "../config/load";
import { shardNlbName } from "../config/names";
import { coalescePortRules, type PortRule } from "../config/port-rules";
import { bridgeMode, bridgePort, nlbPorts } from "../config/semantics";
import { assignNlbShards, ledgerProblems, nlbIndexOf, type NlbShardLedger } from "../config/shards";
import { AlbBridge } from "../constructs/alb-bridge";
import { ApiAlarms } from "../constructs/api-alarms";
import { ApiGatewayCloudWatchRole } from "../constructs/api-gateway-cloudwatch-role";
import { EcsEc2Cluster } from "../constructs/ecs-ec2-cluster";
import { EcsEc2Service } from "../constructs/ecs-ec2-service";
import { InternalApplicationLoadBalancer, targetPortRanges } from "../constructs/internal-application-load-balancer";
import { InternalNetworkLoadBalancer } from "../constructs/internal-network-load-balancer";
import { PrivateHttpApi } from "../constructs/private-http-api";
import { PrivateNetwork } from "../constructs/private-network";
import { PrivateRestApi } from "../constructs/private-rest-api";
import { applyAdoptions, applyRenames, attachBackend } from "./state-management";
import { withTerraformLiterals } from "./terraform-literals";
import { RestApiCustomDomain } from "../constructs/rest-api-custom-domain";
import { RestApiUsagePlans } from "../constructs/rest-api-usage-plans";

/** The hashicorp/aws version @cdktf/provider-aws 20.1.0 was generated from; pinned exactly. */
export const AWS_PROVIDER_VERSION = "5.100.0";

export interface PrivateApiStackProps {
  /** A validated config (see lib/config/load.ts). */
  readonly config: PrivateApiConfig;
  /**
   * The NLB shard ledger recorded for this config (lib/config/shards.ts): ports in it stay on
   * their NLB. The stack's `nlbShards` is the ledger after this config's ports are placed.
   * @default - none: ports fill the NLBs in ascending order
   */
  readonly nlbShards?: NlbShardLedger;
}

/**
 * The whole path from the internet to the containers: REST API -> VPC Link -> internal NLB
 * (one listener per service port) -> ECS services on EC2 with fixed host ports, in private subnets.
 * Construct ids are part of the Terraform addresses: do not rename them.
 */
export class PrivateApiStack extends TerraformStack {
  public readonly network: PrivateNetwork;
  public readonly cluster: EcsEc2Cluster;
  /** The first internal NLB: always with a REST API, and with an HTTP API when a service has via: "nlb". */
  public readonly loadBalancer?: InternalNetworkLoadBalancer;
  /** Every internal NLB, by number; more than one when the ports exceed one NLB's 50 listeners. */
  public readonly loadBalancers: ReadonlyMap<number, InternalNetworkLoadBalancer>;
  /** Which NLB each listener port is on: the ledger to record for the next synth. */
  public readonly nlbShards: NlbShardLedger;
  /** The REST API (api.type "rest"). */
  public readonly api?: PrivateRestApi;
  /** The HTTP API (api.type "http"). */
  public readonly httpApi?: PrivateHttpApi;
  /** The internal ALB, when a service has via: "alb". */
  public readonly applicationLoadBalancer?: InternalApplicationLoadBalancer;
  /** The NLB-to-ALB bridge, unless its mode is "none". */
  public readonly bridge?: AlbBridge;

  constructor(scope: Construct, id: string, props: PrivateApiStackProps) {
    super(scope, id);
    // Free text of the config goes into the Terraform JSON as literals, never as templates.
    const cfg = withTerraformLiterals(props.config);

    new AwsProvider(this, "aws", {
      region: cfg.region,
      defaultTags: Object.keys(cfg.tags).length > 0 ? [{ tags: cfg.tags }] : undefined,
    });
    this.addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION);

    this.network = new PrivateNetwork(this, "Network", { name: cfg.name, region: cfg.region, network: cfg.network });

    const nlbServices = cfg.services.filter((s) => s.via === "nlb");
    const albServices = cfg.services.filter((s) => s.via === "alb");

    // Past 50 listener ports, several NLBs; the ledger keeps each port on the NLB it was put on.
    const ledger = assignNlbShards(nlbPorts(cfg), props.nlbShards);
    const ledgerIssues = ledgerProblems(cfg, ledger);
    if (ledgerIssues.length > 0) {
      throw new ConfigError(`Invalid config for its NLB shard ledger:\n${ledgerIssues.map((p) => `  - ${p}`).join("\n")}`, ledgerIssues);
    }
    this.nlbShards = ledger;
    // An HTTP API whose services all sit behind the ALB needs no NLB at all.
    const nlbs = new Map<number, InternalNetworkLoadBalancer>();
    if (cfg.api.type === "rest" || nlbServices.length > 0) {
      ledger.nlbs.forEach((ports, index) => {
        // The first NLB always exists (its addresses are the unsharded ones); an emptied later one goes.
        if (index > 0 && ports.length === 0) return;
        const onThis = new Set(ports);
        const nlb = new InternalNetworkLoadBalancer(this, index === 0 ? "Nlb" : `Nlb-${index + 1}`, {
          name: cfg.name,
          loadBalancerName: shardNlbName(cfg.name, index),
          vpcId: this.network.vpcId,
          subnetIds: this.network.privateSubnetIds,
          ports: nlbServices
            .filter((s) => onThis.has(s.hostPort))
            .map((s) => ({ service: s.name, port: s.hostPort, healthCheck: s.healthCheck })),
        });
        nlbs.set(index, nlb);
      });
    }
    this.loadBalancers = nlbs;
    this.loadBalancer = nlbs.get(0);
    const nlbOfPort = (port: number, what: string): InternalNetworkLoadBalancer => {
      const nlb = nlbs.get(nlbIndexOf(ledger, port));
      if (!nlb) throw new Error(`PrivateApiStack: ${what} needs an NLB, which this config does not create`);
      return nlb;
    };
    const nlbOf = (svc: { name: string; hostPort: number }): InternalNetworkLoadBalancer =>
      nlbOfPort(svc.hostPort, `service "${svc.name}"`);

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
        existing: cfg.alb?.existing,
        rulePriorityOffset: cfg.alb?.existing?.rulePriorityOffset,
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
          nlb: nlbOfPort(port, "the ALB bridge"),
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
      hostPorts: withinRuleQuota(cfg, "the ECS instances' security group (inbound)", [
        ...nlbServices.map((s) => ({
          id: s.name,
          fromPort: s.hostPort,
          toPort: s.hostPort,
          group: String(nlbIndexOf(ledger, s.hostPort)),
        })),
        ...(alb ? targetPortRanges(alb.services).map((r) => ({ id: r.id, fromPort: r.from, toPort: r.to, group: "alb" })) : []),
      ]).map((r) => ({
        id: r.id,
        fromPort: r.fromPort,
        toPort: r.toPort,
        sourceSecurityGroupId:
          r.group === "alb" ? (alb as InternalApplicationLoadBalancer).securityGroupId : nlbOfPort(r.fromPort, r.id).securityGroupId,
      })),
    });
    for (const nlb of nlbs.values()) nlb.allowTrafficTo(this.cluster.instanceSecurityGroupId);
    alb?.allowTrafficTo(this.cluster.instanceSecurityGroupId);

    for (const svc of cfg.services) {
      const route = svc.via === "nlb" ? nlbOf(svc).portOf(svc.name) : undefined;
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
    const api = cfg.api;
    let invokeUrl: string;
    let vpcLinkId: string;
    let customDomainUrl: string | undefined;
    if (api.type === "http") {
      this.httpApi = new PrivateHttpApi(this, "HttpApi", {
        name: cfg.name,
        region: cfg.region,
        vpcId: this.network.vpcId,
        subnetIds: this.network.privateSubnetIds,
        stageName: api.stageName,
        description: api.description,
        authorizers: api.authorizers,
        throttling: api.throttling,
        accessLogs: api.accessLogs,
        detailedMetrics: api.detailedMetrics,
        customDomain: api.customDomain,
        alarms: api.alarms,
        routes: cfg.routes.map((r) => {
          const svc = byName.get(r.service);
          const target =
            svc?.via === "alb" && alb
              ? { listenerArn: alb.listenerArn, https: alb.https, serverName: cfg.alb?.serverName }
              : { listenerArn: nlbOf(svc as ServiceConfig).portOf(r.service).listener.arn, https: false };
          return { path: r.path, methods: r.methods, authorization: r.authorization, target };
        }),
      });
      // The VPC link reaches exactly the listeners its routes use, and they admit only the link.
      const link = this.httpApi.vpcLinkSecurityGroupId;
      const routed = nlbServices.filter((s) => cfg.routes.some((r) => r.service === s.name));
      for (const svc of routed) nlbOf(svc).allowIngressFrom(`http-api-${svc.name}`, svc.hostPort, link);
      if (alb) alb.allowIngressFrom("http-api", link);
      const egress = withinRuleQuota(cfg, "the HTTP API VPC link's security group (outbound)", [
        ...routed.map((s) => ({
          id: `nlb-${s.name}`,
          fromPort: s.hostPort,
          toPort: s.hostPort,
          group: String(nlbIndexOf(ledger, s.hostPort)),
        })),
        ...(alb ? [{ id: "alb", fromPort: alb.listenerPort, toPort: alb.listenerPort, group: "alb" }] : []),
      ]);
      for (const r of egress) {
        const target =
          r.group === "alb" ? (alb as InternalApplicationLoadBalancer).securityGroupId : nlbOfPort(r.fromPort, r.id).securityGroupId;
        this.httpApi.allowTrafficTo(r.id, r.fromPort, target, r.toPort);
      }
      invokeUrl = this.httpApi.invokeUrl;
      vpcLinkId = this.httpApi.vpcLinkId;
      customDomainUrl = this.httpApi.customDomainUrl;
    } else {
      const cloudWatchRole =
        api.accessLogs.enabled || (api.executionLogLevel ?? "OFF") !== "OFF"
          ? (api.cloudWatchRole ?? "create") === "create"
            ? new ApiGatewayCloudWatchRole(this, "ApiGatewayCloudWatchRole", { name: cfg.name, region: cfg.region })
            : undefined
          : undefined;
      this.api = new PrivateRestApi(this, "Api", {
        name: cfg.name,
        region: cfg.region,
        loadBalancers: nlbs,
        stageName: api.stageName,
        description: api.description,
        authorizers: api.authorizers,
        throttling: api.throttling,
        accessLogs: api.accessLogs.enabled ? { retentionDays: api.accessLogs.retentionDays } : undefined,
        executionLogLevel: api.executionLogLevel,
        detailedMetrics: api.detailedMetrics,
        tracing: api.tracing,
        cache: api.cache,
        loggingDependsOn: cloudWatchRole ? [cloudWatchRole.account] : [],
        routes: cfg.routes.map((r) => {
          const svc = byName.get(r.service);
          const viaAlb = svc?.via === "alb";
          return {
            path: r.path,
            methods: r.methods,
            authorization: r.authorization,
            apiKeyRequired: r.apiKeyRequired,
            port: viaAlb ? port : (svc?.hostPort as number),
            nlb: nlbIndexOf(ledger, viaAlb ? port : (svc?.hostPort as number)),
            protocol: viaAlb && alb?.https ? "https" : "http",
          };
        }),
      });
      if (api.apiKeys || api.usagePlans) {
        new RestApiUsagePlans(this, "UsagePlans", {
          name: cfg.name,
          restApiId: this.api.restApiId,
          stageName: this.api.stageName,
          apiKeys: api.apiKeys ?? [],
          usagePlans: api.usagePlans ?? [],
        });
      }
      const domain = api.customDomain
        ? new RestApiCustomDomain(this, "CustomDomain", {
            ...api.customDomain,
            restApiId: this.api.restApiId,
            stageName: this.api.stageName,
          })
        : undefined;
      new ApiAlarms(this, "ApiAlarms", {
        name: cfg.name,
        apiType: "rest",
        api: this.api.restApiName,
        stageName: this.api.stageName,
        ...api.alarms,
      });
      invokeUrl = this.api.invokeUrl;
      vpcLinkId = this.api.vpcLinkId;
      customDomainUrl = domain?.url;
    }
    if (customDomainUrl)
      new TerraformOutput(this, "custom_domain_url", { value: customDomainUrl, description: "The API under its custom domain" });

    new TerraformOutput(this, "invoke_url", { value: invokeUrl, description: "Base URL of the API stage" });
    if (this.loadBalancer) {
      new TerraformOutput(this, "nlb_dns_name", {
        value: this.loadBalancer.loadBalancerDnsName,
        description: "Private DNS name of the (first) internal NLB",
      });
    }
    new TerraformOutput(this, "vpc_link_id", { value: vpcLinkId, description: "Id of the (first) API Gateway VPC link" });
    if (nlbs.size > 1) {
      new TerraformOutput(this, "nlb_dns_names", {
        value: [...nlbs.values()].map((n) => n.loadBalancerDnsName),
        description: "Private DNS names of every internal NLB, in ledger order",
      });
      if (this.api) {
        new TerraformOutput(this, "vpc_link_ids", {
          value: [...this.api.vpcLinkIds.values()],
          description: "Ids of the REST API's VPC links, one per NLB, in ledger order",
        });
      }
    }
    // State: where it lives, what moved, what is taken over. After the tree is complete.
    attachBackend(this, cfg);
    // The shadow build of the old config uses the same ledger, so its listeners sit on the same NLBs.
    applyRenames(
      this,
      props.config,
      (app, oldConfig) => new PrivateApiStack(app, oldConfig.name, { config: oldConfig, nlbShards: ledger }),
    );
    applyAdoptions(this, cfg);

    if (this.bridge?.admittedNlbIps !== undefined) {
      new TerraformOutput(this, "bridge_nlb_ips", {
        value: this.bridge.admittedNlbIps,
        description: "NLB private IPs the ALB security group admits (lambda bridge)",
      });
    }
  }
}

/**
 * Security group rules for `entries`, merged into port ranges when one per entry would pass the
 * rules-per-group quota; a config that does not fit even then is a ConfigError naming the quota.
 */
function withinRuleQuota(cfg: PrivateApiConfig, group: string, entries: PortRule[]): PortRule[] {
  const quota = cfg.quotas.securityGroupRules;
  const rules = coalescePortRules(entries, quota);
  if (rules.length > quota) {
    const problem = `quotas.securityGroupRules: ${group} needs ${rules.length} rules even with adjacent ports merged, over the quota "Inbound or outbound rules per security group" of ${quota} (AWS default 60; use adjacent host ports, or raise the quota with AWS and set quotas.securityGroupRules)`;
    throw new ConfigError(`Invalid config:\n  - ${problem}`, [problem]);
  }
  return rules;
}

/** The ALB path patterns of a service's routes, in config order without repeats. */
function albPatternsOf(cfg: PrivateApiConfig, service: string): string[] {
  const patterns = cfg.routes
    .filter((r) => r.service === service)
    .map((r) => parseRoutePath(r.path))
    .flatMap((segments) => (typeof segments === "string" ? [] : [albPathPattern(segments)]));
  return [...new Set(patterns)];
}
