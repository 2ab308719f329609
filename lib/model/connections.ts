/**
 * Who may reach whom, on which ports: every security group rule of the stack, decided in one
 * place (after aws-cdk's `Connections`). Each rule is on the group it belongs to and names the
 * group at the other end; lib/constructs/connections.ts creates them, one function per direction.
 *
 * The paths are:
 * - NLB -> instances on each host port the NLB serves, every port of a service (egress on the NLB,
 *   ingress on the instances);
 * - ALB -> instances on each fixed host port behind the ALB, and on ECS's dynamic port range when a
 *   service uses hostPort 0;
 * - REST API bridge: NLB -> ALB on the listener port (egress on the NLB; in native mode ingress on
 *   the ALB; in lambda mode the ingress function keeps the ALB's group open to the NLB's IPs);
 * - HTTP API: VPC link -> each routed NLB listener and the ALB listener (egress on the link,
 *   ingress on the load balancer). A REST API's VPC link is PrivateLink, which security groups do
 *   not filter, so it needs no rule.
 * - Fargate services (awsvpc, a group per service): NLB -> the service on each container port the
 *   NLB serves, ALB -> the service on the container port behind it (egress on the load balancer,
 *   ingress on the service's group); the service -> the VPC endpoints' group on HTTPS, where the
 *   stack creates the endpoints (its other egress, to the S3 prefix list and the config's CIDRs,
 *   is the service's own: lib/model/stack-plan.ts).
 * Nothing else has an inbound rule.
 *
 * A group's rules of one direction are merged into port ranges only when one rule per port would
 * pass the rules-per-group quota (see `coalescePortRules`).
 */
import { coalescePortRules, type PortRule } from "./port-rules";
import { PORT_ID_MARK, portIdPart, portKey, userIdPart, USER_ID_MARK } from "./ids";
import { DYNAMIC_PORT_RANGE } from "../core/limits";

/** A security group of the stack. */
export type GroupRef =
  | { readonly kind: "nlb"; readonly index: number }
  | { readonly kind: "alb" }
  | { readonly kind: "instances" }
  | { readonly kind: "httpVpcLink" }
  /** A Fargate service's tasks. */
  | { readonly kind: "service"; readonly service: string }
  /** The interface VPC endpoints the stack creates (a peer only: their group admits the VPC's CIDR). */
  | { readonly kind: "endpoints" };

export interface SecurityGroupRule {
  readonly direction: "ingress" | "egress";
  /** The group the rule is on. */
  readonly group: GroupRef;
  /** The group at the other end. */
  readonly peer: GroupRef;
  readonly fromPort: number;
  readonly toPort: number;
  /** Construct id, part of the Terraform address. */
  readonly id: string;
  /**
   * The construct that holds the rule: the group's owner, except the native bridge's ALB rule,
   * which has always been under the bridge (its address is kept).
   */
  readonly heldBy: "owner" | "bridge";
  readonly description: string;
  /** Rules whose range can grow or merge are replaced wider-first, so no port closes in between. */
  readonly createBeforeDestroy: boolean;
  /**
   * The construct id the rule had before user names were marked (`HostPort-dynamic-ports` for a
   * service called `dynamic-ports`): a moved block from it, for stacks deployed before.
   */
  readonly movedFromId?: string;
}

/** The parts of the topology the rules follow from. */
export interface ConnectionsInput {
  readonly nlbs: readonly {
    readonly index: number;
    readonly servicePorts: readonly {
      readonly service: string;
      readonly port: number;
      readonly portId?: string;
      /** `ip`: a Fargate service's port, reached on `targetPort` in the service's group. @default "instance" */
      readonly targetType?: "instance" | "ip";
      /** @default - port */
      readonly targetPort?: number;
    }[];
  }[];
  readonly alb?: {
    readonly listenerPort: number;
    readonly targetPortRanges: readonly { readonly id: string; readonly from: number; readonly to: number }[];
    /** The Fargate services behind the ALB and their container ports. @default - none */
    readonly services?: readonly { readonly service: string; readonly hostPort: number; readonly targetType: "instance" | "ip" }[];
  };
  /** The Fargate services, and whether the stack creates the VPC endpoints they reach. @default - none */
  readonly fargate?: { readonly services: readonly string[]; readonly endpoints: boolean };
  readonly bridge?: { readonly mode: "native" | "lambda"; readonly port: number; readonly nlbIndex: number };
  readonly api: {
    readonly kind: "rest" | "http";
    readonly routes: readonly { readonly target: { readonly kind: "nlb" | "alb"; readonly service: string; readonly portId?: string } }[];
  };
}

