/**
 * A Mermaid flowchart of what a validated config builds: clients, the API, its VPC link, the
 * internal NLB (one edge per listener), the internal ALB (one edge per path pattern), the ECS
 * services and, in lambda bridge mode, the bridge's two functions. Pure: the same config always
 * gives the same text. It mirrors PrivateApiStack's decisions (which load balancers exist, which
 * listeners they have), so the picture is of the real topology, not of an idealised one.
 */
import { albPathPattern, parseRoutePath } from "./config/paths";
import type { PrivateApiConfig, RouteConfig } from "./config/schema";
import { bridgeMode, bridgePort, nlbPorts } from "./config/semantics";
import { assignNlbShards, nlbIndexOf, type NlbShardLedger } from "./config/shards";

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
 * Renders the topology of a validated config as Mermaid `flowchart LR` source (no fences).
 * `nlbShards` is the config's NLB shard ledger, when it has one: past 50 ports there is one NLB
 * node per NLB, each with the listeners the ledger puts on it.
 */
export function renderMermaid(config: PrivateApiConfig, nlbShards?: NlbShardLedger): string {
  const ids = new IdAllocator();
  const nodes: string[] = [];
  const vpcNodes: string[] = [];
  const edges: string[] = [];
  const edge = (from: string, to: string, label?: string, dotted = false): void => {
    const arrow = dotted ? "-.->" : "-->";
    edges.push(label === undefined ? `${from} ${arrow} ${to}` : `${from} ${arrow}|"${label}"| ${to}`);
  };

  const rest = config.api.type === "rest";
  const nlbServices = config.services.filter((s) => s.via === "nlb");
  const albServices = config.services.filter((s) => s.via === "alb");
  const mode = bridgeMode(config);
  const port = bridgePort(config);
  const albHttps = config.alb?.certificateArn !== undefined;

  const client = ids.take("client");
  nodes.push(`${client}(["API clients"])`);
  const api = ids.take("api");
  nodes.push(`${api}["${apiLabel(config)}"]`);
  edge(client, api, "HTTPS");
  const ledger = assignNlbShards(nlbPorts(config), nlbShards);
  const nlbCount = ledger.nlbs.filter((ports, i) => i === 0 || ports.length > 0).length;
  const link = ids.take("vpc_link");
  const restLinks = nlbCount > 1 ? `${nlbCount} VPC Links (REST), one per NLB` : "VPC Link (REST)";
  nodes.push(`${link}[["${rest ? restLinks : "VPC Link v2 (HTTP API)"}"]]`);
  edge(api, link);

  const serviceIds = new Map(config.services.map((s) => [s.name, ids.take(`svc_${s.name}`)]));
  const serviceId = (name: string): string => serviceIds.get(name) as string;

  // As in PrivateApiStack: a REST API always has the NLB; an HTTP API only for via "nlb" services.
  const hasNlb = rest || nlbServices.length > 0;
  const hasBridge = albServices.length > 0 && mode !== "none";
  const nlbIds = new Map<number, string>();
  if (hasNlb) {
    ledger.nlbs.forEach((ports, i) => {
      if (i === 0 || ports.length > 0) nlbIds.set(i, ids.take(i === 0 ? "nlb" : `nlb_${i + 1}`));
    });
  }
  const nlbOfPort = (p: number): string => nlbIds.get(nlbIndexOf(ledger, p)) as string;
  const nlb = hasBridge && hasNlb ? nlbOfPort(port) : nlbIds.get(0);
  const alb = albServices.length > 0 ? ids.take("alb") : undefined;
  for (const [i, id] of nlbIds) {
    vpcNodes.push(`${id}["internal NLB${nlbIds.size > 1 ? ` ${i + 1}` : ""}"]`);
    edge(link, id);
  }
  if (hasNlb) {
    for (const svc of nlbServices) edge(nlbOfPort(svc.hostPort), serviceId(svc.name), `TCP ${svc.hostPort}`);
    if (hasBridge && alb) edge(nlbOfPort(port), alb, `TCP ${port}, bridge (${mode})`);
  }
  if (alb) {
    vpcNodes.push(`${alb}["internal ALB<br/>${albHttps ? "HTTPS" : "HTTP"} ${port}"]`);
    // An HTTP API's VPC link reaches the ALB listener directly; a REST API only through the bridge.
    if (!rest) edge(link, alb);
    for (const svc of albServices) {
      const patterns = albPatternsOf(config.routes, svc.name);
      if (patterns.length === 0) edge(alb, serviceId(svc.name), "no route", true);
      for (const pattern of patterns) edge(alb, serviceId(svc.name), escapeLabel(pattern));
    }
  }
  for (const svc of config.services) {
    const host = svc.hostPort === 0 ? "dynamic" : String(svc.hostPort);
    vpcNodes.push(`${serviceId(svc.name)}["ECS service ${escapeLabel(svc.name)}<br/>hostPort ${host} -> ${svc.containerPort}"]`);
  }
  const asg = ids.take("asg");
  const c = config.cluster;
  vpcNodes.push(`${asg}[("EC2 autoscaling group<br/>${escapeLabel(c.instanceType)}, ${c.minSize}-${c.maxSize} instances, no public IPs")]`);
  for (const svc of config.services) edges.push(`${serviceId(svc.name)} --- ${asg}`);

  const lambdas: string[] = [];
  if (hasBridge && mode === "lambda" && nlb && alb && config.bridge?.mode === "lambda") {
    const sync = ids.take("fn_nlb_target_sync");
    const ingress = ids.take("fn_alb_ingress_from_nlb");
    lambdas.push(sync, ingress);
    vpcNodes.push(`${sync}["Lambda ${escapeLabel(config.name)}-nlb-target-sync<br/>${escapeLabel(config.bridge.syncSchedule)}"]`);
    vpcNodes.push(`${ingress}["Lambda ${escapeLabel(config.name)}-alb-ingress-from-nlb"]`);
    edge(sync, nlb, "registers ALB IPs", true);
    edge(ingress, alb, "admits NLB IPs", true);
  }

  const vpc = ids.take("vpc");
  const lines = [
    "flowchart LR",
    ...nodes.map((n) => `  ${n}`),
    `  subgraph ${vpc} ["${escapeLabel(vpcTitle(config))}"]`,
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

function vpcTitle(config: PrivateApiConfig): string {
  const net = config.network;
  return net.type === "create"
    ? `new VPC ${net.vpcCidr}: private subnets only`
    : `existing VPC ${net.vpcId} (${net.vpcCidr}): private subnets`;
}

/** `API Gateway REST API<br/>stage v1<br/>default auth AWS_IAM (SigV4)`, plus authorizers and open routes. */
function apiLabel(config: PrivateApiConfig): string {
  const lines = [`API Gateway ${config.api.type === "rest" ? "REST" : "HTTP"} API`, `stage ${escapeLabel(config.api.stageName)}`];
  lines.push("default auth AWS_IAM (SigV4)");
  const authorizers: string[] = [];
  let open = 0;
  for (const route of config.routes) {
    const auth = route.authorization;
    if (auth === "NONE") open += route.methods.length;
    else if (typeof auth === "object" && !authorizers.includes(auth.authorizer)) authorizers.push(auth.authorizer);
  }
  if (authorizers.length > 0) {
    const described = authorizers.map((name) => `${escapeLabel(name)} (${config.api.authorizers[name]?.type ?? "unknown"})`);
    lines.push(`authorizers: ${described.join(", ")}`);
  }
  if (open > 0) lines.push(`${open} open method${open === 1 ? "" : "s"} (NONE)`);
  return lines.join("<br/>");
}

/** The ALB path patterns of a service's routes, in config order without repeats (as the stack). */
function albPatternsOf(routes: readonly RouteConfig[], service: string): string[] {
  const patterns = routes
    .filter((r) => r.service === service)
    .map((r) => parseRoutePath(r.path))
    .flatMap((segments) => (typeof segments === "string" ? [] : [albPathPattern(segments)]));
  return [...new Set(patterns)];
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
