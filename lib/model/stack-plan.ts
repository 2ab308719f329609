/**
 * The plan of a stack: everything PrivateApiStack builds, decided before the app exists. It is
 * the only thing that crosses from the config side to the construct side (as aws-cdk's L2
 * constructs never see a template's raw input): the stack, the diagram and the policy check read
 * it, none of them reads the config.
 *
 * `planStack` is pure (no constructs, no files, no environment): the same config and ledger give
 * the same read-only plan. Free text of the config is in it as Terraform literals
 * (./terraform-literals.ts), so `${...}` in an environment value reaches AWS as written.
 *
 * Each section holds the data props of one construct (`props`), its construct id (`constructId`)
 * and, where the stack must wire it to another construct, the topology's answer (which NLB, which
 * port). The stack adds only references to constructs it built (VPC id, subnet ids, target
 * groups), which do not exist before the app.
 */
import { DEFAULT_EXECUTION_LOG_LEVEL, DEFAULT_WEB_ACL_RATE_LIMIT } from "../core/defaults";
import { deepFreeze } from "../core/values";
import type {
  AccessLogOptions,
  AlbLogsOptions,
  Authorization,
  LogGroupOptions,
  Authorizer,
  HealthCheck,
  HttpMethod,
  ThrottleSettings,
  WebAclOptions,
} from "../core/types";
import type { ClusterConfig, PrivateApiConfig, ServiceConfig } from "../config/schema";
import { computeOf, createsVpcEndpoints } from "../config/implied";
import { EC2_INTERFACE_ENDPOINTS, FARGATE_INTERFACE_ENDPOINTS } from "../core/defaults";
import { serviceCapacity } from "./capacity";
import { serviceSecurityGroupName } from "./names";
import { secretSourceOf } from "./task-permissions";
import { apiConstructId, portIdPart, portKey } from "./ids";
import { albIngressFunctionName, nlbTargetSyncFunctionName } from "./names";
import type { NlbShardLedger } from "./shards";
import { terraformLiteral, withTerraformLiterals } from "./terraform-literals";
import { planTopology, type TargetType, type Topology } from "./topology";

/** The provider block: the region and the tags every resource gets. */
export interface ProviderPlan {
  readonly region: string;
  /** Provider default_tags; none when the config has no tags. */
  readonly defaultTags?: Readonly<Record<string, string>>;
}

/** The VPC and its private subnets, created or existing (PrivateNetwork's data props). */
export interface NetworkPlan {
  readonly constructId: string;
  readonly props: {
    readonly name: string;
    readonly region: string;
    readonly vpcCidr: string;
    readonly availabilityZones?: readonly string[];
    readonly privateSubnetCidrs?: readonly string[];
    readonly vpcEndpoints?: boolean;
    /** With a Fargate service: the interface endpoints to create (without one, the construct's default, what EC2 instances need). */
    readonly interfaceEndpoints?: readonly string[];
    /** A created VPC's flow log, or false for none. */
    readonly flowLogs?: { readonly trafficType: "REJECT" | "ALL"; readonly retentionDays: number; readonly kmsKeyArn?: string } | false;
    readonly existing?: { readonly vpcId: string; readonly privateSubnetIds: readonly string[] };
  };
}

/** One listener port of an NLB that forwards to a service port. */
export interface NlbPortPlan {
  readonly service: string;
  /** The listener's and target group's id part: the service's own for its first port, `<service>-Port-<name>` for a further one. */
  readonly id: string;
  readonly port: number;
  /** The port the target group sends to: the instance port (EC2) or the container port (Fargate). */
  readonly targetPort: number;
  readonly targetType: TargetType;
  readonly targetGroupName: string;
  readonly healthCheck: HealthCheck;
}

/** One internal NLB (InternalNetworkLoadBalancer's data props). */
export interface NlbPlan {
  readonly index: number;
  readonly constructId: string;
  readonly props: {
    readonly name: string;
    readonly loadBalancerName: string;
    readonly ports: readonly NlbPortPlan[];
    /** Config `deletionProtection`. */
    readonly deletionProtection: boolean;
  };
}

