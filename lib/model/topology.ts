/**
 * The topology a validated config builds, decided once. `planTopology` is pure (no constructs, no
 * files, no environment): the same config and placement always give the same read-only model.
 * PrivateApiStack builds exactly this; the diagram draws it; the topology checks count it. None of
 * them works any part of it out again, so "is there an NLB?", "which NLB has port 10001?", "does
 * the ALB listener speak HTTPS?" and "who may reach whom on which ports?" each have one answer.
 */
import { albPathPattern, parseRoutePath, pathId } from "../core/paths";
import { albHttps, bridgeMode, bridgePort, computeOf, createsVpcEndpoints, nlbPorts, nlbServicePorts, portVia } from "../config/implied";
import { portOfRoute, portsOf, type ServicePort } from "../config/ports";
import type { HealthCheckConfig, PrivateApiConfig, RouteAuthorization, ServiceConfig } from "../config/schema";
import type { HttpMethod } from "../core/types";
import { assignNlbShards, nlbIndexOf, type NlbShardLedger } from "./shards";
import { deepFreeze } from "../core/values";
import { apiConstructId, furtherPortIdPart, methodConstructId, shardSuffix } from "./ids";
import {
  albIpTargetGroupName,
  albName,
  albTargetGroupName,
  bridgeTargetGroupName,
  ipTargetGroupName,
  shardNlbName,
  targetGroupName,
} from "./names";
import { planSecurityGroupRules, targetPortRanges, type SecurityGroupRule } from "./connections";

/** How a load balancer's target group registers a service's tasks: by instance (EC2, bridge networking) or by task IP (Fargate, awsvpc). */
export type TargetType = "instance" | "ip";

/** The target type of a service's target groups. */
export function targetTypeOf(service: Pick<ServiceConfig, "fargate">): TargetType {
  return computeOf(service) === "fargate" ? "ip" : "instance";
}

/** One listener of an NLB that forwards to a service's port. */
export interface NlbServicePort {
  readonly service: string;
  /** The listener port. */
  readonly port: number;
  /** The port its target group sends to: the instance's host port (EC2), or the task's container port (Fargate). */
  readonly targetPort: number;
  /** `instance` for EC2 tasks (bridge networking), `ip` for Fargate tasks (awsvpc). */
  readonly targetType: TargetType;
  /** Which of the service's ports it is (0: the first). */
  readonly portIndex: number;
  /** The port's name, for a service with `ports`. */
  readonly portName?: string;
  /**
   * Construct id part of a further port of its service (`orders-Port-admin`, lib/model/ids.ts):
   * its listener is `Listener-orders-Port-admin`. Undefined for a service's first port, whose ids
   * are the service's own, as they were before services had several ports.
   */
  readonly portId?: string;
  readonly healthCheck: HealthCheckConfig;
  /** AWS name of its target group. */
  readonly targetGroupName: string;
}

/** One internal NLB. */
export interface NlbModel {
  /** Its number: 0 is the first, whose addresses are the unsharded ones. */
  readonly index: number;
  /** Construct id in the stack: `Nlb`, `Nlb-2`, ... */
  readonly constructId: string;
  /** AWS name of the load balancer and its security group. */
  readonly name: string;
  /** Listener ports in the placement, ascending (the bridge's included). */
  readonly ports: readonly number[];
  /** The service listeners, in config order. */
  readonly servicePorts: readonly NlbServicePort[];
}

/** A service behind the ALB and the path patterns that reach it. */
export interface AlbServiceModel {
  readonly service: string;
  /** The instance port, or 0 for a dynamic port chosen by ECS; a Fargate task's container port. */
  readonly hostPort: number;
  readonly targetType: TargetType;
  /** ALB path patterns of the service's routes, in config order without repeats. */
  readonly pathPatterns: readonly string[];
  readonly healthCheck: HealthCheckConfig;
  /** AWS name of its target group. */
  readonly targetGroupName: string;
}

/** The internal ALB, when a service has via "alb". */
export interface AlbModel {
  /** An existing ALB and listener (only target groups and rules are created), or a new one. */
  readonly existing: boolean;
  /** Whether the listener speaks HTTPS. */
  readonly https: boolean;
  readonly listenerPort: number;
  /** AWS name of a new ALB and its security group (unused for an existing one). */
  readonly name: string;
  /** Name on the listener's certificate, which an HTTP API verifies. */
  readonly serverName?: string;
  readonly rulePriorityOffset: number;
  readonly services: readonly AlbServiceModel[];
  /**
   * Instance port ranges the ALB forwards to (EC2 services): each fixed port (its id the service's
   * id part), and the dynamic range (id `dynamic-ports`) if any service uses hostPort 0.
   */
  readonly targetPortRanges: readonly { readonly id: string; readonly from: number; readonly to: number }[];
}

