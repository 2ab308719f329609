import type { z } from "zod";
import { cidrContains, cidrsOverlap, parseCidr, type Ipv4Cidr } from "./cidr";
import { albPathPattern, parseRoutePath, type PathSegment } from "../core/paths";
import type { PrivateApiConfig } from "./schema";
import { KMS_KEY_ARN, managedPolicyKey } from "../core/arn";
import { FARGATE_TASK_SIZES, fargateMemoryFor, MAX_RULES_PER_ALB } from "../core/limits";
import { reviewStatement } from "../core/iam-statement";
import { bridgeMode, bridgePort, computeOf, nlbServicePorts, portVia } from "./implied";
import { describePort, portOfRoute, portPath, portsOf, type ServicePort } from "./ports";

/** Host ports the ECS container agent reserves on every container instance. */
export const ECS_RESERVED_HOST_PORTS: readonly number[] = [22, 2375, 2376, 51678, 51679, 51680];

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

function fail(ctx: Ctx, path: Path, message: string): void {
  ctx.addIssue({ code: "custom", path, message });
}

/**
 * Rules that span several fields. Each message names the value and what it clashes with; the
 * loader prefixes the field path.
 */
export function checkSemantics(cfg: PrivateApiConfig, ctx: Ctx): void {
  checkNames(cfg, ctx);
  checkNetwork(cfg, ctx);
  checkCluster(cfg, ctx);
  checkServices(cfg, ctx);
  checkContainers(cfg, ctx);
  checkCompute(cfg, ctx);
  checkServiceCapacity(cfg, ctx);
  checkRoutes(cfg, ctx);
  checkBridge(cfg, ctx);
  checkAlbLogs(cfg, ctx);
  checkApi(cfg, ctx);
  checkLogs(cfg, ctx);
  checkRenames(cfg, ctx);
}

function checkNames(cfg: PrivateApiConfig, ctx: Ctx): void {
  // The name is the CDKTF stack's id, and constructs keeps children by id in a plain object.
  if (Object.hasOwn(Object.prototype, cfg.name)) {
    fail(ctx, ["name"], `name "${cfg.name}" cannot be a CDKTF stack name (it is a member of every JavaScript object); choose another`);
  }
  // Derived AWS names never block a config: lib/model/names.ts shortens one that would not fit.
}

function checkNetwork(cfg: PrivateApiConfig, ctx: Ctx): void {
  const net = cfg.network;
  const vpc = parseCidr(net.vpcCidr);
  if (!vpc) {
    fail(ctx, ["network", "vpcCidr"], `"${net.vpcCidr}" is not a valid IPv4 CIDR block (a.b.c.d/n with the host bits zero)`);
  } else if (vpc.prefix < 16 || vpc.prefix > 28) {
    fail(ctx, ["network", "vpcCidr"], `"${net.vpcCidr}" has prefix /${vpc.prefix}; AWS VPCs must be between /16 and /28`);
  }
  if (net.type !== "create") {
    const seen = new Map<string, number>();
    net.privateSubnetIds.forEach((id, i) => {
      const first = seen.get(id);
      if (first !== undefined)
        fail(ctx, ["network", "privateSubnetIds", i], `subnet ${id} is listed twice (also at privateSubnetIds[${first}])`);
      else seen.set(id, i);
    });
    return;
  }
  if (net.availabilityZones.length !== net.privateSubnetCidrs.length) {
    fail(
      ctx,
      ["network", "privateSubnetCidrs"],
      `${net.privateSubnetCidrs.length} subnets for ${net.availabilityZones.length} availability zones: give exactly one private subnet CIDR per zone`,
    );
  }
  net.availabilityZones.forEach((az, i) => {
    if (!az.startsWith(cfg.region)) {
      fail(ctx, ["network", "availabilityZones", i], `availability zone "${az}" is not in region "${cfg.region}"`);
    }
    if (net.availabilityZones.indexOf(az) !== i)
      fail(ctx, ["network", "availabilityZones", i], `availability zone "${az}" is listed twice`);
  });
  const parsed: (Ipv4Cidr | undefined)[] = net.privateSubnetCidrs.map((text, i) => {
    const c = parseCidr(text);
    if (!c) {
      fail(ctx, ["network", "privateSubnetCidrs", i], `"${text}" is not a valid IPv4 CIDR block (a.b.c.d/n with the host bits zero)`);
    } else if (c.prefix > 28) {
      fail(ctx, ["network", "privateSubnetCidrs", i], `"${text}" is smaller than /28, the smallest subnet AWS allows`);
    } else if (vpc && !cidrContains(vpc, c)) {
      fail(ctx, ["network", "privateSubnetCidrs", i], `subnet "${text}" is outside the VPC CIDR "${net.vpcCidr}"`);
    }
    return c;
  });
  parsed.forEach((a, i) => {
    for (let j = 0; j < i; j++) {
      const b = parsed[j];
      if (a && b && cidrsOverlap(a, b)) {
        fail(
          ctx,
          ["network", "privateSubnetCidrs", i],
          `subnet "${net.privateSubnetCidrs[i]}" overlaps subnet "${net.privateSubnetCidrs[j]}"`,
        );
      }
    }
  });
}