/** The internal ALB (InternalApplicationLoadBalancer's data props). */
export interface AlbPlan {
  readonly constructId: string;
  readonly props: {
    readonly name: string;
    readonly region: string;
    readonly loadBalancerName: string;
    readonly listenerPort: number;
    /** Config `deletionProtection`, for a created ALB (an existing one is not the stack's). */
    readonly deletionProtection?: boolean;
    /** Access and connection logs of a created ALB, every default filled in (the prefix: the ALB's name). */
    readonly logs?: Required<AlbLogsOptions>;
    readonly certificateArn?: string;
    readonly sslPolicy?: string;
    readonly existing?: {
      readonly loadBalancerArn: string;
      readonly listenerArn: string;
      readonly securityGroupId: string;
      readonly https: boolean;
    };
    readonly rulePriorityOffset: number;
    readonly services: readonly {
      readonly service: string;
      readonly hostPort: number;
      readonly targetType: TargetType;
      readonly targetGroupName: string;
      readonly healthCheck: HealthCheck;
      readonly pathPatterns: readonly string[];
    }[];
  };
}

/** The NLB-to-ALB bridge (AlbBridge's data props) and the NLB its listener is on. */
export interface BridgePlan {
  readonly constructId: string;
  readonly nlbIndex: number;
  readonly props: {
    readonly name: string;
    readonly region: string;
    readonly mode: "native" | "lambda";
    readonly targetGroupName: string;
    /** Lambda mode only, as AlbBridge requires. */
    readonly syncSchedule?: string;
    readonly antiFlapRuns?: number;
    readonly alarmTopicArn?: string;
    /** The functions' log groups (config `logs`). */
    readonly logRetentionDays?: number;
    readonly logKmsKeyArn?: string;
  };
  /** Lambda mode: AWS names of the two functions (lib/model/names.ts). */
  readonly functionNames?: { readonly nlbTargetSync: string; readonly albIngress: string };
}

/** The ECS cluster (EcsEc2Cluster's data props): created with its EC2 capacity, or an existing one. */
export interface ClusterPlan {
  readonly constructId: string;
  readonly props: {
    readonly name: string;
    readonly region: string;
    readonly existing?: NonNullable<ClusterConfig["existing"]>;
    readonly instanceType?: string;
    readonly minSize?: number;
    readonly maxSize?: number;
    readonly desiredCapacity?: number;
    readonly capacity?: ClusterConfig["capacity"];
    readonly rootVolumeSizeGiB?: number;
    readonly capacityProvider?: { readonly targetCapacityPercent?: number };
    /** false when no service runs on EC2: the cluster gets no instances, role, group or EC2 capacity provider. Unset: it does. */
    readonly ec2Capacity?: boolean;
    /** When a service runs on Fargate: the cluster's capacity providers include FARGATE and FARGATE_SPOT. */
    readonly fargateCapacityProviders?: boolean;
  };
}

/** An egress rule of a Fargate service's group to an address range (its rules to other groups are the topology's). */
export interface FargateEgressPlan {
  /** Construct id under the service. */
  readonly id: string;
  readonly description: string;
  readonly fromPort: number;
  readonly toPort: number;
  /** A CIDR block, or the S3 gateway endpoint's prefix list. */
  readonly to: { readonly cidr: string } | { readonly s3PrefixList: true };
}

/** How a Fargate service's tasks run (EcsFargateService's props beyond the container). */
export interface FargatePlan {
  readonly architecture: "X86_64" | "ARM64";
  readonly ephemeralStorageGiB?: number;
  readonly capacityProviderStrategy: readonly {
    readonly capacityProvider: "FARGATE" | "FARGATE_SPOT";
    readonly base?: number;
    readonly weight: number;
  }[];
  readonly enableExecuteCommand: boolean;
  /** AWS name of the tasks' security group. */
  readonly securityGroupName: string;
  readonly egress: readonly FargateEgressPlan[];
}

