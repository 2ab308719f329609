/**
 * A Mermaid flowchart of what a validated config builds: clients, the API, its VPC link, the
 * internal NLB (one edge per listener, every port of a service), the internal ALB (one edge per path pattern), the ECS
 * services (on EC2, joined to the cluster's EC2 capacity; on Fargate, with no instances and their capacity
 * provider strategy) and, in lambda bridge mode, the bridge's two functions. Pure: the same config always
 * gives the same text. It draws the topology PrivateApiStack builds (lib/model/topology.ts), so
 * the picture is of the real stack, not of an idealised one.
 */
import { shardSuffix } from "./model/ids";
import type { FargatePlan, StackPlan } from "./model/stack-plan";

/** Marks the README block that `npm run diagram` owns. */
export const DIAGRAM_START_MARKER = "<!-- diagram:start";
export const DIAGRAM_END_MARKER = "<!-- diagram:end -->";

/** Words Mermaid's flowchart grammar reserves; never used as node ids. */
const RESERVED_IDS = new Set(["end", "graph", "flowchart", "subgraph", "click", "style", "class", "classDef", "linkStyle", "default"]);

/** A valid Mermaid node id: a letter, then letters, digits and underscores. */
export const MERMAID_ID = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Text for inside a quoted label: Mermaid entity codes for the characters that would end the
 * label or be read as markup. Fixed text of ours (`<br/>`, `->`) is added after escaping.
 */