function checkCluster(cfg: PrivateApiConfig, ctx: Ctx): void {
  const { minSize, maxSize, desiredCapacity } = cfg.cluster;
  if (minSize > maxSize) fail(ctx, ["cluster", "minSize"], `minSize ${minSize} is larger than maxSize ${maxSize}`);
  if (desiredCapacity < minSize || desiredCapacity > maxSize) {
    fail(
      ctx,
      ["cluster", "desiredCapacity"],
      `desiredCapacity ${desiredCapacity} must be between minSize ${minSize} and maxSize ${maxSize}`,
    );
  }
}

function checkServices(cfg: PrivateApiConfig, ctx: Ctx): void {
  if (cfg.services.length === 0) {
    fail(ctx, ["services"], "at least one service is required");
    return;
  }
  const names = new Map<string, number>();
  /** Fixed host ports across every port of every service: which service (and port) has each. */
  const ports = new Map<number, { service: number; port: ServicePort }>();
  cfg.services.forEach((svc, i) => {
    const sameName = names.get(svc.name);
    if (sameName !== undefined) fail(ctx, ["services", i, "name"], `service name "${svc.name}" is used twice (also services[${sameName}])`);
    else names.set(svc.name, i);

    const servicePorts = portsOf(svc);
    const portNames = new Map<string, number>();
    const containerPorts = new Map<number, number>();
    for (const p of servicePorts) {
      const at: Path = ["services", i, ...portPath(p)];
      if (p.name !== undefined) {
        const sameName = portNames.get(p.name);
        if (sameName !== undefined) {
          fail(ctx, [...at, "name"], `port name "${p.name}" is used twice in service "${svc.name}" (also ports[${sameName}])`);
        } else portNames.set(p.name, p.index);
      }
      const sameContainerPort = containerPorts.get(p.containerPort);
      if (sameContainerPort !== undefined) {
        fail(
          ctx,
          [...at, "containerPort"],
          `containerPort ${p.containerPort} is used twice in service "${svc.name}" (also ports[${sameContainerPort}]): ECS registers a target group by container port, so each port needs its own`,
        );
      } else containerPorts.set(p.containerPort, p.index);
      checkServicePort(cfg, ctx, i, p, at, ports);
    }
    const onEc2 = computeOf(svc) === "ec2";
    if (onEc2 && servicePorts.some((p) => p.hostPort !== 0) && !cfg.cluster.existing && svc.desiredCount > cfg.cluster.maxSize) {
      fail(
        ctx,
        ["services", i, "desiredCount"],
        `desiredCount ${svc.desiredCount} is more than cluster.maxSize ${cfg.cluster.maxSize}: a fixed hostPort allows one task of a service per instance`,
      );
    }
  });
}

/** One port of services[i]: its host port (free, not reserved, fixed unless it is the ALB's) and its health check. */
function checkServicePort(
  cfg: PrivateApiConfig,
  ctx: Ctx,
  i: number,
  p: ServicePort,
  at: Path,
  ports: Map<number, { service: number; port: ServicePort }>,
): void {
  const svc = cfg.services[i];
  const onAlb = portVia(svc, p) === "alb";
  if (computeOf(svc) === "fargate") {
    // No instance ports: only an NLB listener port, which must be free on the NLBs.
    if (!onAlb) {
      const same = ports.get(p.listenerPort);
      const implied =
        (svc.ports?.[p.index]?.listenerPort ?? svc.listenerPort) === undefined ? " (listenerPort defaults to containerPort)" : "";
      if (same !== undefined) {
        fail(
          ctx,
          [...at, "listenerPort"],
          `listenerPort ${p.listenerPort}${implied} is used twice (also by ${describePort(cfg.services[same.service].name, same.port)}): each NLB listener port is one service port`,
        );
      } else ports.set(p.listenerPort, { service: i, port: p });
    }
  } else {
    if (p.hostPort === 0 && !onAlb) {
      fail(
        ctx,
        [...at, "hostPort"],
        svc.via === "alb"
          ? `hostPort 0 (a dynamic port) only works for the ALB's port, a service's first; port "${p.name}" gets an NLB listener, which needs a fixed port`
          : `hostPort 0 (a dynamic port) only works behind the ALB (via: "alb"); an NLB listener needs a fixed port`,
      );
      return;
    }
    const samePort = p.hostPort === 0 ? undefined : ports.get(p.hostPort);
    if (samePort !== undefined) {
      fail(
        ctx,
        [...at, "hostPort"],
        `hostPort ${p.hostPort} is used twice (also by ${describePort(cfg.services[samePort.service].name, samePort.port)})`,
      );
    } else ports.set(p.hostPort, { service: i, port: p });

    if (ECS_RESERVED_HOST_PORTS.includes(p.hostPort)) {
      fail(ctx, [...at, "hostPort"], `hostPort ${p.hostPort} is reserved by the ECS agent (${ECS_RESERVED_HOST_PORTS.join(", ")})`);
    }
  }
  const hc = p.healthCheck;
  if (onAlb && hc.protocol === "TCP") {
    fail(
      ctx,
      [...at, "healthCheck", "protocol"],
      `service "${svc.name}" is behind the ALB, whose target groups check HTTP or HTTPS: set healthCheck.protocol and healthCheck.path`,
    );
  }
  if (hc.protocol !== "TCP" && !hc.path) {
    fail(ctx, [...at, "healthCheck", "path"], `a ${hc.protocol} health check needs a path, such as "/health"`);
  }
  if (hc.protocol === "TCP" && hc.path) {
    fail(
      ctx,
      [...at, "healthCheck", "path"],
      `path "${hc.path}" is only used by HTTP and HTTPS health checks; set protocol or remove path`,
    );
  }
}

