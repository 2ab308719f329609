/**
 * The changes the upgrade-safety tests make to the default config and every example (adding or
 * removing one route or one service, autoscaling a service), and how they compare two synths. upgrade-safety.test.ts
 * compares the synths; upgrade-safety.process.test.ts plans the changed configs with Terraform.
 */
import { albPathPattern, parseRoutePath, pathId } from "../../lib/core/paths";
import type { PrivateApiConfigInput } from "../../lib/config/schema";
import { DEFAULT_CLUSTER_MIN_SIZE, DEFAULT_DESIRED_COUNT } from "../../lib/core/defaults";
import { allConfigs } from "../helpers/fixtures";
import type { TerraformJson } from "../helpers/synth";

/** A config as these changes edit it: the input type, which the examples and the default are. */
export type Input = PrivateApiConfigInput;
type Service = Input["services"][number];
export type Owner = (address: string, attrs: Record<string, unknown>) => boolean;
/**
 * `owner`: the resources the change may add or remove; `mayChange`: existing ones it may alter
 * (default: the same); `redeploys`: whether it changes the API, so that its deployment is replaced
 * (default true; a change inside a container leaves the API and its deployment alone).
 */
export type Change = { name: string; change: (cfg: Input) => void; owner: Owner; mayChange?: Owner; redeploys?: boolean };

/**
 * address -> attributes, without CDKTF's `//` metadata (construct paths, part of the address anyway)
 * and without `depends_on`, a meta-argument that orders operations and never shows in a plan (an
 * ECS service waits for its ALB rules, so a new rule changes the list).
 */
function byAddress(json: TerraformJson): Map<string, string> {
  const out = new Map<string, string>();
  for (const [type, byId] of Object.entries(json.resource)) {
    for (const [id, attrs] of Object.entries(byId)) {
      const { "//": _metadata, depends_on: _dependsOn, ...rest } = attrs;
      out.set(`${type}.${id}`, JSON.stringify(rest));
    }
  }
  return out;
}

/** What differs between two synths: addresses added, removed, and present in both with other attributes. */
export function diff(before: TerraformJson, after: TerraformJson): { added: string[]; removed: string[]; changed: string[] } {
  const a = byAddress(before);
  const b = byAddress(after);
  return {
    added: [...b.keys()].filter((k) => !a.has(k)),
    removed: [...a.keys()].filter((k) => !b.has(k)),
    changed: [...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k)),
  };
}

/** Whether a resource belongs to a route: its API resources, methods, integrations or routes, or the ALB rule of its path pattern. */
export function ofRoute(path: string, address: string, attrs: Record<string, unknown>): boolean {
  const segments = parseRoutePath(path);
  if (typeof segments === "string") throw new Error(segments);
  if (address.startsWith("aws_lb_listener_rule.")) return JSON.stringify(attrs).includes(JSON.stringify(albPathPattern(segments)));
  // Its own methods and integrations, and the API resources of its path and of each parent path
  // (created with the first route under them, deleted with the last).
  const fragments = segments.map((_, i) => pathId(segments.slice(0, i + 1)).replace(/[^A-Za-z0-9-]/g, ""));
  const id = address.split(".")[1] ?? "";
  return id.includes(`-${routeFragment(path)}-`) || fragments.some((f) => id.startsWith(`Api_Resource-${f}_`));
}

/** The construct-id fragment a route path contributes to its resources' logical ids (dashes kept, braces and colons dropped). */
export function routeFragment(path: string): string {
  const segments = parseRoutePath(path);
  if (typeof segments === "string") throw new Error(segments);
  return pathId(segments).replace(/[^A-Za-z0-9-]/g, "");
}

export const PROBE_PATH = "/upgrade-probe/{id}";

/** Resources every route change may touch: the deployment is replaced (that is the redeploy), the stage follows it. */
export function redeploy(address: string): boolean {
  return address.startsWith("aws_api_gateway_deployment.") || address.startsWith("aws_apigatewayv2_deployment.");
}

/** The instances' host-port rules, once merged into port ranges, belong to whichever services fall in the range. */
export function mergedPortRule(address: string): boolean {
  return /_HostPort-Ports-\d+-\d+_/.test(address) || /_EgressToTargets-Ports-\d+-\d+_/.test(address);
}

/**
 * ALB listener rules are ordered by specificity, so a new path pattern can renumber the others
 * (an in-place priority update, never a replacement): only `priority` may differ.
 */
export function albRulePriorityOnly(before: TerraformJson, after: TerraformJson, address: string): boolean {
  if (!address.startsWith("aws_lb_listener_rule.")) return false;
  const id = address.split(".")[1];
  const { priority: _a, ...restBefore } = before.resource.aws_lb_listener_rule?.[id] ?? {};
  const { priority: _b, ...restAfter } = after.resource.aws_lb_listener_rule?.[id] ?? {};
  return JSON.stringify(restBefore) === JSON.stringify(restAfter);
}

/** A listener's or security group rule's port, as text ("" if it has none). */
function portOf(attrs: Record<string, unknown>): string {
  const port = attrs.port ?? attrs.from_port;
  return typeof port === "number" || typeof port === "string" ? String(port) : "";
}