export function escapeLabel(text: string): string {
  return text.replace(/[#"<>|&]/g, (c) => `#${c.charCodeAt(0)};`);
}

/**
 * Renders the plan of a stack (lib/model/stack-plan.ts) as Mermaid `flowchart LR` source (no
 * fences). Past 50 ports there is one NLB node per NLB, each with the listeners its placement puts
 * on it, so pass the plan made with the config's ledger.
 */
export function renderMermaid(plan: StackPlan): string {
  const topology = plan.topology;
  const ids = new IdAllocator();
  const nodes: string[] = [];
  const vpcNodes: string[] = [];
  const edges: string[] = [];
  const edge = (from: string, to: string, label?: string, dotted = false): void => {
    const arrow = dotted ? "-.->" : "-->";
    edges.push(label === undefined ? `${from} ${arrow} ${to}` : `${from} ${arrow}|"${label}"| ${to}`);
  };

  const rest = topology.api.kind === "rest";
  const client = ids.take("client");
  nodes.push(`${client}(["API clients"])`);
  const api = ids.take("api");
  nodes.push(`${api}["${apiLabel(plan)}"]`);
  edge(client, api, "HTTPS");
  const link = ids.take("vpc_link");
  const nlbCount = topology.nlbs.length;
  const restLinks = nlbCount > 1 ? `${nlbCount} VPC Links (REST), one per NLB` : "VPC Link (REST)";
  nodes.push(`${link}[["${rest ? restLinks : "VPC Link v2 (HTTP API)"}"]]`);
  edge(api, link);

  const serviceIds = new Map(plan.services.map((s) => [s.name, ids.take(`svc_${s.name}`)]));
  const serviceId = (name: string): string => serviceIds.get(name) as string;

  const nlbIds = new Map<number, string>();
  for (const n of topology.nlbs) nlbIds.set(n.index, ids.take(`nlb${shardSuffix(n.index, "_")}`));
  const nlbId = (index: number): string => nlbIds.get(index) as string;
  const bridge = topology.bridge;
  const albModel = topology.alb;
  const alb = albModel ? ids.take("alb") : undefined;
  for (const n of topology.nlbs) {
    const id = nlbId(n.index);
    vpcNodes.push(`${id}["internal NLB${nlbIds.size > 1 ? ` ${n.index + 1}` : ""}"]`);
    edge(link, id);
  }
  for (const s of topology.services) {
    for (const p of s.ports) {
      if (p.nlbIndex === undefined) continue;
      // EC2: the listener port is the instance port. Fargate: the listener forwards to the task's container port.
      const label = s.compute === "fargate" ? `TCP ${p.listenerPort} -> ${p.containerPort}` : `TCP ${p.hostPort}`;
      edge(nlbId(p.nlbIndex), serviceId(s.name), label);
    }
  }
  if (bridge && alb) edge(nlbId(bridge.nlbIndex), alb, `TCP ${bridge.port}, bridge (${bridge.mode})`);
  if (alb && albModel) {
    vpcNodes.push(`${alb}["internal ALB<br/>${albModel.https ? "HTTPS" : "HTTP"} ${albModel.listenerPort}"]`);
    // An HTTP API's VPC link reaches the ALB listener directly; a REST API only through the bridge.
    if (!rest) edge(link, alb);
    for (const svc of albModel.services) {
      if (svc.pathPatterns.length === 0) edge(alb, serviceId(svc.service), "no route", true);
      for (const pattern of svc.pathPatterns) edge(alb, serviceId(svc.service), escapeLabel(pattern));
    }
  }
  const planOf = new Map(plan.services.map((s) => [s.name, s]));
  for (const svc of topology.services) {
    const fargate = planOf.get(svc.name)?.fargate;
    // EC2: the first port as it always was drawn (`hostPort 10000 -> 8080`), each further one by its name.
    // Fargate has no host port: a port the NLB serves shows its listener port, one behind the ALB its container port.
    const ports = svc.ports.map((p) => {
      const first = p.index === 0;
      if (svc.compute === "fargate") {
        const name = first ? "" : `${escapeLabel(p.name ?? "")} `;
        return p.via === "nlb"
          ? `${name}${first ? "listenerPort " : ""}${p.listenerPort} -> ${p.containerPort}`
          : `${name}containerPort ${p.containerPort}`;
      }
      const host = p.hostPort === 0 ? "dynamic" : String(p.hostPort);
      return `${first ? "hostPort" : escapeLabel(p.name ?? "")} ${host} -> ${p.containerPort}`;
    });
    const tasks = planOf.get(svc.name)?.autoscaling;
    const scaling = tasks ? `<br/>tasks ${tasks.minCapacity}-${tasks.maxCapacity}` : "";
    const compute = fargate ? `<br/>${fargateLabel(fargate)}` : "";
    vpcNodes.push(`${serviceId(svc.name)}["ECS service ${escapeLabel(svc.name)}<br/>${ports.join(", ")}${compute}${scaling}"]`);
  }
  // The cluster's EC2 capacity, joined to the services on EC2; none where every service runs on Fargate.
  const onEc2 = plan.services.filter((s) => s.compute === "ec2");
  if (onEc2.length > 0 && plan.cluster.props.ec2Capacity !== false) {
    const asg = ids.take("asg");
    vpcNodes.push(`${asg}[("${clusterLabel(plan)}")]`);
    for (const svc of onEc2) edges.push(`${serviceId(svc.name)} --- ${asg}`);
  }

  const lambdas: string[] = [];
  const functions = plan.bridge?.functionNames;
  if (bridge?.mode === "lambda" && alb && functions) {
    const nlb = nlbId(bridge.nlbIndex);
    const sync = ids.take("fn_nlb_target_sync");
    const ingress = ids.take("fn_alb_ingress_from_nlb");
    lambdas.push(sync, ingress);
    vpcNodes.push(`${sync}["Lambda ${escapeLabel(functions.nlbTargetSync)}<br/>${escapeLabel(plan.bridge?.props.syncSchedule ?? "")}"]`);
    vpcNodes.push(`${ingress}["Lambda ${escapeLabel(functions.albIngress)}"]`);
    edge(sync, nlb, "registers ALB IPs", true);
    edge(ingress, alb, "admits NLB IPs", true);
  }

  const vpc = ids.take("vpc");
  const lines = [
    "flowchart LR",
    ...nodes.map((n) => `  ${n}`),
    `  subgraph ${vpc} ["${escapeLabel(vpcTitle(plan))}"]`,
    ...vpcNodes.map((n) => `    ${n}`),
    "  end",
    ...edges.map((e) => `  ${e}`),
  ];
  if (lambdas.length > 0) {
    lines.push("  classDef lambda stroke-dasharray: 5 5");
    lines.push(`  class ${lambdas.join(",")} lambda`);
  }
  return lines.join("\n");
}

/**
 * `Fargate (no instances), ARM64`, and the capacity provider strategy where it is not the default
 * all on FARGATE: `Fargate Spot: FARGATE base 1 weight 1, FARGATE_SPOT weight 3`.
 */
function fargateLabel(f: FargatePlan): string {
  const strategy = f.capacityProviderStrategy;
  const onDemandOnly = strategy.every((e) => e.capacityProvider === "FARGATE");
  const arch = f.architecture === "ARM64" ? ", ARM64" : "";
  if (onDemandOnly && strategy.length === 1 && !strategy[0].base) return `Fargate (no instances)${arch}`;
  const entries = strategy.map((e) => `${e.capacityProvider}${e.base ? ` base ${e.base}` : ""} weight ${e.weight}`);
  return `${onDemandOnly ? "Fargate" : "Fargate Spot"} (no instances)${arch}<br/>${entries.join(", ")}`;
}

/** The cluster's EC2 capacity, or the existing cluster the services join. */
function clusterLabel(plan: StackPlan): string {
  const c = plan.cluster.props;
  if (c.existing) return `existing ECS cluster ${escapeLabel(c.existing.clusterName)}<br/>its own EC2 capacity`;
  const managed = c.capacityProvider ? `<br/>capacity provider, target ${c.capacityProvider.targetCapacityPercent} %` : "";
  return `EC2 autoscaling group<br/>${escapeLabel(c.instanceType ?? "")}, ${c.minSize}-${c.maxSize} instances, no public IPs${managed}`;
}

function vpcTitle(plan: StackPlan): string {
  const net = plan.network.props;
  return net.existing
    ? `existing VPC ${net.existing.vpcId} (${net.vpcCidr}): private subnets`
    : `new VPC ${net.vpcCidr}: private subnets only`;
}

/** `API Gateway REST API<br/>stage v1<br/>default auth AWS_IAM (SigV4)`, plus authorizers and open routes. */
function apiLabel(plan: StackPlan): string {
  const api = plan.api;
  const lines = [`API Gateway ${api.kind === "rest" ? "REST" : "HTTP"} API`, `stage ${escapeLabel(api.props.stageName)}`];
  lines.push("default auth AWS_IAM (SigV4)");
  const authorizers: string[] = [];
  let open = 0;
  for (const route of plan.topology.api.routes) {
    const auth = route.authorization;
    if (auth === "NONE") open += route.methods.length;
    else if (typeof auth === "object" && !authorizers.includes(auth.authorizer)) authorizers.push(auth.authorizer);
  }
  if (authorizers.length > 0) {
    const described = authorizers.map((name) => `${escapeLabel(name)} (${api.props.authorizers[name]?.type ?? "unknown"})`);
    lines.push(`authorizers: ${described.join(", ")}`);
  }
  if (open > 0) lines.push(`${open} open method${open === 1 ? "" : "s"} (NONE)`);
  return lines.join("<br/>");
}

/** Hands out valid, unique node ids derived from names. */
class IdAllocator {
  private readonly used = new Set<string>();

  take(base: string): string {
    let id = base.replace(/[^A-Za-z0-9_]/g, "_");
    if (!/^[A-Za-z]/.test(id)) id = `n_${id}`;
    if (RESERVED_IDS.has(id)) id = `${id}_node`;
    let candidate = id;
    for (let i = 2; this.used.has(candidate); i++) candidate = `${id}_${i}`;
    this.used.add(candidate);
    return candidate;
  }
}

/** The mermaid source in the README's generated block, or undefined without a well-formed block. */
export function readDiagramBlock(readme: string): string | undefined {
  const range = blockRange(readme);
  if (!range) return undefined;
  const body = readme.slice(range.start, range.end);
  const match = /^```mermaid\n([\s\S]*?)\n```\n$/.exec(body);
  return match ? match[1] : undefined;
}

/** The README with its generated block replaced by this mermaid source, fenced. */
export function writeDiagramBlock(readme: string, mermaid: string): string {
  const range = blockRange(readme);
  if (!range) throw new Error(`README has no "${DIAGRAM_START_MARKER} ... -->" ... "${DIAGRAM_END_MARKER}" block`);
  return `${readme.slice(0, range.start)}\`\`\`mermaid\n${mermaid}\n\`\`\`\n${readme.slice(range.end)}`;
}

/** Offsets of the text between the start marker's line and the end marker. */
function blockRange(readme: string): { start: number; end: number } | undefined {
  const markerAt = readme.indexOf(DIAGRAM_START_MARKER);
  if (markerAt < 0) return undefined;
  const lineEnd = readme.indexOf("\n", markerAt);
  const end = readme.indexOf(DIAGRAM_END_MARKER, markerAt);
  if (lineEnd < 0 || end < 0 || end <= lineEnd) return undefined;
  return { start: lineEnd + 1, end };
}
