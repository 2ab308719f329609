/**
 * Bench driver: require only the @cdktf/provider-aws submodules the stack imports (passed as
 * arguments, e.g. `@cdktf/provider-aws/lib/lb`) and touch `Lb`, for comparison with baseline-root-import.
 * Usage: node [--import tsx] baseline-submodules.{ts,js} <repo root> <module>...
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { emit, loadedModules, peakRssMiB } from "./result";

const [root, ...modules] = process.argv.slice(2);
if (root === undefined || modules.length === 0) throw new Error("usage: baseline-submodules <repo root> <module>...");
const requireFromRoot = createRequire(join(root, "package.json"));

const t0 = performance.now();
for (const id of modules) requireFromRoot(id);
const { Lb } = requireFromRoot("@cdktf/provider-aws/lib/lb") as { readonly Lb: unknown };
if (typeof Lb !== "function") throw new Error("Lb is not a class");
const ms = performance.now() - t0;

emit({ ms, peakRssMiB: peakRssMiB(), providerModules: loadedModules("/@cdktf/provider-aws/") });
