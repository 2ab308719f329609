/**
 * `npm run bench [-- --samples N] [--cdktf-runs N] [--with-tests] [--no-terraform]`: measures, in one run on this machine,
 *  1. in-process synth of the embedded default config (fresh `node --import tsx` process per sample), and the same
 *     synth after requiring the @cdktf/provider-aws package root (the usual style, as a baseline),
 *  2. requiring the @cdktf/provider-aws package root vs only the submodules lib/ imports, under plain
 *     node and under tsx (the loader `npm run synth` and `cdktf synth` use),
 *  3. ways to run the default synth faster without changing its output (info only; none is in the product), and
 *     where its module loading goes,
 *  4. in-process synth of generated configs of 10, 50, 200 and 500 routes (time, peak memory, growth per route),
 *  5. once each (deterministic): the Lambda bundles' sizes, and nlb-target-sync's AWS API calls per run,
 *  6. once each, unless --no-terraform: terraform init / validate / plan of the generated stacks against resource count,
 *  7. end-to-end `npx cdktf synth` into a temp dir, and 8. with --with-tests, `npm run test:unit`, `npm run test:deploy`
 *     (the stacks applied to moto) and the whole `npm test`.
 * Samples are interleaved after one discarded warm-up round. Writes BENCHMARKS.md and prints it.
 *
 * Every figure comes from a driver under scripts/bench/ that prints one `BENCH_RESULT {json}` line. To add one:
 * write the driver, add a `Case` to `cases` (sampled) or call it once like `lambdaBundles`, and add its row.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, relative } from "node:path";
import { buildSync } from "esbuild";
import ts from "typescript";
import type { LambdaBundleSize } from "./bench/lambda-bundles";
import { parseJson, parseNumbers } from "./bench/result";
import type { RunCalls, Scenario } from "./bench/sync-api-calls";

const ROOT = join(__dirname, "..");
const DRIVERS = join(__dirname, "bench");
const TARGET_SYNTH_MS = 1000;
/** The issue's target for the in-process default synth, for the "ways to cut it" table. */
const TARGET_FAST_SYNTH_MS = 500;
/** The whole `npm test`, the deploy tier included (issue 12). */
const TARGET_TEST_MS = 360_000;
/** `npm run test:deploy`, the stacks applied to the emulator (issue 12). */
const TARGET_DEPLOY_TEST_MS = 240_000;
/** `npm run test:unit`, the edit loop (issue 11). */
const TARGET_UNIT_TEST_MS = 30_000;
/** Default in-process synth before issue 11 (median, BENCHMARKS.md of 2026-11-22); this run must not be slower. */
const BEFORE_ISSUE_11_SYNTH_MS = 410;
/** Generated configs (scripts/bench/generated-config.ts), by number of routes. */
const GENERATED_ROUTES = [10, 50, 200, 500] as const;
const TARGET_500_ROUTES_MS = 3000;
const TARGET_BASELINE_RATIO = 5;
const TARGET_CDKTF_SYNTH_MS = 5000;
const REFERENCE_ROOT_IMPORT_MS = 2500;
/** Largest value of a Standard-tier SSM parameter, which the sync's state parameter is. */
const SSM_STANDARD_MAX_CHARS = 4096;

interface Options {
  readonly samples: number;
  readonly cdktfRuns: number;
  readonly withTests: boolean;
  readonly skipTerraform: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const count = (flag: string, fallback: number): number => {
    const i = argv.indexOf(flag);
    if (i < 0) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer`);
    return n;
  };
  return {
    samples: count("--samples", 5),
    cdktfRuns: count("--cdktf-runs", 2),
    withTests: argv.includes("--with-tests"),
    skipTerraform: argv.includes("--no-terraform"),
  };
}

/** Runs a command to completion; returns its wall time (spawn to exit) and output. */
function run(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = childEnv(),
): { ms: number; stdout: string; stderr: string; status: number } {
  const t0 = performance.now();
  const res = spawnSync(cmd, args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (res.error) throw res.error;
  return { ms, stdout: res.stdout, stderr: res.stderr, status: res.status ?? 1 };
}

function runOk(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): { ms: number; stdout: string } {
  const res = run(cmd, args, env);
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${res.status}:\n${res.stdout.slice(-2000)}\n${res.stderr.slice(-2000)}`);
  }
  return res;
}

/** The environment without anything that would change what is measured. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
  delete env.NODE_OPTIONS;
  delete env.NODE_COMPILE_CACHE;
  delete env.TSX_DISABLE_CACHE;
  delete env.PRIVATE_API_CONFIG;
  delete env.CDKTF_OUTDIR;
  return env;
}

/** Every `@cdktf/provider-aws/lib/<name>` that lib/ imports. */
function providerSubmodules(dir = join(ROOT, "lib")): string[] {
  const found = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), "utf8");
    for (const m of text.matchAll(/from "(@cdktf\/provider-aws\/lib\/[^"]+)"/g)) found.add(m[1]);
  }
  return [...found].sort();
}

/**
 * The provider submodules that none of the resources or data sources in a synthesised stack come from
 * (`aws_lb_listener` comes from `lib/lb-listener`, `data.aws_iam_policy_document` from `lib/data-aws-iam-policy-document`).
 */
