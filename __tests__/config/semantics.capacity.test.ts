/**
 * The cluster's capacity provider, where each service's tasks run (`services[].capacity`) and
 * service autoscaling (`services[].autoscaling`): defaults, shapes and the cross-field rules, each
 * error naming its field and value.
 */
import { parseConfig } from "../../lib/config/load";
import type { PrivateApiConfigInput } from "../../lib/config/schema";
import { configErrorOf, defaultConfig, exampleConfig } from "../helpers/fixtures";

type Input = ReturnType<typeof defaultConfig>;
type Service = PrivateApiConfigInput["services"][number];

/** The default config (cluster 2 to 4 instances; orders on fixed port 10000) with `orders` changed. */
function withOrders(change: Partial<Service>, cluster: Partial<PrivateApiConfigInput["cluster"]> = {}): Input {
  const cfg = defaultConfig();
  cfg.services[0] = { ...cfg.services[0], ...change };
  cfg.cluster = { ...cfg.cluster, ...cluster };
  return cfg;
}

/** examples/alb-bridge-native.json, whose service "search" is behind the ALB on dynamic ports, with it changed. */
function withAlbService(change: Partial<Service>): PrivateApiConfigInput {
  const cfg = exampleConfig("alb-bridge-native");
  const i = cfg.services.findIndex((s) => s.via === "alb" && s.hostPort === 0);
  cfg.services[i] = { ...cfg.services[i], ...change };
  return cfg;
}

describe("defaults", () => {
  test("a new cluster gets a capacity provider at target capacity 100 %, and services keep the EC2 launch type", () => {
    // WHEN
    const cfg = parseConfig(defaultConfig());
    // THEN
    expect(cfg.cluster.capacityProvider).toEqual({ targetCapacityPercent: 100 });
    expect(cfg.services.map((s) => s.capacity)).toEqual(["launchType", "launchType"]);
    expect(cfg.services.map((s) => s.autoscaling)).toEqual([undefined, undefined]);
  });

  test("a service on the capacity provider, autoscaled on CPU and memory within the cluster's size, is valid", () => {
    // GIVEN
    const input = withOrders({ capacity: "provider", desiredCount: 2, autoscaling: { min: 2, max: 4, cpuPercent: 60, memoryPercent: 75 } });
    // WHEN
    const cfg = parseConfig(input);
    // THEN
    expect(cfg.services[0]).toMatchObject({ capacity: "provider", autoscaling: { min: 2, max: 4, cpuPercent: 60, memoryPercent: 75 } });
  });

  test("an ALB service on dynamic ports may autoscale on requests, past the cluster's minimum, with the launch type", () => {
    // Several tasks share an instance on dynamic ports, so the instance count does not bound them.
    const cfg = parseConfig(withAlbService({ desiredCount: 2, autoscaling: { min: 2, max: 12, requestsPerTarget: 500 } }));
    expect(cfg.services.find((s) => s.autoscaling)?.autoscaling).toEqual({ min: 2, max: 12, requestsPerTarget: 500 });
  });

  test("on an existing cluster, autoscaling is not held to instance counts it cannot know", () => {
    // GIVEN examples/adopt-existing.json runs on an existing cluster
    const input = exampleConfig("adopt-existing");
    input.services[0] = { ...input.services[0], desiredCount: 2, autoscaling: { min: 1, max: 50, cpuPercent: 50 } };
    // WHEN / THEN
    expect(parseConfig(input).services[0].autoscaling?.max).toBe(50);
  });
});

