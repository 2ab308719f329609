/**
 * Past 50 listener ports the stack spreads the ports over several internal NLBs, each with its own
 * REST VPC link, and keeps every port on the NLB its ledger records.
 */
import { parseConfig } from "../../lib/config/load";
import { assignNlbShards, nlbIndexOf } from "../../lib/model/shards";
import { nlbPorts } from "../../lib/config/implied";
import { configWithServices } from "../helpers/fixtures";
import { resourcesByPath, resourcesOf, synthToTemp, type TerraformJson } from "../helpers/synth";

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);
const ref = (type: string, id: string, attr: string): string => `\${${type}.${id}.${attr}}`;

/** Logical id of NLB number `index` (0-based) in a synthesised stack. */
function nlbId(json: TerraformJson, index: number): string {
  const found = resourcesByPath(json, "aws_lb").get(index === 0 ? "Nlb/Resource" : `Nlb-${index + 1}/Resource`);
  if (!found) throw new Error(`no NLB ${index}`);
  return found.id;
}

/** For every NLB listener: its logical id -> the NLB it is on and its port. */
function listeners(json: TerraformJson): Map<string, { lb: unknown; port: unknown }> {
  return new Map(resourcesOf(json, "aws_lb_listener").map(([id, l]) => [id, { lb: l.load_balancer_arn, port: l.port }]));
}