/** One port of a service after its first: its own NLB listener and target group. */
export interface FurtherPortPlan {
  readonly containerPort: number;
  readonly hostPort: number;
  readonly nlbIndex: number;
  /** The listener's id part on that NLB (`<service>-Port-<name>`). */
  readonly portId: string;
}

/** One ECS service (EcsEc2Service's data props) and what its ports are wired to. */
export interface ServicePlan {
  readonly constructId: string;
  readonly name: string;
  readonly via: "nlb" | "alb";
  /** Where its tasks run: EcsEc2Service, or EcsFargateService with `fargate`. */
  readonly compute: "ec2" | "fargate";
  /** Fargate only. */
  readonly fargate?: FargatePlan;
  /** The NLB of the first port, for a service the NLB serves. */
  readonly nlbIndex?: number;
  readonly furtherPorts: readonly FurtherPortPlan[];
  /** `provider`: the cluster's capacity provider strategy; `launchType`: the EC2 launch type. */
  readonly capacity: "launchType" | "provider";
  readonly props: {
    readonly name: string;
    readonly region: string;
    readonly serviceName: string;
    readonly image: string;
    readonly cpu: number;
    readonly memoryLimitMiB: number;
    readonly containerPort: number;
    readonly hostPort: number;
    readonly desiredCount: number;
    readonly environment: ServiceConfig["environment"];
    readonly logRetentionDays: number;
    /** The log group's KMS key (config `logs.kmsKeyArn`). */
    readonly logKmsKeyArn?: string;
    readonly secrets?: ServiceConfig["secrets"];
    readonly secretsKmsKeyArn?: string;
    readonly taskRole?: ServiceConfig["taskRole"];
    readonly command?: readonly string[];
    readonly entryPoint?: readonly string[];
    readonly containerHealthCheck?: ServiceConfig["containerHealthCheck"];
    readonly stopTimeout?: number;
    readonly readonlyRootFilesystem?: boolean;
    readonly user?: string;
    readonly memoryReservationMiB?: number;
    readonly spareInstances: number;
    /** `services[<index>]`: warnings name the config's fields. */
    readonly configPath: string;
  };
  /** Application Auto Scaling of the service's task count; the stack adds the cluster name and, behind the ALB, its ARN suffix. */
  readonly autoscaling?: {
    readonly minCapacity: number;
    readonly maxCapacity: number;
    readonly cpuPercent?: number;
    readonly memoryPercent?: number;
    readonly requestsPerTarget?: number;
  };
}

/** Stage settings both API kinds share. */
interface ApiStagePlan {
  readonly name: string;
  readonly region: string;
  readonly stageName: string;
  readonly description?: string;
  readonly authorizers: Readonly<Record<string, Authorizer>>;
  readonly throttling: ThrottleSettings;
  readonly accessLogs?: AccessLogOptions;
  readonly detailedMetrics?: boolean;
}

/** CloudWatch alarms on the stage (ApiAlarms' options). */
export type AlarmsPlan = PrivateApiConfig["api"]["alarms"];
/** The stage's custom domain, if any. */
export type CustomDomainPlan = NonNullable<PrivateApiConfig["api"]["customDomain"]>;

/** A REST API method group: one route of the config, and the NLB listener it reaches. */
export interface RestRoutePlan {
  readonly path: string;
  readonly methods: readonly HttpMethod[];
  readonly authorization: Authorization;
  readonly apiKeyRequired?: boolean;
  readonly port: number;
  readonly nlb: number;
  readonly protocol: "http" | "https";
}

/** What an HTTP API route's integration targets. */
export type HttpTargetPlan =
  | { readonly kind: "alb"; readonly key: "Alb"; readonly https: boolean; readonly serverName?: string }
  | {
      readonly kind: "nlb";
      /** The integration's id part: the service's for its first port, the port's id for a further one. */
      readonly key: string;
      readonly nlbIndex: number;
      /** The listener's id part on that NLB. */
      readonly listenerId: string;
    };

