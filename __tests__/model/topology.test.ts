import { parseConfig } from "../../lib/config/load";
import { planStack } from "../../lib/model/stack-plan";
import { renderMermaid } from "../../lib/diagram";
import { planTopology } from "../../lib/model/topology";
import { allConfigs, exampleConfig, ledgerOf } from "../helpers/fixtures";
import { resourcesOf, synthToTemp } from "../helpers/synth";

/** The existing-ALB example with an HTTPS listener on 443. */
function existingHttpsAlb() {
  const input = exampleConfig("existing-alb");
  const existing = input.alb?.existing;
  if (!existing) throw new Error("examples/existing-alb.json has no existing ALB");
  input.alb = { ...input.alb, existing: { ...existing, listenerPort: 443, https: true }, serverName: "catalogue.internal.example.com" };
  return input;
}

describe("an existing ALB whose listener speaks HTTPS", () => {
  // The diagram said "internal ALB HTTP 443" while the integrations were https://...:443.
  test("the topology, the diagram and the integrations all say HTTPS", () => {
    const config = parseConfig(existingHttpsAlb());
    const topology = planTopology(config);
    expect(topology.alb).toMatchObject({ https: true, listenerPort: 443 });
    expect(renderMermaid(planStack(config))).toContain('["internal ALB<br/>HTTPS 443"]');
    const uris = resourcesOf(synthToTemp(existingHttpsAlb()).json, "aws_api_gateway_integration").map(([, i]) => String(i.uri));
    expect(uris.length).toBeGreaterThan(0);
    for (const uri of uris) expect(uri).toMatch(/^https:\/\/.*:443\//);
  });
});

test("the stack builds exactly the topology: its NLBs, listeners and rules", () => {
  for (const [name, input] of allConfigs()) {
    const { json, config } = synthToTemp(input, { nlbShards: ledgerOf(name) });
    const topology = planTopology(config, ledgerOf(name));
    const lbs = resourcesOf(json, "aws_lb").map(([, lb]) => lb);
    expect(
      lbs
        .filter((lb) => lb.load_balancer_type === "network")
        .map((lb) => lb.name)
        .sort(),
    ).toEqual(topology.nlbs.map((n) => n.name).sort());
    const rules = [
      ...resourcesOf(json, "aws_vpc_security_group_ingress_rule"),
      ...resourcesOf(json, "aws_vpc_security_group_egress_rule"),
    ].filter(([, r]) => r.referenced_security_group_id !== undefined);
    expect(rules).toHaveLength(topology.securityGroupRules.length);
  }
});

test("the topology is read-only", () => {
  const topology = planTopology(parseConfig(exampleConfig("two-services")));
  expect(Object.isFrozen(topology)).toBe(true);
  expect(Object.isFrozen(topology.nlbs[0].servicePorts)).toBe(true);
  expect(Object.isFrozen(topology.securityGroupRules[0])).toBe(true);
});
