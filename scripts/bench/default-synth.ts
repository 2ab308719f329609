/**
 * The work both synth drivers time: import lib/config/load + lib/synth, load the embedded default config and
 * synthesise it into `outdir`. lib/ is required only when this runs, so that its import is part of what is timed.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

export interface SynthTimes {
  readonly importMs: number;
  readonly configMs: number;
  readonly synthMs: number;
}

export function synthDefault(outdir: string): SynthTimes {
  const t0 = performance.now();
  // As main.ts does first (NODE_OPTIONS=--enable-source-maps keeps them on).
  require("../../lib/source-maps-off");
  const { loadConfigFromEnv } = require("../../lib/config/load") as typeof import("../../lib/config/load");
  const { synthesize } = require("../../lib/synth") as typeof import("../../lib/synth");
  const t1 = performance.now();
  const config = loadConfigFromEnv({}); // empty env: always the embedded default
  const t2 = performance.now();
  synthesize(config, outdir);
  const t3 = performance.now();
  if (!existsSync(join(outdir, "stacks", config.name, "cdk.tf.json"))) throw new Error(`no cdk.tf.json under ${outdir}`);
  return { importMs: t1 - t0, configMs: t2 - t1, synthMs: t3 - t2 };
}

/** CPU time of this process since it started (all threads, user + system), in ms. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
