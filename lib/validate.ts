/**
 * Validation, in three named phases, all before the app that is written is built:
 *
 * 1. shape: the zod schema (lib/config/schema.ts): types, ranges, required fields;
 * 2. cross-field: rules that span fields (lib/config/semantics.ts): ports used twice, routes to
 *    unknown services, subnets outside the VPC, ...;
 * 3. topology: what only the planned topology shows (lib/model/checks.ts): quotas after NLB
 *    placement, security group rules per group, and whether every `adopt` entry names a resource
 *    of the stack with an import id of the right form.
 *
 * Each phase runs only on what the one before accepted, and reports every problem it finds as
 * one ConfigError whose lines each start with the field path.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { ConfigError, parseConfig } from "./config/load";
import type { PrivateApiConfig } from "./config/schema";
import type { NlbShardLedger } from "./model/shards";
import { topologyProblems } from "./model/checks";
import { planStack, type StackPlan } from "./model/stack-plan";
import { PrivateApiStack } from "./stacks/private-api-stack";
import { adoptionProblems } from "./stacks/state-management";

/** A config that passed every phase, and the plan of its stack. */
export interface ValidatedConfig {
  readonly config: PrivateApiConfig;
  readonly plan: StackPlan;
}

/** Phases 1 and 2, then 3: a raw config (parsed JSON) in, a valid config and its plan out. */
export function validateConfig(
  input: unknown,
  options: { readonly source?: string; readonly placement?: NlbShardLedger } = {},
): ValidatedConfig {
  const config = parseConfig(input, options.source);
  return { config, plan: checkedPlan(config, options.placement) };
}

/**
 * Phase 3 for a config that passed phases 1 and 2 (`parseConfig`): the plan of its stack
 * (lib/model/stack-plan.ts), or a ConfigError.
 */
export function checkedPlan(config: PrivateApiConfig, placement?: NlbShardLedger): StackPlan {
  const plan = planStack(config, placement);
  const problems = [...topologyProblems(config, plan.topology), ...adoptionPathProblems(plan)];
  if (problems.length > 0) {
    throw new ConfigError(
      `Invalid config (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      problems,
    );
  }
  return plan;
}

/**
 * `adopt` entries name construct paths, which only a built tree has: the stack is built in a
 * scratch app that is never synthesised, and only when there is something to adopt.
 */
function adoptionPathProblems(plan: StackPlan): string[] {
  if (plan.state.adoptions.length === 0) return [];
  const outdir = mkdtempSync(join(tmpdir(), "adopt-check-"));
  try {
    const scratch = new App({ outdir, skipValidation: true });
    const stack = new PrivateApiStack(scratch, plan.name, { plan: { ...plan, state: { ...plan.state, adoptions: [] } } });
    return adoptionProblems(stack, plan.state.adoptions);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