/** The largest container CPU and memory on EC2: the schema's bounds before Fargate's larger task sizes. */
const EC2_MAX_CPU = 10240;
const EC2_MAX_MEMORY_MIB = 120000;

/** Task size, capacity providers and egress of Fargate services; EC2 services keep their bounds. */
function checkCompute(cfg: PrivateApiConfig, ctx: Ctx): void {
  cfg.services.forEach((svc, i) => {
    const at = (...path: Path): Path => ["services", i, ...path];
    const f = svc.fargate;
    if (f === undefined) {
      if (svc.cpu > EC2_MAX_CPU)
        fail(ctx, at("cpu"), `cpu ${svc.cpu} is more than ${EC2_MAX_CPU}, the most a container on EC2 may reserve`);
      if (svc.memory > EC2_MAX_MEMORY_MIB)
        fail(ctx, at("memory"), `memory ${svc.memory} MiB is more than ${EC2_MAX_MEMORY_MIB}, the most a container on EC2 may have`);
      return;
    }
    if (svc.capacity === "provider") {
      fail(
        ctx,
        at("capacity"),
        'capacity "provider" is the cluster\'s EC2 capacity provider; a Fargate service runs on fargate.capacityProviderStrategy (FARGATE, FARGATE_SPOT): remove capacity',
      );
    }
    const allowed = fargateMemoryFor(svc.cpu);
    if (allowed.length === 0) {
      fail(
        ctx,
        at("cpu"),
        `cpu ${svc.cpu} is not a Fargate task size; Fargate offers ${Object.keys(FARGATE_TASK_SIZES).join(", ")} CPU units (1024 are one vCPU)`,
      );
    } else if (!allowed.includes(svc.memory)) {
      fail(
        ctx,
        at("memory"),
        `memory ${svc.memory} MiB is not a size Fargate allows with cpu ${svc.cpu}; it allows ${allowed.join(", ")} MiB`,
      );
    }
    if (f.enableExecuteCommand && svc.readonlyRootFilesystem === true) {
      fail(
        ctx,
        at("fargate", "enableExecuteCommand"),
        "ECS Exec's agent writes to the container's file system, so it does not work with readonlyRootFilesystem true: turn one of them off",
      );
    }
    // The ALB serves the first port of a via "alb" service: it has no NLB listener.
    const albPort =
      svc.via === "alb"
        ? svc.ports?.[0]?.listenerPort !== undefined
          ? ["ports", 0]
          : svc.listenerPort !== undefined
            ? []
            : undefined
        : undefined;
    if (albPort !== undefined) {
      fail(
        ctx,
        at(...albPort, "listenerPort"),
        `listenerPort: this port is served by the ALB (via "alb"), which reaches the tasks on their container port; only ports the NLB serves have a listener port`,
      );
    }
    const strategy = f.capacityProviderStrategy;
    const seen = new Set<string>();
    strategy.forEach((entry, j) => {
      if (seen.has(entry.capacityProvider)) {
        fail(
          ctx,
          at("fargate", "capacityProviderStrategy", j, "capacityProvider"),
          `${entry.capacityProvider} is listed twice in the strategy`,
        );
      }
      seen.add(entry.capacityProvider);
    });
    const withBase = strategy.filter((e) => (e.base ?? 0) > 0);
    if (withBase.length > 1) {
      fail(
        ctx,
        at("fargate", "capacityProviderStrategy"),
        `only one capacity provider of a strategy may have a base (ECS refuses more); ${withBase.map((e) => e.capacityProvider).join(" and ")} both have one`,
      );
    }
    if (strategy.every((e) => e.weight === 0)) {
      fail(ctx, at("fargate", "capacityProviderStrategy"), "at least one capacity provider of the strategy needs a weight above 0");
    }
    const rules = new Map<string, number>();
    f.egress.forEach((rule, j) => {
      const key = `${rule.cidr} ${rule.fromPort}-${rule.toPort ?? rule.fromPort}`;
      const same = rules.get(key);
      if (same !== undefined) fail(ctx, at("fargate", "egress", j), `the rule to ${key} is listed twice (also egress[${same}])`);
      else rules.set(key, j);
      const c = parseCidr(rule.cidr);
      if (!c)
        fail(ctx, at("fargate", "egress", j, "cidr"), `"${rule.cidr}" is not a valid IPv4 CIDR block (a.b.c.d/n with the host bits zero)`);
      if (rule.toPort !== undefined && rule.toPort < rule.fromPort) {
        fail(ctx, at("fargate", "egress", j, "toPort"), `toPort ${rule.toPort} is below fromPort ${rule.fromPort}`);
      }
    });
  });
}

