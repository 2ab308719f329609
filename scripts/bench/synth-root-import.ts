/**
 * BASELINE ONLY, for scripts/bench.ts: the default synth of synth-default.ts, in the "usual" style this project
 * avoids. It first requires the @cdktf/provider-aws package root, as `import * as aws from "@cdktf/provider-aws"`
 * does (all ~2,100 resource modules load), then imports lib/ and synthesises the same default stack into <outdir>;
 * lib/'s submodule imports then find those modules already loaded.
 * Usage: node --import tsx scripts/bench/synth-root-import.ts <outdir>
 */
import { cpuMs, synthDefault } from "./default-synth";
import { emit, loadedModules, peakRssMiB } from "./result";

/** Typed by hand so that tsc never loads the root's ~2,100 declaration files. */
interface ProviderAwsRoot {
  readonly lb: { readonly Lb: unknown };
}

const outdir = process.argv[2];
if (outdir === undefined) throw new Error("usage: synth-root-import.ts <outdir>");

const t0 = performance.now();
const aws = require("@cdktf/provider-aws") as ProviderAwsRoot;
if (typeof aws.lb.Lb !== "function") throw new Error("lb.Lb is not a class");
const rootImportMs = performance.now() - t0;
const { importMs, configMs, synthMs } = synthDefault(outdir);
emit({
  rootImportMs,
  importMs,
  configMs,
  synthMs,
  totalMs: rootImportMs + importMs + configMs + synthMs,
  sinceStartMs: performance.now(),
  cpuMs: cpuMs(),
  peakRssMiB: peakRssMiB(),
  providerModules: loadedModules("/@cdktf/provider-aws/"),
});
