/**
 * lib/ has no import cycle: each module can be read (and loaded) after the ones it imports.
 * Type-only imports count too, so a cycle cannot hide behind `import type`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "./helpers/fixtures";

const LIB = join(ROOT, "lib");

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? modules(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Relative imports and re-exports of a module, as absolute .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/g)].map((m) => m[1]);
  return specs.map((spec) => {
    const base = resolve(dirname(file), spec);
    if (base.endsWith(".ts")) return base;
    // `../policy` is the folder's index.ts.
    return existsSync(`${base}.ts`) ? `${base}.ts` : join(base, "index.ts");
  });
}

/** The first cycle found, as a list of paths relative to lib/, or undefined. */
export function findCycle(files: readonly string[], edges: (f: string) => string[]): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (f: string): string[] | undefined => {
    if (state.get(f) === "done") return undefined;
    if (state.get(f) === "visiting") return [...stack.slice(stack.indexOf(f)), f];
    state.set(f, "visiting");
    stack.push(f);
    for (const next of edges(f)) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(f, "done");
    return undefined;
  };
  for (const f of files) {
    const cycle = visit(f);
    if (cycle) return cycle;
  }
  return undefined;
}

test("the cycle finder finds a cycle when there is one", () => {
  const graph: Record<string, string[]> = { a: ["b"], b: ["c"], c: ["a"], d: [] };
  expect(findCycle(Object.keys(graph), (f) => graph[f])).toEqual(["a", "b", "c", "a"]);
  expect(findCycle(["d"], (f) => graph[f])).toBeUndefined();
});

test("lib/ has no import cycle", () => {
  const files = modules(LIB);
  // Every import resolves to a module of lib/ (so none is silently left out of the graph).
  for (const f of files)
    for (const target of importsOf(f))
      if (target.startsWith(LIB)) expect([relative(LIB, f), existsSync(target)]).toEqual([relative(LIB, f), true]);
  const cycle = findCycle(files, importsOf);
  expect(cycle?.map((f) => relative(LIB, f))).toBeUndefined();
});

/** The folder of lib/ a module is in; a module directly in lib/ (`diagram.ts`) is a unit of its own. */
function folderOf(file: string): string {
  const [first, ...rest] = relative(LIB, file).split("/");
  return rest.length === 0 ? first.replace(/\.ts$/, "") : first;
}

/** Folder-level edges: every folder another folder's modules import from. */
function folderEdges(files: readonly string[]): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const f of files) {
    const from = folderOf(f);
    const to = edges.get(from) ?? new Set<string>();
    for (const target of importsOf(f)) if (target.startsWith(LIB) && folderOf(target) !== from) to.add(folderOf(target));
    edges.set(from, to);
  }
  return edges;
}

test("the folders of lib/ have no import cycle either: dependencies point one way", () => {
  const edges = folderEdges(modules(LIB));
  const cycle = findCycle([...edges.keys()].sort(), (folder) => [...(edges.get(folder) ?? [])].sort());
  expect(cycle).toBeUndefined();
});

test("lib/core imports nothing of ours, and lib/config nothing but lib/core", () => {
  const edges = folderEdges(modules(LIB));
  expect([...(edges.get("core") ?? [])]).toEqual([]);
  expect([...(edges.get("config") ?? [])]).toEqual(["core"]);
});

test("what builds or judges the stack never sees the config: only the plan crosses (lib/model/stack-plan.ts)", () => {
  const edges = folderEdges(modules(LIB));
  for (const reader of ["stacks", "constructs", "policy", "review", "diagram"]) {
    expect([reader, [...(edges.get(reader) ?? [])].filter((f) => f === "config")]).toEqual([reader, []]);
  }
  // The constructs below the stack; the model below the constructs.
  expect([...(edges.get("model") ?? [])].sort()).toEqual(["config", "core"]);
  expect([...(edges.get("constructs") ?? [])].sort()).toEqual(["core", "model"]);
});