/** Secrets, the task role and container settings of each service. */
function checkContainers(cfg: PrivateApiConfig, ctx: Ctx): void {
  cfg.services.forEach((svc, i) => {
    const at = (...path: Path): Path => ["services", i, ...path];
    for (const name of Object.keys(svc.secrets)) {
      if (Object.hasOwn(svc.environment, name)) {
        fail(
          ctx,
          at("secrets", name),
          `${name} is in both services[${i}].environment and services[${i}].secrets; a variable takes its value from one of them`,
        );
      }
    }
    if (svc.secretsKmsKeyArn !== undefined && Object.keys(svc.secrets).length === 0) {
      fail(
        ctx,
        at("secretsKmsKeyArn"),
        `${svc.secretsKmsKeyArn} would only be used to decrypt secrets, and service "${svc.name}" has none; remove it or add secrets`,
      );
    }
    if (svc.memoryReservation !== undefined && svc.memoryReservation >= svc.memory) {
      fail(
        ctx,
        at("memoryReservation"),
        `memoryReservation ${svc.memoryReservation} MiB must be less than memory ${svc.memory} MiB, the hard limit (ECS requires memory > memoryReservation)`,
      );
    }
    const attachments = new Map<string, number>();
    (svc.taskRole?.managedPolicyArns ?? []).forEach((arn, j) => {
      const id = managedPolicyKey(arn);
      const first = attachments.get(id);
      if (first !== undefined) {
        fail(
          ctx,
          at("taskRole", "managedPolicyArns", j),
          `${arn} names the same policy as services[${i}].taskRole.managedPolicyArns[${first}] (${svc.taskRole?.managedPolicyArns?.[first]}); list it once`,
        );
      } else attachments.set(id, j);
    });
    // The same judge as the iam-least-privilege rule of npm run check (lib/policy/iam.ts).
    (svc.taskRole?.statements ?? []).forEach((statement, j) => {
      const report = reviewStatement({ Effect: "Allow", Action: statement.actions, Resource: statement.resources });
      for (const problem of [...report.problems, ...report.unreadable]) {
        fail(ctx, at("taskRole", "statements", j), `the statement ${problem} (the iam-least-privilege rule of npm run check)`);
      }
    });
  });
}

/**
 * Where each service's tasks run, and how far autoscaling may take them. On an existing cluster
 * the instances are not ours to count, so only the rules that need no instance count apply.
 */