/** NLB ports of a service as written: its one hostPort (EC2) or listenerPort (Fargate), or each of its ports'. */
function hostPortsOf(s: Service): number[] {
  return s.ports ? s.ports.map((p) => p.hostPort ?? p.listenerPort ?? 0) : [s.hostPort ?? s.listenerPort ?? 0];
}

function containerPortsOf(s: Service): number[] {
  return s.ports ? s.ports.map((p) => p.containerPort) : [s.containerPort ?? 0];
}

/**
 * Gives a service one more port: a one-port service gets `ports`, its own port first (named
 * "main"), which keeps every address and attribute the one port had.
 */
export function addPort(svc: Service, port: NonNullable<Service["ports"]>[number]): void {
  if (!svc.ports) {
    const main = svc.fargate ? { listenerPort: svc.listenerPort } : { hostPort: svc.hostPort as number };
    svc.ports = [{ name: "main", containerPort: svc.containerPort as number, ...main, healthCheck: svc.healthCheck }];
    delete svc.containerPort;
    delete svc.hostPort;
    delete svc.listenerPort;
    delete svc.healthCheck;
  }
  // A Fargate port's NLB port is its listenerPort (its host port is its container port).
  if (svc.fargate && port.hostPort !== undefined) {
    const { hostPort, ...rest } = port;
    svc.ports.push({ ...rest, listenerPort: hostPort });
  } else svc.ports.push(port);
}

export function changesFor(base: Input): Change[] {
  const { services, routes } = base;
  const nlbService = services.find((s) => (s.via ?? "nlb") === "nlb") ?? services[0];
  const noNlb = !services.some((s) => (s.via ?? "nlb") === "nlb");
  // A service whose kind (NLB or ALB) another service shares: removing it leaves every load balancer in place.
  const kind = (s: Service) => s.via ?? "nlb";
  const removable = [...services].reverse().find((s) => services.filter((o) => kind(o) === kind(s)).length > 1);
  const usedPorts = services.flatMap(hostPortsOf);
  const newPort = Math.max(10000, ...usedPorts) + 1;
  // A one-port service like the first NLB service (its first port, when it has several).
  const template = structuredClone(nlbService);
  const first = template.ports?.[0];
  delete template.ports;
  const newService: Service = {
    ...template,
    name: "probe",
    containerPort: first?.containerPort ?? template.containerPort,
    // On Fargate the NLB port is listenerPort (the host port is the container port).
    ...(template.fargate ? { listenerPort: newPort } : { hostPort: newPort }),
    healthCheck: first?.healthCheck ?? template.healthCheck,
    via: "nlb",
  };
  delete newService.environment;
  // Scaling on ALB requests needs an ALB; the probe is on the NLB (a template from an ALB-only config has it).
  if (newService.autoscaling?.requestsPerTarget !== undefined) delete newService.autoscaling;
  // The new NLB port of "adding a port": past every host port, and past the new service's.
  const portProbePort = newPort + 1;
  const changes: Change[] = [
    {
      name: "adding a route",
      change: (cfg) => cfg.routes.push({ path: PROBE_PATH, methods: ["GET"], service: nlbService.name }),
      owner: (address) => address.includes(routeFragment("/upgrade-probe")) || address.includes(routeFragment(PROBE_PATH)),
    },
    {
      name: "adding a service (with its route)",
      change: (cfg) => {
        cfg.services.push(newService);
        cfg.routes.push({ path: PROBE_PATH, methods: ["GET"], service: "probe" });
      },
      owner: (address, attrs) =>
        /probe/.test(address) ||
        /probe/.test(JSON.stringify(attrs)) ||
        portOf(attrs) === String(newPort) ||
        // A new port past a full NLB opens the next NLB, with its own security group and VPC link.
        /(^|\.)(Nlb-\d+|Api_VpcLink-\d+)_/.test(address.split(".")[1] ?? "") ||
        // In a config with no NLB service (every service behind the ALB), the probe brings the first NLB.
        (noNlb && /^Nlb_/.test(address.split(".")[1] ?? "")),
      // An existing resource may change only where it names the new service.
      mayChange: (address, attrs) => /probe/.test(address) || /probe/.test(JSON.stringify(attrs)),
    },
    {
      name: "adding a port to a service",
      change: (cfg) => {
        const svc = cfg.services.find((s) => s.name === nlbService.name) as Service;
        addPort(svc, { name: "probe", containerPort: Math.max(...containerPortsOf(svc)) + 1, hostPort: portProbePort });
      },
      // The port's own listener, target group and security group rules (ids `...-Port-probe`), and
      // a next NLB if the port is past a full one.
      owner: (address, attrs) =>
        address.includes("-Port-probe") ||
        portOf(attrs) === String(portProbePort) ||
        /(^|\.)(Nlb-\d+|Api_VpcLink-\d+)_/.test(address.split(".")[1] ?? "") ||
        (noNlb && /^Nlb_/.test(address.split(".")[1] ?? "")),
      // Of what exists, only the service's ECS service (one more load_balancer block) and its task
      // definition (one more port mapping).
      mayChange: (address) =>
        new RegExp(`^aws_ecs_service\\.Service-${nlbService.name}_[0-9A-F]+$`).test(address) ||
        address.startsWith(`aws_ecs_task_definition.Service-${nlbService.name}_TaskDefinition_`),
      redeploys: false,
    },
  ];
  // A secret changes what the container reads and what its execution role may read: those two
  // resources of that one service, nothing else (no role, no service, no other task definition).
  const secretOwner = (address: string) =>
    address.startsWith(`aws_ecs_task_definition.Service-${nlbService.name}_TaskDefinition_`) ||
    address.startsWith(`aws_iam_role_policy.Service-${nlbService.name}_ExecutionRolePolicy_`);
  changes.push({
    name: "adding a secret to a service",
    change: (cfg) => {
      const svc = cfg.services.find((s) => s.name === nlbService.name) as Service;
      svc.secrets = {
        ...svc.secrets,
        UPGRADE_PROBE_SECRET: `arn:aws:secretsmanager:${base.region}:123456789012:secret:upgrade-probe-AbCdEf`,
      };
    },
    // The first Secrets Manager secret of a stack that has none brings the endpoint its tasks read it through.
    owner: (address) => address.startsWith("aws_vpc_endpoint.Network_Endpoint-secretsmanager_"),
    mayChange: secretOwner,
    redeploys: false,
  });
  const scaled = autoscalable(base);
  if (scaled) {
    const ecsService = (address: string) => address.startsWith(`aws_ecs_service.Service-${scaled.service.name}_`);
    changes.push({
      name: "adding autoscaling to a service",
      change: (cfg) => {
        const svc = cfg.services.find((s) => s.name === scaled.service.name) as Service;
        svc.autoscaling = scaled.autoscaling;
      },
      // Its scalable target and policy, nothing else.
      owner: (address) => address.includes(`.Service-${scaled.service.name}_Autoscaling_`),
      // The ECS service alone changes: it leaves desired_count to the policies from now on.
      mayChange: (address) => ecsService(address),
      redeploys: false,
    });
  }
  if (routes.length > 1) {
    const last = routes[routes.length - 1];
    changes.push({
      name: "removing a route",
      change: (cfg) => cfg.routes.pop(),
      owner: (address, attrs) => ofRoute(last.path, address, attrs),
    });
  }
  if (removable && routes.some((r) => r.service !== removable.name)) {
    const itsRoutes = routes.filter((r) => r.service === removable.name);
    changes.push({
      name: "removing a service (with its routes)",
      change: (cfg) => {
        cfg.services = cfg.services.filter((s) => s.name !== removable.name);
        cfg.routes = cfg.routes.filter((r) => r.service !== removable.name);
        if (cfg.renames?.services) delete cfg.renames.services[removable.name];
      },
      owner: (address, attrs) =>
        address.includes(`-${removable.name}_`) ||
        address.includes(`-${removable.name}-`) ||
        JSON.stringify(attrs).includes(`/${removable.name}`) ||
        itsRoutes.some((r) => ofRoute(r.path, address, attrs)),
    });
  }
  return changes;
}

