/**
 * Terraform is the final judge: the default config and every example are synthesised, checked
 * structurally, then init / validate / plan run against the real hashicorp/aws provider, offline.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../../lib/config/default-config";
import { describeWithTerraform, initValidatePlan } from "../helpers/terraform";
import { structuralViolations } from "../helpers/structure";
import { synthToTemp, type SynthesisedStack } from "../helpers/synth";

const examplesDir = join(__dirname, "..", "..", "examples");
const inputs: [string, unknown][] = [
  ["embedded default", DEFAULT_CONFIG],
  ...readdirSync(examplesDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f): [string, unknown] => [`examples/${f}`, JSON.parse(readFileSync(join(examplesDir, f), "utf8"))]),
];
// Synthesised once; the structural tests and the plans read the same output.
const configs: [string, SynthesisedStack][] = inputs.map(([name, input]) => [name, synthToTemp(input)]);

/** Logical ids of the methods a config deliberately opened with authorization NONE. */
function optedOutMethods(stack: SynthesisedStack): Set<string> {
  const open = stack.config.routes.filter((r) => r.authorization === "NONE");
  const ids = Object.entries(stack.json.resource.aws_api_gateway_method ?? {})
    .filter(([, m]) => m.authorization === "NONE")
    .map(([id]) => `aws_api_gateway_method.${id}`);
  // Every open method must come from a route that says NONE; count them to be sure.
  expect(ids).toHaveLength(open.reduce((n, r) => n + r.methods.length, 0));
  return new Set(ids);
}

test("there are at least three examples", () => {
  expect(configs.length).toBeGreaterThanOrEqual(4);
});

describe.each(configs)("%s", (_name, stack) => {
  test("is structurally private", () => {
    expect(structuralViolations(stack.json, optedOutMethods(stack))).toEqual([]);
  });

  test("needs no data source, so a plan makes no AWS calls", () => {
    expect(stack.json.data).toBeUndefined();
  });

  test("pins the provider to the version the bindings were generated from", () => {
    expect(stack.json.terraform).toMatchObject({ required_providers: { aws: { version: "5.100.0" } } });
  });

  test("has one listener, target group and host-port rule per service, and one method per route method", () => {
    const count = (type: string) => Object.keys(stack.json.resource[type] ?? {}).length;
    const services = stack.config.services.length;
    expect(count("aws_lb_listener")).toBe(services);
    expect(count("aws_lb_target_group")).toBe(services);
    expect(count("aws_ecs_service")).toBe(services);
    expect(count("aws_api_gateway_method")).toBe(stack.config.routes.reduce((n, r) => n + r.methods.length, 0));
    expect(count("aws_api_gateway_vpc_link")).toBe(1);
  });
});

describeWithTerraform("terraform init, validate and plan against the real provider", (tf) => {
  test.each(configs)("%s plans cleanly", (_name, stack) => {
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
