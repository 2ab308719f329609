/**
 * Bench loader: runs a CommonJS bundle with a V8 code cache kept in <cache file>, which is what Node 22's
 * `module.enableCompileCache()` does for every module; Node 20 lacks it, and one bundle is one script to cache.
 * The first run writes the cache (after the bundle has run, so that it holds the functions compiled lazily too);
 * later runs compile from it. The bundle sees `process.argv` as if run directly: [node, bundle, args...].
 * Usage: node run-with-code-cache.js <bundle.js> <cache file> [args...]
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";

const [bundle, cacheFile] = process.argv.slice(2);
if (bundle === undefined || cacheFile === undefined) throw new Error("usage: run-with-code-cache <bundle.js> <cache file> [args...]");
process.argv.splice(1, 3, bundle);

const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
const script = new Script(Module.wrap(readFileSync(bundle, "utf8")), { filename: bundle, cachedData });
if (cachedData !== undefined && script.cachedDataRejected === true) throw new Error(`V8 rejected the code cache ${cacheFile}`);
process.on("exit", () => {
  if (cachedData === undefined) writeFileSync(cacheFile, script.createCachedData());
});

const mod = new Module(bundle);
mod.filename = bundle;
const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
wrapper.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
