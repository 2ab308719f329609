import fc from "fast-check";
import {
  albTargetGroupName,
  apiKeyName,
  AWS_NAME_LIMITS,
  capacityProviderName,
  fitName,
  httpAccessLogGroupName,
  lambdaLogGroupName,
  restAccessLogGroupName,
  restVpcLinkName,
  shardNlbName,
  targetGroupName,
  usagePlanName,
} from "../../lib/model/names";
import { parseConfig } from "../../lib/config/load";
import { nlbServicePorts } from "../../lib/config/implied";
import { allConfigs } from "../helpers/fixtures";
import { synthToTemp } from "../helpers/synth";

const NAME = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
const nameArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,60}[a-z0-9]$/);
const longName = fc.stringMatching(/^[a-z][a-z0-9-]{20,100}[a-z0-9]$/);

describe("fitName", () => {
  test("a name that fits is returned exactly as it is", () => {
    fc.assert(
      fc.property(nameArb, fc.integer({ min: 1, max: 128 }), (name, limit) => {
        fc.pre(name.length <= limit);
        expect(fitName(name, limit)).toBe(name);
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  test("a name that does not fit is cut to the limit, keeps AWS's character rules, and is stable and distinct", () => {
    fc.assert(
      fc.property(
        longName.chain((a) => fc.tuple(fc.constant(a), fc.integer({ min: 16, max: a.length - 1 }))),
        nameArb,
        ([a, limit], b) => {
          const short = fitName(a, limit);
          expect(short.length).toBeLessThanOrEqual(limit);
          expect(short).toMatch(NAME);
          expect(short).toMatch(/-[0-9a-f]{8}$/);
          expect(fitName(a, limit)).toBe(short);
          if (a !== b) expect(fitName(b, limit)).not.toBe(short);
        },
      ),
      { seed: 12, numRuns: 300 },
    );
  });

  test("names that share the readable head still differ", () => {
    const a = albTargetGroupName("storefront-edge-01", "recommends");
    const b = albTargetGroupName("storefront-edge-01", "recommendx");
    expect(a.length).toBeLessThanOrEqual(32);
    expect(a).not.toBe(b);
    expect(a.startsWith("storefront-edge-01-alb-")).toBe(true);
  });
});

test("every AWS name of the default config and every example is unchanged: each already fits", () => {
  for (const [name, input] of allConfigs()) {
    const cfg = parseConfig(input);
    const full = [`${cfg.name}-nlb`, ...nlbServicePorts(cfg).map((p) => `${cfg.name}-tg-${p.port.hostPort}`)];
    if (name === "examples/edge-names.json") continue;
    for (const f of full) expect(f.length).toBeLessThanOrEqual(AWS_NAME_LIMITS.loadBalancer);
    expect(shardNlbName(cfg.name, 0)).toBe(`${cfg.name}-nlb`);
    for (const { port } of nlbServicePorts(cfg)) expect(targetGroupName(cfg.name, port.hostPort)).toBe(`${cfg.name}-tg-${port.hostPort}`);
  }
});

test("an 18-character stack name with a 10-character ALB service name synthesises, with every name within its limit", () => {
  // This was refused before: "storefront-edge-01-alb-recommends" has 33 characters.
  const stack = synthToTemp({
    name: "storefront-edge-01",
    region: "eu-west-2",
    network: {
      type: "create",
      vpcCidr: "10.0.0.0/16",
      availabilityZones: ["eu-west-2a", "eu-west-2b"],
      privateSubnetCidrs: ["10.0.0.0/20", "10.0.16.0/20"],
    },
    services: [
      {
        name: "recommends",
        image: "nginx:1.27",
        containerPort: 80,
        hostPort: 0,
        via: "alb",
        healthCheck: { protocol: "HTTP", path: "/health" },
      },
    ],
    routes: [{ path: "/recommends", methods: ["GET"], service: "recommends" }],
  });
  const groups = Object.values(stack.json.resource.aws_lb_target_group ?? {}) as { name: string }[];
  const lbs = Object.values(stack.json.resource.aws_lb ?? {}) as { name: string }[];
  for (const { name } of [...groups, ...lbs]) expect(name.length).toBeLessThanOrEqual(32);
  expect(groups.map((g) => g.name)).toContain(albTargetGroupName("storefront-edge-01", "recommends"));
  expect(lbs.map((l) => l.name).sort()).toEqual(["storefront-edge-01-alb", "storefront-edge-01-nlb"]);
});

test("every stack name gives a capacity provider name ECS accepts: up to 255 letters, digits, hyphens and underscores, not starting with aws, ecs or fargate", () => {
  fc.assert(
    fc.property(fc.oneof(nameArb, fc.constantFrom("aws", "ecs", "fargate", "AWS-x", "ecs1", "fargatex")), (name) => {
      const cp = capacityProviderName(name);
      expect(cp).toMatch(/^[A-Za-z0-9_-]{1,255}$/);
      expect(cp).not.toMatch(/^(aws|ecs|fargate)/i);
      expect(cp.endsWith(`${name}-capacity`)).toBe(true);
    }),
    { seed: 13, numRuns: 300 },
  );
});

test("API keys, usage plans and log groups keep the names they always had, and fit their limits", () => {
  expect(apiKeyName("shop", "partner")).toBe("shop-partner");
  expect(usagePlanName("shop", "gold")).toBe("shop-gold");
  expect(restAccessLogGroupName("shop")).toBe("/aws/apigateway/shop/access");
  expect(httpAccessLogGroupName("shop")).toBe("/aws/apigateway/shop-http");
  expect(lambdaLogGroupName("shop-nlb-target-sync")).toBe("/aws/lambda/shop-nlb-target-sync");
  expect(apiKeyName("shop", "k".repeat(2000))).toHaveLength(AWS_NAME_LIMITS.apiKey);
  expect(usagePlanName("shop", "p".repeat(2000))).toHaveLength(AWS_NAME_LIMITS.usagePlan);
});

test("NLB n's names carry its shard suffix; the first keeps the unsharded ones", () => {
  expect([0, 1].map((i) => shardNlbName("shop", i))).toEqual(["shop-nlb", "shop-nlb-2"]);
  expect([0, 1].map((i) => restVpcLinkName("shop", i))).toEqual(["shop", "shop-nlb-2"]);
});
