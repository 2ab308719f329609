import { rmSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import type { PrivateApiConfig } from "./config/schema";
import type { NlbShardLedger } from "./model/shards";
import type { StackPlan } from "./model/stack-plan";
import { PrivateApiStack } from "./stacks/private-api-stack";
import { skipTokenStackTraces } from "./token-traces";
import { checkedPlan } from "./validate";

/** A warning a construct attached to the tree (for example a route with authorization NONE). */
export interface SynthWarning {
  readonly path: string;
  readonly message: string;
}

/** What a synth writes: Terraform JSON (`cdk.tf.json`) or HCL (`cdk.tf`, as `cdktf synth --hcl`). */
export type SynthFormat = "json" | "hcl";

/** The file a synth writes into each stack directory. */
export function stackFileName(format: SynthFormat): string {
  return format === "hcl" ? "cdk.tf" : "cdk.tf.json";
}

export interface SynthOptions {
  /** Default "json". The entry points pass the bootstrap's (lib/entry/bootstrap.ts). */
  readonly format?: SynthFormat;
  /** The ledger recorded for the config (lib/entry/ledger-file.ts), if there is one. */
  readonly nlbShards?: NlbShardLedger;
  /**
   * The config's plan, made on `nlbShards` and checked (the bootstrap's): not made again.
   * @default - planned and checked here
   */
  readonly plan?: StackPlan;
}

/**
 * Builds the app for a validated config and writes it to `outdir`, in `options.format`. The
 * config must already be valid, so nothing is written for a config that would fail halfway.
 */
export function synthesize(
  config: PrivateApiConfig,
  outdir = "cdktf.out",
  options: SynthOptions = {},
): { stack: PrivateApiStack; warnings: SynthWarning[] } {
  // Every validation phase has run before the app that is written exists (lib/validate.ts).
  const plan = options.plan ?? checkedPlan(config, options.nlbShards);
  const format = options.format ?? "json";
  const stack = withCdktfFormat(format, () => {
    const app = new App({ outdir, hclOutput: format === "hcl" });
    return withoutTokenStackTraces(() => {
      const built = new PrivateApiStack(app, plan.name, { plan });
      app.synth();
      return built;
    });
  });
  // A JSON synth must not leave an HCL one behind (or the reverse): Terraform would read both
  // and find every resource twice.
  const stackDir = join(outdir, "stacks", config.name);
  rmSync(join(stackDir, stackFileName(format === "hcl" ? "json" : "hcl")), { force: true });
  const warnings = stack.node
    .findAll()
    .flatMap((node) =>
      node.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => ({ path: node.node.path, message: String(m.data) })),
    );
  return { stack, warnings };
}

/**
 * CDKTF 0.21 takes the output format from SYNTH_HCL_OUTPUT, not from its arguments alone: App
 * lets the variable override its `hclOutput` option, and each TerraformStack reads it when it is
 * constructed. So while the app is built and synthesised the variable is set to say `format`
 * (whatever `cdktf synth` or a caller left in it), and put back afterwards. This is the only
 * place that touches it; nothing here decides the format from it.
 */
function withCdktfFormat<T>(format: SynthFormat, fn: () => T): T {
  const env = process.env;
  const saved = env.SYNTH_HCL_OUTPUT;
  env.SYNTH_HCL_OUTPUT = format === "hcl" ? "true" : "false";
  try {
    return fn();
  } finally {
    if (saved === undefined) delete env.SYNTH_HCL_OUTPUT;
    else env.SYNTH_HCL_OUTPUT = saved;
  }
}

/**
 * CDKTF captures and formats a full stack trace for every token it creates (every attribute
 * reference), to explain token errors. That was a third of a 500-route synth, and more with
 * source maps on (each frame mapped). Unless source maps are on when synth starts (a developer
 * debugging with NODE_OPTIONS=--enable-source-maps), those traces are left empty while the stack
 * is built and synthesised: CDKTF's capture (into a plain `{ stack: "" }`, with the frame limit
 * raised to the maximum, so its cost grows with the depth of the caller's stack) is skipped
 * (`skipTokenStackTraces`), and anything else captured in between is formatted as "". Errors are not affected: a `new Error`
 * captures its frames natively, and V8 formats them when the trace is first read, after the
 * formatter is restored.
 */
function withoutTokenStackTraces<T>(fn: () => T): T {
  if (process.sourceMapsEnabled) return fn();
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved and put back, never called here
  const prepare = Error.prepareStackTrace;
  Error.prepareStackTrace = () => "";
  const restoreCapture = skipTokenStackTraces();
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = prepare;
    restoreCapture();
  }
}