describe("a REST API with 120 services", () => {
  const input = configWithServices(120);
  const { json, config } = synthToTemp(input);
  const ledger = assignNlbShards(nlbPorts(config));

  test("gets three internal NLBs, named after the first, each with its own VPC link", () => {
    const lbs = resourcesOf(json, "aws_lb").map(([, lb]) => lb);
    expect(lbs.map((lb) => lb.name).sort()).toEqual(["private-api-nlb", "private-api-nlb-2", "private-api-nlb-3"]);
    expect(lbs.every((lb) => lb.internal === true && lb.load_balancer_type === "network")).toBe(true);
    const links = resourcesOf(json, "aws_api_gateway_vpc_link").map(([, link]) => link.target_arns);
    expect(links.sort()).toEqual([0, 1, 2].map((i) => [ref("aws_lb", nlbId(json, i), "arn")]).sort());
  });

  test("puts at most 50 listeners on each NLB, as the ledger says", () => {
    const byLb = new Map<unknown, unknown[]>();
    for (const { lb, port } of listeners(json).values()) byLb.set(lb, [...(byLb.get(lb) ?? []), port]);
    expect(byLb.size).toBe(3);
    ledger.nlbs.forEach((ports, i) => {
      expect((byLb.get(ref("aws_lb", nlbId(json, i), "arn")) ?? []).sort()).toEqual([...ports].sort());
    });
  });

  test("integrates every method through the VPC link and DNS name of its port's NLB", () => {
    const linkOfLb = new Map(
      resourcesOf(json, "aws_api_gateway_vpc_link").map(([id, link]) => [
        (link.target_arns as string[])[0],
        ref("aws_api_gateway_vpc_link", id, "id"),
      ]),
    );
    const integrations = resourcesOf(json, "aws_api_gateway_integration");
    expect(integrations).toHaveLength(120);
    for (const [, integration] of integrations) {
      const port = Number(/:(\d+)\//.exec(String(integration.uri))?.[1]);
      const lb = nlbId(json, nlbIndexOf(ledger, port));
      expect(integration.uri).toContain(ref("aws_lb", lb, "dns_name"));
      expect(integration.connection_id).toBe(linkOfLb.get(ref("aws_lb", lb, "arn")));
      expect(integration.connection_type).toBe("VPC_LINK");
    }
  });

  test("admits each NLB's security group on its own ports only, merged into one range per NLB", () => {
    const rules = [...resourcesByPath(json, "aws_vpc_security_group_ingress_rule")].filter(([path]) => path.startsWith("Cluster/"));
    expect(rules.map(([, r]) => [r.attrs.from_port, r.attrs.to_port, r.attrs.referenced_security_group_id])).toEqual(
      ledger.nlbs.map((ports, i) => [
        Math.min(...ports),
        Math.max(...ports),
        ref(
          "aws_security_group",
          resourcesByPath(json, "aws_security_group").get(i === 0 ? "Nlb/SecurityGroup" : `Nlb-${i + 1}/SecurityGroup`)!.id,
          "id",
        ),
      ]),
    );
  });

  test("outputs every NLB's DNS name and every VPC link", () => {
    expect(json.output?.nlb_dns_names?.value).toEqual([0, 1, 2].map((i) => ref("aws_lb", nlbId(json, i), "dns_name")));
    expect(json.output?.vpc_link_ids?.value).toHaveLength(3);
  });

  test("adding a service on a lower port than all others moves no listener, with the ledger", () => {
    // GIVEN the ledger of the 120-service stack
    const grown = configWithServices(121);
    grown.services[120].hostPort = 9000;
    // WHEN the 121st service arrives
    const after = synthToTemp(grown, { nlbShards: ledger });
    // THEN every listener keeps its address, NLB and port; the new one is the only addition
    const before = listeners(json);
    const now = listeners(after.json);
    for (const [id, l] of before) expect(now.get(id)).toEqual(l);
    expect(now.size).toBe(before.size + 1);
    // and the first 50 listeners' NLB is untouched, attribute for attribute
    expect(resourcesOf(after.json, "aws_lb")).toEqual(expect.arrayContaining(resourcesOf(json, "aws_lb")));
  });

  test("without the ledger the same change would move a listener: why the ledger exists", () => {
    const grown = configWithServices(121);
    grown.services[120].hostPort = 9000;
    const after = synthToTemp(grown);
    const now = listeners(after.json);
    const moved = [...listeners(json)].filter(([id, l]) => now.get(id)?.lb !== l.lb);
    expect(moved.length).toBeGreaterThan(0);
  });

  test("removing a service changes only that service's resources", () => {
    const shrunk = configWithServices(120);
    shrunk.services.splice(60, 1);
    shrunk.routes.splice(60, 1);
    const after = synthToTemp(shrunk, { nlbShards: ledger });
    const before = listeners(json);
    const now = listeners(after.json);
    expect([...before.keys()].filter((id) => !now.has(id))).toEqual([expect.stringContaining("svc-60")]);
    for (const [id, l] of now) expect(before.get(id)).toEqual(l);
  });
});

test("growing from 50 to 51 ports keeps the first NLB and its VPC link exactly as they were", () => {
  const fifty = synthToTemp(configWithServices(50));
  const fiftyOne = synthToTemp(configWithServices(51));
  for (const type of ["aws_lb", "aws_api_gateway_vpc_link", "aws_security_group"]) {
    expect(resourcesOf(fiftyOne.json, type)).toEqual(expect.arrayContaining(resourcesOf(fifty.json, type)));
  }
  expect(resourcesOf(fiftyOne.json, "aws_lb")).toHaveLength(2);
  expect(fifty.json.output?.nlb_dns_names).toBeUndefined();
});

test("an HTTP API with 61 NLB services uses one VPC link for both NLBs, and each NLB admits the link on its own ports", () => {
  const input = configWithServices(61);
  input.api = { type: "http" };
  const { json, config } = synthToTemp(input);
  const ledger = assignNlbShards(nlbPorts(parseConfig(input)));
  expect(resourcesOf(json, "aws_apigatewayv2_vpc_link")).toHaveLength(1);
  expect(resourcesOf(json, "aws_lb")).toHaveLength(2);
  const listenerOf = new Map(resourcesOf(json, "aws_lb_listener").map(([id, l]) => [ref("aws_lb_listener", id, "arn"), l]));
  for (const [, integration] of resourcesOf(json, "aws_apigatewayv2_integration")) {
    const listener = listenerOf.get(String(integration.integration_uri));
    expect(listener).toBeDefined();
    expect(listener?.load_balancer_arn).toBe(ref("aws_lb", nlbId(json, nlbIndexOf(ledger, Number(listener?.port))), "arn"));
  }
  const ingress = [...resourcesByPath(json, "aws_vpc_security_group_ingress_rule")].filter(([path]) =>
    /^Nlb(-2)?\/IngressFrom-http-api-/.test(path),
  );
  expect(ingress).toHaveLength(config.services.length);
  for (const [path, rule] of ingress) {
    const index = nlbIndexOf(ledger, Number(rule.attrs.from_port));
    expect(path.startsWith(index === 0 ? "Nlb/" : `Nlb-${index + 1}/`)).toBe(true);
  }
  // The link's group reaches 61 ports on two NLBs: one rule each would pass the 60-rule quota, so one range per NLB.
  const egress = [...resourcesByPath(json, "aws_vpc_security_group_egress_rule")].filter(([path]) =>
    path.startsWith("HttpApi/EgressToTargets-"),
  );
  expect(egress.map(([, r]) => [r.attrs.from_port, r.attrs.to_port])).toEqual([
    [10000, 10049],
    [10050, 10060],
  ]);
});

test("renaming a service whose port the ledger put on a later NLB moves it from the address it really has", () => {
  // GIVEN 121 services where the ledger put port 9000 (svc-120), added last, on the third NLB
  const before = configWithServices(121);
  before.services[120].hostPort = 9000;
  const ledger = assignNlbShards([...range(10000, 120), 9000], assignNlbShards(range(10000, 120)));
  const beforeJson = synthToTemp(before, { nlbShards: ledger }).json;
  // WHEN svc-120 is renamed
  const after = structuredClone(before);
  after.services[120].name = "billing";
  after.routes[120].service = "billing";
  (after as Record<string, unknown>).renames = { services: { "svc-120": "billing" } };
  const json = synthToTemp(after, { nlbShards: ledger }).json as TerraformJson & { moved?: { from: string; to: string }[] };
  // THEN the listener's moved block starts from the address the previous synth gave it
  const listenerMove = (json.moved ?? []).find((m) => m.from.startsWith("aws_lb_listener."));
  expect(listenerMove).toBeDefined();
  expect(Object.keys(beforeJson.resource.aws_lb_listener)).toContain(listenerMove?.from.split(".")[1]);
  expect(listenerMove?.from).toMatch(/^aws_lb_listener\.Nlb-3_/);
});
