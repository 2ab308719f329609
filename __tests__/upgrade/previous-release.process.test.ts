/**
 * Upgrading from the previous release, planned against its real state: the state the previous
 * release's code left in the emulator for the deploy tier's roots (fixtures in previous-release/,
 * made by generate.ts there) is planned offline, `-refresh=false`, with the code under test and
 * the world ids the state was applied with (previous-release/plan.ts). Each plan is held to the
 * plan review: no load balancer, listener, VPC link, API, stage, cluster or ECS service replaced
 * or destroyed, nothing destroyed; and its changes, but the emulator's known gaps, must be the
 * upgrade-notes table in docs/upgrading.md (`npm run upgrade-notes` writes it from the same plans).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeWithTerraform } from "../helpers/terraform";
import { ROOT } from "../helpers/fixtures";
import type { TerraformJson } from "../helpers/synth";
import { readState, readWorld } from "./previous-release/fixtures";
import { exampleName, readUpgradeNotesBlock, upgradeBreaks, UPGRADE_NOTES_FILE } from "./previous-release/notes";
import type { DeployRoot } from "../deploy/root";
import { fixtureRoots, planRoot, prepareRoot, removeRoot, upgradeNotesOf, type PlannedRoot } from "./previous-release/plan";

const LONG = 300_000;

/** The state's resource instances of one module, as addresses inside the stack. */
function stateAddresses(state: Buffer, module: string): string[] {
  const parsed = JSON.parse(state.toString("utf8")) as {
    resources: { module?: string; mode: string; type: string; name: string; instances: { index_key?: string | number }[] }[];
  };
  return parsed.resources
    .filter((r) => r.module === `module.${module}` && r.mode === "managed")
    .flatMap((r) => r.instances.map((i) => `${r.type}.${r.name}${i.index_key === undefined ? "" : `[${JSON.stringify(i.index_key)}]`}`))
    .sort();
}

describeWithTerraform("upgrading from the previous release, planned against its state", (tf) => {
  const roots = fixtureRoots();
  const stacks = roots.flatMap((root) => readWorld(root).stacks.map((s) => [exampleName(s.key), root, s.key, s.module] as const));
  const planned = new Map<string, PlannedRoot>();
  const planOf = (root: string, key: string) => {
    const plan = planned.get(root)?.stacks.find((s) => s.key === key)?.plan;
    if (plan === undefined) throw new Error(`${root} was not planned (see the hook's error)`);
    return plan;
  };

  const prepared = new Map<string, DeployRoot>();
  beforeAll(() => {
    // One init and one plan per root: the roots' states are separate, as they were applied.
    for (const root of roots) {
      prepared.set(root, prepareRoot(tf, root));
      planned.set(root, planRoot(root, prepared.get(root)!));
    }
  }, LONG);
  afterAll(() => {
    for (const deployRoot of prepared.values()) removeRoot(deployRoot);
  });

  test.each(stacks)("%s: the plan reads every resource of the previous release's state at its address", (_name, root, key, module) => {
    // GIVEN the resources the previous release applied
    const applied = stateAddresses(readState(root), module);
    // WHEN the code under test is planned against them
    const changes = planOf(root, key).resource_changes ?? [];
    // THEN each is in the plan at its address (or moved from it): kept, updated, replaced or destroyed, not forgotten
    const kept = changes
      .filter((c) => (c.mode ?? "managed") === "managed" && c.change.actions.join() !== "create")
      .map((c) => (c as { previous_address?: string }).previous_address ?? c.address);
    expect(kept.sort()).toEqual(applied);
  });

  test.each(stacks)("%s: the plan review finds nothing carrying traffic replaced, and nothing destroyed", (_name, root, key) => {
    expect(upgradeBreaks(planOf(root, key))).toEqual([]);
  });

  test("the plans' changes, but the emulator's gaps, are the upgrade notes in docs/upgrading.md (run `npm run upgrade-notes`)", () => {
    // GIVEN every root planned
    const all = roots.map((root) => planned.get(root)!);
    // WHEN
    const doc = readFileSync(join(ROOT, UPGRADE_NOTES_FILE), "utf8");
    // THEN
    expect(readUpgradeNotesBlock(doc)).toBe(upgradeNotesOf(all));
  });

  test(
    "a renamed NLB planned against the same state fails the downtime assertion",
    () => {
      // GIVEN two-services with its NLB's name changed, as a code change that renamed it would
      const deployRoot = prepared.get("two-services");
      if (deployRoot === undefined) throw new Error("two-services was not prepared (see the hook's error)");
      const file = join(deployRoot.stacks[0].stackDir, "cdk.tf.json");
      const synthesised = readFileSync(file, "utf8");
      const json = JSON.parse(synthesised) as TerraformJson;
      const nlbs = Object.entries(json.resource.aws_lb ?? {}).filter(([, lb]) => lb.load_balancer_type === "network");
      expect(nlbs).toHaveLength(1);
      const [id, nlb] = nlbs[0];
      nlb.name = `${String(nlb.name)}-x`;
      writeFileSync(file, JSON.stringify(json));
      try {
        // WHEN the NLB is planned against the previous release's state (the root is initialised already)
        const target = deployRoot.addressOf(deployRoot.stacks[0], `aws_lb.${id}`);
        const { stacks: result } = planRoot("two-services", deployRoot, { init: false, targets: [target] });
        // THEN the review's verdict names the replaced load balancer
        expect(upgradeBreaks(result[0].plan)).toEqual(expect.arrayContaining([expect.stringMatching(/^replaces aws_lb: aws_lb\./)]));
      } finally {
        writeFileSync(file, synthesised);
      }
    },
    LONG,
  );
});