export interface HttpRoutePlan {
  readonly path: string;
  readonly methods: readonly HttpMethod[];
  readonly authorization: Authorization;
  readonly target: HttpTargetPlan;
}

/** A REST API, its stage, and what goes with it. */
export interface RestApiPlan {
  readonly kind: "rest";
  readonly constructId: string;
  readonly props: ApiStagePlan & {
    readonly executionLogLevel?: "OFF" | "ERROR" | "INFO";
    readonly tracing?: boolean;
    readonly cache?: PrivateApiConfig["api"]["cache"];
    /** The stage's AWS WAF web ACL: the config's, or by default one of the stack's own. */
    readonly webAcl: WebAclOptions;
  };
  readonly routes: readonly RestRoutePlan[];
  /**
   * The account-wide role API Gateway logs to CloudWatch with: created when the stage logs and the
   * config does not say the account has one.
   */
  readonly cloudWatchRole?: { readonly constructId: string; readonly props: { readonly name: string; readonly region: string } };
  /** API keys and usage plans, when the config has either. */
  readonly usagePlans?: {
    readonly constructId: string;
    readonly props: {
      readonly name: string;
      readonly apiKeys: NonNullable<PrivateApiConfig["api"]["apiKeys"]>;
      readonly usagePlans: NonNullable<PrivateApiConfig["api"]["usagePlans"]>;
    };
  };
  readonly alarms: AlarmsPlan;
  readonly customDomain?: CustomDomainPlan;
}

/** An HTTP API, its stage, and what goes with it. */
export interface HttpApiPlan {
  readonly kind: "http";
  readonly constructId: string;
  readonly props: ApiStagePlan;
  readonly routes: readonly HttpRoutePlan[];
  readonly alarms: AlarmsPlan;
  readonly customDomain?: CustomDomainPlan;
}

/** The stack's outputs beyond the ones every stack has (`invoke_url`, `vpc_link_id`). */
export interface OutputsPlan {
  readonly customDomainUrl: boolean;
  /** `nlb_dns_name`: the first NLB's. */
  readonly nlbDnsName: boolean;
  /** `nlb_dns_names` and, for a REST API, `vpc_link_ids`: more than one NLB. */
  readonly perNlb: boolean;
  /** `bridge_nlb_ips`: the lambda bridge's admitted NLB addresses. */
  readonly bridgeNlbIps: boolean;
}

/** Where the state lives. */
export type BackendPlan =
  | { readonly type: "local"; readonly path?: string }
  | {
      readonly type: "s3";
      readonly bucket: string;
      readonly key: string;
      readonly region: string;
      readonly kmsKeyId?: string;
      readonly dynamodbTable?: string;
      /** S3-native locking (Terraform 1.10+), written as `use_lockfile`. */
      readonly useLockfile: boolean;
    };

/** An existing resource to take over: an import block. */
export interface AdoptionPlan {
  /** Construct path of the resource inside the stack (`Nlb`, `Service-orders/LogGroup`). */
  readonly resource: string;
  /** The import id as the config gives it. */
  readonly id: string;
  /** The import id as a Terraform literal, for the import block (an id is a template like any argument). */
  readonly importId: string;
}

/** Terraform state: the backend, what is taken over, what moved. */
export interface StatePlan {
  readonly backend: BackendPlan;
  /** Import blocks: construct path of the resource, its import id as written, and as a Terraform literal. */
  readonly adoptions: readonly AdoptionPlan[];
  /** Renamed services, old name first. */
  readonly renames: readonly (readonly [string, string])[];
  /** The plan of the config as it was before the renames: its addresses are where the moved blocks come from. */
  readonly beforeRenames?: StackPlan;
}