function unusedProviderModules(outdir: string, modules: readonly string[]): string[] {
  const stacks = join(outdir, "stacks");
  const used = new Set(["provider"]);
  for (const stack of readdirSync(stacks)) {
    const tf = JSON.parse(readFileSync(join(stacks, stack, "cdk.tf.json"), "utf8")) as { resource?: object; data?: object };
    for (const type of Object.keys(tf.resource ?? {})) used.add(type.replace(/^aws_/, "").replace(/_/g, "-"));
    for (const type of Object.keys(tf.data ?? {})) used.add(`data-${type.replace(/_/g, "-")}`);
  }
  return modules.filter((id) => !used.has(id.replace("@cdktf/provider-aws/lib/", "")));
}

/** Transpiles the drivers to plain CommonJS so they can also run without tsx's loader hooks. */
function transpileDrivers(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(DRIVERS).filter((n) => n.endsWith(".ts"))) {
    const { outputText } = ts.transpileModule(readFileSync(join(DRIVERS, name), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    writeFileSync(join(outDir, name.replace(/\.ts$/, ".js")), outputText);
  }
}

/** Prebuilds the default-synth driver with esbuild into `file`; returns the build time and the file's size. */
function prebuild(file: string, external: "packages" | "esbuild"): { ms: number; bytes: number } {
  const t0 = performance.now();
  buildSync({
    entryPoints: [join(DRIVERS, "synth-default.ts")],
    outfile: file,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: `node${process.versions.node.split(".")[0]}`,
    // esbuild itself is never bundled: its JS API starts its native binary.
    ...(external === "packages" ? { packages: "external" } : { external: ["esbuild"] }),
    logLevel: "error",
  });
  return { ms: performance.now() - t0, bytes: statSync(file).size };
}

/** Whether two directories hold the same files with the same bytes. */
function sameTree(a: string, b: string): boolean {
  const files = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)))
      .sort();
  const fa = files(a);
  const fb = files(b);
  return fa.join("\n") === fb.join("\n") && fa.every((f) => readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
}

interface Stat {
  readonly median: number;
  readonly min: number;
}

function stat(values: readonly number[]): Stat {
  if (values.length === 0) throw new Error("no samples");
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0] };
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mib = (v: number): string => `${v.toFixed(0)} MiB`;
const times = (a: number, b: number): string => `${(a / b).toFixed(1)}×`;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB (${bytes.toLocaleString("en-US")} B)`;

/** The 1-, 5- and 15-minute load averages: other work on the machine inflates every time measured. */
function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

function machine(loadAtStart: string): string[] {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? "unknown";
  const version = (pkg: string): string =>
    (JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
  return [
    `- Date: ${new Date().toISOString()}`,
    `- nproc: ${execFileSync("nproc", { encoding: "utf8" }).trim()}`,
    `- CPU: ${model.trim()}`,
    `- Memory: ${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    `- Node: ${process.version}; cdktf ${version("cdktf")}, @cdktf/provider-aws ${version("@cdktf/provider-aws")}, tsx ${version("tsx")}`,
    `- Load average (1, 5, 15 min) at start: ${loadAtStart}; at end: ${loadAverage()}`,
  ];
}

/** One sampled measurement: a driver run in a fresh node process once per round. */
interface Case {
  readonly id: string;
  /** Arguments to node; `out` is a directory of its own for this sample's output. */
  readonly args: (out: string) => string[];
  /** Extra environment, worked out when the case first runs. */
  readonly env?: () => Readonly<Record<string, string>>;
  /** The driver synthesises the default config into `out`; its output is compared with that of `synth`. */
  readonly synth?: true;
  /** The driver prints no BENCH_RESULT: only its wall time counts. */
  readonly wallOnly?: true;
  /** A load-profile preload runs with it: keep its BENCH_PROFILE. */
  readonly profile?: true;
}