function checkServiceCapacity(cfg: PrivateApiConfig, ctx: Ctx): void {
  const { existing, minSize, maxSize } = cfg.cluster;
  cfg.services.forEach((svc, i) => {
    if (svc.capacity === "provider" && existing) {
      fail(
        ctx,
        ["services", i, "capacity"],
        `capacity "provider" uses the capacity provider of a cluster this stack creates, and cluster.existing ("${existing.clusterName}") has none from it: use "launchType"`,
      );
    }
    const scaling = svc.autoscaling;
    if (!scaling) return;
    const at = (field: string): Path => ["services", i, "autoscaling", field];
    const metrics = [scaling.cpuPercent, scaling.memoryPercent, scaling.requestsPerTarget].filter((m) => m !== undefined);
    if (metrics.length === 0) {
      fail(
        ctx,
        ["services", i, "autoscaling"],
        `service "${svc.name}" autoscales on nothing: give at least one of cpuPercent, memoryPercent, requestsPerTarget`,
      );
    }
    if (scaling.requestsPerTarget !== undefined && svc.via !== "alb") {
      fail(
        ctx,
        at("requestsPerTarget"),
        `requestsPerTarget ${scaling.requestsPerTarget} counts ALB requests per target, and service "${svc.name}" is via "${svc.via}": an NLB does not count requests; use cpuPercent or memoryPercent`,
      );
    }
    if (scaling.min > scaling.max) {
      fail(ctx, at("min"), `min ${scaling.min} is more than max ${scaling.max}`);
    } else if (svc.desiredCount < scaling.min || svc.desiredCount > scaling.max) {
      fail(
        ctx,
        ["services", i, "desiredCount"],
        `desiredCount ${svc.desiredCount} (the tasks at the first apply) must be between autoscaling.min ${scaling.min} and autoscaling.max ${scaling.max}`,
      );
    }
    // A fixed host port fits one task of the service on an instance (distinctInstance).
    // Fargate tasks have no instance, so nothing bounds them but max.
    const fixed = computeOf(svc) === "ec2" ? portsOf(svc).find((p) => p.hostPort !== 0) : undefined;
    if (existing || !fixed) return;
    if (scaling.max > maxSize) {
      fail(
        ctx,
        at("max"),
        `max ${scaling.max} is more than cluster.maxSize ${maxSize}: hostPort ${fixed.hostPort} is fixed, so an instance holds one task of the service and at most ${maxSize} tasks can ever run`,
      );
    } else if (scaling.max > minSize && svc.capacity !== "provider") {
      fail(
        ctx,
        at("max"),
        `max ${scaling.max} is more than cluster.minSize ${minSize}, and hostPort ${fixed.hostPort} is fixed (one task per instance): only the capacity provider adds instances for the tasks past ${minSize}, and service "${svc.name}" uses the EC2 launch type; set capacity "provider", or max at most ${minSize}`,
      );
    }
  });
}

function checkRoutes(cfg: PrivateApiConfig, ctx: Ctx): void {
  if (cfg.routes.length === 0) {
    fail(ctx, ["routes"], "at least one route is required: API Gateway cannot deploy an API without methods");
    return;
  }
  const services = new Set(cfg.services.map((s) => s.name));
  const byName = new Map(cfg.services.map((s) => [s.name, s]));
  const methods = new Map<string, number>();
  /** For each parent path, the parameter segment used below it: API Gateway allows only one. */
  const parameterChildren = new Map<string, { part: string; route: number }>();
  cfg.routes.forEach((route, i) => {
    if (!services.has(route.service)) {
      const known = [...services].map((s) => `"${s}"`).join(", ");
      fail(ctx, ["routes", i, "service"], `unknown service "${route.service}"; services are ${known}`);
    }
    const svc = byName.get(route.service);
    if (svc && route.port !== undefined && !portOfRoute(svc, route)) {
      const names = portsOf(svc).flatMap((p) => (p.name === undefined ? [] : [`"${p.name}"`]));
      fail(
        ctx,
        ["routes", i, "port"],
        names.length === 0
          ? `port "${route.port}": service "${svc.name}" has one port (containerPort and hostPort), which routes reach without naming it; remove port, or give the service ports`
          : `unknown port "${route.port}" of service "${svc.name}"; its ports are ${names.join(", ")}`,
      );
    }
    const segments = parseRoutePath(route.path);
    if (typeof segments === "string") {
      fail(ctx, ["routes", i, "path"], `path "${route.path}" ${segments}`);
      return;
    }
    checkParameterSiblings(segments, i, route.path, parameterChildren, ctx);
    route.methods.forEach((method, m) => {
      const key = `${method} ${route.path}`;
      const first = methods.get(key);
      if (first !== undefined) fail(ctx, ["routes", i, "methods", m], `${method} ${route.path} is defined twice (also routes[${first}])`);
      else methods.set(key, i);
    });
  });
}

function checkParameterSiblings(
  segments: readonly PathSegment[],
  routeIndex: number,
  path: string,
  seen: Map<string, { part: string; route: number }>,
  ctx: Ctx,
): void {
  let parent = "";
  for (const seg of segments) {
    if (seg.parameter) {
      const other = seen.get(parent);
      if (other && other.part !== seg.part) {
        fail(
          ctx,
          ["routes", routeIndex, "path"],
          `path "${path}" uses ${seg.part} under "${parent || "/"}", where routes[${other.route}] already uses ${other.part}; API Gateway allows one parameter segment per level`,
        );
        return;
      }
      if (!other) seen.set(parent, { part: seg.part, route: routeIndex });
    }
    parent = `${parent}/${seg.part}`;
  }
}