/** The whole stack. */
export interface StackPlan {
  /** The stack's id, and the prefix of every AWS name. */
  readonly name: string;
  readonly region: string;
  readonly provider: ProviderPlan;
  /** What exists and who reaches whom (./topology.ts): NLB placement, routes, security group rules. */
  readonly topology: Topology;
  readonly network: NetworkPlan;
  readonly nlbs: readonly NlbPlan[];
  readonly alb?: AlbPlan;
  readonly bridge?: BridgePlan;
  readonly cluster: ClusterPlan;
  readonly services: readonly ServicePlan[];
  readonly api: RestApiPlan | HttpApiPlan;
  readonly outputs: OutputsPlan;
  readonly state: StatePlan;
  /** Deletion protection on the load balancers the stack creates (config `deletionProtection`). */
  readonly deletionProtection: boolean;
  /** The KMS key and retention of the log groups without their own setting (config `logs`). */
  readonly logs: Required<Pick<LogGroupOptions, "retentionDays">> & Pick<LogGroupOptions, "kmsKeyArn">;
}

/**
 * The plan of a validated config. `placement` is the NLB shard ledger recorded for the config
 * (./shards.ts): ports in it stay on their NLB; `plan.topology.placement` is the ledger after the
 * config's ports are placed.
 */
export function planStack(config: PrivateApiConfig, placement?: NlbShardLedger): StackPlan {
  // Free text goes into the Terraform JSON as literals, never as templates.
  const cfg = withTerraformLiterals(config);
  const topology = planTopology(cfg, placement);
  const { name, region } = cfg;

  const nlbs: NlbPlan[] = topology.nlbs.map((n) => ({
    index: n.index,
    constructId: n.constructId,
    props: {
      name,
      loadBalancerName: n.name,
      ports: n.servicePorts.map((p) => ({
        service: p.service,
        id: portKey(p),
        port: p.port,
        targetPort: p.targetPort,
        targetType: p.targetType,
        targetGroupName: p.targetGroupName,
        healthCheck: p.healthCheck,
      })),
      deletionProtection: cfg.deletionProtection,
    },
  }));

  const albModel = topology.alb;
  const albLogs = cfg.alb?.logs;
  const alb: AlbPlan | undefined = albModel && {
    constructId: "Alb",
    props: {
      name,
      region,
      loadBalancerName: albModel.name,
      listenerPort: albModel.listenerPort,
      ...(cfg.alb?.existing
        ? {}
        : {
            deletionProtection: cfg.deletionProtection,
            logs: albLogs && {
              access: albLogs.access,
              connection: albLogs.connection,
              bucket: albLogs.bucket,
              prefix: albLogs.prefix ?? albModel.name,
            },
          }),
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
        targetType: s.targetType,
        targetGroupName: s.targetGroupName,
        healthCheck: s.healthCheck,
        pathPatterns: s.pathPatterns,
      })),
    },
  };

  const lambdaBridge = cfg.bridge?.mode === "lambda" ? cfg.bridge : undefined;
  const bridge: BridgePlan | undefined = topology.bridge && {
    constructId: "AlbBridge",
    nlbIndex: topology.bridge.nlbIndex,
    props: {
      name,
      region,
      mode: topology.bridge.mode,
      targetGroupName: topology.bridge.targetGroupName,
      ...(lambdaBridge
        ? {
            syncSchedule: lambdaBridge.syncSchedule,
            antiFlapRuns: lambdaBridge.antiFlapRuns,
            alarmTopicArn: lambdaBridge.alarmTopicArn,
            logRetentionDays: cfg.logs.retentionDays,
            logKmsKeyArn: cfg.logs.kmsKeyArn,
          }
        : {}),
    },
    functionNames:
      topology.bridge.mode === "lambda"
        ? { nlbTargetSync: nlbTargetSyncFunctionName(name), albIngress: albIngressFunctionName(name) }
        : undefined,
  };

  const c = cfg.cluster;
  const cluster: ClusterPlan = {
    constructId: "Cluster",
    props: {
      name,
      region,
      ...(c.existing
        ? { existing: c.existing }
        : {
            // No instances where no service runs on EC2: the size and capacity fields are not used.
            ...(cfg.services.some((s) => computeOf(s) === "ec2")
              ? {
                  instanceType: c.instanceType,
                  minSize: c.minSize,
                  maxSize: c.maxSize,
                  desiredCapacity: c.desiredCapacity,
                  capacity: c.capacity,
                  rootVolumeSizeGiB: c.rootVolumeSizeGiB,
                  capacityProvider: c.capacityProvider,
                }
              : { ec2Capacity: false }),
            ...(cfg.services.some((s) => computeOf(s) === "fargate") ? { fargateCapacityProviders: true } : {}),
          }),
    },
  };

  const services: ServicePlan[] = cfg.services.map((svc, i) => {
    const placed = topology.services[i];
    const [first, ...further] = placed.ports;
    const capacity = serviceCapacity(cfg, svc);
    const scaling = svc.autoscaling;
    return {
      constructId: `Service-${svc.name}`,
      name: svc.name,
      via: svc.via,
      compute: computeOf(svc),
      fargate: svc.fargate && planFargate(cfg, svc, svc.fargate),
      nlbIndex: placed.nlbIndex,
      furtherPorts: further.map((p) => ({
        containerPort: p.containerPort,
        hostPort: p.hostPort,
        nlbIndex: p.nlbIndex as number,
        portId: p.portId as string,
      })),
      capacity: capacity.capacity,
      props: {
        name,
        region,
        serviceName: svc.name,
        image: svc.image,
        cpu: svc.cpu,
        memoryLimitMiB: svc.memory,
        containerPort: first.containerPort,
        hostPort: first.hostPort,
        desiredCount: svc.desiredCount,
        environment: svc.environment,
        logRetentionDays: svc.logRetentionDays,
        logKmsKeyArn: cfg.logs.kmsKeyArn,
        secrets: svc.secrets,
        secretsKmsKeyArn: svc.secretsKmsKeyArn,
        taskRole: svc.taskRole,
        command: svc.command,
        entryPoint: svc.entryPoint,
        containerHealthCheck: svc.containerHealthCheck,
        stopTimeout: svc.stopTimeout,
        readonlyRootFilesystem: svc.readonlyRootFilesystem,
        user: svc.user,
        memoryReservationMiB: svc.memoryReservation,
        spareInstances: capacity.spareInstances,
        configPath: `services[${i}]`,
      },
      autoscaling: scaling && {
        minCapacity: scaling.min,
        maxCapacity: scaling.max,
        cpuPercent: scaling.cpuPercent,
        memoryPercent: scaling.memoryPercent,
        requestsPerTarget: scaling.requestsPerTarget,
      },
    };
  });

  const api = planApi(cfg, topology);
  const nlbCount = nlbs.length;
  const plan: StackPlan = {
    name,
    region,
    provider: { region, defaultTags: Object.keys(cfg.tags).length > 0 ? cfg.tags : undefined },
    topology,
    network: planNetwork(cfg, interfaceEndpointsOf(cfg)),
    nlbs,
    alb,
    bridge,
    cluster,
    services,
    api,
    outputs: {
      customDomainUrl: cfg.api.customDomain !== undefined,
      nlbDnsName: nlbs.some((n) => n.index === 0),
      perNlb: nlbCount > 1,
      bridgeNlbIps: bridge?.props.mode === "lambda",
    },
    state: planState(config, topology.placement),
    deletionProtection: cfg.deletionProtection,
    logs: { kmsKeyArn: cfg.logs.kmsKeyArn, retentionDays: cfg.logs.retentionDays },
  };
  return deepFreeze(plan);
}

