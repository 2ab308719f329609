/**
 * User-chosen names and fixed construct ids never collide. Both configs below passed every check
 * and then crashed synth with "There is already a Construct with name ...".
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeUniqueId } from "cdktf/lib/private/unique";
import { parseConfig } from "../../lib/config/load";
import { synthesize } from "../../lib/synth";
import {
  FIXED_ID_WORDS,
  LOWER_CASE_FIXED_IDS,
  methodConstructId,
  methodIdPart,
  portIdPart,
  portKey,
  shardSuffix,
  userIdPart,
} from "../../lib/model/ids";
import { defaultConfig, exampleConfig, HTTP_HEALTH_CHECK, ledgerOf } from "../helpers/fixtures";
import { resourcesByPath, synthToTemp } from "../helpers/synth";

const network = {
  type: "create",
  vpcCidr: "10.0.0.0/16",
  availabilityZones: ["eu-west-2a", "eu-west-2b"],
  privateSubnetCidrs: ["10.0.0.0/20", "10.0.16.0/20"],
};
const svc = (name: string, hostPort: number, via: "nlb" | "alb") => ({
  name,
  image: "nginx:1.27",
  containerPort: 80,
  hostPort,
  via,
  healthCheck: HTTP_HEALTH_CHECK,
});

test("userIdPart leaves every name as it is except the lower-case fixed ids, which it marks", () => {
  expect(userIdPart("orders")).toBe("orders");
  for (const fixed of LOWER_CASE_FIXED_IDS) expect(userIdPart(fixed)).toBe(`User-${fixed}`);
  expect(FIXED_ID_WORDS).toEqual(expect.arrayContaining([...LOWER_CASE_FIXED_IDS]));
});

test("a port's key is its service's name for a first port and its id part for a further one; its id part marks a fixed-id name", () => {
  expect(portKey({ service: "orders" })).toBe("orders");
  expect(portKey({ service: "orders", portId: "orders-Port-admin" })).toBe("orders-Port-admin");
  expect(portKey({ service: "dynamic-ports" })).toBe("dynamic-ports");
  expect(portIdPart({ service: "orders" })).toBe("orders");
  expect(portIdPart({ service: "orders", portId: "orders-Port-admin" })).toBe("orders-Port-admin");
  expect(portIdPart({ service: "dynamic-ports" })).toBe("User-dynamic-ports");
});

test("the first NLB has no shard suffix, NLB n has -n (or _n)", () => {
  expect([0, 1, 2].map((i) => shardSuffix(i))).toEqual(["", "-2", "-3"]);
  expect(shardSuffix(1, "_")).toBe("_2");
});

test("a method's id part is <pathId>-<METHOD>, in the REST and HTTP API construct ids", () => {
  expect(methodIdPart("orders:{id}", "GET")).toBe("orders:{id}-GET");
  expect(methodConstructId("rest", "orders", "GET")).toBe("Method-orders-GET");
  expect(methodConstructId("http", "orders", "GET")).toBe("Route-orders-GET");
});

test('a service named "dynamic-ports" beside a hostPort 0 service synthesises, each rule under its own id', () => {
  const stack = synthToTemp({
    name: "shop",
    region: "eu-west-2",
    network,
    services: [svc("dynamic-ports", 10010, "alb"), svc("search", 0, "alb")],
    routes: [
      { path: "/a", methods: ["GET"], service: "dynamic-ports" },
      { path: "/b", methods: ["GET"], service: "search" },
    ],
  });
  const ingress = resourcesByPath(stack.json, "aws_vpc_security_group_ingress_rule");
  expect(ingress.get("Cluster/HostPort-dynamic-ports")?.attrs).toMatchObject({ from_port: 32768, to_port: 65535 });
  expect(ingress.get("Cluster/HostPort-User-dynamic-ports")?.attrs).toMatchObject({
    from_port: 10010,
    to_port: 10010,
    description: "dynamic-ports: load balancer traffic and health checks",
  });
  const egress = resourcesByPath(stack.json, "aws_vpc_security_group_egress_rule");
  expect(egress.get("Alb/EgressToTargets-dynamic-ports")?.attrs).toMatchObject({ from_port: 32768 });
  expect(egress.get("Alb/EgressToTargets-User-dynamic-ports")?.attrs).toMatchObject({ from_port: 10010 });
  // Both ids are in use, so neither moved: there was no earlier deployment of this config.
  expect(stack.json.moved).toBeUndefined();
});

test('an NLB service named "alb-bridge" beside the ALB bridge synthesises', () => {
  const stack = synthToTemp({
    name: "shop",
    region: "eu-west-2",
    network,
    services: [svc("alb-bridge", 10020, "nlb"), svc("search", 0, "alb")],
    routes: [
      { path: "/a", methods: ["GET"], service: "alb-bridge" },
      { path: "/b", methods: ["GET"], service: "search" },
    ],
    bridge: { mode: "native" },
  });
  const egress = resourcesByPath(stack.json, "aws_vpc_security_group_egress_rule");
  expect(egress.get("Nlb/EgressToTargets-alb-bridge")?.attrs).toMatchObject({ from_port: 80 });
  expect(egress.get("Nlb/EgressToTargets-User-alb-bridge")?.attrs).toMatchObject({ from_port: 10020 });
});

test('a deployed service named "alb-bridge" with no bridge keeps its rules: they move to the marked ids', () => {
  const input = defaultConfig();
  const services = input.services as { name: string }[];
  const routes = input.routes as { service: string }[];
  for (const r of routes) if (r.service === services[0].name) r.service = "alb-bridge";
  services[0].name = "alb-bridge";
  const stack = synthToTemp(input);
  const addressOf = (type: string, path: string) => {
    const found = resourcesByPath(stack.json, type).get(path);
    expect(found).toBeDefined();
    return `${type}.${found?.id}`;
  };
  expect(stack.json.moved).toEqual(
    expect.arrayContaining([
      {
        from: `aws_vpc_security_group_egress_rule.${makeUniqueId(["Nlb", "EgressToTargets-alb-bridge"])}`,
        to: addressOf("aws_vpc_security_group_egress_rule", "Nlb/EgressToTargets-User-alb-bridge"),
      },
      {
        from: `aws_vpc_security_group_ingress_rule.${makeUniqueId(["Cluster", "HostPort-alb-bridge"])}`,
        to: addressOf("aws_vpc_security_group_ingress_rule", "Cluster/HostPort-User-alb-bridge"),
      },
    ]),
  );
});

test("the moves every HTTP API stack gets are plain moved blocks: synth does not need Terraform", () => {
  // CDKTF's moveFromId makes synth run `terraform version` (and fail where Terraform is missing).
  const config = parseConfig(exampleConfig("http-api"));
  const outdir = mkdtempSync(join(tmpdir(), "moves-"));
  const { stack } = synthesize(config, outdir, { nlbShards: ledgerOf("examples/http-api.json") });
  expect(stack.hasResourceMove()).toBe(false);
  const json = JSON.parse(readFileSync(join(outdir, "stacks", config.name, "cdk.tf.json"), "utf8")) as { moved?: unknown[] };
  expect(json.moved).toHaveLength(2);
});
