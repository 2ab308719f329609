/**
 * Services on Fargate in the config: the task size must be a pair Fargate accepts, ports give a
 * listener port instead of a host port, and the strategy and egress make sense; EC2 services keep
 * their rules. Each problem is one clear error naming the field and the value.
 */
import { parseConfig } from "../../lib/config/load";
import { portsOf } from "../../lib/config/ports";
import { configErrorOf, defaultConfig } from "../helpers/fixtures";

type Config = ReturnType<typeof defaultConfig>;
type Service = Config["services"][number];

/** The default config with its first service (orders) on Fargate, changed as given. */
function withFargateOrders(change: Partial<Service> = {}): Config {
  const cfg = defaultConfig();
  const { hostPort: _hostPort, ...orders } = cfg.services[0];
  cfg.services[0] = { ...orders, listenerPort: 10000, fargate: {}, ...change };
  return cfg;
}

describe("valid Fargate services", () => {
  test("the defaults: X86_64, all on FARGATE, no ECS Exec, no egress; the default 256/512 is a Fargate size", () => {
    // WHEN
    const svc = parseConfig(withFargateOrders()).services[0];
    // THEN
    expect(svc.fargate).toEqual({
      architecture: "X86_64",
      capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
      enableExecuteCommand: false,
      egress: [],
    });
    expect([svc.cpu, svc.memory]).toEqual([256, 512]);
  });

  test("a port's host port is its container port, and its listener port the given one or the container port", () => {
    // GIVEN a named port without listenerPort and one with
    const cfg = withFargateOrders({ listenerPort: undefined, containerPort: undefined, healthCheck: undefined });
    cfg.services[0].ports = [
      { name: "http", containerPort: 8080, listenerPort: 10000 },
      { name: "admin", containerPort: 9090 },
    ];
    // WHEN
    const ports = portsOf(parseConfig(cfg).services[0]);
    // THEN
    expect(ports.map((p) => [p.containerPort, p.hostPort, p.listenerPort])).toEqual([
      [8080, 8080, 10000],
      [9090, 9090, 9090],
    ]);
  });

  test("every size of Fargate's table is accepted, with a base on one provider and Spot for the rest", () => {
    for (const [cpu, memory] of [
      [256, 2048],
      [512, 4096],
      [4096, 30720],
      [8192, 16384],
      [16384, 122880],
    ]) {
      const cfg = withFargateOrders({
        cpu,
        memory,
        fargate: {
          architecture: "ARM64",
          ephemeralStorageGiB: 200,
          capacityProviderStrategy: [
            { capacityProvider: "FARGATE", base: 2, weight: 1 },
            { capacityProvider: "FARGATE_SPOT", weight: 4 },
          ],
          enableExecuteCommand: true,
          egress: [{ description: "orders database", cidr: "10.50.0.0/24", fromPort: 5432 }],
        },
      });
      expect(() => parseConfig(cfg)).not.toThrow();
    }
  });

  test("autoscaling is not bounded by the cluster's instances", () => {
    // GIVEN more tasks than cluster.maxSize (4), which a fixed host port on EC2 refuses
    const cfg = withFargateOrders({ desiredCount: 6, autoscaling: { min: 6, max: 40, cpuPercent: 60 } });
    // THEN
    expect(() => parseConfig(cfg)).not.toThrow();
  });

  test("two Fargate services may share a container port; their listener ports differ", () => {
    const cfg = withFargateOrders();
    const { hostPort: _h, ...inventory } = cfg.services[1];
    cfg.services[1] = { ...inventory, containerPort: 8080, listenerPort: 10001, fargate: {} };
    expect(() => parseConfig(cfg)).not.toThrow();
  });
});

