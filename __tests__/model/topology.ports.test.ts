/**
 * The topology of services with several ports: every port the NLB serves is a listener in the
 * ledger and a target group, counted by the quotas and given its security group rules; each
 * route's target says which port it reaches.
 */
import { parseConfig } from "../../lib/config/load";
import { assignNlbShards } from "../../lib/model/shards";
import type { PrivateApiConfigInput } from "../../lib/config/schema";
import { topologyProblems } from "../../lib/model/checks";
import { furtherPortIdPart, PORT_ID_MARK } from "../../lib/model/ids";
import { planTopology } from "../../lib/model/topology";
import { nlbPorts } from "../../lib/config/implied";
import { validateConfig } from "../../lib/validate";
import { configErrorOf, configWithServices, defaultConfig, exampleConfig, HTTP_HEALTH_CHECK } from "../helpers/fixtures";

type Input = PrivateApiConfigInput;

/** `count` services of two ports each: 8080 -> 10000 + 2i ("http") and 7777 -> 10001 + 2i ("admin"), a route to each port. */
function twoPortServices(count: number): Input {
  const cfg = defaultConfig() as Input;
  cfg.services = Array.from({ length: count }, (_, i) => ({
    name: `svc-${i}`,
    image: `svc-${i}:1`,
    ports: [
      { name: "http", containerPort: 8080, hostPort: 10000 + 2 * i },
      { name: "admin", containerPort: 7777, hostPort: 10001 + 2 * i },
    ],
  }));
  cfg.routes = cfg.services.flatMap((s) => [
    { path: `/${s.name}/{proxy+}`, methods: ["ANY" as const], service: s.name },
    { path: `/${s.name}-admin`, methods: ["GET" as const], service: s.name, port: "admin" },
  ]);
  return cfg;
}

test("the id part of a further port holds the service's id part and the port name, joined by an upper-case mark", () => {
  expect(furtherPortIdPart("orders", "admin")).toBe("orders-Port-admin");
  expect(furtherPortIdPart("dynamic-ports", "admin")).toBe("User-dynamic-ports-Port-admin");
  // No service name (lower-case) can hold the mark, so no service's id part equals a port's.
  expect(() =>
    parseConfig({ ...defaultConfig(), services: [{ ...(defaultConfig().services[0] as object), name: `orders${PORT_ID_MARK}admin` }] }),
  ).toThrow(/service name must be lower-case/);
});

describe("two services of two ports each", () => {
  const config = parseConfig(twoPortServices(2));
  const topology = planTopology(config);

  test("every port is an NLB listener in the ledger, with its target group named by its host port", () => {
    expect(nlbPorts(config)).toEqual([10000, 10001, 10002, 10003]);
    expect(topology.placement.nlbs).toEqual([[10000, 10001, 10002, 10003]]);
    expect(topology.nlbs[0].servicePorts.map((p) => [p.service, p.port, p.portIndex, p.portName, p.portId, p.targetGroupName])).toEqual([
      ["svc-0", 10000, 0, "http", undefined, "private-api-tg-10000"],
      ["svc-0", 10001, 1, "admin", "svc-0-Port-admin", "private-api-tg-10001"],
      ["svc-1", 10002, 0, "http", undefined, "private-api-tg-10002"],
      ["svc-1", 10003, 1, "admin", "svc-1-Port-admin", "private-api-tg-10003"],
    ]);
  });

  test("each route's target carries the port it reaches", () => {
    expect(topology.api.routes.map((r) => r.target)).toEqual([
      { kind: "nlb", service: "svc-0", nlbIndex: 0, port: 10000, portIndex: 0, portName: "http", portId: undefined },
      { kind: "nlb", service: "svc-0", nlbIndex: 0, port: 10001, portIndex: 1, portName: "admin", portId: "svc-0-Port-admin" },
      { kind: "nlb", service: "svc-1", nlbIndex: 0, port: 10002, portIndex: 0, portName: "http", portId: undefined },
      { kind: "nlb", service: "svc-1", nlbIndex: 0, port: 10003, portIndex: 1, portName: "admin", portId: "svc-1-Port-admin" },
    ]);
  });

  test("the services list every port and what serves it", () => {
    expect(topology.services[0]).toEqual({
      name: "svc-0",
      via: "nlb",
      compute: "ec2",
      hostPort: 10000,
      nlbIndex: 0,
      ports: [
        { index: 0, name: "http", containerPort: 8080, hostPort: 10000, listenerPort: 10000, via: "nlb", nlbIndex: 0, portId: undefined },
        {
          index: 1,
          name: "admin",
          containerPort: 7777,
          hostPort: 10001,
          listenerPort: 10001,
          via: "nlb",
          nlbIndex: 0,
          portId: "svc-0-Port-admin",
        },
      ],
    });
  });

  test("every port gets its rules: the instances admit it from the NLB, the NLB may reach it", () => {
    const ids = topology.securityGroupRules.map((r) => `${r.direction} ${r.group.kind} ${r.id} ${r.fromPort}`);
    expect(ids).toEqual(
      expect.arrayContaining([
        "ingress instances HostPort-svc-0 10000",
        "ingress instances HostPort-svc-0-Port-admin 10001",
        "egress nlb EgressToTargets-svc-0-Port-admin 10001",
        "egress nlb EgressToTargets-svc-1-Port-admin 10003",
      ]),
    );
    expect(topology.securityGroupRules).toHaveLength(8);
  });
});

