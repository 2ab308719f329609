import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { portsOf } from "../config/ports";
import type { PrivateApiConfig, ServiceConfig } from "../config/schema";
import type { NlbShardLedger } from "../model/shards";
import { userIdPart } from "../model/ids";
import { topologyProblems } from "../model/checks";
import { planTopology, type Topology } from "../model/topology";
import { serviceCapacity } from "../model/capacity";
import { AlbBridge } from "../constructs/alb-bridge";
import { ApiGatewayCloudWatchRole } from "../constructs/api-gateway-cloudwatch-role";
import { addStageAlarms, addStageCustomDomain } from "../constructs/api-stage-addons";
import { applySecurityGroupRules } from "../constructs/connections";
import { DEFAULT_EXECUTION_LOG_LEVEL } from "../core/defaults";
import { EcsEc2Cluster } from "../constructs/ecs-ec2-cluster";
import { EcsEc2Service, type EcsEc2ServiceProps } from "../constructs/ecs-ec2-service";
import { InternalApplicationLoadBalancer } from "../constructs/internal-application-load-balancer";
import { InternalNetworkLoadBalancer } from "../constructs/internal-network-load-balancer";
import { PrivateHttpApi } from "../constructs/private-http-api";
import { PrivateNetwork } from "../constructs/private-network";
import { PrivateRestApi } from "../constructs/private-rest-api";
import { applyAdoptions, applyRenames, attachBackend } from "./state-management";
import { withTerraformLiterals } from "./terraform-literals";
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
  /**
   * The config's topology, when the caller has planned (and checked) it already; it must be
   * `planTopology(config, nlbShards)`.
   * @default - planned from `config` and `nlbShards`
   */
  readonly topology?: Topology;
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

  constructor(scope: Construct, id: string, props: PrivateApiStackProps) {
    super(scope, id);
    // Free text of the config goes into the Terraform JSON as literals, never as templates.
    const cfg = withTerraformLiterals(props.config);

    new AwsProvider(this, "aws", {
      region: cfg.region,
      defaultTags: Object.keys(cfg.tags).length > 0 ? [{ tags: cfg.tags }] : undefined,
    });
    this.addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION);

    const net = cfg.network;
    this.network = new PrivateNetwork(this, "Network", {
      name: cfg.name,
      region: cfg.region,
      vpcCidr: net.vpcCidr,
      ...(net.type === "existing"
        ? { existing: { vpcId: net.vpcId, privateSubnetIds: net.privateSubnetIds } }
        : { availabilityZones: net.availabilityZones, privateSubnetCidrs: net.privateSubnetCidrs, vpcEndpoints: net.vpcEndpoints }),
    });

    // Every decision about what exists and who reaches whom: made once, before anything is built.
    const topology = props.topology ?? planTopology(props.config, props.nlbShards);
    this.topology = topology;
    // Checked before the app is built by the entry points (lib/validate.ts); kept as an invariant
    // for stacks built directly.
    this.node.addValidation({ validate: () => topologyProblems(props.config, topology) });
    this.nlbShards = topology.placement;

    // The topology decides what exists; free text (health check paths, scopes) comes from the
    // literal-escaped config.
    const literalService = new Map(props.config.services.map((svc, i) => [svc.name, cfg.services[i]]));
    const healthCheckOf = (service: string, portIndex = 0) =>
      portsOf(literalService.get(service) as (typeof cfg.services)[number])[portIndex].healthCheck;
    const nlbs = new Map<number, InternalNetworkLoadBalancer>();
    for (const n of topology.nlbs) {
      nlbs.set(
        n.index,
        new InternalNetworkLoadBalancer(this, n.constructId, {
          name: cfg.name,
          loadBalancerName: n.name,
          vpcId: this.network.vpcId,
          subnetIds: this.network.privateSubnetIds,
          ports: n.servicePorts.map((p) => ({
            service: p.service,
            id: p.portId,
            port: p.port,
            targetGroupName: p.targetGroupName,
            healthCheck: healthCheckOf(p.service, p.portIndex),
          })),
        }),
      );
    }
    this.loadBalancers = nlbs;
    this.loadBalancer = nlbs.get(0);
    const nlbAt = (index: number | undefined): InternalNetworkLoadBalancer => {
      const nlb = index === undefined ? undefined : nlbs.get(index);
      if (!nlb) throw new Error(`PrivateApiStack: the topology names NLB ${String(index)}, which was not built`);
      return nlb;
    };

    const albModel = topology.alb;
    if (albModel) {
      this.applicationLoadBalancer = new InternalApplicationLoadBalancer(this, "Alb", {
        name: cfg.name,
        loadBalancerName: albModel.name,
        vpcId: this.network.vpcId,
        subnetIds: this.network.privateSubnetIds,
        listenerPort: albModel.listenerPort,
        certificateArn: cfg.alb?.certificateArn,
        sslPolicy: cfg.alb?.sslPolicy,
        existing: cfg.alb?.existing && {
          loadBalancerArn: cfg.alb.existing.loadBalancerArn,
          listenerArn: cfg.alb.existing.listenerArn,
          securityGroupId: cfg.alb.existing.securityGroupId,
          https: cfg.alb.existing.https,
        },
        rulePriorityOffset: albModel.rulePriorityOffset,
        services: albModel.services.map((s) => ({
          service: s.service,
          hostPort: s.hostPort,
          targetGroupName: s.targetGroupName,
          healthCheck: healthCheckOf(s.service),
          pathPatterns: s.pathPatterns,
        })),
      });
    }
    const alb = this.applicationLoadBalancer;
    if (topology.bridge && alb) {
      this.bridge = new AlbBridge(this, "AlbBridge", {
        name: cfg.name,
        region: cfg.region,
        vpcId: this.network.vpcId,
        nlb: nlbAt(topology.bridge.nlbIndex),
        alb,
        mode: topology.bridge.mode,
        targetGroupName: topology.bridge.targetGroupName,
        ...(cfg.bridge?.mode === "lambda"
          ? { syncSchedule: cfg.bridge.syncSchedule, antiFlapRuns: cfg.bridge.antiFlapRuns, alarmTopicArn: cfg.bridge.alarmTopicArn }
          : {}),
      });
    }

    this.cluster = new EcsEc2Cluster(this, "Cluster", {
      name: cfg.name,
      region: cfg.region,
      vpcId: this.network.vpcId,
      vpcCidr: this.network.vpcCidr,
      subnetIds: this.network.privateSubnetIds,
      ...(cfg.cluster.existing
        ? { existing: cfg.cluster.existing }
        : {
            instanceType: cfg.cluster.instanceType,
            minSize: cfg.cluster.minSize,
            maxSize: cfg.cluster.maxSize,
            desiredCapacity: cfg.cluster.desiredCapacity,
            capacity: cfg.cluster.capacity,
            rootVolumeSizeGiB: cfg.cluster.rootVolumeSizeGiB,
            capacityProvider: cfg.cluster.capacityProvider,
          }),
    });

    cfg.services.forEach((svc, i) => {
      // The topology keeps the config's order, and its names (the literal-escaped ones differ only
      // for names that never validated, as in the shadow build of renames).
      const placed = topology.services[i];
      const route = svc.via === "nlb" ? nlbAt(placed.nlbIndex).portOf(placed.name) : undefined;
      const albRoute = svc.via === "alb" && alb ? alb.routeOf(placed.name) : undefined;
      const targetGroup = route?.targetGroup ?? albRoute?.targetGroup;
      if (!targetGroup) throw new Error(`PrivateApiStack: service "${svc.name}" has no target group`);
      // Every port after the first has an NLB listener of its own.
      const [first, ...further] = placed.ports;
      const additionalPorts = further.map((p) => {
        const resources = nlbAt(p.nlbIndex).portOf(p.portId as string);
        return {
          containerPort: p.containerPort,
          hostPort: p.hostPort,
          targetGroup: resources.targetGroup,
          targetGroupAttachedBy: [resources.listener],
        };
      });
      new EcsEc2Service(this, `Service-${svc.name}`, {
        name: cfg.name,
        region: cfg.region,
        clusterArn: this.cluster.clusterArn,
        serviceName: svc.name,
        image: svc.image,
        cpu: svc.cpu,
        memoryLimitMiB: svc.memory,
        containerPort: first.containerPort,
        hostPort: first.hostPort,
        desiredCount: svc.desiredCount,
        environment: svc.environment,
        logRetentionDays: svc.logRetentionDays,
        secrets: svc.secrets,
        secretsKmsKeyArn: svc.secretsKmsKeyArn,
        taskRole: svc.taskRole,
        command: svc.command,
        entryPoint: svc.entryPoint,
        containerHealthCheck: svc.containerHealthCheck,
        stopTimeout: svc.stopTimeout,
        readonlyRootFilesystem: svc.readonlyRootFilesystem,
        memoryReservationMiB: svc.memoryReservation,
        targetGroup,
        targetGroupAttachedBy: route ? [route.listener] : (albRoute?.rules ?? []),
        additionalPorts: additionalPorts.length > 0 ? additionalPorts : undefined,
        ...serviceCapacityProps(cfg, svc, this.cluster, svc.via === "alb" ? alb : undefined),
      });
    });

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
        accessLogs: api.accessLogs.enabled ? { retentionDays: api.accessLogs.retentionDays } : undefined,
        detailedMetrics: api.detailedMetrics,
        routes: topology.api.routes.map((r, i) => {
          const t = r.target;
          const target =
            t.kind === "alb" && alb
              ? { key: "Alb", listenerArn: alb.listenerArn, https: t.https, serverName: albModel?.serverName }
              : {
                  // A service's first port keeps the integration it had before ports; a further one has its own.
                  key: t.portId ?? userIdPart(t.service),
                  listenerArn: nlbAt(t.nlbIndex).portOf(t.portId ?? t.service).listener.arn,
                  https: false,
                };
          return { path: r.path, methods: r.methods, authorization: cfg.routes[i].authorization, target };
        }),
      });
      invokeUrl = this.httpApi.invokeUrl;
      vpcLinkId = this.httpApi.vpcLinkId;
      addStageAlarms(this, cfg.name, this.httpApi, api.alarms);
      customDomainUrl = api.customDomain ? addStageCustomDomain(this, this.httpApi, api.customDomain) : undefined;
    } else {
      const cloudWatchRole =
        api.accessLogs.enabled || (api.executionLogLevel ?? DEFAULT_EXECUTION_LOG_LEVEL) !== "OFF"
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
        routes: topology.api.routes.map((r, i) => ({
          path: r.path,
          methods: r.methods,
          authorization: cfg.routes[i].authorization,
          apiKeyRequired: r.apiKeyRequired,
          port: r.target.port,
          nlb: r.target.nlbIndex ?? 0,
          protocol: r.target.kind === "alb" && r.target.https ? "https" : "http",
        })),
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
      customDomainUrl = api.customDomain ? addStageCustomDomain(this, this.api, api.customDomain) : undefined;
      addStageAlarms(this, cfg.name, this.api, api.alarms);
      invokeUrl = this.api.invokeUrl;
      vpcLinkId = this.api.vpcLinkId;
    }
    // Who may reach whom: every security group rule of the topology, each under its group.
    applySecurityGroupRules(
      topology.securityGroupRules,
      (group) => {
        switch (group.kind) {
          case "nlb":
            return nlbAt(group.index).connections;
          case "instances":
            return this.cluster.connections;
          case "alb":
            if (!alb) throw new Error("PrivateApiStack: a rule names the ALB, which was not built");
            return alb.connections;
          case "httpVpcLink":
            if (!this.httpApi) throw new Error("PrivateApiStack: a rule names the HTTP API VPC link, which was not built");
            return this.httpApi.connections;
        }
      },
      this.bridge,
    );

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
      (app, oldConfig) => new PrivateApiStack(app, oldConfig.name, { config: oldConfig, nlbShards: topology.placement }),
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

/** Where a service's tasks run and how many (lib/model/capacity.ts), as EcsEc2Service props. */
function serviceCapacityProps(
  cfg: PrivateApiConfig,
  svc: ServiceConfig,
  cluster: EcsEc2Cluster,
  alb: InternalApplicationLoadBalancer | undefined,
): Pick<EcsEc2ServiceProps, "spareInstances" | "capacityProvider" | "autoscaling"> {
  const model = serviceCapacity(cfg, svc);
  if (model.capacity === "provider" && !cluster.capacityProvider) {
    throw new Error(`PrivateApiStack: service "${svc.name}" uses the capacity provider, and the cluster has none (an existing cluster)`);
  }
  const scaling = svc.autoscaling;
  return {
    spareInstances: model.spareInstances,
    capacityProvider: model.capacity === "provider" ? cluster.capacityProvider : undefined,
    autoscaling: scaling && {
      clusterName: cluster.clusterName,
      minCapacity: scaling.min,
      maxCapacity: scaling.max,
      cpuPercent: scaling.cpuPercent,
      memoryPercent: scaling.memoryPercent,
      requestsPerTarget: scaling.requestsPerTarget,
      loadBalancerArnSuffix: alb?.loadBalancerArnSuffix,
    },
  };
}
