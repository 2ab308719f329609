/**
 * The default config and every example, synthesised: their resource addresses are pinned, and
 * they are held to the policy check (`npm run check`, lib/policy). examples.process.test.ts then
 * plans them against the real hashicorp/aws provider.
 */
import { join } from "node:path";
import { portsOf } from "../../lib/config/ports";
import { bridgeMode, nlbPorts, nlbServicePorts } from "../../lib/config/implied";
import { assignNlbShards } from "../../lib/model/shards";
import { planLedgerUpdate } from "../../lib/entry/ledger-file";
import { checkSynth } from "../../lib/policy";
import { allConfigs, ledgerOf, ROOT } from "../helpers/fixtures";
import { synthToTemp, type SynthesisedStack } from "../helpers/synth";
import { expectCommittedJson } from "../helpers/json-snapshot";

const inputs: [string, unknown][] = allConfigs();
// Synthesised once; the policy checks and the plans read the same output.
const configs: [string, SynthesisedStack][] = inputs.map(([name, input]) => [name, synthToTemp(input, { nlbShards: ledgerOf(name) })]);

/** Methods (REST) or routes (HTTP API) the config deliberately opens with authorization NONE. */
const openMethodCount = (stack: SynthesisedStack) =>
  stack.config.routes.filter((r) => r.authorization === "NONE").reduce((n, r) => n + r.methods.length, 0);

test("there are examples of every network, capacity and bridge form", () => {
  const all = configs.map(([, s]) => s.config);
  expect(all.some((c) => c.network.type === "existing")).toBe(true);
  expect(all.some((c) => c.cluster.capacity.type === "launchConfiguration")).toBe(true);
  expect(all.some((c) => bridgeMode(c) === "native")).toBe(true);
  expect(all.some((c) => bridgeMode(c) === "lambda")).toBe(true);
});

describe.each(configs)("%s", (name, stack) => {
  // Resource addresses are the contract with Terraform state: a changed address destroys and
  // recreates real infrastructure unless a moved block says otherwise. A change here must be
  // deliberate: review the snapshot diff, add renames (moved blocks) where resources were renamed,
  // then run `npx jest -u` on this file.
  test("keeps its resource addresses", () => {
    const addresses = Object.entries(stack.json.resource)
      .flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`))
      .sort();
    expect(addresses).toMatchSnapshot();
  });

  // The whole stack, as committed under __snapshots__/json (helpers/json-snapshot.ts says how to
  // update it): a change to any example's output is deliberate, reviewed and in CHANGELOG.md.
  test("synthesises exactly its committed JSON", () => {
    const file = join(
      __dirname,
      "__snapshots__",
      "json",
      `${name
        .replace(/^examples\//, "")
        .replace(/\.json$/, "")
        .replace(/ /g, "-")}.tf.json`,
    );
    expectCommittedJson(file, stack.json);
  });

  test("passes the policy check: nothing internet-facing, no open ingress, VPC links, no public IPs, least privilege, current runtimes, log retention", () => {
    const result = checkSynth(stack.json, { plan: stack.plan });
    expect(result.findings).toEqual([]);
    expect(result.unchecked).toEqual([]);
    // Every method or route with authorization NONE comes from a route that says NONE, and each of those is there.
    expect(result.allowed.every((a) => a.rule === "authorization")).toBe(true);
    expect(result.allowed).toHaveLength(openMethodCount(stack));
  });

  test("needs no data source, so a plan makes no AWS calls", () => {
    expect(stack.json.data).toBeUndefined();
  });

  test("pins the provider to the version the bindings were generated from", () => {
    expect(stack.json.terraform).toMatchObject({ required_providers: { aws: { version: "5.100.0" } } });
  });

  test("has its NLB shard ledger committed, matching the config (CI only reads it)", () => {
    if (!name.startsWith("examples/")) return expect(ledgerOf(name)).toBeUndefined();
    const update = planLedgerUpdate(join(ROOT, name), nlbPorts(stack.config));
    expect(update.previous).toBeDefined();
    expect(update.changed).toBe(false);
  });

  test("has one NLB per 50 listener ports, one NLB listener per NLB port (plus the bridge), one target group per service port, one method or route per route method", () => {
    const count = (type: string) => Object.keys(stack.json.resource[type] ?? {}).length;
    const services = stack.config.services.length;
    const ports = stack.config.services.reduce((n, s) => n + portsOf(s).length, 0);
    const nlbServed = nlbServicePorts(stack.config).length;
    const behindAlb = stack.config.services.filter((s) => s.via === "alb").length;
    const bridged = behindAlb > 0 && bridgeMode(stack.config) !== "none" ? 1 : 0;
    const albListener = behindAlb > 0 && !stack.config.alb?.existing ? 1 : 0;
    const hasNlb = stack.config.api.type === "rest" || nlbServed > 0;
    const nlbs = hasNlb ? assignNlbShards(nlbPorts(stack.config), ledgerOf(name)).nlbs.filter((p, i) => i === 0 || p.length > 0).length : 0;
    expect(count("aws_lb")).toBe(nlbs + albListener);
    expect(count("aws_lb_listener")).toBe(nlbServed + bridged + albListener);
    expect(count("aws_lb_target_group")).toBe(ports + bridged);
    expect(count("aws_ecs_service")).toBe(services);
    const methods = stack.config.routes.reduce((n, r) => n + r.methods.length, 0);
    const rest = stack.config.api.type === "rest";
    expect(count("aws_api_gateway_method")).toBe(rest ? methods : 0);
    expect(count("aws_apigatewayv2_route")).toBe(rest ? 0 : methods);
    expect(count("aws_api_gateway_vpc_link")).toBe(rest ? nlbs : 0);
    expect(count("aws_apigatewayv2_vpc_link")).toBe(rest ? 0 : 1);
  });

  test("the ALB, if any, admits only the NLB or the HTTP API's VPC link: no CIDR ingress on its security group", () => {
    const albs = Object.values(stack.json.resource.aws_lb ?? {}).filter((lb) => lb.load_balancer_type === "application");
    for (const alb of albs) {
      const sgRefs = alb.security_groups as string[];
      expect(sgRefs).toHaveLength(1);
      const sgId = sgRefs[0].replace(/^\$\{(.*)\.id\}$/, "$1");
      const ingress = Object.values(stack.json.resource.aws_vpc_security_group_ingress_rule ?? {}).filter(
        (r) => r.security_group_id === `\${${sgId}.id}`,
      );
      for (const rule of ingress) {
        expect(rule.cidr_ipv4).toBeUndefined();
        expect(rule.cidr_ipv6).toBeUndefined();
        // The NLB's group (REST bridge), or the HTTP API's VPC link group.
        expect(String(rule.referenced_security_group_id)).toMatch(
          /^\$\{aws_security_group\.(Nlb_SecurityGroup|HttpApi_VpcLinkSecurityGroup)_[0-9A-F]+\.id\}$/,
        );
      }
      // native mode and the HTTP API admit one group; lambda mode leaves ingress to the function (NLB IPs only).
      expect(ingress).toHaveLength(bridgeMode(stack.config) === "lambda" ? 0 : 1);
    }
  });
});
