/** The Mermaid diagram: generated from the config, in the README, and valid Mermaid ids throughout. */
import { planStack } from "../lib/model/stack-plan";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfigFromEnv, parseConfig } from "../lib/config/load";
import type { PrivateApiConfig } from "../lib/config/schema";
import { portsOf } from "../lib/config/ports";
import { bridgeMode, bridgePort, nlbPorts, nlbServicePorts } from "../lib/config/implied";
import { escapeLabel, MERMAID_ID, readDiagramBlock, renderMermaid, writeDiagramBlock } from "../lib/diagram";
import { assignNlbShards, nlbIndexOf } from "../lib/model/shards";
import { anyOf } from "./helpers/expect";

const root = join(__dirname, "..");
const examplesDir = join(root, "examples");
const examples: [string, PrivateApiConfig][] = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => [`examples/${f}`, parseConfig(JSON.parse(readFileSync(join(examplesDir, f), "utf8")))]);
const all: [string, PrivateApiConfig][] = [["embedded default", loadConfigFromEnv({})], ...examples];

/** Node definitions (`id["label"]`, `id(["label"])`, ...) and edges (`a -->|"label"| b`) of a rendered diagram. */
function parse(mermaid: string) {
  const lines = mermaid.split("\n").slice(1);
  const definitions = lines.map((l) => /^\s*([^\s[("|-]+)[[(]/.exec(l)).flatMap((m) => (m && m[1] !== "subgraph" ? [m[1]] : []));
  const subgraphs = lines.flatMap((l) => /^\s*subgraph (\S+) /.exec(l)?.[1] ?? []);
  const edges = lines.flatMap((l) => {
    const m = /^\s*(\S+) (-->|-\.->|---)(?:\|"([^"]*)"\|)? (\S+)$/.exec(l);
    return m ? [{ from: m[1], to: m[4], label: m[3] }] : [];
  });
  return { definitions, subgraphs, edges };
}

const MERMAID_KEYWORDS = ["end", "graph", "flowchart", "subgraph", "click", "style", "class", "classDef", "linkStyle", "default"];

test("the README's diagram block is generated from the embedded default config (npm run diagram)", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  expect(readDiagramBlock(readme)).toBe(renderMermaid(planStack(loadConfigFromEnv({}))));
  // Rewriting the block with the same diagram changes nothing.
  expect(writeDiagramBlock(readme, renderMermaid(planStack(loadConfigFromEnv({}))))).toBe(readme);
});

test("there are examples of a REST API in each bridge mode and of an HTTP API", () => {
  const cfgs = examples.map(([, c]) => c);
  expect(cfgs.some((c) => bridgeMode(c) === "native")).toBe(true);
  expect(cfgs.some((c) => bridgeMode(c) === "lambda")).toBe(true);
  expect(cfgs.some((c) => c.api.type === "http")).toBe(true);
});

describe.each(all)("%s", (_name, config) => {
  const mermaid = renderMermaid(planStack(config));
  const { definitions, subgraphs, edges } = parse(mermaid);

  test("is a left-to-right flowchart, without fences, and deterministic", () => {
    expect(mermaid.startsWith("flowchart LR\n")).toBe(true);
    expect(mermaid).not.toContain("```");
    expect(renderMermaid(planStack(config))).toBe(mermaid);
  });

  test("every node id is unique, a valid Mermaid id and no keyword; every edge joins defined nodes", () => {
    const ids = [...definitions, ...subgraphs];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(MERMAID_ID);
      expect(MERMAID_KEYWORDS).not.toContain(id);
    }
    expect(edges.length).toBeGreaterThan(0);
    for (const e of edges) {
      expect(definitions).toContain(e.from);
      expect(definitions).toContain(e.to);
    }
  });

  test("every line is a known form, with every label in double quotes (no quote inside)", () => {
    const forms = [
      /^flowchart LR$/,
      /^ {2}subgraph [A-Za-z]\w* \["[^"]*"\]$/,
      /^ {2}end$/,
      /^ {2,4}[A-Za-z]\w*(\["[^"]*"\]|\(\["[^"]*"\]\)|\[\["[^"]*"\]\]|\[\("[^"]*"\)\])$/,
      /^ {2}[A-Za-z]\w* (-->|-\.->|---)(\|"[^"]*"\|)? [A-Za-z]\w*$/,
      /^ {2}classDef lambda stroke-dasharray: 5 5$/,
      /^ {2}class [A-Za-z]\w*(,[A-Za-z]\w*)* lambda$/,
    ];
    for (const line of mermaid.split("\n")) expect(forms.some((f) => f.test(line)) ? line : `unknown form: ${line}`).toBe(line);
  });

  test("shows the API type, stage and default authorization", () => {
    expect(mermaid).toContain(`API Gateway ${config.api.type === "rest" ? "REST" : "HTTP"} API<br/>stage ${config.api.stageName}`);
    expect(mermaid).toContain("default auth AWS_IAM");
    expect(mermaid).toMatch(config.api.type === "rest" ? /VPC Links? \(REST\)/ : /VPC Link v2 \(HTTP API\)/);
  });

  test("shows every service with its host and container ports, one NLB edge per listener, from the NLB the ledger puts it on", () => {
    const nlbEdges = edges.filter((e) => /^nlb(_\d+)?$/.test(e.from));
    const ledger = assignNlbShards(nlbPorts(config));
    const nlbNode = (port: number) => (nlbIndexOf(ledger, port) === 0 ? "nlb" : `nlb_${nlbIndexOf(ledger, port) + 1}`);
    const nlbServed = nlbServicePorts(config);
    for (const { port } of nlbServed) {
      expect(nlbEdges).toContainEqual({ from: nlbNode(port.hostPort), to: anyOf(String), label: `TCP ${port.hostPort}` });
      expect(nlbEdges.filter((e) => e.label === `TCP ${port.hostPort}`)).toHaveLength(1);
    }
    for (const svc of config.services) {
      const [first] = portsOf(svc);
      const host = first.hostPort === 0 ? "dynamic" : String(first.hostPort);
      expect(mermaid).toContain(`ECS service ${svc.name}<br/>hostPort ${host} -> ${first.containerPort}`);
    }
    const albServices = config.services.filter((s) => s.via === "alb");
    const bridged = albServices.length > 0 && bridgeMode(config) !== "none";
    expect(nlbEdges).toHaveLength(nlbServed.length + (bridged ? 1 : 0));
    const hasNlb = config.api.type === "rest" || nlbServed.length > 0;
    expect(definitions.includes("nlb")).toBe(hasNlb);
    if (bridged)
      expect(nlbEdges).toContainEqual({
        from: nlbNode(bridgePort(config)),
        to: "alb",
        label: `TCP ${bridgePort(config)}, bridge (${bridgeMode(config)})`,
      });
  });

  test("shows one ALB edge per path pattern, and the lambda bridge's functions as dotted nodes", () => {
    const albServices = config.services.filter((s) => s.via === "alb");
    expect(definitions.includes("alb")).toBe(albServices.length > 0);
    const albRoutes = config.routes.filter((r) => albServices.some((s) => s.name === r.service));
    const patterns = new Set(albRoutes.map((r) => r.path.replace(/\{[^}]+\}/g, "*")));
    expect(edges.filter((e) => e.from === "alb" && e.label !== "no route")).toHaveLength(patterns.size);
    const lambda = bridgeMode(config) === "lambda";
    expect(mermaid.includes(`Lambda ${config.name}-nlb-target-sync`)).toBe(lambda);
    expect(mermaid.includes(`Lambda ${config.name}-alb-ingress-from-nlb`)).toBe(lambda);
    if (lambda) {
      expect(mermaid).toContain("class fn_nlb_target_sync,fn_alb_ingress_from_nlb lambda");
      expect(edges.filter((e) => e.from.startsWith("fn_"))).toHaveLength(2);
    }
  });
});

