/**
 * Bench driver, one fresh process per sample: import lib/config/load + lib/synth, load the embedded
 * default config and synthesise it into <outdir>, timing each step.
 * Usage: node --import tsx scripts/bench/synth-default.ts <outdir>; scripts/bench.ts also runs it prebuilt with esbuild.
 */
import { cpuMs, synthDefault } from "./default-synth";
import { emit, loadedModules, peakRssMiB } from "./result";

const outdir = process.argv[2];
if (outdir === undefined) throw new Error("usage: synth-default.ts <outdir>");

const { importMs, configMs, synthMs } = synthDefault(outdir);
emit({
  importMs,
  configMs,
  synthMs,
  totalMs: importMs + configMs + synthMs,
  // performance.now() counts from process start, so this includes node and tsx start-up.
  sinceStartMs: performance.now(),
  cpuMs: cpuMs(),
  peakRssMiB: peakRssMiB(),
  providerModules: loadedModules("/@cdktf/provider-aws/"),
});