describe("quotas count every port", () => {
  test("30 services of two ports: 60 listeners on two NLBs, and adding a port moves no recorded one", () => {
    const config = parseConfig(twoPortServices(30));
    const topology = planTopology(config);
    expect(topology.placement.nlbs.map((n) => n.length)).toEqual([50, 10]);
    // GIVEN that ledger WHEN a third port goes on the first service
    const grown = twoPortServices(30);
    grown.services[0].ports?.push({ name: "metrics", containerPort: 9100, hostPort: 9000 });
    const after = planTopology(parseConfig(grown), topology.placement);
    // THEN every recorded port stays; the new one fills the second NLB
    topology.placement.nlbs.forEach((ports, i) => expect(after.placement.nlbs[i]).toEqual(expect.arrayContaining([...ports])));
    expect(after.placement.nlbs[1]).toContain(9000);
    expect(assignNlbShards(nlbPorts(parseConfig(grown)), topology.placement)).toEqual(after.placement);
  });

  test("target groups: one per port", () => {
    const cfg = twoPortServices(2);
    cfg.quotas = { targetGroups: 3 };
    expect(configErrorOf(() => validateConfig(cfg))).toMatch(
      /services: the stack needs 4 target groups, over the quota "Target groups per Region" of 3 \(AWS default 3000/,
    );
  });

  test("security group rules: one per port, merged past the quota, refused when even merging does not fit", () => {
    // 31 services on sparse ports, each with a second port: 62 inbound rules, none adjacent to another service's.
    const cfg = configWithServices(31) as Input;
    cfg.services = cfg.services.map((s, i) => ({
      name: s.name,
      image: s.image,
      ports: [
        { name: "http", containerPort: 8080, hostPort: 10000 + 4 * i },
        { name: "admin", containerPort: 7777, hostPort: 10002 + 4 * i },
      ],
    }));
    expect(configErrorOf(() => validateConfig(cfg))).toMatch(
      /quotas\.securityGroupRules: the ECS instances' security group \(inbound\) needs 62 rules even with adjacent ports merged/,
    );
    // Adjacent ports (twoPortServices) merge into ranges and fit.
    const adjacent = parseConfig(twoPortServices(31));
    const topology = planTopology(adjacent);
    expect(topologyProblems(adjacent, topology)).toEqual([]);
    expect(topology.securityGroupRules.filter((r) => r.group.kind === "instances").map((r) => r.id)).toEqual([
      "HostPort-Ports-10000-10049",
      "HostPort-Ports-10050-10061",
    ]);
  });

  test("HTTP API integrations: one per routed NLB port", () => {
    const cfg = twoPortServices(151);
    cfg.api = { type: "http" };
    cfg.quotas = { httpApiRoutes: 1000, securityGroupRules: 1000 };
    expect(configErrorOf(() => validateConfig(cfg))).toMatch(
      /routes: the routes need 302 HTTP API integrations \(one per NLB service port, one for the ALB\), over the quota "Integrations per API" of 300/,
    );
  });
});

describe("a service behind the ALB with a further port", () => {
  const cfg = exampleConfig("alb-bridge-native");
  const i = cfg.services.findIndex((s) => s.name === "search");
  const search = cfg.services[i];
  cfg.services[i] = {
    name: "search",
    image: search.image,
    via: "alb",
    ports: [
      { name: "http", containerPort: 8080, hostPort: 0, healthCheck: HTTP_HEALTH_CHECK },
      { name: "admin", containerPort: 7777, hostPort: 10100 },
    ],
  };
  cfg.routes.push({ path: "/search-admin", methods: ["GET"], service: "search", port: "admin" });
  const config = parseConfig(cfg);
  const topology = planTopology(config);

  test("the ALB serves the first port, its path rules only from routes to it; the NLB the further one", () => {
    const albSearch = topology.alb?.services.find((s) => s.service === "search");
    expect(albSearch).toMatchObject({ hostPort: 0, pathPatterns: ["/search", "/search/*"] });
    expect(topology.nlbs[0].servicePorts.filter((p) => p.service === "search")).toEqual([
      expect.objectContaining({ port: 10100, portIndex: 1, portName: "admin", portId: "search-Port-admin" }),
    ]);
    expect(nlbPorts(config)).toContain(10100);
  });

  test("routes to the first port go through the bridge to the ALB, routes to the further one to its NLB listener", () => {
    const targets = topology.api.routes.filter((r) => r.target.service === "search").map((r) => [r.path, r.target.kind, r.target.port]);
    expect(targets).toEqual([
      ["/search", "alb", 80],
      ["/search/{proxy+}", "alb", 80],
      ["/search-admin", "nlb", 10100],
    ]);
  });

  test("the ALB reaches only its own ports; the NLB's rules cover the further port", () => {
    expect(topology.alb?.targetPortRanges.map((r) => r.id)).toEqual(["dynamic-ports"]);
    const nlbEgress = topology.securityGroupRules.filter((r) => r.group.kind === "nlb" && r.direction === "egress").map((r) => r.id);
    expect(nlbEgress).toEqual(expect.arrayContaining(["EgressToTargets-search-Port-admin", "EgressToTargets-alb-bridge"]));
  });
});