interface Sample {
  readonly result: Readonly<Record<string, number>>;
  /** Spawn to exit, ms. */
  readonly wall: number;
  readonly profile?: Readonly<Record<string, { readonly ms: number; readonly modules: number }>>;
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const loadAtStart = loadAverage();
  const tmp = mkdtempSync(join(tmpdir(), "private-api-bench-"));
  // Prebuilt bundles live under node_modules so that their `require("cdktf")` etc. resolve as the sources' do.
  mkdirSync(join(ROOT, "node_modules", ".cache"), { recursive: true });
  const built = mkdtempSync(join(ROOT, "node_modules", ".cache", "private-api-bench-"));
  const log = (msg: string): boolean => process.stderr.write(`[bench] ${msg}\n`);
  try {
    const plain = join(tmp, "plain");
    transpileDrivers(plain);
    const modules = providerSubmodules();
    const node = process.execPath;
    const driver = (file: string): string => join(DRIVERS, file);
    const tsx = (file: string, ...args: string[]): string[] => ["--import", "tsx", driver(file), ...args];
    const plainFile = (file: string): string => join(plain, file.replace(/\.ts$/, ".js"));
    const js = (file: string, ...args: string[]): string[] => [plainFile(file), ...args];

    log("prebuilding the default-synth driver with esbuild");
    const ownBundle = join(built, "synth-default.own.js");
    const fullBundle = join(built, "synth-default.bundle.js");
    const ownBuild = prebuild(ownBundle, "packages");
    const fullBuild = prebuild(fullBundle, "esbuild");
    const compileCache = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === "function";

    /** Provider submodules the default config does not use; known once the warm-up round's synth has run. */
    let unused: string[] = [];

    const cases: Case[] = [
      { id: "synth", args: (out) => tsx("synth-default.ts", out), synth: true },
      { id: "synthRoot", args: (out) => tsx("synth-root-import.ts", out), synth: true },
      { id: "subPlain", args: () => js("baseline-submodules.ts", ROOT, ...modules) },
      { id: "rootPlain", args: () => js("baseline-root-import.ts", ROOT) },
      { id: "subTsx", args: () => tsx("baseline-submodules.ts", ROOT, ...modules) },
      { id: "rootTsx", args: () => tsx("baseline-root-import.ts", ROOT) },
      // Ways to run the default synth faster, each with the same output (checked).
      { id: "tsxNoCache", args: (out) => tsx("synth-default.ts", out), env: () => ({ TSX_DISABLE_CACHE: "1" }), synth: true },
      {
        id: "tsxSourceMaps",
        args: (out) => tsx("synth-default.ts", out),
        env: () => ({ NODE_OPTIONS: "--enable-source-maps" }),
        synth: true,
      },
      {
        id: "tsxLazy",
        args: (out) => ["--require", plainFile("stub-modules.ts"), ...tsx("synth-default.ts", out)],
        env: () => ({ STUB_MODULES: unused.join(",") }),
        synth: true,
      },

      ...(compileCache
        ? [
            {
              id: "tsxCompileCache",
              args: (out: string) => tsx("synth-default.ts", out),
              env: () => ({ NODE_COMPILE_CACHE: join(built, "node-compile-cache") }),
              synth: true as const,
            },
          ]
        : []),
      { id: "nodeOwn", args: (out) => [ownBundle, out], synth: true },
      { id: "nodeBundle", args: (out) => [fullBundle, out], synth: true },
      { id: "nodeBundleCache", args: (out) => js("run-with-code-cache.ts", fullBundle, join(built, "bundle.v8cache"), out), synth: true },
      // Where module loading goes, and what node and tsx cost before any of it.
      {
        id: "profileTsx",
        args: (out) => ["--require", plainFile("load-profile.ts"), ...tsx("synth-default.ts", out)],
        env: () => ({ PROFILE_APART: unused.join(",") }),
        profile: true,
      },
      {
        id: "profileTsxSourceMaps",
        args: (out) => ["--require", plainFile("load-profile.ts"), ...tsx("synth-default.ts", out)],
        env: () => ({ PROFILE_APART: unused.join(","), NODE_OPTIONS: "--enable-source-maps" }),
        profile: true,
      },
      {
        id: "profileNode",
        args: (out) => ["--require", plainFile("load-profile.ts"), ownBundle, out],
        env: () => ({ PROFILE_APART: unused.join(",") }),
        profile: true,
      },
      ...GENERATED_ROUTES.map((n): Case => ({ id: `gen${n}`, args: (out) => tsx("synth-generated.ts", String(n), out) })),
      { id: "startNode", args: () => ["-e", "0"], wallOnly: true },
      { id: "startTsx", args: () => ["--import", "tsx", "-e", "0"], wallOnly: true },
    ];

    const samples = new Map<string, Sample[]>(cases.map((c) => [c.id, []]));
    const differs = new Set<string>();
    for (let round = 0; round <= opts.samples; round++) {
      const keep = round > 0; // round 0 warms the page cache, tsx's transform cache and the V8 code cache
      log(keep ? `sample ${round}/${opts.samples}` : "warm-up round");
      for (const c of cases) {
        const out = join(tmp, `${c.id}-${round}`);
        const res = runOk(node, c.args(out), { ...childEnv(), ...c.env?.() });
        if (round === 0 && c.id === "synth") unused = unusedProviderModules(out, modules);
        if (c.synth && c.id !== "synth" && !sameTree(join(tmp, `synth-${round}`), out)) differs.add(c.id);
        if (!keep) continue;
        samples.get(c.id)?.push({
          result: c.wallOnly ? {} : parseNumbers(res.stdout),
          wall: res.ms,
          ...(c.profile ? { profile: parseJson(res.stdout, "PROFILE") as Sample["profile"] } : {}),
        });
      }
      for (const c of cases) rmSync(join(tmp, `${c.id}-${round}`), { recursive: true, force: true });
    }

    log("Lambda bundle sizes");
    const lambdaBundles = (parseJson(runOk(node, tsx("lambda-bundles.ts")).stdout) as { bundles: LambdaBundleSize[] }).bundles;
    log("nlb-target-sync API calls");
    const scenarios = (parseJson(runOk(node, tsx("sync-api-calls.ts")).stdout) as { scenarios: Scenario[] }).scenarios;

    const terraform: { routes: number; resources: number; initMs: number; validateMs: number; planMs: number }[] = [];
    if (!opts.skipTerraform) {
      for (const n of GENERATED_ROUTES) {
        log(`terraform init / validate / plan, ${n} routes`);
        const out = join(tmp, `terraform-${n}`);
        runOk(node, tsx("synth-generated.ts", String(n), out));
        const numbers = parseNumbers(runOk(node, tsx("terraform-scaling.ts", join(out, "stacks", `bench-${n}`), "eu-west-2")).stdout);
        terraform.push({
          routes: n,
          resources: numbers.resources ?? 0,
          initMs: numbers.initMs ?? 0,
          validateMs: numbers.validateMs ?? 0,
          planMs: numbers.planMs ?? 0,
        });
        rmSync(out, { recursive: true, force: true });
      }
    }

    const cdktf: number[] = [];
    for (let i = 1; i <= opts.cdktfRuns; i++) {
      log(`npx cdktf synth ${i}/${opts.cdktfRuns}`);
      cdktf.push(runOk("npx", ["cdktf", "synth", "--output", join(tmp, `cdktf-${i}`)]).ms);
    }

    let test: { ms: number; status: number } | undefined;
    let unitTest: { ms: number; status: number } | undefined;
    let deployTest: { ms: number; status: number } | undefined;
    if (opts.withTests) {
      log("npm run test:unit");
      unitTest = run("npm", ["run", "test:unit"], { ...childEnv(), CI: "1" });
      log("npm run test:deploy");
      deployTest = run("npm", ["run", "test:deploy"], { ...childEnv(), CI: "1" });
      log("npm test");
      test = run("npm", ["test"], { ...childEnv(), CI: "1" });
    }

    // ---- report ----
    const of = (id: string): Sample[] => {
      const s = samples.get(id);
      if (s === undefined || s.length === 0) throw new Error(`no samples of ${id}`);
      return s;
    };
    /** Median and min of a driver's result field, or of the wall time with "wall". */
    const S = (id: string, key: string): Stat =>
      stat(
        of(id).map((s) => {
          const v = key === "wall" ? s.wall : s.result[key];
          if (v === undefined) throw new Error(`${id} has no "${key}"`);
          return v;
        }),
      );
    const med = (id: string, key: string): number => S(id, key).median;
    const row = (name: string, t: Stat | undefined, rss: string, target: string, status: string): string =>
      `| ${name} | ${t ? secs(t.median) : "—"} | ${t ? secs(t.min) : "—"} | ${rss} | ${target} | ${status} |`;
    const check = (value: number, limit: number): string => (value <= limit ? "OK" : "OVER");
    const rssOf = (id: string): string => mib(med(id, "peakRssMiB"));
    const total = S("synth", "totalMs");

    const rows = [
      "| Measurement | Median | Min | Peak RSS (median) | Target / reference | Status |",
      "| --- | ---: | ---: | ---: | --- | --- |",
      row(
        "In-process synth of default config (import + config + build + synth)",
        total,
        rssOf("synth"),
        "<= 1 s wall",
        check(total.median, TARGET_SYNTH_MS),
      ),
      row("↳ import lib/config/load + lib/synth", S("synth", "importMs"), "", "", ""),
      row("↳ load default config", S("synth", "configMs"), "", "", ""),
      row("↳ build + synth to temp dir", S("synth", "synthMs"), "", "", ""),
      row("↳ whole process, spawn to exit (node + tsx start-up included)", S("synth", "wall"), "", "", "info"),
      row(
        `Same synth, provider package root required first (usual style, ${med("synthRoot", "providerModules")} modules)`,
        S("synthRoot", "totalMs"),
        rssOf("synthRoot"),
        "baseline",
        differs.has("synthRoot") ? "info; OUTPUT DIFFERS" : "info",
      ),
      row("↳ require the package root", S("synthRoot", "rootImportMs"), "", "", ""),
      row("↳ whole process, spawn to exit", S("synthRoot", "wall"), "", "", "info"),
      row(
        `Provider submodules only (${modules.length} imports, ${med("subPlain", "providerModules")} modules), plain node`,
        S("subPlain", "ms"),
        rssOf("subPlain"),
        "",
        "info",
      ),
      row(
        `Provider package root (${med("rootPlain", "providerModules")} modules), plain node`,
        S("rootPlain", "ms"),
        rssOf("rootPlain"),
        "≈ 2.5 s before any resource",
        "info",
      ),
      row("Provider submodules only, under tsx", S("subTsx", "ms"), rssOf("subTsx"), "", "info"),
      row("Provider package root, under tsx", S("rootTsx", "ms"), rssOf("rootTsx"), "", "info"),
      row(`\`npx cdktf synth\` end to end (${cdktf.length} run${cdktf.length === 1 ? "" : "s"})`, stat(cdktf), "", "", "info"),
      test
        ? row(
            "`npm test` (tsc + eslint + prettier + jest)",
            { median: test.ms, min: test.ms },
            "",
            "<= 6 min",
            test.status === 0 ? check(test.ms, TARGET_TEST_MS) : `FAILED (exit ${test.status})`,
          )
        : row("`npm test`", undefined, "", "<= 6 min", "not run (use --with-tests)"),
      deployTest
        ? row(
            "`npm run test:deploy` (Jest deploy project: every example applied to moto, re-planned, upgraded, destroyed)",
            { median: deployTest.ms, min: deployTest.ms },
            "",
            "<= 4 min",
            deployTest.status === 0 ? check(deployTest.ms, TARGET_DEPLOY_TEST_MS) : `FAILED (exit ${deployTest.status})`,
          )
        : row("`npm run test:deploy`", undefined, "", "<= 4 min", "not run (use --with-tests)"),
      unitTest
        ? row(
            "`npm run test:unit` (Jest unit project: no Terraform, no child processes)",
            { median: unitTest.ms, min: unitTest.ms },
            "",
            "<= 30 s",
            unitTest.status === 0 ? check(unitTest.ms, TARGET_UNIT_TEST_MS) : `FAILED (exit ${unitTest.status})`,
          )
        : row("`npm run test:unit`", undefined, "", "<= 30 s", "not run (use --with-tests)"),
    ];

    const ratio = (a: string, b: string, key = "ms"): string =>
      `${times(med(a, key), med(b, key))} time, ${times(med(a, "peakRssMiB"), med(b, "peakRssMiB"))} peak RSS`;
    const rootPlain = med("rootPlain", "ms");
    const ratios = [
      `- Usual style (package root first) vs our synth, same stack: ${times(med("synthRoot", "wall"), med("synth", "wall"))} whole-process time, ${ratio("synthRoot", "synth", "totalMs").replace("time", "in-process time")}`,
      `- Package root vs submodules, plain node: ${ratio("rootPlain", "subPlain")}`,
      `- Package root vs submodules, under tsx: ${ratio("rootTsx", "subTsx")}`,
      `- tsx loader overhead on the package root: ${times(med("rootTsx", "ms"), rootPlain)} (under tsx / plain node)`,
      `- Package root import alone (plain node) vs our whole in-process synth (under tsx): ${times(rootPlain, total.median)}`,
      `- Package root import, plain node, vs the ≈ 2.5 s reference: ${times(rootPlain, REFERENCE_ROOT_IMPORT_MS)} (machine speed factor)`,
    ];

    // Ways to cut the default synth.
    const way = (id: string, name: string): string => {
      const t = S(id, "totalMs");
      const same = differs.has(id) ? "NO" : "yes";
      return [
        `| ${name}`,
        secs(med(id, "importMs")),
        secs(med(id, "synthMs")),
        secs(t.median),
        secs(t.min),
        secs(med(id, "wall")),
        secs(med(id, "cpuMs")),
        rssOf(id),
        `${check(t.median, TARGET_FAST_SYNTH_MS)}`,
        `${same} |`,
      ].join(" | ");
    };
    const ways = [
      "| Way to run it | Import | Build + synth | In-process | In-process (min) | Spawn to exit | CPU, whole process | Peak RSS | <= 0.5 s in-process | Same output |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
      way("synth", "`node --import tsx`, source maps off first as main.ts does (lib/source-maps-off.ts; the first row above)"),
      way("tsxNoCache", "tsx with its on-disk transform cache off (`TSX_DISABLE_CACHE=1`; the cache is on by default)"),
      way("tsxSourceMaps", "tsx with Node's source maps left on (`NODE_OPTIONS=--enable-source-maps`; what main.ts did before)"),
      way(
        "tsxLazy",
        `tsx, without loading the ${unused.length} of ${modules.length} provider submodules the default config does not use (most lazy require() could save)`,
      ),
      compileCache
        ? way("tsxCompileCache", "tsx with Node's compile cache (`NODE_COMPILE_CACHE`)")
        : "| Node's compile cache (`module.enableCompileCache`, `NODE_COMPILE_CACHE`) | — | — | — | — | — | — | — | — | not in this Node (22.1+) |",
      way(
        "nodeOwn",
        `plain node, our TypeScript prebuilt by esbuild into one file, packages from node_modules (built in ${secs(ownBuild.ms)})`,
      ),
      way(
        "nodeBundle",
        `plain node, one esbuild bundle of everything but esbuild (${(fullBuild.bytes / 1024 ** 2).toFixed(1)} MiB, built in ${secs(fullBuild.ms)})`,
      ),
      way(
        "nodeBundleCache",
        "the same bundle with a V8 code cache (scripts/bench/run-with-code-cache.ts, Node 20's stand-in for the compile cache)",
      ),
    ];

    // Where module loading goes.
    const columns = [
      { id: "profileTsx", title: "Under tsx (source maps off, as main.ts)", start: "startTsx" },
      { id: "profileTsxSourceMaps", title: "tsx, source maps on", start: "startTsx" },
      { id: "profileNode", title: "Plain node, our code prebuilt", start: "startNode" },
    ];
    const groups = new Map<string, { ms: number[][]; modules: number }>();
    columns.forEach((column, i) => {
      for (const s of of(column.id)) {
        for (const [name, g] of Object.entries(s.profile ?? {})) {
          const entry = groups.get(name) ?? { ms: columns.map(() => []), modules: 0 };
          entry.ms[i]?.push(g.ms);
          entry.modules = Math.max(entry.modules, g.modules);
          groups.set(name, entry);
        }
      }
    });
    const groupMs = (values: number[] | undefined): number => (values === undefined || values.length === 0 ? 0 : stat(values).median);
    const profileRows = [...groups]
      .map(([name, g]) => ({ name, modules: g.modules, ms: g.ms.map(groupMs) }))
      .filter((g) => g.ms.some((v) => v >= 1))
      .sort((a, b) => (b.ms[0] ?? 0) - (a.ms[0] ?? 0) || (b.ms[2] ?? 0) - (a.ms[2] ?? 0));
    const ms = (v: number): string => (v === 0 ? "—" : `${v.toFixed(0)} ms`);
    const cells = (values: readonly number[]): string => values.map(ms).join(" | ");
    const profile = [
      `| Loaded from | Modules | ${columns.map((c) => c.title).join(" | ")} |`,
      `| --- | ---: | ${columns.map(() => "---:").join(" | ")} |`,
      ...profileRows.map(
        (g) => `| ${g.name.replace(" (PROFILE_APART)", ", submodules the default config does not use")} | ${g.modules} | ${cells(g.ms)} |`,
      ),
      `| Sum | | ${cells(columns.map((_, i) => profileRows.reduce((sum, g) => sum + (g.ms[i] ?? 0), 0)))} |`,
      `| Start-up before any of it, spawn to exit (\`node --import tsx -e 0\` or \`node -e 0\`) | | ${cells(columns.map((c) => med(c.start, "wall")))} |`,
    ];

    // Generated configs: size, synth time and memory, and how time grows with routes.
    const gen = GENERATED_ROUTES.map((n) => ({ n, t: S(`gen${n}`, "totalMs"), synth: S(`gen${n}`, "synthMs") }));
    const genRows = [
      "| Routes (services) | Resources | NLBs | In-process synth (median) | Min | Build + synth | Peak RSS | Target | Status |",
      "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
      ...gen.map(({ n, t, synth }) => {
        const target = n === 500 ? "<= 3 s" : "";
        const status = n === 500 ? check(t.median, TARGET_500_ROUTES_MS) : "info";
        return `| ${n} | ${med(`gen${n}`, "resources")} | ${med(`gen${n}`, "nlbs")} | ${secs(t.median)} | ${secs(t.min)} | ${secs(synth.median)} | ${rssOf(`gen${n}`)} | ${target} | ${status} |`;
      }),
    ];
    /** Build + synth time per route between two sizes: equal slopes mean linear growth. */
    const slope = (a: (typeof gen)[number], b: (typeof gen)[number]): number => (b.synth.median - a.synth.median) / (b.n - a.n);
    const slopes = gen.slice(1).map((b, i) => ({ from: gen[i]?.n ?? 0, to: b.n, ms: slope(gen[i], b) }));
    const last = slopes[slopes.length - 1]?.ms ?? 0;
    const first = slopes[0]?.ms ?? 1;
    const linear = last <= 1.5 * Math.max(...slopes.slice(0, -1).map((x) => x.ms), first);
    const slopeText = slopes.map((x) => `${x.from}→${x.to}: ${x.ms.toFixed(1)} ms per route`).join("; ");
    const tfRows = [
      "| Routes | Resources | `terraform init` | `terraform validate` | `terraform plan` | Plan per 1,000 resources |",
      "| ---: | ---: | ---: | ---: | ---: | ---: |",
      ...terraform.map(
        (t) =>
          `| ${t.routes} | ${t.resources} | ${secs(t.initMs)} | ${secs(t.validateMs)} | ${secs(t.planMs)} | ${secs((t.planMs / t.resources) * 1000)} |`,
      ),
    ];

    const bundleRows = [
      "| Lambda | Unzipped (bundled index.js) | Zipped (archive.zip) |",
      "| --- | ---: | ---: |",
      ...lambdaBundles.map((b) => `| lambdas/${b.name} | ${kib(b.unzippedBytes)} | ${kib(b.zippedBytes)} |`),
    ];

    const ops = [
      "DescribeNetworkInterfaces",
      "DescribeTargetHealth",
      "GetParameter",
      "RegisterTargets",
      "DeregisterTargets",
      "PutParameter",
    ];
    const callRows = [
      `| ALB ENIs | Run | ${ops.join(" | ")} | Total | Total − pages | State written |`,
      `| ---: | --- | ${ops.map(() => "---:").join(" | ")} | ---: | ---: | ---: |`,
      ...scenarios.flatMap((s) =>
        s.runs.map((r) => {
          const state =
            r.stateChars === undefined ? "—" : `${r.stateChars} chars${r.stateChars > SSM_STANDARD_MAX_CHARS ? " (OVER 4096)" : ""}`;
          const label = s.kind === "all IPs change" ? `all IPs change, run ${r.run}` : s.kind;
          return `| ${s.enis} | ${label} | ${ops.map((op) => r.byOperation[op] ?? 0).join(" | ")} | ${r.total} | ${r.total - r.pages} | ${state} |`;
        }),
      ),
    ];
    // "Constant + pages": for each kind of run, total − pages is the same whatever the ENI count.
    const byRun = new Map<string, { enis: number; calls: RunCalls }[]>();
    for (const s of scenarios) {
      for (const r of s.runs) {
        const key = s.kind === "all IPs change" ? `all IPs change, run ${r.run}` : s.kind;
        byRun.set(key, [...(byRun.get(key) ?? []), { enis: s.enis, calls: r }]);
      }
    }
    const verdicts = [...byRun].map(([kind, list]) => {
      const rest = list.map((x) => x.calls.total - x.calls.pages);
      const enis = list.map((x) => x.enis).join(", ");
      if (rest.every((v) => v === rest[0])) return `- ${kind}: yes, ${rest[0]} + pages with ${enis} ENIs`;
      const growing = ops
        .filter((op) => op !== "DescribeNetworkInterfaces")
        .filter((op) => new Set(list.map((x) => x.calls.byOperation[op] ?? 0)).size > 1)
        .map((op) => `${op} ${list.map((x) => x.calls.byOperation[op] ?? 0).join(", ")}`);
      return `- ${kind}: NO, total − pages is ${rest.join(", ")} with ${enis} ENIs (${growing.join("; ")})`;
    });
    const overLimit = scenarios.flatMap((s) =>
      s.runs.filter((r) => (r.stateChars ?? 0) > SSM_STANDARD_MAX_CHARS).map((r) => `${s.enis} ENIs, ${s.kind}, run ${r.run}`),
    );
    const maxResults = [...new Set(scenarios.map((s) => s.maxResults ?? "none"))].join(", ");

    const md = [
      "# Benchmarks",
      "",
      `Written by \`npm run bench\` (scripts/bench.ts); ${opts.samples} sample(s) per in-process figure, each in a fresh process, after one warm-up round.`,
      "",
      ...machine(loadAtStart),
      "",
      ...rows,
      "",
      "## Targets",
      "",
      "| Target | Measured (median, this run) | Status |",
      "| --- | --- | --- |",
      `| Default config, in-process synth <= 0.5 s | ${secs(total.median)} (min ${secs(total.min)}) | ${check(total.median, TARGET_FAST_SYNTH_MS)} |`,
      `| 500 routes <= 3 s, growing linearly | ${secs(gen[gen.length - 1]?.t.median ?? 0)}; build + synth ${slopeText} | ${check(gen[gen.length - 1]?.t.median ?? 0, TARGET_500_ROUTES_MS)}${linear ? ", linear" : ", NOT LINEAR"} |`,
      `| At least 5× faster than the root-import baseline on the same stack | ${times(med("synthRoot", "totalMs"), total.median)} in process, ${times(med("synthRoot", "wall"), med("synth", "wall"))} spawn to exit | ${med("synthRoot", "totalMs") / total.median >= TARGET_BASELINE_RATIO ? "OK" : "UNDER"} in process, ${med("synthRoot", "wall") / med("synth", "wall") >= TARGET_BASELINE_RATIO ? "OK" : "UNDER"} spawn to exit |`,
      `| \`npx cdktf synth\` <= 5 s end to end | ${secs(stat(cdktf).median)} | ${check(stat(cdktf).median, TARGET_CDKTF_SYNTH_MS)} |`,
      `| Default in-process synth no slower than before issue 11 (0.41 s median) | ${secs(total.median)} | ${check(total.median, BEFORE_ISSUE_11_SYNTH_MS)} |`,
      unitTest
        ? `| \`npm run test:unit\` <= 30 s (issue 11) | ${secs(unitTest.ms)} | ${unitTest.status === 0 ? check(unitTest.ms, TARGET_UNIT_TEST_MS) : "FAILED"} |`
        : "| `npm run test:unit` <= 30 s (issue 11) | not run (use --with-tests) | — |",
      deployTest
        ? `| \`npm run test:deploy\` <= 4 min on 2 cores (issue 12) | ${secs(deployTest.ms)} | ${deployTest.status === 0 ? check(deployTest.ms, TARGET_DEPLOY_TEST_MS) : "FAILED"} |`
        : "| `npm run test:deploy` <= 4 min (issue 12) | not run (use --with-tests) | — |",
      test
        ? `| \`npm test\` <= 6 min, the deploy tier included (issue 12) | ${secs(test.ms)} | ${test.status === 0 ? check(test.ms, TARGET_TEST_MS) : "FAILED"} |`
        : "| `npm test` <= 6 min (issue 12) | not run (use --with-tests) | — |",
      `| A sync run makes a constant number of calls plus pages, whatever the ENI count | steady state: ${verdicts[0]?.replace(/^- [^:]+: /, "") ?? "—"}; runs that change IPs add one call per 100 changed targets (see below) | ${verdicts.every((v) => v.includes(": yes")) ? "OK" : "steady state OK; changing runs not constant"} |`,
      "",
      "## Generated configs",
      "",
      "scripts/bench/generated-config.ts: N services on consecutive ports, one `/svc-NNN/{proxy+}` route each (two REST resources), so past 50 the ports spread over several NLBs. Each sample is a fresh process (import + validate + build + synth).",
      "",
      ...genRows,
      "",
      ...(terraform.length > 0
        ? [
            "Terraform on the same generated stacks (offline, pinned provider from the mirror, one run each; `plan` without refresh):",
            "",
            ...tfRows,
            "",
          ]
        : ["Terraform timings skipped (`--no-terraform`).", ""]),
      "Ratios (same run, medians):",
      "",
      ...ratios,
      "",
      "Notes:",
      "",
      "- Where `npm test` goes (measured 2026-11-22 on this 2-core machine, quiet): it was about 200 s while every example ran its own terraform init, validate, plan and show (each command starts the 700 MB provider and loads its schema, about 2 s of CPU). Now all planned examples, the 200-service one included, are child modules of one root planned in one run (about 25 s for the examples file), `tsc` and prettier take about 15 s, and Jest runs its files on both cores.",
      "- In-process figures are timed inside the child with `performance.now()`; peak RSS is `process.resourceUsage().maxRSS` of that child.",
      "- The synth drivers (scripts/bench/synth-default.ts and, for the usual-style baseline, synth-root-import.ts) run under `node --import tsx`, like `npm run synth` and the cdktf app; both write the same output (checked every round).",
      "- The import drivers run twice: transpiled to plain CommonJS (comparable to the ≈ 2.5 s reference) and under tsx, whose",
      "  require hooks slow down every module load. Only scripts/bench/baseline-root-import.ts and synth-root-import.ts import the package root.",
      "- `npx cdktf synth` writes to a temp dir (`--output`) and includes npx, the cdktf CLI start-up and the app run.",
      "",
      "## Ways to run the default synth faster (info)",
      "",
      `The issue's target is <= 0.5 s in process. Every way below runs the same driver on the same default config and wrote byte-identical output in every round (else "NO"). The first row is the product (main.ts under tsx); the others are not. Medians unless marked.`,
      "",
      ...ways,
      "",
      "Where the module loading of the default synth goes (scripts/bench/load-profile.ts): each module the driver loads, timed on its own (resolve, read, tsx transform or cache read, compile, top-level code) without the loads it triggers; medians. Not in it: the process start-up before the driver (node, and tsx registering itself; last line), and, for the prebuilt driver, our own code, which is bundled into the driver itself.",
      "",
      ...profile,
      "",
      "- tsx turns Node's source-map support on, so every module's inline source map (each cdktf and provider file carries one) is decoded as it loads: the difference between the first two columns. main.ts imports lib/source-maps-off.ts first, which turns it off again (NODE_OPTIONS=--enable-source-maps keeps it, for debugging a crash with mapped traces). Build + synth is spared it either way: lib/synth.ts turns source maps off while cdktf captures its stack trace per token.",
      `- The lazy-require row stands in empty modules for the provider submodules no resource of the default config comes from (${unused
        .map((id) => id.replace("@cdktf/provider-aws/lib/", ""))
        .join(
          ", ",
        )}); a stand-in throws if used, so the figure is what lazy require() of those could save at most. Under tsx, esbuild costs nothing extra: tsx has loaded it already.`,
      "- The prebuilt rows run the driver bundled by esbuild (scripts/bench.ts builds it first). A product bundle would also need `LAMBDAS_DIR` (lib/constructs/alb-bridge.ts, relative to `__dirname`) to keep working, which the default config does not exercise.",
      "",
      "## Lambda bundles",
      "",
      "Each `lambdas/<name>/handler.ts` built with `lambdaBundleOptions` (lib/constructs/bundled-nodejs-function.ts, the options synth uses: minified, node22, AWS SDK external) and zipped as synth zips it (`bundleOnce`: fflate, deflate level 9, once per process; CDKTF's own ARCHIVE assets would start a node process per archive on every synth). Lambda's limits: 50 MB zipped for a direct upload, 250 MB unzipped.",
      "",
      ...bundleRows,
      "",
      "## nlb-target-sync: AWS API calls per run",
      "",
      `The real handler, run against mocked SDK clients (aws-sdk-client-mock) and the unit tests' fake target group and SSM parameter (scripts/bench/sync-api-calls.ts); one private IP per ALB ENI. EC2 pages DescribeNetworkInterfaces by the MaxResults the code asks for (${maxResults}) unless the scenario says otherwise, so DescribeNetworkInterfaces calls = pages. "All IPs change": every ALB IP is new and the old ones are registered; the run repeats until a run changes nothing (not shown), with the deployed anti-flap setting (3 runs). "State written": the SSM parameter value the run wrote; the parameter is a Standard-tier String, whose values SSM caps at ${SSM_STANDARD_MAX_CHARS} characters, which the fake enforces.`,
      "",
      ...callRows,
      "",
      'Constant number of calls plus pages, whatever the ENI count ("total − pages" equal across ENI counts)?',
      "",
      ...verdicts,
      ...(overLimit.length > 0
        ? [
            "",
            `Runs that wrote more than ${SSM_STANDARD_MAX_CHARS} characters of state (${overLimit.join("; ")}) would fail in AWS: SSM rejects the PutParameter, the run throws after registering, and as the missing counts are never stored the old IPs never reach the anti-flap threshold and are never deregistered.`,
          ]
        : []),
      "",
    ].join("\n");
    writeFileSync(join(ROOT, "BENCHMARKS.md"), md);
    process.stdout.write(md);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(built, { recursive: true, force: true });
  }
}

main();
