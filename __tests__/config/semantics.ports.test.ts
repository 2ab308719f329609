/**
 * Several ports per service (`services[].ports`, `routes[].port`): each problem is one error that
 * names the field path and the value; the single-port form stays as it was.
 */
import { parseConfig } from "../../lib/config/load";
import { portOfRoute, portsOf } from "../../lib/config/ports";
import type { PrivateApiConfigInput } from "../../lib/config/schema";
import { configErrorOf, defaultConfig, exampleConfig, HTTP_HEALTH_CHECK } from "../helpers/fixtures";

type Input = PrivateApiConfigInput;
type Service = Input["services"][number];

/** The default config with its first service ("orders") on two ports: 8080 -> 10000 (http) and 7777 -> 10002 (admin). */
function twoPorts(): Input {
  const cfg = defaultConfig() as Input;
  const orders = cfg.services[0];
  cfg.services[0] = {
    name: orders.name,
    image: orders.image,
    desiredCount: orders.desiredCount,
    ports: [
      { name: "http", containerPort: 8080, hostPort: 10000, healthCheck: { protocol: "HTTP", path: "/health" } },
      { name: "admin", containerPort: 7777, hostPort: 10002 },
    ],
  };
  return cfg;
}

/** The ports of services[i], for changing them in a test. */
const portsAt = (cfg: Input, i: number) => cfg.services[i].ports as NonNullable<Service["ports"]>;

/** The problems of a config that must be refused, one line each. */
function problemsOf(cfg: Input): string[] {
  return configErrorOf(() => parseConfig(cfg))
    .split("\n")
    .slice(1)
    .map((l) => l.replace(/^ {2}- /, ""));
}

describe("valid configs", () => {
  test("the single-port form gives one unnamed port with the default health check, as before", () => {
    // GIVEN the default config, whose "inventory" gives no health check
    // WHEN
    const cfg = parseConfig(defaultConfig());
    // THEN
    expect(portsOf(cfg.services[1])).toEqual([
      {
        containerPort: 8080,
        hostPort: 10001,
        listenerPort: 10001,
        index: 0,
        healthCheck: { protocol: "TCP", matcher: "200-399", intervalSeconds: 30, healthyThreshold: 3, unhealthyThreshold: 3 },
      },
    ]);
    expect(cfg.services[1].ports).toBeUndefined();
  });

  test("ports give named ports in order, each health check filled in", () => {
    // WHEN
    const cfg = parseConfig(twoPorts());
    // THEN
    const ports = portsOf(cfg.services[0]);
    expect(ports.map((p) => [p.name, p.containerPort, p.hostPort, p.index])).toEqual([
      ["http", 8080, 10000, 0],
      ["admin", 7777, 10002, 1],
    ]);
    expect(ports[0].healthCheck).toEqual({ ...HTTP_HEALTH_CHECK });
    expect(ports[1].healthCheck.protocol).toBe("TCP");
  });

  test("a route goes to the port it names, or to the service's first", () => {
    // GIVEN
    const input = twoPorts();
    input.routes.push({ path: "/admin/{proxy+}", methods: ["ANY"], service: "orders", port: "admin" });
    // WHEN
    const cfg = parseConfig(input);
    // THEN
    const [orders] = cfg.services;
    expect(portOfRoute(orders, cfg.routes[0])?.name).toBe("http");
    expect(portOfRoute(orders, cfg.routes[3])?.name).toBe("admin");
  });

  test("five ports, the most ECS attaches to a service", () => {
    const cfg = twoPorts();
    for (let i = 2; i < 5; i++) portsAt(cfg, 0).push({ name: `extra-${i}`, containerPort: 9000 + i, hostPort: 10010 + i });
    expect(portsOf(parseConfig(cfg).services[0])).toHaveLength(5);
  });

  test("a service behind the ALB: its first port may be dynamic, further ports are fixed NLB ports", () => {
    const cfg = exampleConfig("alb-bridge-native");
    const svc = cfg.services.find((s) => s.via === "alb") as Service;
    svc.ports = [
      { name: "http", containerPort: svc.containerPort as number, hostPort: 0, healthCheck: svc.healthCheck },
      { name: "admin", containerPort: 7777, hostPort: 10100 },
    ];
    delete svc.containerPort;
    delete svc.hostPort;
    delete svc.healthCheck;
    // A route to the NLB port of a service behind the ALB needs no ALB path rule, and may use a TCP check.
    cfg.routes.push({ path: "/admin", methods: ["GET"], service: svc.name, port: "admin" });
    expect(() => parseConfig(cfg)).not.toThrow();
  });
});

