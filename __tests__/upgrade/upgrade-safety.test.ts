/**
 * Upgrade safety: for the default config and every example, adding or removing one route or one
 * service, adding a port to a service, or autoscaling a service, changes only that route's,
 * service's or port's resources (autoscaling: its scalable target and policy are added, and its ECS
 * service leaves desired_count alone). Everything else keeps its address and every attribute: the
 * NLBs, the VPC links, the API, the other services. Changing a route replaces the deployment (the
 * stage moves to it) and never the API. Proved by comparing two synths;
 * upgrade-safety.process.test.ts also plans the changed configs with Terraform.
 */
import { ledgerOf } from "../helpers/fixtures";
import { synthToTemp, type SynthesisedStack, type TerraformJson } from "../helpers/synth";
import { albRulePriorityOnly, changesFor, diff, examples, mergedPortRule, redeploy, type Input, type Owner } from "./changes";

const cases: {
  example: string;
  change: string;
  before: SynthesisedStack;
  after: SynthesisedStack;
  owner: Owner;
  mayChange: Owner;
  redeploys: boolean;
}[] = [];
for (const [name, input] of examples) {
  const before = synthToTemp(input, { nlbShards: ledgerOf(name) });
  for (const c of changesFor(input as Input)) {
    const cfg = structuredClone(input) as Input;
    c.change(cfg);
    cases.push({
      example: name,
      change: c.name,
      before,
      after: synthToTemp(cfg, { nlbShards: ledgerOf(name) }),
      owner: c.owner,
      mayChange: c.mayChange ?? c.owner,
      redeploys: c.redeploys ?? true,
    });
  }
}

describe.each(cases.map((c) => [`${c.example}: ${c.change}`, c] as const))("%s", (_label, c) => {
  const d = diff(c.before.json, c.after.json);
  const attrsOf = (json: TerraformJson, address: string): Record<string, unknown> => {
    const [type, id] = address.split(".") as [string, string];
    return json.resource[type]?.[id] ?? {};
  };

  test("adds and removes only the changed route's or service's resources", () => {
    const strangers = [
      ...d.added.filter((a) => !c.owner(a, attrsOf(c.after.json, a)) && !redeploy(a) && !mergedPortRule(a)),
      ...d.removed.filter((a) => !c.owner(a, attrsOf(c.before.json, a)) && !redeploy(a) && !mergedPortRule(a)),
    ];
    expect(strangers).toEqual([]);
  });

  test("changes no other resource's attributes, except a redeploy and ALB rule priorities", () => {
    const changed = d.changed.filter(
      (a) => !redeploy(a) && !albRulePriorityOnly(c.before.json, c.after.json, a) && !c.mayChange(a, attrsOf(c.after.json, a)),
    );
    expect(changed).toEqual([]);
  });

  test("keeps the NLBs, VPC links and API exactly as they were", () => {
    for (const type of [
      "aws_lb",
      "aws_api_gateway_vpc_link",
      "aws_apigatewayv2_vpc_link",
      "aws_api_gateway_rest_api",
      "aws_apigatewayv2_api",
    ]) {
      const before = c.before.json.resource[type] ?? {};
      const after = c.after.json.resource[type] ?? {};
      for (const [id, attrs] of Object.entries(before)) expect({ [id]: after[id] }).toEqual({ [id]: attrs });
    }
  });

  test("a route change replaces the deployment, so the stage is redeployed, and never the API; any other change leaves the deployment alone", () => {
    const deployments = Object.keys(c.before.json.resource.aws_api_gateway_deployment ?? {});
    if (!c.redeploys) return expect([...d.added, ...d.removed, ...d.changed].filter(redeploy)).toEqual([]);
    if (deployments.length === 0) return; // HTTP API: auto-deployed stage
    const redeployed = d.changed.filter(redeploy).length + d.added.filter(redeploy).length;
    expect(redeployed).toBeGreaterThan(0);
    expect(d.removed.filter((a) => a.startsWith("aws_api_gateway_rest_api."))).toEqual([]);
  });
});

test("every example but adopt-existing is covered by at least two kinds of change", () => {
  for (const [name] of examples) expect(cases.filter((c) => c.example === name).length).toBeGreaterThanOrEqual(2);
});

test.each(cases.filter((c) => c.change === "adding a secret to a service").map((c) => [c.example, c] as const))(
  "%s: adding a secret changes exactly that service's task definition and execution role policy, and adds nothing",
  (_name, c) => {
    const d = diff(c.before.json, c.after.json);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.changed.map((a) => a.replace(/_[0-9A-F]{8}$/, "").replace(/Service-[a-z0-9-]+_/, "Service-<name>_")).sort()).toEqual([
      "aws_ecs_task_definition.Service-<name>_TaskDefinition",
      "aws_iam_role_policy.Service-<name>_ExecutionRolePolicy",
    ]);
  },
);