function checkBridge(cfg: PrivateApiConfig, ctx: Ctx): void {
  const albServices = new Set(cfg.services.filter((s) => s.via === "alb").map((s) => s.name));
  const byName = new Map(cfg.services.map((s) => [s.name, s]));
  /** Whether a route is sent to the ALB: to the first port of a service behind it (its other ports are the NLB's). */
  const toAlb = (route: PrivateApiConfig["routes"][number]): boolean => {
    const svc = byName.get(route.service);
    const port = svc && portOfRoute(svc, route);
    return svc !== undefined && port !== undefined && portVia(svc, port) === "alb";
  };
  if (albServices.size === 0) {
    if (cfg.bridge) fail(ctx, ["bridge"], `a bridge (mode "${cfg.bridge.mode}") is configured, but no service has via: "alb"`);
    if (cfg.alb) fail(ctx, ["alb"], `alb is configured, but no service has via: "alb"`);
    return;
  }
  const existing = cfg.alb?.existing;
  if (existing && cfg.alb?.certificateArn) {
    fail(ctx, ["alb", "certificateArn"], `an existing ALB keeps its own listener and certificate; set alb.existing.https instead`);
  }
  if (existing && cfg.bridge && cfg.bridge.mode !== "none" && cfg.bridge.port !== undefined && cfg.bridge.port !== existing.listenerPort) {
    fail(ctx, ["bridge", "port"], `bridge port ${cfg.bridge.port} must equal the existing ALB listener's port ${existing.listenerPort}`);
  }
  const subnets = cfg.network.type === "create" ? cfg.network.privateSubnetCidrs.length : cfg.network.privateSubnetIds.length;
  if (subnets < 2 && !existing) {
    fail(
      ctx,
      ["network", cfg.network.type === "create" ? "privateSubnetCidrs" : "privateSubnetIds"],
      `services behind the ALB need subnets in at least two availability zones (an ALB requirement); there is ${subnets}`,
    );
  }
  if (cfg.api.type === "http") {
    if (cfg.bridge)
      fail(ctx, ["bridge"], `a bridge only serves REST APIs; an HTTP API (api.type "http") reaches the ALB through its own VPC link`);
    if (cfg.alb?.certificateArn && !cfg.alb.serverName) {
      fail(ctx, ["alb", "serverName"], `an HTTP API verifies the ALB's certificate: give a name on it (alb.serverName)`);
    }
    return;
  }
  const mode = bridgeMode(cfg);
  if (mode === "none") {
    cfg.routes.forEach((route, i) => {
      if (toAlb(route)) {
        fail(
          ctx,
          ["routes", i, "service"],
          `route ${route.path} goes to service "${route.service}" behind the ALB, but bridge.mode is "none": the REST API reaches the ALB only through the bridge`,
        );
      }
    });
    return;
  }
  const port = bridgePort(cfg);
  const clash = nlbServicePorts(cfg).find((p) => p.port.listenerPort === port);
  if (clash) {
    fail(
      ctx,
      cfg.bridge ? ["bridge", "port"] : ["alb"],
      `the bridge listens on NLB port ${port}, which ${describePort(clash.service.name, clash.port)} already uses; set bridge.port to a free port`,
    );
  }
  // Each ALB path pattern may belong to one service only: the ALB routes by path, not by method.
  const owners = new Map<string, { service: string; route: number }>();
  cfg.routes.forEach((route, i) => {
    if (!toAlb(route)) return;
    const segments = parseRoutePath(route.path);
    if (typeof segments === "string") return;
    const pattern = albPathPattern(segments);
    const owner = owners.get(pattern);
    if (owner && owner.service !== route.service) {
      fail(
        ctx,
        ["routes", i, "service"],
        `route ${route.path} gives the ALB path pattern "${pattern}", which routes[${owner.route}] already sends to service "${owner.service}"; the ALB routes by path only`,
      );
    } else if (!owner) owners.set(pattern, { service: route.service, route: i });
  });
  if (owners.size > MAX_RULES_PER_ALB) {
    fail(ctx, ["routes"], `services behind the ALB need ${owners.size} listener rules, but an ALB allows at most ${MAX_RULES_PER_ALB}`);
  }
}

/** ALB logs: only for an ALB the stack creates, and at least one kind of them. */
function checkAlbLogs(cfg: PrivateApiConfig, ctx: Ctx): void {
  const logs = cfg.alb?.logs;
  if (!logs) return;
  if (cfg.alb?.existing) {
    fail(
      ctx,
      ["alb", "logs"],
      `the stack does not manage an existing ALB (alb.existing ${cfg.alb.existing.loadBalancerArn}): turn its logs on where it is managed`,
    );
  }
  if (!logs.access && !logs.connection) {
    fail(ctx, ["alb", "logs"], `access and connection are both false: leave alb.logs out for no logs`);
  }
}