/**
 * A service that can be autoscaled without other changes, and autoscaling it can take: from its
 * desiredCount up, on CPU. A fixed host port on the EC2 launch type may not scale past the
 * cluster's minimum (nothing would add instances), so it scales to at most that; a dynamic port
 * (several tasks per instance) goes two tasks higher.
 */
function autoscalable(cfg: Input): { service: Service; autoscaling: NonNullable<Service["autoscaling"]> } | undefined {
  const minSize = cfg.cluster?.minSize ?? DEFAULT_CLUSTER_MIN_SIZE;
  for (const service of cfg.services) {
    // Adding autoscaling: to a service that has none yet.
    if (service.autoscaling) continue;
    const desired = service.desiredCount ?? DEFAULT_DESIRED_COUNT;
    // Fargate tasks take no instance port: nothing limits how many run.
    const fixed = !service.fargate && hostPortsOf(service).some((p) => p !== 0);
    const max = fixed ? Math.max(desired, minSize) : desired + 2;
    if (fixed && max > minSize && !cfg.cluster?.existing) continue;
    return { service, autoscaling: { min: desired, max, cpuPercent: 60 } };
  }
  return undefined;
}

/** The default and every example but adopt-existing (whose resources are all adopted ones). */
export const examples = allConfigs().filter(([name]) => name !== "examples/adopt-existing.json");

/**
 * Moves one EC2 service to Fargate, as a user would edit its config: `fargate` added, a valid
 * Fargate cpu/memory pair (256/512), no hostPort, and listenerPort set to the old hostPort so its
 * NLB listener port (and the REST integrations that name it) stay.
 */
export function switchToFargate(cfg: Input, name: string): void {
  const svc = cfg.services.find((s) => s.name === name);
  if (!svc) throw new Error(`no service ${name}`);
  if (svc.ports) throw new Error(`switchToFargate: ${name} has several ports; this change is for one-port services`);
  svc.fargate = {};
  svc.cpu = 256;
  svc.memory = 512;
  svc.listenerPort = svc.hostPort;
  delete svc.hostPort;
}
