import { rmSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import type { PrivateApiConfig } from "./config/schema";
import type { NlbShardLedger } from "./config/shards";
import { PrivateApiStack } from "./stacks/private-api-stack";
import { checkTopology } from "./validate";

/** A warning a construct attached to the tree (for example a route with authorization NONE). */
export interface SynthWarning {
  readonly path: string;
  readonly message: string;
}

/**
 * Builds the app for a validated config and writes it to `outdir`. The config must already be
 * valid, so nothing is written for a config that would fail halfway. `nlbShards` is the ledger
 * recorded for the config (lib/config/shards.ts), if there is one.
 */
export function synthesize(
  config: PrivateApiConfig,
  outdir = "cdktf.out",
  options: { readonly nlbShards?: NlbShardLedger } = {},
): { stack: PrivateApiStack; warnings: SynthWarning[] } {
  // Every validation phase has run before the app that is written exists (lib/validate.ts).
  const topology = checkTopology(config, options.nlbShards);
  const app = new App({ outdir });
  const stack = withoutTokenStackTraces(() => {
    const built = new PrivateApiStack(app, config.name, { config, nlbShards: options.nlbShards, topology });
    app.synth();
    return built;
  });
  // A JSON synth must not leave an HCL one behind (or the reverse): Terraform would read both
  // and find every resource twice.
  const stackDir = join(outdir, "stacks", config.name);
  const stale = process.env.SYNTH_HCL_OUTPUT === "true" ? "cdk.tf.json" : "cdk.tf";
  rmSync(join(stackDir, stale), { force: true });
  const warnings = stack.node
    .findAll()
    .flatMap((node) =>
      node.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => ({ path: node.node.path, message: String(m.data) })),
    );
  return { stack, warnings };
}

/**
 * CDKTF captures and formats a full stack trace for every token it creates (every attribute
 * reference), to explain token errors. That was a third of a 500-route synth, and more with
 * source maps on (each frame mapped). Unless source maps are on when synth starts (a developer
 * debugging with NODE_OPTIONS=--enable-source-maps), those traces are left empty while the stack
 * is built and synthesised. Errors are not affected: V8 formats an error's trace when it is first
 * read, after the formatter is restored.
 */
function withoutTokenStackTraces<T>(fn: () => T): T {
  if (process.sourceMapsEnabled) return fn();
  const prepare = Error.prepareStackTrace;
  Error.prepareStackTrace = () => "";
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = prepare;
  }
}
