/** The Mermaid diagram: generated from the config, in the README, and valid Mermaid ids throughout. */
import { planStack } from "../lib/model/stack-plan";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfigFromEnv, parseConfig } from "../lib/config/load";
import type { PrivateApiConfig } from "../lib/config/schema";
import { portsOf } from "../lib/config/ports";
import { bridgeMode, bridgePort, computeOf, nlbPorts, nlbServicePorts, portVia } from "../lib/config/implied";
import { escapeLabel, MERMAID_ID, readDiagramBlock, renderMermaid, writeDiagramBlock } from "../lib/diagram";
import { assignNlbShards, nlbIndexOf } from "../lib/model/shards";

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

  test("shows every service with its host (EC2) or listener (Fargate) and container ports, one NLB edge per listener, from the NLB the ledger puts it on", () => {
    const nlbEdges = edges.filter((e) => /^nlb(_\d+)?$/.test(e.from));
    const ledger = assignNlbShards(nlbPorts(config));
    const nlbNode = (port: number) => (nlbIndexOf(ledger, port) === 0 ? "nlb" : `nlb_${nlbIndexOf(ledger, port) + 1}`);
    const nlbServed = nlbServicePorts(config);
    for (const { service, port } of nlbServed) {
      // EC2: the listener port is the host port. Fargate: the listener port, then the task's container port.
      const label = computeOf(service) === "fargate" ? `TCP ${port.listenerPort} -> ${port.containerPort}` : `TCP ${port.hostPort}`;
      expect(nlbEdges).toContainEqual({ from: nlbNode(port.listenerPort), to: `svc_${service.name.replace(/-/g, "_")}`, label });
      expect(nlbEdges.filter((e) => e.label === label)).toHaveLength(1);
    }
    for (const svc of config.services) {
      const [first] = portsOf(svc);
      if (computeOf(svc) === "fargate") {
        const port =
          portVia(svc, first) === "nlb"
            ? `listenerPort ${first.listenerPort} -> ${first.containerPort}`
            : `containerPort ${first.containerPort}`;
        expect(mermaid).toContain(`ECS service ${svc.name}<br/>${port}`);
        expect(mermaid).not.toContain(`ECS service ${svc.name}<br/>hostPort`);
        continue;
      }
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

  test("joins the services on EC2 to the cluster's capacity, and draws none where every service runs on Fargate", () => {
    const onEc2 = config.services.filter((s) => computeOf(s) === "ec2").map((s) => `svc_${s.name.replace(/-/g, "_")}`);
    expect(definitions.includes("asg")).toBe(onEc2.length > 0);
    expect(edges.filter((e) => e.to === "asg").map((e) => e.from)).toEqual(onEc2);
    for (const svc of config.services.filter((s) => computeOf(s) === "fargate")) {
      expect(mermaid).toMatch(new RegExp(`ECS service ${svc.name}<br/>[^"]*Fargate`));
    }
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

describe("Fargate in the diagram", () => {
  const example = (file: string): PrivateApiConfig =>
    (examples.find(([name]) => name === `examples/${file}`) as [string, PrivateApiConfig])[1];
  const line = (mermaid: string, start: string) =>
    mermaid
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l.startsWith(start)) ?? "";

  test("the Fargate Spot REST example: no EC2 capacity, each service on Fargate with its strategy, NLB edges from listener to container port", () => {
    // GIVEN ledger (three ports, FARGATE base 1 and FARGATE_SPOT) and fx-rates (all on FARGATE_SPOT), every service on Fargate
    const plan = planStack(example("fargate-spot-rest.json"));
    expect(plan.cluster.props.ec2Capacity).toBe(false);
    // WHEN
    const mermaid = renderMermaid(plan);
    // THEN
    expect(mermaid).not.toContain("asg");
    expect(mermaid).not.toContain("EC2");
    expect(mermaid).not.toContain("hostPort");
    expect(line(mermaid, "svc_ledger[")).toBe(
      'svc_ledger["ECS service ledger<br/>listenerPort 10000 -> 8080, reports 10001 -> 8081, admin 10002 -> 9090<br/>Fargate Spot (no instances)<br/>FARGATE base 1 weight 1, FARGATE_SPOT weight 3<br/>tasks 3-24"]',
    );
    expect(line(mermaid, "svc_fx_rates[")).toContain("<br/>Fargate Spot (no instances)<br/>FARGATE_SPOT weight 1");
    expect(mermaid).toContain('nlb -->|"TCP 10000 -> 8080"| svc_ledger');
    expect(mermaid).toContain('nlb -->|"TCP 10001 -> 8081"| svc_ledger');
    expect(mermaid).toContain('nlb -->|"TCP 10002 -> 9090"| svc_ledger');
    expect(mermaid).toContain('nlb -->|"TCP 10003 -> 8080"| svc_fx_rates');
  });

  test("the Fargate HTTP API example: services behind the HTTPS ALB on their container ports, on Fargate, no EC2 capacity", () => {
    // GIVEN web-api (x86, autoscaled) and search (ARM64) behind the internal HTTPS ALB, reached through the VPC link
    const mermaid = renderMermaid(planStack(example("fargate-http-api.json")));
    // THEN
    expect(mermaid).not.toContain("asg");
    expect(mermaid).not.toContain("EC2");
    expect(mermaid).toContain("vpc_link --> alb");
    expect(line(mermaid, "svc_web_api[")).toBe(
      'svc_web_api["ECS service web-api<br/>containerPort 3000<br/>Fargate (no instances)<br/>tasks 2-10"]',
    );
    expect(line(mermaid, "svc_search[")).toBe('svc_search["ECS service search<br/>containerPort 3000<br/>Fargate (no instances), ARM64"]');
  });

  test("EC2 and Fargate side by side: the autoscaling group joins the EC2 service only; the Fargate one's NLB edge shows its listener port", () => {
    // GIVEN the default's inventory moved to Fargate on listener port 10001, container port 8080
    const base = loadConfigFromEnv({});
    const cfg = parseConfig({
      ...structuredClone(base),
      services: base.services.map((s) =>
        s.name === "inventory"
          ? { name: s.name, image: s.image, cpu: 512, memory: 1024, containerPort: 8080, listenerPort: 10001, fargate: {} }
          : s,
      ),
    });
    // WHEN
    const mermaid = renderMermaid(planStack(cfg));
    // THEN
    expect(mermaid).toContain("svc_orders --- asg");
    expect(mermaid).not.toContain("svc_inventory --- asg");
    expect(mermaid).toContain('nlb -->|"TCP 10001 -> 8080"| svc_inventory');
    expect(line(mermaid, "svc_inventory[")).toBe(
      'svc_inventory["ECS service inventory<br/>listenerPort 10001 -> 8080<br/>Fargate (no instances)"]',
    );
    expect(line(mermaid, "asg[")).toContain("EC2 autoscaling group");
  });

  test("an existing cluster whose services all run on Fargate is drawn without its EC2 capacity", () => {
    const cfg = structuredClone(example("fargate-spot-rest.json"));
    cfg.cluster.existing = { clusterName: "shared", instanceSecurityGroupId: "sg-0123456789abcdef0" };
    expect(renderMermaid(planStack(cfg))).not.toContain("existing ECS cluster");
  });
});