describe("bad input names the field and the value", () => {
  const cases: [string, (cfg: Input) => void, string | RegExp][] = [
    [
      "both forms",
      (c) => Object.assign(c.services[0], { containerPort: 8080, hostPort: 10000 }),
      "services[0].ports: a service has either containerPort and hostPort (one port) or ports (several), not both: move containerPort, hostPort into a ports entry",
    ],
    [
      "a service health check beside ports",
      (c) => (c.services[0].healthCheck = { protocol: "TCP" }),
      /^services\[0\]\.ports: .*not both: move healthCheck into a ports entry$/,
    ],
    [
      "neither form",
      (c) => delete c.services[0].ports,
      "services[0]: give the service's port: containerPort and hostPort, or ports for several",
    ],
    [
      "containerPort without hostPort",
      (c) => (c.services[1] = { ...c.services[1], hostPort: undefined }),
      "services[1].hostPort: hostPort is required with containerPort (or give ports instead)",
    ],
    ["no port in ports", (c) => (c.services[0].ports = []), /^services\[0\]\.ports: .*>=1 items/],
    [
      "six ports",
      (c) => {
        for (let i = 2; i < 6; i++) portsAt(c, 0).push({ name: `p${i}`, containerPort: 9000 + i, hostPort: 10010 + i });
      },
      /^services\[0\]\.ports: a service has at most 5 ports: ECS attaches at most 5 target groups to a service/,
    ],
    [
      "an upper-case port name",
      (c) => (portsAt(c, 0)[1].name = "Admin"),
      /^services\[0\]\.ports\[1\]\.name: port name must be lower-case .*\(got "Admin"\)$/,
    ],
    [
      "a port name over 16 characters",
      (c) => (portsAt(c, 0)[1].name = "a".repeat(17)),
      /^services\[0\]\.ports\[1\]\.name: .*16.* \(got "a{17}"\)$/,
    ],
    [
      "a port name twice",
      (c) => (portsAt(c, 0)[1].name = "http"),
      'services[0].ports[1].name: port name "http" is used twice in service "orders" (also ports[0])',
    ],
    [
      "a container port twice",
      (c) => (portsAt(c, 0)[1].containerPort = 8080),
      /^services\[0\]\.ports\[1\]\.containerPort: containerPort 8080 is used twice in service "orders" \(also ports\[0\]\): ECS registers a target group by container port/,
    ],
    [
      "a host port twice in one service",
      (c) => (portsAt(c, 0)[1].hostPort = 10000),
      'services[0].ports[1].hostPort: hostPort 10000 is used twice (also by service "orders" port "http")',
    ],
    [
      "another service on a port's host port",
      (c) => (c.services[1].hostPort = 10002),
      'services[1].hostPort: hostPort 10002 is used twice (also by service "orders" port "admin")',
    ],
    [
      "a port on a reserved host port",
      (c) => (portsAt(c, 0)[1].hostPort = 51678),
      /^services\[0\]\.ports\[1\]\.hostPort: hostPort 51678 is reserved by the ECS agent/,
    ],
    [
      "a dynamic host port on the NLB",
      (c) => (portsAt(c, 0)[1].hostPort = 0),
      'services[0].ports[1].hostPort: hostPort 0 (a dynamic port) only works behind the ALB (via: "alb"); an NLB listener needs a fixed port',
    ],
    [
      "an HTTP health check without a path on a port",
      (c) => (portsAt(c, 0)[1].healthCheck = { protocol: "HTTP" }),
      'services[0].ports[1].healthCheck.path: a HTTP health check needs a path, such as "/health"',
    ],
    [
      "a route to a port the service does not have",
      (c) => c.routes.push({ path: "/metrics", methods: ["GET"], service: "orders", port: "metrics" }),
      'routes[3].port: unknown port "metrics" of service "orders"; its ports are "http", "admin"',
    ],
    [
      "a route naming a port of a single-port service",
      (c) => c.routes.push({ path: "/stock", methods: ["GET"], service: "inventory", port: "http" }),
      'routes[3].port: port "http": service "inventory" has one port (containerPort and hostPort), which routes reach without naming it; remove port, or give the service ports',
    ],
    [
      "desiredCount past the cluster with a fixed port",
      (c) => (c.services[0].desiredCount = 5),
      /^services\[0\]\.desiredCount: desiredCount 5 is more than cluster\.maxSize 4: a fixed hostPort allows one task/,
    ],
  ];
  test.each(cases)("%s", (_label, mutate, expected) => {
    // GIVEN a valid two-port config, changed in one way
    const cfg = twoPorts();
    mutate(cfg);
    // WHEN / THEN one problem, naming the field
    const problems = problemsOf(cfg);
    expect(problems).toHaveLength(1);
    if (typeof expected === "string") expect(problems[0]).toBe(expected);
    else expect(problems[0]).toMatch(expected);
  });
});