/** A short label for a group, as the quota messages name it. */
export function describeGroup(group: GroupRef, direction: "ingress" | "egress"): string {
  const dir = direction === "ingress" ? "inbound" : "outbound";
  switch (group.kind) {
    case "instances":
      return `the ECS instances' security group (${dir})`;
    case "httpVpcLink":
      return `the HTTP API VPC link's security group (${dir})`;
    case "alb":
      return `the ALB's security group (${dir})`;
    case "nlb":
      return `the security group of NLB ${group.index + 1} (${dir})`;
    case "service":
      return `the security group of service "${group.service}"'s tasks (${dir})`;
    case "endpoints":
      return `the VPC endpoints' security group (${dir})`;
  }
}

const SERVICE_KEY = "service:";
const peerKey = (g: GroupRef): string =>
  g.kind === "nlb" ? String(g.index) : g.kind === "service" ? `${SERVICE_KEY}${g.service}` : g.kind;
const peerOfKey = (key: string): GroupRef => {
  if (/^\d+$/.test(key)) return { kind: "nlb", index: Number(key) };
  if (key.startsWith(SERVICE_KEY)) return { kind: "service", service: key.slice(SERVICE_KEY.length) };
  return { kind: key } as GroupRef;
};
/** The name a rule's description shows: a user's name without its id mark, and `orders port admin` for a further port. */
const label = (id: string): string => (id.startsWith(USER_ID_MARK) ? id.slice(USER_ID_MARK.length) : id).replace(PORT_ID_MARK, " port ");