/** Fields that only a REST API has, for the "not on an HTTP API" check. */
const REST_ONLY_API_FIELDS = ["cloudWatchRole", "executionLogLevel", "tracing", "cache", "apiKeys", "usagePlans"] as const;

function checkApi(cfg: PrivateApiConfig, ctx: Ctx): void {
  const api = cfg.api;
  const rest = api.type === "rest";
  if (!rest) {
    for (const field of REST_ONLY_API_FIELDS) {
      if (api[field] !== undefined) fail(ctx, ["api", field], `api.${field} applies to REST APIs only, and api.type is "http"`);
    }
  }
  checkWebAcl(cfg, ctx);
  for (const [name, authorizer] of Object.entries(api.authorizers)) {
    if (rest && authorizer.type === "jwt") {
      fail(
        ctx,
        ["api", "authorizers", name, "type"],
        `authorizer "${name}": JWT authorizers exist on HTTP APIs only; a REST API uses "cognito" or "lambda"`,
      );
    }
    if (!rest && authorizer.type === "cognito") {
      fail(
        ctx,
        ["api", "authorizers", name, "type"],
        `authorizer "${name}": Cognito authorizers exist on REST APIs only; on an HTTP API use "jwt" with the user pool's issuer URL`,
      );
    }
    if (!rest && authorizer.type === "lambda" && authorizer.kind !== undefined) {
      fail(
        ctx,
        ["api", "authorizers", name, "kind"],
        `authorizer "${name}": kind applies to REST APIs only; HTTP API Lambda authorizers are REQUEST authorizers`,
      );
    }
    if (
      rest &&
      authorizer.type === "lambda" &&
      authorizer.kind === "REQUEST" &&
      authorizer.resultTtlSeconds > 0 &&
      !authorizer.identitySource
    ) {
      fail(
        ctx,
        ["api", "authorizers", name, "identitySource"],
        `authorizer "${name}": a cached REQUEST authorizer needs an identitySource, such as "method.request.header.Authorization"`,
      );
    }
  }
  const keyNames = new Set<string>();
  (api.apiKeys ?? []).forEach((key, i) => {
    if (keyNames.has(key.name)) fail(ctx, ["api", "apiKeys", i, "name"], `API key "${key.name}" is listed twice`);
    keyNames.add(key.name);
  });
  const routeMethods = new Set(cfg.routes.flatMap((r) => r.methods.map((m) => `${m} ${r.path}`)));
  const planNames = new Map<string, number>();
  /** The resource that puts a key in a plan is named `<plan>-<key>`, and plan and key names may both hold hyphens. */
  const planKeys = new Map<string, { plan: string; key: string }>();
  (api.usagePlans ?? []).forEach((plan, p) => {
    const samePlan = planNames.get(plan.name);
    if (samePlan !== undefined) {
      fail(ctx, ["api", "usagePlans", p, "name"], `usage plan "${plan.name}" is listed twice (also api.usagePlans[${samePlan}])`);
    } else planNames.set(plan.name, p);
    plan.keys.forEach((key, k) => {
      const pair = `${plan.name}-${key}`;
      const other = planKeys.get(pair);
      if (other && other.plan === plan.name && other.key === key) {
        fail(ctx, ["api", "usagePlans", p, "keys", k], `usage plan "${plan.name}" lists API key "${key}" twice`);
      } else if (other) {
        fail(
          ctx,
          ["api", "usagePlans", p, "keys", k],
          `usage plan "${plan.name}" with API key "${key}" and usage plan "${other.plan}" with API key "${other.key}" both give the resource name "${pair}"; rename a plan or a key`,
        );
      } else planKeys.set(pair, { plan: plan.name, key });
      if (!keyNames.has(key)) {
        fail(
          ctx,
          ["api", "usagePlans", p, "keys", k],
          `usage plan "${plan.name}" names API key "${key}", which api.apiKeys does not define`,
        );
      }
    });
    plan.methodThrottles.forEach((t, m) => {
      if (!routeMethods.has(`${t.method} ${t.path}`)) {
        fail(
          ctx,
          ["api", "usagePlans", p, "methodThrottles", m],
          `usage plan "${plan.name}" throttles ${t.method} ${t.path}, which no route defines`,
        );
      }
    });
  });
  const authorizers = Object.keys(api.authorizers);
  cfg.routes.forEach((route, i) => {
    const auth = route.authorization;
    if (typeof auth === "object") {
      // Own entries only: "constructor" or "toString" must not find Object.prototype's members.
      const found = Object.hasOwn(api.authorizers, auth.authorizer) ? api.authorizers[auth.authorizer] : undefined;
      if (!found) {
        const known =
          authorizers.length > 0 ? `authorizers are ${authorizers.map((a) => `"${a}"`).join(", ")}` : "api.authorizers is empty";
        fail(ctx, ["routes", i, "authorization", "authorizer"], `unknown authorizer "${auth.authorizer}"; ${known}`);
      } else if (auth.scopes && found.type === "lambda") {
        fail(
          ctx,
          ["routes", i, "authorization", "scopes"],
          `scopes apply to Cognito and JWT authorizers; "${auth.authorizer}" is a Lambda authorizer`,
        );
      }
    }
    if (route.apiKeyRequired) {
      if (!rest) fail(ctx, ["routes", i, "apiKeyRequired"], `API keys exist on REST APIs only, and api.type is "http"`);
      else if (auth === "NONE") {
        fail(
          ctx,
          ["routes", i, "apiKeyRequired"],
          `route ${route.path} requires an API key but has authorization NONE: API keys identify callers for usage plans, they do not authenticate them; give the route AWS_IAM or an authorizer`,
        );
      } else if (!(api.usagePlans ?? []).some((plan) => plan.keys.length > 0)) {
        fail(
          ctx,
          ["routes", i, "apiKeyRequired"],
          `route ${route.path} requires an API key, but no usage plan hands out a key (api.usagePlans)`,
        );
      }
    }
  });
}