/** The NLB-to-ALB bridge of a REST API. */
export interface BridgeModel {
  readonly mode: "native" | "lambda";
  /** The NLB listener port, equal to the ALB listener port. */
  readonly port: number;
  /** The NLB the bridge listener is on. */
  readonly nlbIndex: number;
  /** AWS name of the bridge's target group. */
  readonly targetGroupName: string;
}

/** Where a route's requests go. `port` is the listener port; `portIndex` and `portName` say which port of the service. */
export type RouteTarget =
  | {
      readonly kind: "nlb";
      readonly service: string;
      readonly nlbIndex: number;
      readonly port: number;
      readonly portIndex: number;
      readonly portName?: string;
      /** As NlbServicePort's: set for a further port of the service. */
      readonly portId?: string;
    }
  /** REST API: the ALB behind the bridge's NLB listener. HTTP API: the ALB listener directly. Always the service's first port. */
  | {
      readonly kind: "alb";
      readonly service: string;
      readonly nlbIndex?: number;
      readonly port: number;
      readonly https: boolean;
      readonly portIndex: 0;
      readonly portName?: string;
      readonly portId?: undefined;
    };

export interface RouteModel {
  readonly path: string;
  /** Construct path in the stack of each method's resource (`Api/Method-orders-GET`), in `methods` order. */
  readonly constructPaths: readonly string[];
  readonly methods: readonly HttpMethod[];
  readonly authorization: RouteAuthorization;
  readonly apiKeyRequired?: boolean;
  readonly target: RouteTarget;
}

export interface ApiModel {
  readonly kind: "rest" | "http";
  readonly routes: readonly RouteModel[];
}

/** The whole topology of a validated config. */
export interface Topology {
  readonly name: string;
  readonly region: string;
  /** Which NLB each listener port is on: the ledger to record for the next synth. */
  readonly placement: NlbShardLedger;
  /** The NLBs that exist, by number; none for an HTTP API whose services are all behind the ALB. */
  readonly nlbs: readonly NlbModel[];
  readonly alb?: AlbModel;
  readonly bridge?: BridgeModel;
  readonly api: ApiModel;
  /** Every security group rule the stack creates, each once, under the group it belongs to. */
  readonly securityGroupRules: readonly SecurityGroupRule[];
  /** Services, in config order, with what serves them. */
  readonly services: readonly ServiceModel[];
}

/** A service and what serves each of its ports. */
export interface ServiceModel {
  readonly name: string;
  readonly via: "nlb" | "alb";
  /** Where its tasks run: the cluster's EC2 instances, or Fargate. */
  readonly compute: "ec2" | "fargate";
  /** The first port's host port. */
  readonly hostPort: number;
  /** The NLB of the first port, when the NLB serves it. */
  readonly nlbIndex?: number;
  /** Every port, in order; the first is the one `hostPort` and `nlbIndex` describe. */
  readonly ports: readonly ServicePortModel[];
}

/** One port of a service, and what serves it. */
export interface ServicePortModel {
  readonly index: number;
  readonly name?: string;
  readonly containerPort: number;
  /** The instance port on EC2; the container port on Fargate. */
  readonly hostPort: number;
  /** The NLB listener port, for a port the NLB serves. */
  readonly listenerPort: number;
  readonly via: "nlb" | "alb";
  /** The NLB of the port's listener, for a port the NLB serves. */
  readonly nlbIndex?: number;
  /** As NlbServicePort's: set for a further port. */
  readonly portId?: string;
}

/**
 * The topology of a validated config. `placement` is the NLB shard ledger recorded for the config
 * (lib/model/shards.ts): ports in it stay on their NLB; the result's `placement` is the ledger
 * after the config's ports are placed.
 */