/** Every security group rule of the topology; `quota` is the rules-per-group quota. */
export function planSecurityGroupRules(t: ConnectionsInput, quota: number): SecurityGroupRule[] {
  const rules: SecurityGroupRule[] = [];
  const nlbOf = (index: number): GroupRef => ({ kind: "nlb", index });
  /**
   * One group's rules in one direction, from entries (`group` of each is the peer's key). They are
   * merged into ranges only past the quota; a list that merged, or always may, is create-before-destroy.
   */
  const add = (
    direction: "ingress" | "egress",
    group: GroupRef,
    entries: PortRule[],
    make: (r: PortRule) => { id: string; description: string },
    mayMerge: boolean,
  ): void => {
    const merged = coalescePortRules(entries, quota);
    const didMerge = merged.length !== entries.length;
    for (const r of merged) {
      const { id, description } = make(r);
      rules.push({
        direction,
        group,
        peer: peerOfKey(r.group),
        fromPort: r.fromPort,
        toPort: r.toPort,
        id,
        heldBy: "owner",
        description,
        createBeforeDestroy: mayMerge || didMerge,
      });
    }
  };

  const onIp = (p: { targetType?: "instance" | "ip" }): boolean => p.targetType === "ip";
  const targetPortOf = (p: { port: number; targetPort?: number }): number => p.targetPort ?? p.port;
  const fargateAlbServices = (t.alb?.services ?? []).filter(onIp);

  // Load balancers -> instances.
  const instanceEntries: PortRule[] = [
    ...t.nlbs.flatMap((n) =>
      n.servicePorts.filter((p) => !onIp(p)).map((p) => ({ id: portIdPart(p), fromPort: p.port, toPort: p.port, group: String(n.index) })),
    ),
    ...(t.alb?.targetPortRanges ?? []).map((r) => ({ id: r.id, fromPort: r.from, toPort: r.to, group: "alb" })),
  ];
  add(
    "ingress",
    { kind: "instances" },
    instanceEntries,
    (r) => ({ id: `HostPort-${r.id}`, description: `${label(r.id)}: load balancer traffic and health checks` }),
    true,
  );
  for (const n of t.nlbs) {
    const entries: PortRule[] = n.servicePorts.map((p) => ({
      id: portIdPart(p),
      fromPort: targetPortOf(p),
      toPort: targetPortOf(p),
      group: onIp(p) ? peerKey({ kind: "service", service: p.service }) : "instances",
    }));
    if (t.bridge && t.bridge.nlbIndex === n.index) {
      entries.push({ id: "alb-bridge", fromPort: t.bridge.port, toPort: t.bridge.port, group: "alb" });
    }
    add(
      "egress",
      nlbOf(n.index),
      entries,
      (r) => ({ id: `EgressToTargets-${r.id}`, description: `${label(r.id)}: forwarding and health checks to the targets` }),
      false,
    );
  }
  if (t.alb) {
    add(
      "egress",
      { kind: "alb" },
      [
        ...t.alb.targetPortRanges.map((r) => ({ id: r.id, fromPort: r.from, toPort: r.to, group: "instances" })),
        ...fargateAlbServices.map((s) => ({
          id: userIdPart(s.service),
          fromPort: s.hostPort,
          toPort: s.hostPort,
          group: peerKey({ kind: "service", service: s.service }),
        })),
      ],
      (r) =>
        r.group === "instances"
          ? { id: `EgressToTargets-${r.id}`, description: `${label(r.id)}: forwarding and health checks to the ECS instances` }
          : { id: `EgressToTargets-${r.id}`, description: `${label(r.id)}: forwarding and health checks to the Fargate tasks` },
      false,
    );
  }

  // Load balancers -> Fargate tasks, each service's group admitting exactly its load balancers on its container ports.
  for (const service of t.fargate?.services ?? []) {
    const entries: PortRule[] = [
      ...t.nlbs.flatMap((n) =>
        n.servicePorts
          .filter((p) => onIp(p) && p.service === service)
          .map((p) => ({ id: portIdPart(p), fromPort: targetPortOf(p), toPort: targetPortOf(p), group: String(n.index) })),
      ),
      ...fargateAlbServices
        .filter((s) => s.service === service)
        .map((s) => ({ id: `${userIdPart(s.service)}-alb`, fromPort: s.hostPort, toPort: s.hostPort, group: "alb" })),
    ];
    const group: GroupRef = { kind: "service", service };
    add(
      "ingress",
      group,
      entries,
      (r) => ({ id: `IngressFrom-${r.id}`, description: `${label(r.id.replace(/-alb$/, ""))}: load balancer traffic and health checks` }),
      false,
    );
    if (t.fargate?.endpoints) {
      add(
        "egress",
        group,
        [{ id: "vpc-endpoints", fromPort: 443, toPort: 443, group: "endpoints" }],
        () => ({ id: "EgressToEndpoints", description: "HTTPS to the VPC endpoints: image pull, logs, secrets" }),
        false,
      );
    }
  }

  // The REST API bridge, NLB -> ALB (the NLB's egress is above).
  if (t.bridge?.mode === "native") {
    rules.push({
      direction: "ingress",
      group: { kind: "alb" },
      peer: nlbOf(t.bridge.nlbIndex),
      fromPort: t.bridge.port,
      toPort: t.bridge.port,
      id: "AlbIngressFromNlb",
      heldBy: "bridge",
      description: "The NLB bridge (its security group) on the ALB listener port",
      createBeforeDestroy: false,
    });
  }

  // HTTP API VPC link -> the listeners its routes use.
  if (t.api.kind === "http") {
    // The NLB listeners routes reach, by their key (lib/model/ids.ts).
    const routed = new Set(t.api.routes.filter((r) => r.target.kind === "nlb").map((r) => portKey(r.target)));
    for (const n of t.nlbs) {
      add(
        "ingress",
        nlbOf(n.index),
        n.servicePorts
          .filter((p) => routed.has(portKey(p)))
          .map((p) => ({ id: `http-api-${portKey(p)}`, fromPort: p.port, toPort: p.port, group: "httpVpcLink" })),
        (r) => ({ id: `IngressFrom-${r.id}`, description: `${label(r.id)}: HTTP API VPC link to the listener` }),
        false,
      );
    }
    if (t.alb) {
      const port = t.alb.listenerPort;
      add(
        "ingress",
        { kind: "alb" },
        [{ id: "http-api", fromPort: port, toPort: port, group: "httpVpcLink" }],
        (r) => ({ id: `IngressFrom-${r.id}`, description: `${r.id}: HTTP API VPC link to the listener` }),
        false,
      );
    }
    add(
      "egress",
      { kind: "httpVpcLink" },
      [
        ...t.nlbs.flatMap((n) =>
          n.servicePorts
            .filter((p) => routed.has(portKey(p)))
            .map((p) => ({ id: `nlb-${portKey(p)}`, fromPort: p.port, toPort: p.port, group: String(n.index) })),
        ),
        ...(t.alb ? [{ id: "alb", fromPort: t.alb.listenerPort, toPort: t.alb.listenerPort, group: "alb" }] : []),
      ],
      (r) => ({ id: `EgressToTargets-${r.id}`, description: `${label(r.id)}: HTTP API VPC link to the load balancer listener` }),
      true,
    );
  }
  return withMovesFromUnmarkedIds(rules);
}

