/**
 * Terraform is the final judge: the default config and every example (synthesised as in
 * examples.test.ts, which also holds them to the policy check) are planned against the real
 * hashicorp/aws provider, offline (a plan validates first), and the plan is held to the same
 * check. All the planned configs go through one Terraform run, each as a child module; if that
 * run fails, each is planned on its own so the failure shows under its name.
 */
import { checkPlan, checkSynth } from "../../lib/policy";
import { describeWithTerraform, plansTogether, validateOnly } from "../helpers/terraform";
import { allConfigs, ledgerOf } from "../helpers/fixtures";
import { synthToTemp, type SynthesisedStack } from "../helpers/synth";

const configs: [string, SynthesisedStack][] = allConfigs().map(([name, input]) => [
  name,
  synthToTemp(input, { nlbShards: ledgerOf(name) }),
]);

/** Methods (REST) or routes (HTTP API) the config deliberately opens with authorization NONE. */
const openMethodCount = (stack: SynthesisedStack) =>
  stack.config.routes.filter((r) => r.authorization === "NONE").reduce((n, r) => n + r.methods.length, 0);

describeWithTerraform("terraform init and plan against the real provider", (tf) => {
  // Import blocks make plan read the existing resources from AWS, which offline tests cannot do:
  // configs that adopt resources are validated (imports included) but not planned.
  const adopting = configs.filter(([, s]) => s.config.adopt.length > 0);
  const planned = configs.filter(([, s]) => s.config.adopt.length === 0);
  const resourceCount = (stack: SynthesisedStack) =>
    Object.values(stack.json.resource).reduce((n, byId) => n + Object.keys(byId).length, 0);
  const byName = new Map(planned);
  // One terraform init / plan / show for all of them: the provider starts and loads its schema
  // once, not three times per config.
  const planOf = plansTogether(
    tf,
    planned.map(([name, s]) => ({ key: name, stackDir: s.stackDir, region: s.config.region })),
  );

  test.each(adopting)("%s validates, import blocks included", (_name, stack) => {
    expect(() => validateOnly(tf, stack.stackDir, stack.config.region)).not.toThrow();
    expect(((stack.json as { import?: unknown[] }).import ?? []).length).toBe(stack.config.adopt.length);
  });

  test.each(planned)("%s plans cleanly", (name, stack) => {
    // GIVEN
    const resources = resourceCount(stack);
    // WHEN
    const { plan, stdout, plannedWith } = planOf(name);
    // THEN the run's summary counts every config it planned, and this config's part of the plan creates exactly its resources
    const resourcesInRun = plannedWith.reduce((n, key) => n + resourceCount(byName.get(key)!), 0);
    expect(stdout).toContain(`Plan: ${resourcesInRun} to add, 0 to change, 0 to destroy.`);
    const changes = plan.resource_changes ?? [];
    expect(changes).toHaveLength(resources);
    expect(changes.every((c) => c.change.actions.join() === "create")).toBe(true);
    // AND every load balancer it creates, NLB shards and ALB alike, is planned with deletion protection (the default)
    const lbs = Object.keys(stack.json.resource.aws_lb ?? {}).length;
    expect(lbs).toBeGreaterThan(0);
    const protection = changes
      .filter((c) => c.type === "aws_lb")
      .map((c) => (c.change.after as Record<string, unknown>).enable_deletion_protection);
    expect(protection).toEqual(Array<boolean>(lbs).fill(true));
    // AND the plan passes the policy check, but for the authorization NONE the config opened (same addresses as the stack).
    const openInStack = checkSynth(stack.json, { plan: stack.plan }).allowed.map((a) => a.address);
    const policy = checkPlan(plan, { allowNone: openInStack });
    expect(policy.resources).toBe(resources);
    expect(policy.findings).toEqual([]);
    expect(policy.allowed.map((a) => a.address).sort()).toEqual([...openInStack].sort());
    expect(policy.allowed).toHaveLength(openMethodCount(stack));
  });
});
