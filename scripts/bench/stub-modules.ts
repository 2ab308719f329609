/**
 * Bench preload: `STUB_MODULES=<id>,<id> node --require <this, transpiled> --import tsx <driver>`. Puts an empty
 * stand-in for each module id (resolved from the working directory) into the require cache, so the module is never
 * loaded: what the default synth would save if lib/ required those modules only when a config needs them. A stand-in
 * throws if anything is read from it, so a module that is used after all fails the run instead of skewing it.
 */
import Module, { createRequire } from "node:module";
import { join } from "node:path";

const ids = (process.env.STUB_MODULES ?? "").split(",").filter((id) => id !== "");
const requireFromCwd = createRequire(join(process.cwd(), "package.json"));
const cache = (Module as unknown as { _cache: Record<string, Module> })._cache;
for (const id of ids) {
  const file = requireFromCwd.resolve(id);
  const stub = new Module(file);
  stub.filename = file;
  stub.loaded = true;
  stub.exports = new Proxy(
    {},
    {
      get(_target, key) {
        if (key === "__esModule") return true;
        if (typeof key === "symbol") return undefined;
        throw new Error(`stubbed module ${id} was used after all (read "${key}")`);
      },
    },
  );
  cache[file] = stub;
}