describe("a service behind the ALB with several ports", () => {
  /** examples/alb-bridge-native.json with "search" (behind the ALB) on two ports: dynamic 80, and 7777 -> 10100. */
  function albTwoPorts(): { cfg: Input; index: number } {
    const cfg = exampleConfig("alb-bridge-native");
    const index = cfg.services.findIndex((s) => s.via === "alb");
    const svc = cfg.services[index];
    cfg.services[index] = {
      name: svc.name,
      image: svc.image,
      via: "alb",
      ports: [
        { name: "http", containerPort: svc.containerPort as number, hostPort: 0, healthCheck: HTTP_HEALTH_CHECK },
        { name: "admin", containerPort: 7777, hostPort: 10100 },
      ],
    };
    return { cfg, index };
  }

  test("a further port cannot be dynamic: the NLB serves it", () => {
    const { cfg, index } = albTwoPorts();
    (cfg.services[index].ports as NonNullable<Service["ports"]>)[1].hostPort = 0;
    expect(problemsOf(cfg)).toEqual([
      `services[${index}].ports[1].hostPort: hostPort 0 (a dynamic port) only works for the ALB's port, a service's first; port "admin" gets an NLB listener, which needs a fixed port`,
    ]);
  });

  test("the first port is the ALB's: its health check must be HTTP or HTTPS", () => {
    const { cfg, index } = albTwoPorts();
    (cfg.services[index].ports as NonNullable<Service["ports"]>)[0].healthCheck = { protocol: "TCP" };
    expect(problemsOf(cfg)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^services\\[${index}\\]\\.ports\\[0\\]\\.healthCheck\\.protocol: service "\\w+" is behind the ALB, whose target groups check HTTP or HTTPS`,
        ),
      ) as string,
    ]);
  });

  test("a further port on the bridge's NLB port is refused", () => {
    const { cfg, index } = albTwoPorts();
    (cfg.services[index].ports as NonNullable<Service["ports"]>)[1].hostPort = 80;
    expect(problemsOf(cfg)).toEqual([
      expect.stringMatching(
        /^(bridge\.port|alb): the bridge listens on NLB port 80, which service "\w+" port "admin" already uses; set bridge\.port to a free port$/,
      ) as string,
    ]);
  });

  test("a fixed further port limits desiredCount to the cluster, though the ALB port is dynamic", () => {
    const { cfg, index } = albTwoPorts();
    const maxSize = parseConfig(exampleConfig("alb-bridge-native")).cluster.maxSize;
    cfg.services[index].desiredCount = maxSize + 1;
    expect(problemsOf(cfg)).toEqual([
      expect.stringMatching(
        new RegExp(`^services\\[${index}\\]\\.desiredCount: desiredCount ${maxSize + 1} is more than cluster\\.maxSize`),
      ) as string,
    ]);
  });

  test('with bridge mode "none", a route to a further port is fine (the NLB serves it), one to the first port is not', () => {
    const { cfg, index } = albTwoPorts();
    const name = cfg.services[index].name;
    cfg.bridge = { mode: "none" };
    cfg.routes = cfg.routes.filter((r) => cfg.services.find((s) => s.name === r.service)?.via !== "alb");
    cfg.routes.push({ path: "/admin", methods: ["GET"], service: name, port: "admin" });
    expect(() => parseConfig(cfg)).not.toThrow();
    cfg.routes.push({ path: "/search", methods: ["GET"], service: name, port: "http" });
    expect(problemsOf(cfg)).toEqual([
      `routes[${cfg.routes.length - 1}].service: route /search goes to service "${name}" behind the ALB, but bridge.mode is "none": the REST API reaches the ALB only through the bridge`,
    ]);
  });
});