/**
 * The interface endpoints of a created VPC with a Fargate service: what EC2 instances need if a
 * service runs on them, what Fargate tasks need, and Secrets Manager, SSM and ssmmessages where
 * a Fargate service uses them. Undefined without a Fargate service: the EC2 set, as before.
 */
function interfaceEndpointsOf(cfg: PrivateApiConfig): readonly string[] | undefined {
  const fargate = cfg.services.filter((s) => computeOf(s) === "fargate");
  if (fargate.length === 0) return undefined;
  const sources = fargate.flatMap((s) => Object.values(s.secrets).map((arn) => secretSourceOf(arn)?.kind));
  return [
    ...new Set<string>([
      ...(fargate.length < cfg.services.length ? EC2_INTERFACE_ENDPOINTS : []),
      ...FARGATE_INTERFACE_ENDPOINTS,
      ...(sources.includes("secretsmanager") ? ["secretsmanager"] : []),
      ...(sources.includes("ssm") ? ["ssm"] : []),
      ...(fargate.some((s) => s.fargate?.enableExecuteCommand) ? ["ssmmessages"] : []),
    ]),
  ];
}

/** A Fargate service's task settings and the egress of its group beyond the topology's rules. */
function planFargate(cfg: PrivateApiConfig, svc: ServiceConfig, f: NonNullable<ServiceConfig["fargate"]>): FargatePlan {
  const aws: FargateEgressPlan = createsVpcEndpoints(cfg)
    ? {
        id: "EgressToS3",
        description: "HTTPS to S3 through the gateway endpoint: image layers",
        fromPort: 443,
        toPort: 443,
        to: { s3PrefixList: true },
      }
    : {
        id: "EgressHttps",
        description: "HTTPS to the AWS APIs (ECR, S3, logs, secrets) by the VPC's own routes: no endpoints are created here",
        fromPort: 443,
        toPort: 443,
        to: { cidr: "0.0.0.0/0" },
      };
  return {
    architecture: f.architecture,
    ephemeralStorageGiB: f.ephemeralStorageGiB,
    capacityProviderStrategy: f.capacityProviderStrategy,
    enableExecuteCommand: f.enableExecuteCommand,
    securityGroupName: serviceSecurityGroupName(cfg.name, svc.name),
    egress: [
      aws,
      ...f.egress.map((r) => {
        const toPort = r.toPort ?? r.fromPort;
        const ports = toPort === r.fromPort ? String(r.fromPort) : `${r.fromPort}-${toPort}`;
        return {
          id: `Egress-${r.cidr.replace("/", "_")}-${ports}`,
          description: r.description,
          fromPort: r.fromPort,
          toPort,
          to: { cidr: r.cidr },
        };
      }),
    ],
  };
}

