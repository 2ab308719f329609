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
import { planTopology, type Topology } from "./model/topology";
import { PrivateApiStack } from "./stacks/private-api-stack";
import { adoptionProblems } from "./stacks/state-management";

/** A config that passed every phase, and its topology. */
export interface ValidatedConfig {
  readonly config: PrivateApiConfig;
  readonly topology: Topology;
}

/** Phases 1 and 2, then 3: a raw config (parsed JSON) in, a valid config and its topology out. */
export function validateConfig(
  input: unknown,
  options: { readonly source?: string; readonly placement?: NlbShardLedger } = {},
): ValidatedConfig {
  const config = parseConfig(input, options.source);
  return { config, topology: checkTopology(config, options.placement) };
}

/** Phase 3 for a config that passed phases 1 and 2 (`parseConfig`): its topology, or a ConfigError. */
export function checkTopology(config: PrivateApiConfig, placement?: NlbShardLedger): Topology {
  const topology = planTopology(config, placement);
  const problems = [...topologyProblems(config, topology), ...adoptionPathProblems(config, topology)];
  if (problems.length > 0) {
    throw new ConfigError(
      `Invalid config (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      problems,
    );
  }
  return topology;
}

/**
 * `adopt` entries name construct paths, which only a built tree has: the stack is built in a
 * scratch app that is never synthesised, and only when there is something to adopt.
 */
function adoptionPathProblems(config: PrivateApiConfig, topology: Topology): string[] {
  if (config.adopt.length === 0) return [];
  const outdir = mkdtempSync(join(tmpdir(), "adopt-check-"));
  try {
    const scratch = new App({ outdir, skipValidation: true });
    const stack = new PrivateApiStack(scratch, config.name, { config: { ...config, adopt: [] }, topology });
    return adoptionProblems(stack, config);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
