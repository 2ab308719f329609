/**
 * Bench driver, one fresh process per sample: import lib/config/load + lib/synth, load the embedded
 * default config and synthesise it into <outdir>, timing each step.
 * Usage: node --import tsx scripts/bench/synth-default.ts <outdir>
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { emit, loadedModules, peakRssMiB } from "./result";

const outdir = process.argv[2];
if (outdir === undefined) throw new Error("usage: synth-default.ts <outdir>");

const t0 = performance.now();
const { loadConfigFromEnv } = require("../../lib/config/load") as typeof import("../../lib/config/load");
const { synthesize } = require("../../lib/synth") as typeof import("../../lib/synth");
const t1 = performance.now();
const config = loadConfigFromEnv({}); // empty env: always the embedded default
const t2 = performance.now();
synthesize(config, outdir);
const t3 = performance.now();

if (!existsSync(join(outdir, "stacks", config.name, "cdk.tf.json"))) throw new Error(`no cdk.tf.json under ${outdir}`);
emit({
  importMs: t1 - t0,
  configMs: t2 - t1,
  synthMs: t3 - t2,
  totalMs: t3 - t0,
  // performance.now() counts from process start, so this includes node and tsx start-up.
  sinceStartMs: t3,
  peakRssMiB: peakRssMiB(),
  providerModules: loadedModules("/@cdktf/provider-aws/"),
});