test("the lambda bridge example: NLB on 443 to the ALB, path patterns to both services", () => {
  const [, config] = examples.find(([name]) => name === "examples/alb-bridge-lambda.json") as [string, PrivateApiConfig];
  const mermaid = renderMermaid(planStack(config));
  expect(mermaid).toContain('nlb -->|"TCP 443, bridge (lambda)"| alb');
  expect(mermaid).toContain('alb -->|"/claims/*"| svc_intake');
  expect(mermaid).toContain('alb -->|"/claims/*/documents/*"| svc_documents');
  expect(mermaid).toContain('fn_nlb_target_sync -.->|"registers ALB IPs"| nlb');
});

test("the HTTP API example reaches the ALB through its VPC link, without a bridge", () => {
  const [, config] = examples.find(([name]) => name === "examples/http-api.json") as [string, PrivateApiConfig];
  const mermaid = renderMermaid(planStack(config));
  expect(mermaid).toContain("vpc_link --> alb");
  expect(mermaid).toContain("vpc_link --> nlb");
  expect(mermaid).not.toContain("bridge");
  expect(mermaid).toContain("1 open method (NONE)");
});

test("names that are not Mermaid ids are sanitised and stay unique; label text is escaped", () => {
  const base = loadConfigFromEnv({});
  const config = parseConfig({
    ...JSON.parse(JSON.stringify(base)),
    services: [
      { ...base.services[0], name: "end" },
      { ...base.services[1], name: "class" },
    ],
    routes: [
      { path: "/a", methods: ["GET"], service: "end" },
      { path: "/b", methods: ["GET"], service: "class" },
    ],
  });
  const { definitions } = parse(renderMermaid(planStack(config)));
  expect(definitions).toEqual(expect.arrayContaining(["svc_end", "svc_class"]));
  expect(escapeLabel('a "b" <c> | #d & e')).toBe("a #34;b#34; #60;c#62; #124; #35;d #38; e");
});

