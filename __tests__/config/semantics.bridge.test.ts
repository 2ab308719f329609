import { parseConfig } from "../../lib/config/load";
import { configErrorOf, exampleConfig } from "../helpers/fixtures";
import { bridgeMode, bridgePort } from "../../lib/config/implied";

const native = () => exampleConfig("alb-bridge-native");

const errorOf = (cfg: unknown): string => configErrorOf(() => parseConfig(cfg));

test("without a bridge section, ALB services get the native bridge on port 80 (443 with a certificate)", () => {
  // GIVEN
  const cfg = native();
  delete cfg.bridge;
  // WHEN
  const parsed = parseConfig(cfg);
  // THEN
  expect(bridgeMode(parsed)).toBe("native");
  expect(bridgePort(parsed)).toBe(80);
  expect(bridgePort({ ...parsed, alb: { certificateArn: "arn:aws:acm:eu-central-1:123456789012:certificate/x", sslPolicy: "p" } })).toBe(
    443,
  );
});

test.each<[string, (c: ReturnType<typeof native>) => void, RegExp]>([
  [
    "a dynamic port on the NLB",
    (c) => (c.services[2].hostPort = 0),
    /services\[2\]\.hostPort: hostPort 0 \(a dynamic port\) only works behind the ALB/,
  ],
  [
    "a TCP health check behind the ALB",
    (c) => delete c.services[0].healthCheck,
    /services\[0\]\.healthCheck\.protocol: service "search" is behind the ALB, whose target groups check HTTP or HTTPS/,
  ],
  [
    "a bridge port taken by an NLB service",
    (c) => (c.bridge = { mode: "native", port: 10000 }),
    /bridge\.port: the bridge listens on NLB port 10000, which service "pricing" already uses/,
  ],
  [
    "routes behind the ALB with no bridge",
    (c) => (c.bridge = { mode: "none" }),
    /routes\[0\]\.service: route \/search goes to service "search" behind the ALB, but bridge\.mode is "none"/,
  ],
  [
    "a bridge with no ALB service",
    (c) => (c.services = [c.services[2]]) && (c.routes = [c.routes[3]]),
    /bridge: a bridge \(mode "native"\) is configured, but no service has via: "alb"/,
  ],
  [
    "one ALB path for two services",
    (c) => c.routes.push({ path: "/search", methods: ["POST"], service: "reviews" }),
    /routes\[4\]\.service: route \/search gives the ALB path pattern "\/search", which routes\[0\] already sends to service "search"/,
  ],
  [
    "an ALB in one subnet",
    (c) => (c.network = { ...c.network, type: "create", availabilityZones: ["eu-central-1a"], privateSubnetCidrs: ["10.30.0.0/20"] }),
    /network\.privateSubnetCidrs: services behind the ALB need subnets in at least two availability zones/,
  ],
  [
    "lambda options on the native bridge",
    // A field only the lambda bridge has, so only a cast lets the typed example carry it.
    (c) => (c.bridge = { mode: "native", antiFlapRuns: 2 } as NonNullable<(typeof c)["bridge"]>),
    /bridge: unknown field\(s\) "antiFlapRuns"/,
  ],
  ["an anti-flap threshold of 0", (c) => (c.bridge = { mode: "lambda", antiFlapRuns: 0 }), /bridge\.antiFlapRuns: .* \(got 0\)/],
])("%s is refused with the field and value", (_what, mutate, expected) => {
  const cfg = native();
  mutate(cfg);
  expect(errorOf(cfg)).toMatch(expected);
});