function planNetwork(cfg: PrivateApiConfig, interfaceEndpoints: readonly string[] | undefined): NetworkPlan {
  const net = cfg.network;
  return {
    constructId: "Network",
    props: {
      name: cfg.name,
      region: cfg.region,
      vpcCidr: net.vpcCidr,
      ...(net.type === "existing"
        ? { existing: { vpcId: net.vpcId, privateSubnetIds: net.privateSubnetIds } }
        : {
            availabilityZones: net.availabilityZones,
            privateSubnetCidrs: net.privateSubnetCidrs,
            vpcEndpoints: net.vpcEndpoints,
            ...(interfaceEndpoints ? { interfaceEndpoints } : {}),
            flowLogs:
              net.flowLogs === "none"
                ? false
                : { trafficType: net.flowLogs, retentionDays: cfg.logs.retentionDays, kmsKeyArn: cfg.logs.kmsKeyArn },
          }),
    },
  };
}

function planApi(cfg: PrivateApiConfig, topology: Topology): RestApiPlan | HttpApiPlan {
  const api = cfg.api;
  const stage: ApiStagePlan = {
    name: cfg.name,
    region: cfg.region,
    stageName: api.stageName,
    description: api.description,
    authorizers: api.authorizers,
    throttling: api.throttling,
    accessLogs: api.accessLogs.enabled ? { retentionDays: api.accessLogs.retentionDays, kmsKeyArn: cfg.logs.kmsKeyArn } : undefined,
    detailedMetrics: api.detailedMetrics,
  };
  if (api.type === "http") {
    return {
      kind: "http",
      constructId: apiConstructId("http"),
      props: stage,
      routes: topology.api.routes.map((r) => {
        const t = r.target;
        const target: HttpTargetPlan =
          t.kind === "alb"
            ? { kind: "alb", key: "Alb", https: t.https, serverName: topology.alb?.serverName }
            : {
                kind: "nlb",
                // A service's first port keeps the integration it had before ports; a further one has its own.
                key: portIdPart(t),
                nlbIndex: t.nlbIndex,
                listenerId: portKey(t),
              };
        return { path: r.path, methods: r.methods, authorization: r.authorization, target };
      }),
      alarms: api.alarms,
      customDomain: api.customDomain,
    };
  }
  const logs = api.accessLogs.enabled || (api.executionLogLevel ?? DEFAULT_EXECUTION_LOG_LEVEL) !== "OFF";
  return {
    kind: "rest",
    constructId: apiConstructId("rest"),
    props: {
      ...stage,
      executionLogLevel: api.executionLogLevel,
      tracing: api.tracing,
      cache: api.cache,
      webAcl: api.webAcl ?? { mode: "create", rateLimit: DEFAULT_WEB_ACL_RATE_LIMIT },
    },
    routes: topology.api.routes.map((r) => ({
      path: r.path,
      methods: r.methods,
      authorization: r.authorization,
      apiKeyRequired: r.apiKeyRequired,
      port: r.target.port,
      nlb: r.target.nlbIndex ?? 0,
      protocol: r.target.kind === "alb" && r.target.https ? "https" : "http",
    })),
    cloudWatchRole:
      logs && (api.cloudWatchRole ?? "create") === "create"
        ? { constructId: "ApiGatewayCloudWatchRole", props: { name: cfg.name, region: cfg.region } }
        : undefined,
    usagePlans:
      api.apiKeys || api.usagePlans
        ? { constructId: "UsagePlans", props: { name: cfg.name, apiKeys: api.apiKeys ?? [], usagePlans: api.usagePlans ?? [] } }
        : undefined,
    alarms: api.alarms,
    customDomain: api.customDomain,
  };
}