describe("invalid Fargate services, one clear error each", () => {
  test("a memory size the CPU does not allow names the field and lists the sizes it allows", () => {
    const message = configErrorOf(() => parseConfig(withFargateOrders({ cpu: 256, memory: 768 })));
    expect(message).toContain("services[0].memory");
    expect(message).toContain("memory 768 MiB is not a size Fargate allows with cpu 256; it allows 512, 1024, 2048 MiB");
  });

  test("a CPU Fargate does not offer names cpu and the sizes it offers", () => {
    const message = configErrorOf(() => parseConfig(withFargateOrders({ cpu: 300 })));
    expect(message).toContain("services[0].cpu");
    expect(message).toContain("cpu 300 is not a Fargate task size; Fargate offers 256, 512, 1024, 2048, 4096, 8192, 16384 CPU units");
  });

  test("hostPort on a Fargate service is refused, pointing to listenerPort", () => {
    const message = configErrorOf(() => parseConfig(withFargateOrders({ hostPort: 10000 })));
    expect(message).toContain("services[0].hostPort");
    expect(message).toContain("a Fargate task's host port is its container port (awsvpc networking); give listenerPort");
  });

  test("listenerPort on an EC2 service is refused, pointing to hostPort", () => {
    const cfg = defaultConfig();
    cfg.services[0] = { ...cfg.services[0], listenerPort: 10005 };
    const message = configErrorOf(() => parseConfig(cfg));
    expect(message).toContain("services[0].listenerPort");
    expect(message).toContain("listenerPort 10005 is for Fargate services (with fargate); on EC2 the NLB listener port is hostPort");
  });

  test("an EC2 service's port without hostPort is refused", () => {
    const cfg = defaultConfig();
    const { hostPort: _h, ...orders } = cfg.services[0];
    cfg.services[0] = { ...orders, ports: [{ name: "http", containerPort: 8080 }], containerPort: undefined, healthCheck: undefined };
    const message = configErrorOf(() => parseConfig(cfg));
    expect(message).toContain("services[0].ports[0].hostPort");
  });

  test("a listener port another service uses is refused, saying it defaults to the container port", () => {
    // GIVEN orders (EC2) on host port 10000, and inventory on Fargate on container port 10000 with no listenerPort
    const cfg = defaultConfig();
    const { hostPort: _h, ...inventory } = cfg.services[1];
    cfg.services[1] = { ...inventory, containerPort: 10000, fargate: {} };
    const message = configErrorOf(() => parseConfig(cfg));
    expect(message).toContain("services[1].listenerPort");
    expect(message).toContain('listenerPort 10000 (listenerPort defaults to containerPort) is used twice (also by service "orders")');
  });

  test("a listener port used twice by Fargate services names listenerPort", () => {
    const cfg = withFargateOrders();
    const { hostPort: _h, ...inventory } = cfg.services[1];
    cfg.services[1] = { ...inventory, listenerPort: 10000, fargate: {} };
    const message = configErrorOf(() => parseConfig(cfg));
    expect(message).toContain("services[1].listenerPort");
    expect(message).toContain('listenerPort 10000 is used twice (also by service "orders")');
  });

  test("two bases in one strategy are refused", () => {
    const cfg = withFargateOrders({
      fargate: {
        capacityProviderStrategy: [
          { capacityProvider: "FARGATE", base: 1, weight: 1 },
          { capacityProvider: "FARGATE_SPOT", base: 1, weight: 1 },
        ],
      },
    });
    const message = configErrorOf(() => parseConfig(cfg));
    expect(message).toContain("services[0].fargate.capacityProviderStrategy");
    expect(message).toContain("only one capacity provider of a strategy may have a base");
  });

  test("a provider listed twice, and weights that are all 0, are refused", () => {
    const cfg = withFargateOrders({
      fargate: {
        capacityProviderStrategy: [
          { capacityProvider: "FARGATE_SPOT", weight: 0 },
          { capacityProvider: "FARGATE_SPOT", weight: 0 },
        ],
      },
    });
    const message = configErrorOf(() => parseConfig(cfg));
    expect(message).toContain("FARGATE_SPOT is listed twice in the strategy");
    expect(message).toContain("at least one capacity provider of the strategy needs a weight above 0");
  });

  test("an egress rule with a bad CIDR, a reversed range or listed twice is refused", () => {
    const cfg = withFargateOrders({
      fargate: {
        egress: [
          { description: "db", cidr: "10.50.0.1/24", fromPort: 5432 },
          { description: "cache", cidr: "10.60.0.0/24", fromPort: 6380, toPort: 6379 },
          { description: "db again", cidr: "10.70.0.0/24", fromPort: 5432 },
          { description: "db twice", cidr: "10.70.0.0/24", fromPort: 5432, toPort: 5432 },
        ],
      },
    });
    const message = configErrorOf(() => parseConfig(cfg));
    expect(message).toContain("services[0].fargate.egress[0].cidr");
    expect(message).toContain("services[0].fargate.egress[1].toPort");
    expect(message).toContain("the rule to 10.70.0.0/24 5432-5432 is listed twice (also egress[2])");
  });

  test("the EC2 capacity provider on a Fargate service is refused, pointing to the strategy", () => {
    const message = configErrorOf(() => parseConfig(withFargateOrders({ capacity: "provider" })));
    expect(message).toContain("services[0].capacity");
    expect(message).toContain("a Fargate service runs on fargate.capacityProviderStrategy");
  });

  test("ECS Exec with a read-only root file system is refused: its agent must write there", () => {
    const message = configErrorOf(() =>
      parseConfig(withFargateOrders({ readonlyRootFilesystem: true, fargate: { enableExecuteCommand: true } })),
    );
    expect(message).toContain("services[0].fargate.enableExecuteCommand");
    expect(message).toContain("does not work with readonlyRootFilesystem true");
  });

  test("a listener port on the port the ALB serves is refused", () => {
    const cfg = withFargateOrders({ via: "alb", healthCheck: { protocol: "HTTP", path: "/health" } });
    const message = configErrorOf(() => parseConfig(cfg));
    expect(message).toContain("services[0].listenerPort");
    expect(message).toContain('this port is served by the ALB (via "alb")');
    // Without it the service is fine.
    expect(() =>
      parseConfig(withFargateOrders({ via: "alb", listenerPort: undefined, healthCheck: { protocol: "HTTP", path: "/health" } })),
    ).not.toThrow();
  });

  test("an EC2 container keeps its bounds (10240 CPU units, 120000 MiB)", () => {
    const cfg = defaultConfig();
    cfg.services[0] = { ...cfg.services[0], cpu: 16384, memory: 122880 };
    const message = configErrorOf(() => parseConfig(cfg));
    expect(message).toContain("cpu 16384 is more than 10240");
    expect(message).toContain("memory 122880 MiB is more than 120000");
  });
});