export function planTopology(cfg: PrivateApiConfig, placement?: NlbShardLedger): Topology {
  const ledger = assignNlbShards(nlbPorts(cfg), placement);
  const mode = bridgeMode(cfg);
  const port = bridgePort(cfg);
  const nlbServed = nlbServicePorts(cfg);
  const albServices = cfg.services.filter((s) => s.via === "alb");
  const rest = cfg.api.type === "rest";
  const portIdOf = (service: string, port: ServicePort): string | undefined =>
    port.index === 0 ? undefined : furtherPortIdPart(service, port.name as string);

  // A REST API always has the first NLB; an HTTP API only for ports the NLB serves.
  const hasNlb = rest || nlbServed.length > 0;
  const nlbs: NlbModel[] = [];
  if (hasNlb) {
    ledger.nlbs.forEach((ports, index) => {
      // The first NLB always exists (its addresses are the unsharded ones); an emptied later one goes.
      if (index > 0 && ports.length === 0) return;
      const onThis = new Set(ports);
      nlbs.push({
        index,
        constructId: `Nlb${shardSuffix(index)}`,
        name: shardNlbName(cfg.name, index),
        ports,
        servicePorts: nlbServed
          .filter(({ port: p }) => onThis.has(p.listenerPort))
          .map(({ service: s, port: p }) => ({
            service: s.name,
            port: p.listenerPort,
            targetPort: p.hostPort,
            targetType: targetTypeOf(s),
            portIndex: p.index,
            portName: p.name,
            portId: portIdOf(s.name, p),
            healthCheck: p.healthCheck,
            targetGroupName:
              computeOf(s) === "fargate" ? ipTargetGroupName(cfg.name, p.listenerPort) : targetGroupName(cfg.name, p.hostPort),
          })),
      });
    });
  }

  const alb = albServices.length > 0 ? planAlb(cfg, albServices, port) : undefined;
  const bridge: BridgeModel | undefined =
    albServices.length > 0 && mode !== "none"
      ? { mode, port, nlbIndex: nlbIndexOf(ledger, port), targetGroupName: bridgeTargetGroupName(cfg.name) }
      : undefined;

  const byName = new Map(cfg.services.map((s) => [s.name, s]));
  const routes: RouteModel[] = cfg.routes.map((r) => {
    const svc = byName.get(r.service) as ServiceConfig;
    const p = portOfRoute(svc, r) as ServicePort;
    const target: RouteTarget =
      portVia(svc, p) === "alb"
        ? {
            kind: "alb",
            service: svc.name,
            port,
            https: albHttps(cfg),
            nlbIndex: rest ? nlbIndexOf(ledger, port) : undefined,
            portIndex: 0,
            portName: p.name,
          }
        : {
            kind: "nlb",
            service: svc.name,
            port: p.listenerPort,
            nlbIndex: nlbIndexOf(ledger, p.listenerPort),
            portIndex: p.index,
            portName: p.name,
            portId: portIdOf(svc.name, p),
          };
    const segments = parseRoutePath(r.path);
    const id = typeof segments === "string" ? r.path : pathId(segments);
    const constructPaths = r.methods.map((m) => `${apiConstructId(cfg.api.type)}/${methodConstructId(cfg.api.type, id, m)}`);
    return { path: r.path, constructPaths, methods: r.methods, authorization: r.authorization, apiKeyRequired: r.apiKeyRequired, target };
  });

  const services: ServiceModel[] = cfg.services.map((s) => {
    const ports = portsOf(s).map((p): ServicePortModel => {
      const via = portVia(s, p);
      return {
        index: p.index,
        name: p.name,
        containerPort: p.containerPort,
        hostPort: p.hostPort,
        listenerPort: p.listenerPort,
        via,
        nlbIndex: via === "nlb" ? nlbIndexOf(ledger, p.listenerPort) : undefined,
        portId: portIdOf(s.name, p),
      };
    });
    return { name: s.name, via: s.via, compute: computeOf(s), hostPort: ports[0].hostPort, nlbIndex: ports[0].nlbIndex, ports };
  });
  const base = {
    name: cfg.name,
    region: cfg.region,
    placement: ledger,
    nlbs,
    alb,
    bridge,
    api: { kind: cfg.api.type, routes },
    services,
  };
  const fargateServices = services.filter((s) => s.compute === "fargate").map((s) => s.name);
  const fargate = fargateServices.length > 0 ? { services: fargateServices, endpoints: createsVpcEndpoints(cfg) } : undefined;
  return deepFreeze(
    structuredClone({ ...base, securityGroupRules: planSecurityGroupRules({ ...base, fargate }, cfg.quotas.securityGroupRules) }),
  );
}

function planAlb(cfg: PrivateApiConfig, albServices: readonly ServiceConfig[], port: number): AlbModel {
  // The ALB serves a service's first port only (portVia).
  const services: AlbServiceModel[] = albServices.map((s) => {
    const [first] = portsOf(s);
    return {
      service: s.name,
      hostPort: first.hostPort,
      targetType: targetTypeOf(s),
      healthCheck: first.healthCheck,
      pathPatterns: albPatternsOf(cfg, s),
      targetGroupName: computeOf(s) === "fargate" ? albIpTargetGroupName(cfg.name, s.name) : albTargetGroupName(cfg.name, s.name),
    };
  });
  return {
    existing: cfg.alb?.existing !== undefined,
    https: albHttps(cfg),
    listenerPort: port,
    name: albName(cfg.name),
    serverName: cfg.alb?.serverName,
    rulePriorityOffset: cfg.alb?.existing?.rulePriorityOffset ?? 0,
    services,
    targetPortRanges: targetPortRanges(services.filter((s) => s.targetType === "instance")),
  };
}

/** The ALB path patterns of the routes to a service's ALB port, in config order without repeats. */
function albPatternsOf(cfg: PrivateApiConfig, service: ServiceConfig): string[] {
  const patterns = cfg.routes
    .filter((r) => r.service === service.name && portOfRoute(service, r)?.index === 0)
    .map((r) => parseRoutePath(r.path))
    .flatMap((segments) => (typeof segments === "string" ? [] : [albPathPattern(segments)]));
  return [...new Set(patterns)];
}
