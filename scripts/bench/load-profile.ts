/**
 * Bench preload: `node --require <this, transpiled> [--import tsx] <driver> ...`. From the moment the main module
 * starts loading, times every CommonJS module load (resolve + read + transform + compile + run its top level),
 * exclusive of the loads it triggers, and at exit emits `BENCH_PROFILE {"<group>": {"ms": n, "modules": n}}`.
 * Groups: the npm package, `lib/` and `scripts/` for our files run from source; the module ids listed in
 * PROFILE_APART (comma-separated, resolved from the working directory) get a group of their own. Not counted: the
 * start-up before the main module (tsx registering itself) and the main module itself, whose load lasts the whole
 * run; so code bundled into the main module (an esbuild bundle) is not counted either. The hook itself adds a little
 * time to every load.
 */
import Module, { createRequire } from "node:module";
import { join, relative, sep } from "node:path";
import { emit } from "./result";

interface Internals {
  // A function-valued property, not a method: it is saved, wrapped and called back with `load.call(this, ...)`.
  _load: (this: unknown, request: string, parent: unknown, isMain: boolean) => unknown;
  _resolveFilename(request: string, parent: unknown, isMain: boolean): string;
  _cache: Record<string, unknown>;
}

const internals = Module as unknown as Internals;
const load = internals._load;
const groups = new Map<string, { ms: number; modules: number }>();
const stack: { childMs: number }[] = [];
let started = false;
const requireFromCwd = createRequire(join(process.cwd(), "package.json"));
const apart = new Set((process.env.PROFILE_APART ?? "").split(",").flatMap((id) => (id === "" ? [] : [requireFromCwd.resolve(id)])));

function groupOf(file: string): string {
  const pkg = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file)?.[1]?.replace(/\\/g, "/");
  const group = pkg ?? `${relative(process.cwd(), file).split(sep)[0]}/`;
  return apart.has(file) ? `${group} (PROFILE_APART)` : group;
}

internals._load = function (this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
  if (isMain) started = true;
  if (!started || isMain) return load.call(this, request, parent, isMain);
  let file: string | undefined;
  try {
    file = internals._resolveFilename(request, parent, isMain);
  } catch {
    // Let the real load report it.
  }
  if (file === undefined || file.startsWith("node:") || !file.includes(sep) || internals._cache[file] !== undefined) {
    return load.call(this, request, parent, isMain);
  }
  const frame = { childMs: 0 };
  stack.push(frame);
  const t0 = performance.now();
  try {
    return load.call(this, request, parent, isMain);
  } finally {
    const ms = performance.now() - t0;
    stack.pop();
    const outer = stack[stack.length - 1];
    if (outer !== undefined) outer.childMs += ms;
    const group = groups.get(groupOf(file)) ?? { ms: 0, modules: 0 };
    group.ms += ms - frame.childMs;
    group.modules += 1;
    groups.set(groupOf(file), group);
  }
};

process.on("exit", () => emit(Object.fromEntries(groups), "PROFILE"));