describe("bad input names the field and the value", () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      "target capacity above 100",
      () => withOrders({}, { capacityProvider: { targetCapacityPercent: 101 } }),
      /cluster\.capacityProvider\.targetCapacityPercent: .*100.* \(got 101\)/,
    ],
    ["target capacity 0", () => withOrders({}, { capacityProvider: { targetCapacityPercent: 0 } }), /targetCapacityPercent: .* \(got 0\)/],
    ["an unknown capacity", () => withOrders({ capacity: "fargate" as never }), /services\[0\]\.capacity: .*"launchType".*"provider"/],
    [
      "the capacity provider on an existing cluster",
      () => {
        const cfg = exampleConfig("adopt-existing");
        cfg.services[0] = { ...cfg.services[0], capacity: "provider" };
        return cfg;
      },
      /services\[0\]\.capacity: capacity "provider" uses the capacity provider of a cluster this stack creates, and cluster\.existing \("[^"]+"\) has none from it: use "launchType"/,
    ],
    [
      "autoscaling on no metric",
      () => withOrders({ autoscaling: { min: 1, max: 2 } }),
      /services\[0\]\.autoscaling: service "orders" autoscales on nothing: give at least one of cpuPercent, memoryPercent, requestsPerTarget/,
    ],
    [
      "requests per target on an NLB service",
      () => withOrders({ autoscaling: { min: 1, max: 2, requestsPerTarget: 100 } }),
      /services\[0\]\.autoscaling\.requestsPerTarget: requestsPerTarget 100 counts ALB requests per target, and service "orders" is via "nlb"/,
    ],
    [
      "min above max",
      () => withOrders({ autoscaling: { min: 3, max: 2, cpuPercent: 50 } }),
      /services\[0\]\.autoscaling\.min: min 3 is more than max 2/,
    ],
    [
      "desiredCount below min",
      () => withOrders({ desiredCount: 1, autoscaling: { min: 2, max: 2, cpuPercent: 50 } }),
      /services\[0\]\.desiredCount: desiredCount 1 \(the tasks at the first apply\) must be between autoscaling\.min 2 and autoscaling\.max 2/,
    ],
    [
      "desiredCount above max",
      () => withOrders({ desiredCount: 3, capacity: "provider", autoscaling: { min: 1, max: 2, cpuPercent: 50 } }),
      /services\[0\]\.desiredCount: desiredCount 3 .* must be between autoscaling\.min 1 and autoscaling\.max 2/,
    ],
    [
      "a fixed host port autoscaled past cluster.maxSize",
      () => withOrders({ capacity: "provider", autoscaling: { min: 1, max: 5, cpuPercent: 50 } }),
      /services\[0\]\.autoscaling\.max: max 5 is more than cluster\.maxSize 4: hostPort 10000 is fixed, so an instance holds one task of the service and at most 4 tasks can ever run/,
    ],
    [
      "a fixed host port autoscaled past cluster.minSize with the launch type",
      () => withOrders({ autoscaling: { min: 1, max: 3, cpuPercent: 50 } }),
      /services\[0\]\.autoscaling\.max: max 3 is more than cluster\.minSize 2, and hostPort 10000 is fixed \(one task per instance\): only the capacity provider adds instances for the tasks past 2, and service "orders" uses the EC2 launch type; set capacity "provider", or max at most 2/,
    ],
    [
      "a negative min",
      () => withOrders({ autoscaling: { min: -1, max: 2, cpuPercent: 50 } }),
      /services\[0\]\.autoscaling\.min: .* \(got -1\)/,
    ],
    ["max 0", () => withOrders({ autoscaling: { min: 0, max: 0, cpuPercent: 50 } }), /services\[0\]\.autoscaling\.max: .* \(got 0\)/],
    [
      "a CPU target above 100 %",
      () => withOrders({ autoscaling: { min: 1, max: 2, cpuPercent: 150 } }),
      /services\[0\]\.autoscaling\.cpuPercent: .* \(got 150\)/,
    ],
    [
      "an unknown autoscaling field",
      () => withOrders({ autoscaling: { min: 1, max: 2, cpuPercent: 50, scaleInCooldown: 60 } as never }),
      /services\[0\]\.autoscaling: .*scaleInCooldown/,
    ],
  ];

  test.each(cases)("%s", (_name, make, expected) => {
    // GIVEN
    const input = make();
    // WHEN
    const message = configErrorOf(() => parseConfig(input));
    // THEN
    expect(message).toMatch(expected);
  });

  test("the fixed-port instance checks are skipped for dynamic ports and on an existing cluster", () => {
    expect(() => parseConfig(withAlbService({ desiredCount: 1, autoscaling: { min: 1, max: 40, cpuPercent: 50 } }))).not.toThrow();
  });

  test("the limits at the edge are accepted: max = maxSize with the provider, max = minSize with the launch type", () => {
    expect(() => parseConfig(withOrders({ capacity: "provider", autoscaling: { min: 1, max: 4, cpuPercent: 50 } }))).not.toThrow();
    expect(() => parseConfig(withOrders({ autoscaling: { min: 1, max: 2, memoryPercent: 50 } }))).not.toThrow();
  });
});
