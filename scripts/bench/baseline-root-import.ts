/**
 * BASELINE ONLY, for scripts/bench.ts: the "usual" style this project avoids. Requiring the
 * @cdktf/provider-aws package root loads all ~2,100 resource modules before any resource is created.
 * Never import the package root from lib/ or main.ts; they import `@cdktf/provider-aws/lib/<name>`.
 * Usage: node [--import tsx] baseline-root-import.{ts,js} <repo root>
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { emit, loadedModules, peakRssMiB } from "./result";

/** Typed by hand so that tsc never loads the root's ~2,100 declaration files. */
interface ProviderAwsRoot {
  readonly lb: { readonly Lb: unknown };
}

const root = process.argv[2];
if (root === undefined) throw new Error("usage: baseline-root-import <repo root>");
const requireFromRoot = createRequire(join(root, "package.json"));

const t0 = performance.now();
const aws = requireFromRoot("@cdktf/provider-aws") as ProviderAwsRoot;
if (typeof aws.lb.Lb !== "function") throw new Error("lb.Lb is not a class");
const ms = performance.now() - t0;

emit({ ms, peakRssMiB: peakRssMiB(), providerModules: loadedModules("/@cdktf/provider-aws/") });
