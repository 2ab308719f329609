/**
 * Terraform is the final judge: the default config and every example are synthesised, checked
 * structurally, then init / validate / plan run against the real hashicorp/aws provider, offline.
 */
import { bridgeMode } from "../../lib/config/semantics";
import { describeWithTerraform, initValidatePlan, validateOnly } from "../helpers/terraform";
import { structuralViolations } from "../helpers/structure";
import { allConfigs } from "../helpers/fixtures";
import { synthToTemp, type SynthesisedStack } from "../helpers/synth";

const inputs: [string, unknown][] = allConfigs();
// Synthesised once; the structural tests and the plans read the same output.
const configs: [string, SynthesisedStack][] = inputs.map(([name, input]) => [name, synthToTemp(input)]);

/** Logical ids of the methods a config deliberately opened with authorization NONE. */
function optedOutMethods(stack: SynthesisedStack): Set<string> {
  const open = stack.config.routes.filter((r) => r.authorization === "NONE");
  const ids = [
    ...Object.entries(stack.json.resource.aws_api_gateway_method ?? {})
      .filter(([, m]) => m.authorization === "NONE")
      .map(([id]) => `aws_api_gateway_method.${id}`),
    ...Object.entries(stack.json.resource.aws_apigatewayv2_route ?? {})
      .filter(([, r]) => r.authorization_type === "NONE")
      .map(([id]) => `aws_apigatewayv2_route.${id}`),
  ];
  // Every open method must come from a route that says NONE; count them to be sure.
  expect(ids).toHaveLength(open.reduce((n, r) => n + r.methods.length, 0));
  return new Set(ids);
}

test("there are examples of every network, capacity and bridge form", () => {
  const all = configs.map(([, s]) => s.config);
  expect(all.some((c) => c.network.type === "existing")).toBe(true);
  expect(all.some((c) => c.cluster.capacity.type === "launchConfiguration")).toBe(true);
  expect(all.some((c) => bridgeMode(c) === "native")).toBe(true);
  expect(all.some((c) => bridgeMode(c) === "lambda")).toBe(true);
});

describe.each(configs)("%s", (_name, stack) => {
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

  test("is structurally private", () => {
    expect(structuralViolations(stack.json, optedOutMethods(stack))).toEqual([]);
  });

  test("needs no data source, so a plan makes no AWS calls", () => {
    expect(stack.json.data).toBeUndefined();
  });

  test("pins the provider to the version the bindings were generated from", () => {
    expect(stack.json.terraform).toMatchObject({ required_providers: { aws: { version: "5.100.0" } } });
  });

  test("has one NLB listener per NLB service (plus the bridge), one target group per service, one method or route per route method", () => {
    const count = (type: string) => Object.keys(stack.json.resource[type] ?? {}).length;
    const services = stack.config.services.length;
    const behindAlb = stack.config.services.filter((s) => s.via === "alb").length;
    const bridged = behindAlb > 0 && bridgeMode(stack.config) !== "none" ? 1 : 0;
    const albListener = behindAlb > 0 && !stack.config.alb?.existing ? 1 : 0;
    expect(count("aws_lb")).toBe(1 + albListener);
    expect(count("aws_lb_listener")).toBe(services - behindAlb + bridged + albListener);
    expect(count("aws_lb_target_group")).toBe(services + bridged);
    expect(count("aws_ecs_service")).toBe(services);
    const methods = stack.config.routes.reduce((n, r) => n + r.methods.length, 0);
    const rest = stack.config.api.type === "rest";
    expect(count("aws_api_gateway_method")).toBe(rest ? methods : 0);
    expect(count("aws_apigatewayv2_route")).toBe(rest ? 0 : methods);
    expect(count("aws_api_gateway_vpc_link") + count("aws_apigatewayv2_vpc_link")).toBe(1);
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

describeWithTerraform("terraform init, validate and plan against the real provider", (tf) => {
  // Import blocks make plan read the existing resources from AWS, which offline tests cannot do:
  // configs that adopt resources are validated (imports included) but not planned.
  const adopting = configs.filter(([, s]) => s.config.adopt.length > 0);
  const planned = configs.filter(([, s]) => s.config.adopt.length === 0);

  test.each(adopting)("%s validates, import blocks included", (_name, stack) => {
    expect(() => validateOnly(tf, stack.stackDir, stack.config.region)).not.toThrow();
    expect(((stack.json as { import?: unknown[] }).import ?? []).length).toBe(stack.config.adopt.length);
  });

  test.each(planned)("%s plans cleanly", (_name, stack) => {
    // GIVEN
    const resources = Object.values(stack.json.resource).reduce((n, byId) => n + Object.keys(byId).length, 0);
    // WHEN
    const { plan, stdout } = initValidatePlan(tf, stack.stackDir, stack.config.region);
    // THEN
    expect(stdout).toContain(`Plan: ${resources} to add, 0 to change, 0 to destroy.`);
    const changes = plan.resource_changes ?? [];
    expect(changes).toHaveLength(resources);
    expect(changes.every((c) => c.change.actions.join() === "create")).toBe(true);
    for (const lb of changes.filter((c) => c.type === "aws_lb")) expect(lb.change.after?.internal).toBe(true);
    for (const m of changes.filter((c) => c.type === "aws_api_gateway_method" && c.change.after?.authorization === "NONE")) {
      const route = stack.config.routes.find((r) => r.authorization === "NONE" && r.methods.includes(m.change.after?.http_method as never));
      expect(route).toBeDefined();
    }
  });
});