/** From the config as written: backend settings are not read as templates, and import ids are escaped here. */
function planState(config: PrivateApiConfig, ledger: NlbShardLedger): StatePlan {
  const b = config.backend;
  const backend: BackendPlan =
    b.type === "local"
      ? { type: "local", path: b.path }
      : {
          type: "s3",
          bucket: b.bucket,
          key: b.key ?? `env/${config.name}/terraform.tfstate`,
          region: b.region ?? config.region,
          kmsKeyId: b.kmsKeyId,
          dynamodbTable: b.locking === "lockfile" ? undefined : b.locking.dynamodbTable,
          useLockfile: b.locking === "lockfile",
        };
  const renames = Object.entries(config.renames.services);
  return {
    backend,
    adoptions: config.adopt.map((a) => ({ resource: a.resource, id: a.id, importId: terraformLiteral(a.id) })),
    renames,
    // The shadow plan of the old config uses the same ledger, so its listeners sit on the same NLBs.
    beforeRenames: renames.length > 0 ? planStack(configBeforeRenames(config), ledger) : undefined,
  };
}

/** The config as it was before its renames: old service names, no renames, nothing adopted. */
function configBeforeRenames(cfg: PrivateApiConfig): PrivateApiConfig {
  const toOld = new Map(Object.entries(cfg.renames.services).map(([oldName, newName]) => [newName, oldName]));
  const oldName = (n: string) => toOld.get(n) ?? n;
  return {
    ...cfg,
    services: cfg.services.map((s) => ({ ...s, name: oldName(s.name) })),
    routes: cfg.routes.map((r) => ({ ...r, service: oldName(r.service) })),
    renames: { services: {} },
    adopt: [],
  };
}