describe("capacity and autoscaling in the diagram", () => {
  const base = () => structuredClone(loadConfigFromEnv({}));
  const asgLine = (mermaid: string) => mermaid.split("\n").find((l) => l.trim().startsWith("asg[")) ?? "";
  const serviceLine = (mermaid: string, name: string) => mermaid.split("\n").find((l) => l.trim().startsWith(`svc_${name}[`)) ?? "";

  test("the autoscaling group names its capacity provider and target capacity", () => {
    // GIVEN
    const cfg = base();
    // WHEN / THEN
    expect(asgLine(renderMermaid(planStack(cfg)))).toContain("<br/>capacity provider, target 100 %");
    cfg.cluster.capacityProvider.targetCapacityPercent = 80;
    expect(asgLine(renderMermaid(planStack(cfg)))).toContain("<br/>capacity provider, target 80 %");
  });

  test("an existing cluster is drawn as that cluster, with no autoscaling group or capacity provider of ours", () => {
    const cfg = base();
    cfg.cluster.existing = { clusterName: "shared", instanceSecurityGroupId: "sg-0123456789abcdef0" };
    const line = asgLine(renderMermaid(planStack(cfg)));
    expect(line).toContain("existing ECS cluster shared");
    expect(line).not.toContain("capacity provider");
    expect(line).not.toContain("autoscaling group");
  });

  test("an autoscaled service shows its task range; the others do not", () => {
    // GIVEN orders scales from 2 to 4 tasks
    const cfg = parseConfig({
      ...structuredClone(loadConfigFromEnv({})),
      services: loadConfigFromEnv({}).services.map((s) =>
        s.name === "orders" ? { ...s, capacity: "provider", desiredCount: 2, autoscaling: { min: 2, max: 4, cpuPercent: 60 } } : s,
      ),
    });
    // WHEN
    const mermaid = renderMermaid(planStack(cfg));
    // THEN
    expect(serviceLine(mermaid, "orders")).toContain('hostPort 10000 -> 8080<br/>tasks 2-4"]');
    expect(serviceLine(mermaid, "inventory")).not.toContain("tasks");
  });
});
