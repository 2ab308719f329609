/**
 * The configs of upgrade-safety.test.ts, changed by their first change (a route added), planned by
 * Terraform: one changed stack per example, all in one Terraform run.
 */
import { ledgerOf } from "../helpers/fixtures";
import { synthToTemp } from "../helpers/synth";
import { describeWithTerraform, plansTogether } from "../helpers/terraform";
import { changesFor, examples, type Input } from "./changes";

describeWithTerraform("the changed configs", (tf) => {
  // The first change of every example is adding a route.
  const firsts = examples.map(([name, input]) => {
    const cfg = structuredClone(input) as Input;
    changesFor(input as Input)[0].change(cfg);
    return { example: name, after: synthToTemp(cfg, { nlbShards: ledgerOf(name) }) };
  });
  const planOf = plansTogether(
    tf,
    firsts.map((c) => ({ key: c.example, stackDir: c.after.stackDir, region: c.after.config.region })),
  );
  test.each(firsts.map((c) => [c.example, c] as const))("%s, with a route added, plans cleanly", (name) => {
    const { plan } = planOf(name);
    expect((plan.resource_changes ?? []).length).toBeGreaterThan(0);
    expect((plan.resource_changes ?? []).every((r) => r.change.actions.join(",") === "create")).toBe(true);
  });
});
