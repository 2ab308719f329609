/**
 * Plans the code under test against the previous release's state (the fixtures generate.ts
 * saved), offline: each config of a fixture root is synthesised with this tree's code and the
 * world mapping the state was applied with, laid out as the deploy tier's root (DeployRoot.together:
 * the same module names, so the state's addresses match), its provider pointed offline by the
 * offline override of scripts/tooling/terraform (dummy credentials, no account lookup, nothing from
 * the network), and planned with `-refresh=false` against a copy of the saved state.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseConfig } from "../../../lib/config/load";
import type { ResourceChange, TerraformShowJson } from "../../../lib/review/plan-review";
import { synthesize } from "../../../lib/synth";
import { writeOfflineOverride, type TerraformEnv } from "../../../scripts/tooling/terraform";
import { allConfigs, ledgerOf } from "../../helpers/fixtures";
import { DeployRoot, substitute, type EmulatedStack } from "../../deploy/root";
import { readManifest, readState, readWorld } from "./fixtures";
import { renderUpgradeNotes, upgradeChanges, type UpgradeChange } from "./notes";

/** One stack of a root planned against its previous-release state. */
export interface PlannedStack {
  /** The config's key (allConfigs()). */
  readonly key: string;
  /** The stack's part of the plan, addresses as in the stack (no module prefix). */
  readonly plan: TerraformShowJson;
}

/** A fixture root planned with the code under test. */
export interface PlannedRoot {
  readonly root: string;
  readonly stacks: readonly PlannedStack[];
  /** Seconds the init and the plan took. */
  readonly seconds: number;
}

/** The fixture roots, in the manifest's order. */
export function fixtureRoots(): string[] {
  return Object.keys(readManifest().roots);
}

/**
 * Synthesises a fixture root's configs with this tree's code and lays them out as the deploy tier
 * did, the saved state in place. Each config is the current one of its key (the examples as they
 * are now, with the previous release's world ids put in): an example changed since is planned as
 * changed. Returns the root, ready for init.
 */
export function prepareRoot(tf: TerraformEnv, root: string): DeployRoot {
  const inputs = new Map(allConfigs());
  const stacks = readWorld(root).stacks.map((fixture): EmulatedStack => {
    const input = inputs.get(fixture.key);
    if (input === undefined) {
      throw new Error(`${root}: ${fixture.key} is in the previous release's state but no longer a config here; regenerate the fixtures`);
    }
    const applied = substitute(input as Record<string, unknown>, fixture.world);
    const config = parseConfig(applied);
    const ledger = ledgerOf(fixture.key);
    const outdir = mkdtempSync(join(tmpdir(), "prev-release-out-"));
    synthesize(config, outdir, { nlbShards: ledger });
    const stackDir = join(outdir, "stacks", config.name);
    writeOfflineOverride(stackDir, config.region);
    return {
      key: fixture.key,
      module: fixture.module,
      config,
      input: applied,
      stackDir,
      world: fixture.world,
      ledger,
      account: fixture.account,
    };
  });
  const deployRoot = DeployRoot.together(tf, stacks);
  writeFileSync(join(deployRoot.dir, "terraform.tfstate"), readState(root));
  return deployRoot;
}

/**
 * init (unless the root is initialised already) and `plan -refresh=false` of a prepared root
 * (of `targets` only, root addresses, when given); each stack's part of `terraform show -json`.
 */
export function planRoot(root: string, deployRoot: DeployRoot, options: { init?: boolean; targets?: readonly string[] } = {}): PlannedRoot {
  const started = Date.now();
  if (options.init ?? true) deployRoot.init();
  const { plan } = deployRoot.plan(["-refresh=false", "-lock=false", ...(options.targets ?? []).map((t) => `-target=${t}`)]);
  const stacks = deployRoot.stacks.map((s): PlannedStack => {
    const prefix = deployRoot.addressOf(s, "");
    // As in the stack's own plan: no module prefix, on the previous address (a `moved` block's from) either.
    const own = deployRoot.changesOf(plan, s).map(({ module_address: _m, ...c }): ResourceChange & { previous_address?: string } => {
      const previous = (c as { previous_address?: string }).previous_address;
      return previous === undefined
        ? c
        : { ...c, previous_address: previous.startsWith(prefix) ? previous.slice(prefix.length) : previous };
    });
    return { key: s.key, plan: { format_version: plan.format_version, terraform_version: plan.terraform_version, resource_changes: own } };
  });
  return { root, stacks, seconds: (Date.now() - started) / 1000 };
}

/** Removes a prepared root and its stacks' synth directories. */
export function removeRoot(deployRoot: DeployRoot): void {
  rmSync(deployRoot.dir, { recursive: true, force: true });
  for (const s of deployRoot.stacks) rmSync(dirname(dirname(s.stackDir)), { recursive: true, force: true });
}

/** Plans a fixture root against its saved state and cleans up. */
export function planAgainstPreviousRelease(tf: TerraformEnv, root: string): PlannedRoot {
  const deployRoot = prepareRoot(tf, root);
  try {
    return planRoot(root, deployRoot);
  } finally {
    removeRoot(deployRoot);
  }
}

/** Every planned stack's changes beyond the emulator's gaps, in the roots' order. */
export function changesOfRoots(planned: readonly PlannedRoot[]): UpgradeChange[] {
  return planned.flatMap((r) => r.stacks.flatMap((s) => upgradeChanges(s.key, s.plan.resource_changes ?? [])));
}

/** The upgrade-notes block of docs/upgrading.md for these plans. */
export function upgradeNotesOf(planned: readonly PlannedRoot[]): string {
  return renderUpgradeNotes(changesOfRoots(planned), {
    commit: readManifest().commit,
    examples: planned.flatMap((r) => r.stacks.map((s) => s.key)),
  });
}
