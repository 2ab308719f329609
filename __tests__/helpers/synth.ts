import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../lib/config/load";
import type { PrivateApiConfig } from "../../lib/config/schema";
import type { NlbShardLedger } from "../../lib/model/shards";
import type { StackPlan } from "../../lib/model/stack-plan";
import { synthesize } from "../../lib/synth";

/** Terraform JSON as CDKTF writes it: resource type -> logical id -> attributes. */
export interface TerraformJson {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: string }>;
  readonly provider?: Record<string, Record<string, unknown>[]>;
  readonly terraform?: Record<string, unknown>;
  readonly data?: Record<string, unknown>;
  readonly variable?: Record<string, Record<string, unknown>>;
  readonly moved?: { readonly from: string; readonly to: string }[];
}

export interface SynthesisedStack {
  readonly config: PrivateApiConfig;
  /** The plan the stack was built from. */
  readonly plan: StackPlan;
  readonly stackDir: string;
  readonly json: TerraformJson;
}

/**
 * Validates a config (a PrivateApiConfigInput, or anything parseConfig should refuse), synthesises
 * it into a fresh temp dir and reads the stack's JSON back.
 */
export function synthToTemp(input: unknown, options: { nlbShards?: NlbShardLedger } = {}): SynthesisedStack {
  const config = parseConfig(input);
  const outdir = mkdtempSync(join(tmpdir(), "cdktf-out-"));
  const { stack } = synthesize(config, outdir, options);
  const stackDir = join(outdir, "stacks", config.name);
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as TerraformJson;
  return { config, plan: stack.plan, stackDir, json };
}

/** All resources of one type, as [logical id, attributes]. */
export function resourcesOf(json: TerraformJson, type: string): [string, Record<string, unknown>][] {
  return Object.entries(json.resource[type] ?? {});
}

/** Resources of one type by construct path inside the stack (`Nlb-2/Resource`), each with its logical id. */
export function resourcesByPath(json: TerraformJson, type: string): Map<string, { id: string; attrs: Record<string, unknown> }> {
  return new Map(
    resourcesOf(json, type).map(([id, attrs]) => {
      const path = String((attrs["//"] as { metadata: { path: string } }).metadata.path);
      return [path.slice(path.indexOf("/") + 1), { id, attrs }];
    }),
  );
}