/**
 * A rule whose id holds a marked user name had the unmarked id before; where no other rule of the
 * same holder has that id now (if one has, the config could not be synthesised before), the rule
 * moves from it.
 */
function withMovesFromUnmarkedIds(rules: SecurityGroupRule[]): SecurityGroupRule[] {
  const scopeKey = (r: SecurityGroupRule): string => (r.heldBy === "bridge" ? "bridge" : holderOf(r.group));
  const taken = new Set(rules.map((r) => `${scopeKey(r)}/${r.id}`));
  return rules.map((r) => {
    // Ids of further ports are newer than the marks: they never had an unmarked form.
    if (!r.id.includes(USER_ID_MARK) || r.id.includes(PORT_ID_MARK)) return r;
    const unmarked = r.id.replace(USER_ID_MARK, "");
    return taken.has(`${scopeKey(r)}/${unmarked}`) ? r : { ...r, movedFromId: unmarked };
  });
}

/** The construct a group's rules are created under (rules of both directions share it). */
function holderOf(group: GroupRef): string {
  return group.kind === "nlb" ? `nlb:${group.index}` : peerKey(group);
}

/** Rules per group and direction, for the quota check. */
export function rulesPerGroup(rules: readonly SecurityGroupRule[]): { group: GroupRef; direction: "ingress" | "egress"; count: number }[] {
  const counts = new Map<string, { group: GroupRef; direction: "ingress" | "egress"; count: number }>();
  for (const r of rules) {
    const key = `${r.direction}:${peerKey(r.group)}`;
    const entry = counts.get(key) ?? { group: r.group, direction: r.direction, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()];
}

/**
 * The instance ports the ALB's services listen on, as ranges: `id` is the rule's id part (a
 * service's, or `dynamic-ports` for ECS's dynamic range), `name` what its description shows.
 */
export function targetPortRanges(
  services: readonly { readonly service: string; readonly hostPort: number }[],
): { id: string; name: string; from: number; to: number }[] {
  const ranges = services
    .filter((s) => s.hostPort !== 0)
    .map((s) => ({ id: userIdPart(s.service), name: s.service, from: s.hostPort, to: s.hostPort }));
  if (services.some((s) => s.hostPort === 0))
    ranges.push({ id: "dynamic-ports", name: "dynamic-ports", from: DYNAMIC_PORT_RANGE.from, to: DYNAMIC_PORT_RANGE.to });
  return ranges;
}