/** The log groups' KMS key: CloudWatch Logs uses a key only in its own region, the stack's. */
function checkLogs(cfg: PrivateApiConfig, ctx: Ctx): void {
  const key = cfg.logs.kmsKeyArn;
  // A value that is not a key ARN has its own problem from the shape.
  if (key === undefined || !KMS_KEY_ARN.test(key)) return;
  const keyRegion = key.split(":")[3];
  if (keyRegion !== cfg.region) {
    fail(
      ctx,
      ["logs", "kmsKeyArn"],
      `${key} is a key in ${keyRegion}, but the stack's log groups are in ${cfg.region}: CloudWatch Logs only uses a KMS key of its own region; give a key in ${cfg.region}`,
    );
  }
}

/** The web ACL: REST APIs only, an existing one in the stack's region, rules to count listed once. */
function checkWebAcl(cfg: PrivateApiConfig, ctx: Ctx): void {
  const webAcl = cfg.api.webAcl;
  if (webAcl === undefined) return;
  if (cfg.api.type === "http") {
    fail(
      ctx,
      ["api", "webAcl"],
      `AWS WAF cannot be associated with an HTTP API (api.type "http"): a web ACL protects REST API stages, ALBs, CloudFront distributions, AppSync APIs, Cognito user pools, App Runner services and Verified Access instances only. Remove api.webAcl; for a web ACL in front of the API, use "type": "rest", or put CloudFront with a web ACL in front of the HTTP API (docs/waf.md)`,
    );
    return;
  }
  if (webAcl.mode === "existing") {
    const [, , , region, , resource = ""] = webAcl.arn.split(":");
    if (resource.startsWith("global/")) {
      fail(
        ctx,
        ["api", "webAcl", "arn"],
        `${webAcl.arn} is a CloudFront (global) web ACL; a REST API stage takes a regional one (arn:aws:wafv2:${cfg.region}:<account>:regional/webacl/<name>/<id>)`,
      );
    } else if (region !== cfg.region) {
      fail(
        ctx,
        ["api", "webAcl", "arn"],
        `${webAcl.arn} is a web ACL in ${region}, and the stack is in ${cfg.region}: AWS WAF associates a stage only with a web ACL of its own region`,
      );
    }
  }
  if (webAcl.mode === "create") {
    for (const [group, rules] of Object.entries(webAcl.countRules ?? {})) {
      rules.forEach((rule, i) => {
        const first = rules.indexOf(rule);
        if (first !== i) fail(ctx, ["api", "webAcl", "countRules", group, i], `rule ${rule} is listed twice (also [${first}])`);
        if (/^Log4JRCE/i.test(rule)) {
          fail(
            ctx,
            ["api", "webAcl", "countRules", group, i],
            `${rule} blocks Log4j exploits (CVE-2021-44228) and stays blocking; if a web ACL of your own must treat it otherwise, give it with "mode": "existing"`,
          );
        }
      });
    }
  }
}

function checkRenames(cfg: PrivateApiConfig, ctx: Ctx): void {
  const names = new Set(cfg.services.map((s) => s.name));
  for (const [from, to] of Object.entries(cfg.renames.services)) {
    if (!names.has(to)) fail(ctx, ["renames", "services", from], `renamed to "${to}", but no service has that name`);
    if (names.has(from)) fail(ctx, ["renames", "services", from], `"${from}" is renamed, but a service still has that name`);
  }
}
