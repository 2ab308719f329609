/**
 * `npm run bench [-- --samples N] [--cdktf-runs N] [--no-terraform] [--with-tests] [--baseline-dir PATH]` measures,
 * in one run on this machine, what the speed targets (the Targets table) depend on, and writes BENCHMARKS.md:
 *  - the default config's in-process synth (scripts/bench/synth.ts), and the same synth after requiring the provider
 *    package root first (the usual style: the baseline of the 5× target);
 *  - with --baseline-dir, the same driver against another checkout with its node_modules (say a worktree of the code
 *    before a change): the ratio this code / that code, both measured in the same rounds of this run;
 *  - generated configs of 10, 50, 200 and 500 routes, and unless --no-terraform, terraform init / validate / plan of each;
 *  - once each (deterministic): the Lambda bundles' sizes and nlb-target-sync's AWS API calls per run;
 *  - `npx cdktf synth` end to end; with --with-tests, `npm run test:unit`, `npm run test:deploy` and `npm test`.
 * Sampled figures run in a fresh process each, interleaved, after one discarded warm-up round.
 * A driver under scripts/bench/ prints one `BENCH_RESULT {json}` line (scripts/bench/result.ts).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, relative, resolve } from "node:path";
import { dummyVarArgs, locateTerraform, runTerraform, writeOfflineOverride } from "./tooling/terraform";
import type { LambdaBundleSize } from "./bench/lambda-bundles";
import { parseJson, parseNumbers } from "./bench/result";
import type { RunCalls, Scenario } from "./bench/sync-api-calls";

const ROOT = join(__dirname, "..");
const SYNTH_DRIVER = join(__dirname, "bench", "synth.ts");
const ROUTES = [10, 50, 200, 500] as const;
const TARGET_SYNTH_MS = 500;
const TARGET_ROOT_IMPORT_RATIO = 5;
const TARGET_500_ROUTES_MS = 3000;
const TARGET_CDKTF_SYNTH_MS = 5000;
const TARGET_UNIT_TEST_MS = 30_000;
const TARGET_DEPLOY_TEST_MS = 240_000;
const TARGET_TEST_MS = 360_000;
/** Largest value of a Standard-tier SSM parameter, which the sync's state parameter is. */
const SSM_STANDARD_MAX_CHARS = 4096;

interface Options {
  readonly samples: number;
  readonly cdktfRuns: number;
  readonly withTests: boolean;
  readonly skipTerraform: boolean;
  readonly baselineDir?: string;
}

function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i < 0 ? undefined : (argv[i + 1] ?? "");
  };
  const count = (flag: string, fallback: number): number => {
    const n = Number(value(flag) ?? fallback);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer`);
    return n;
  };
  const baseline = value("--baseline-dir");
  if (baseline !== undefined && !["lib/synth.ts", "node_modules/cdktf"].every((f) => existsSync(join(baseline, f)))) {
    throw new Error(`--baseline-dir needs a checkout of this project with lib/synth.ts and node_modules: ${baseline}`);
  }
  return {
    samples: count("--samples", 5),
    cdktfRuns: count("--cdktf-runs", 2),
    withTests: argv.includes("--with-tests"),
    skipTerraform: argv.includes("--no-terraform"),
    ...(baseline === undefined ? {} : { baselineDir: resolve(baseline) }),
  };
}

/** The environment without anything that would change what is measured. */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", ...extra };
  for (const name of ["NODE_OPTIONS", "NODE_COMPILE_CACHE", "TSX_DISABLE_CACHE", "PRIVATE_API_CONFIG", "CDKTF_OUTDIR"]) delete env[name];
  return env;
}

/** Runs a command to completion; its wall time (spawn to exit) and output; throws on failure unless `mayFail`. */
function run(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; mayFail?: true } = {}) {
  const t0 = performance.now();
  const res = spawnSync(cmd, args, { cwd: ROOT, env: opts.env ?? childEnv(), encoding: "utf8", maxBuffer: 256 * 1024 ** 2 });
  const ms = performance.now() - t0;
  if (res.error) throw res.error;
  const status = res.status ?? 1;
  if (status !== 0 && !opts.mayFail) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${status}:\n${res.stdout.slice(-2000)}\n${res.stderr.slice(-2000)}`);
  }
  return { ms, stdout: res.stdout, status };
}

/** Whether two directories hold the same files with the same bytes. */
function sameTree(a: string, b: string): boolean {
  const files = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)))
      .sort();
  const fa = files(a);
  return fa.join("\n") === files(b).join("\n") && fa.every((f) => readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
}

interface Stat {
  readonly median: number;
  readonly min: number;
}

function stat(values: readonly number[]): Stat {
  if (values.length === 0) throw new Error("no samples");
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return { median: s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0] };
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const times = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const check = (ms: number, limit: number): string => (ms <= limit ? "OK" : "OVER");

/** The 1-, 5- and 15-minute load averages: other work on the machine inflates every time measured. */
const loadAverage = (): string => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

/** The commit a checkout is at, "+ changes" when its tree differs from it. */
function commitOf(dir: string): string {
  const git = (...args: string[]): string => execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" }).trim();
  try {
    return `${git("rev-parse", "--short", "HEAD")}${git("status", "--porcelain", "--untracked-files=no") === "" ? "" : " + changes"}`;
  } catch {
    return "not a git checkout";
  }
}

function machine(loadAtStart: string): string[] {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "unknown";
  const version = (pkg: string): string =>
    (JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
  return [
    `- Date: ${new Date().toISOString()}; code: ${commitOf(ROOT)}`,
    `- nproc: ${execFileSync("nproc", { encoding: "utf8" }).trim()}; CPU: ${model.trim()}; memory: ${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    `- Node: ${process.version}; cdktf ${version("cdktf")}, @cdktf/provider-aws ${version("@cdktf/provider-aws")}, tsx ${version("tsx")}`,
    `- Load average (1, 5, 15 min) at start: ${loadAtStart}; at end: ${loadAverage()}`,
  ];
}

/** One sampled figure: scripts/bench/synth.ts against the checkout at `root`, in a fresh process per round. */
interface Case {
  readonly id: string;
  readonly root: string;
  readonly flags: readonly string[];
  /** Its output is compared with the default synth's of the same round. */
  readonly compare?: true;
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const loadAtStart = loadAverage();
  const tmp = mkdtempSync(join(tmpdir(), "private-api-bench-"));
  const log = (msg: string): boolean => process.stderr.write(`[bench] ${msg}\n`);
  try {
    const cases: Case[] = [
      { id: "synth", root: ROOT, flags: [] },
      { id: "rootImport", root: ROOT, flags: ["--root-import"], compare: true },
      ...(opts.baselineDir === undefined ? [] : [{ id: "baseline", root: opts.baselineDir, flags: [], compare: true as const }]),
      ...ROUTES.map((n): Case => ({ id: `gen${n}`, root: ROOT, flags: ["--routes", String(n)] })),
    ];
    const samples = new Map<string, { result: Record<string, number>; wall: number }[]>(cases.map((c) => [c.id, []]));
    const differs = new Set<string>();
    for (let round = 0; round <= opts.samples; round++) {
      log(round === 0 ? "warm-up round" : `sample ${round}/${opts.samples}`); // round 0 warms the caches
      const out = (id: string): string => join(tmp, `${id}-${round}`);
      for (const c of cases) {
        // The same cwd for every case: the stack's local backend path is made from it.
        const res = run(process.execPath, ["--import", "tsx", SYNTH_DRIVER, c.root, out(c.id), ...c.flags]);
        if (c.compare && !sameTree(out("synth"), out(c.id))) differs.add(c.id);
        if (round > 0) samples.get(c.id)?.push({ result: parseNumbers(res.stdout), wall: res.ms });
      }
      // The last round's generated stacks are kept for Terraform.
      for (const c of cases) if (round < opts.samples || !c.id.startsWith("gen")) rmSync(out(c.id), { recursive: true, force: true });
    }

    log("Lambda bundle sizes");
    const tsx = (driver: string): string[] => ["--import", "tsx", join(__dirname, "bench", driver)];
    const lambdaBundles = (parseJson(run(process.execPath, tsx("lambda-bundles.ts")).stdout) as { bundles: LambdaBundleSize[] }).bundles;
    log("nlb-target-sync API calls");
    const scenarios = (parseJson(run(process.execPath, tsx("sync-api-calls.ts")).stdout) as { scenarios: Scenario[] }).scenarios;

    const terraform: { routes: number; initMs: number; validateMs: number; planMs: number }[] = [];
    if (!opts.skipTerraform) {
      const tf = locateTerraform(process.env);
      if (typeof tf === "string") throw new Error(tf);
      for (const routes of ROUTES) {
        log(`terraform init / validate / plan, ${routes} routes`);
        const dir = join(tmp, `gen${routes}-${opts.samples}`, "stacks", `bench-${routes}`);
        const timed = (args: string[]): number => {
          const t0 = performance.now();
          runTerraform(tf, dir, args);
          return performance.now() - t0;
        };
        writeOfflineOverride(dir, "eu-west-2");
        const initMs = timed(["init", "-input=false", "-no-color"]);
        const validateMs = timed(["validate", "-no-color"]);
        const plan = ["plan", "-input=false", "-no-color", "-refresh=false", "-lock=false", "-out=bench.tfplan"];
        terraform.push({ routes, initMs, validateMs, planMs: timed([...plan, ...dummyVarArgs(dir)]) });
      }
    }

    const cdktf: number[] = [];
    for (let i = 1; i <= opts.cdktfRuns; i++) {
      log(`npx cdktf synth ${i}/${opts.cdktfRuns}`);
      cdktf.push(run("npx", ["cdktf", "synth", "--output", join(tmp, `cdktf-${i}`)]).ms);
    }

    const tests: { script: string; what: string; limit: number; ms?: number; status?: number }[] = [
      {
        script: "test:unit",
        what: "`npm run test:unit` <= 30 s (the unit project: no Terraform, no child processes)",
        limit: TARGET_UNIT_TEST_MS,
      },
      { script: "test:deploy", what: "`npm run test:deploy` <= 4 min (every example applied to moto)", limit: TARGET_DEPLOY_TEST_MS },
      { script: "test", what: "`npm test` <= 6 min (tsc, eslint, prettier, every Jest project)", limit: TARGET_TEST_MS },
    ];
    if (opts.withTests) {
      for (const t of tests) {
        log(`npm run ${t.script}`);
        Object.assign(t, run("npm", ["run", t.script], { env: childEnv({ CI: "1" }), mayFail: true }));
      }
    }

    // ---- report ----
    const S = (id: string, key: string): Stat =>
      stat(
        (samples.get(id) ?? []).map((s) => {
          const v = key === "wall" ? s.wall : s.result[key];
          if (v === undefined) throw new Error(`${id} has no "${key}"`);
          return v;
        }),
      );
    const med = (id: string, key: string): number => S(id, key).median;
    const synth = S("synth", "totalMs");

    const gen = ROUTES.map((n) => ({ n, total: S(`gen${n}`, "totalMs"), synthMs: med(`gen${n}`, "synthMs") }));
    // Build + synth time per route between two sizes: equal slopes mean linear growth.
    const slopes = gen.slice(1).map((b, i) => ({ from: gen[i].n, to: b.n, ms: (b.synthMs - gen[i].synthMs) / (b.n - gen[i].n) }));
    const linear = slopes[slopes.length - 1].ms <= 1.5 * Math.max(...slopes.slice(0, -1).map((s) => s.ms));
    const last = gen[gen.length - 1].total.median;

    const kindOf = (s: Scenario, r: RunCalls): string => (s.kind === "all IPs change" ? `all IPs change, run ${r.run}` : s.kind);
    const byKind = new Map<string, { enis: number; calls: RunCalls }[]>();
    for (const s of scenarios)
      for (const r of s.runs) byKind.set(kindOf(s, r), [...(byKind.get(kindOf(s, r)) ?? []), { enis: s.enis, calls: r }]);
    // Constant + pages: for each kind of run, total − pages is the same whatever the ENI count.
    const verdicts = [...byKind].map(([kind, list]) => {
      const rest = list.map((x) => x.calls.total - x.calls.pages);
      return { kind, constant: rest.every((v) => v === rest[0]), text: `${kind}: ${rest.join(", ")} + pages` };
    });
    const steady = verdicts.filter((v) => v.kind.startsWith("steady"));

    const ratio = (id: string, key: string): number => med(id, key) / med("synth", key);
    const rootRatio = Math.min(ratio("rootImport", "totalMs"), ratio("rootImport", "wall"));
    const targets = [
      "| Target | Measured | Status |",
      "| --- | --- | --- |",
      `| Default config, in-process synth <= 0.5 s | ${secs(synth.median)} (min ${secs(synth.min)}) | ${check(synth.median, TARGET_SYNTH_MS)} |`,
      `| At least 5× faster than the same synth after requiring the provider package root | ${times(med("rootImport", "totalMs"), synth.median)} in process, ${times(med("rootImport", "wall"), med("synth", "wall"))} spawn to exit | ${rootRatio >= TARGET_ROOT_IMPORT_RATIO ? "OK" : "UNDER"} |`,
      `| 500 routes, in-process synth <= 3 s, growing linearly | ${secs(last)}; build + synth per route ${slopes.map((s) => `${s.from}→${s.to}: ${s.ms.toFixed(1)} ms`).join(", ")} | ${check(last, TARGET_500_ROUTES_MS)}${linear ? ", linear" : ", NOT LINEAR"} |`,
      `| \`npx cdktf synth\` <= 5 s end to end (npx, CLI start-up and the app; ${cdktf.length} run(s)) | ${secs(stat(cdktf).median)} | ${check(stat(cdktf).median, TARGET_CDKTF_SYNTH_MS)} |`,
      ...tests.map((t) =>
        t.ms === undefined
          ? `| ${t.what} | not run (use --with-tests) | — |`
          : `| ${t.what} | ${secs(t.ms)} | ${t.status === 0 ? check(t.ms, t.limit) : `FAILED (exit ${t.status})`} |`,
      ),
      opts.baselineDir === undefined
        ? "| Default config synth no slower than the code before (this / baseline, same run) | not run (use --baseline-dir) | — |"
        : `| Default config synth no slower than the code before (this / baseline, same run) | ${times(synth.median, med("baseline", "totalMs"))} in process, ${times(med("synth", "wall"), med("baseline", "wall"))} spawn to exit | ${synth.median <= med("baseline", "totalMs") ? "OK" : "SLOWER"} |`,
      `| nlb-target-sync: a steady-state run makes a constant number of API calls plus pages, whatever the ENI count | ${steady.map((v) => v.text).join("; ")} | ${steady.every((v) => v.constant) ? "OK" : "NOT CONSTANT"} |`,
    ];

    // The default synth, one column per way it ran.
    const columns = [
      { id: "synth", title: "This code" },
      { id: "rootImport", title: "Package root required first" },
      ...(opts.baselineDir === undefined
        ? []
        : [{ id: "baseline", title: `Baseline: ${opts.baselineDir} (${commitOf(opts.baselineDir)})` }]),
    ];
    const baseline = opts.baselineDir !== undefined;
    /** One row: `value` of each column, and this code / baseline. */
    const synthRow = (name: string, value: (id: string) => number, fmt: (v: number) => string = secs, withRatio = true): string =>
      `| ${name} | ${columns.map((c) => fmt(value(c.id))).join(" | ")} |${baseline ? ` ${withRatio ? times(value("synth"), value("baseline")) : "—"} |` : ""}`;
    const medOf = (key: string) => (id: string) => med(id, key);
    const synthTable = [
      `| Default config | ${columns.map((c) => c.title).join(" | ")} |${baseline ? " This code / baseline |" : ""}`,
      `| --- | ${columns.map(() => "---:").join(" | ")} |${baseline ? " ---: |" : ""}`,
      synthRow("Require the provider package root", medOf("rootImportMs"), secs, false),
      synthRow("Import lib/", medOf("importMs")),
      synthRow("Load the config", medOf("configMs")),
      synthRow("Build + synth", medOf("synthMs")),
      synthRow("**In process** (the sum)", medOf("totalMs")),
      synthRow("In process, min", (id) => S(id, "totalMs").min),
      synthRow("Spawn to exit (node and tsx start-up included)", medOf("wall")),
      synthRow("CPU, whole process", medOf("cpuMs")),
      synthRow("Peak RSS", medOf("peakRssMiB"), (v) => `${v.toFixed(0)} MiB`),
      synthRow("Provider modules loaded", medOf("providerModules"), (v) => v.toFixed(0)),
      `| Same output as this code, every round | — | ${columns
        .slice(1)
        .map((c) => (differs.has(c.id) ? "NO" : "yes"))
        .join(" | ")} |${baseline ? " |" : ""}`,
    ];

    const genTable = [
      "| Routes | Resources | NLBs | In process | Min | Build + synth | Peak RSS |",
      "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...gen.map(
        ({ n, total, synthMs }) =>
          `| ${n} | ${med(`gen${n}`, "resources")} | ${med(`gen${n}`, "nlbs")} | ${secs(total.median)} | ${secs(total.min)} | ${secs(synthMs)} | ${med(`gen${n}`, "peakRssMiB").toFixed(0)} MiB |`,
      ),
    ];
    const tfTable = [
      "| Routes | `terraform init` | `terraform validate` | `terraform plan` | Plan per 1,000 resources |",
      "| ---: | ---: | ---: | ---: | ---: |",
      ...terraform.map(
        (t) =>
          `| ${t.routes} | ${secs(t.initMs)} | ${secs(t.validateMs)} | ${secs(t.planMs)} | ${secs((t.planMs / med(`gen${t.routes}`, "resources")) * 1000)} |`,
      ),
    ];

    const ops = [
      "DescribeNetworkInterfaces",
      "DescribeTargetHealth",
      "GetParameter",
      "RegisterTargets",
      "DeregisterTargets",
      "PutParameter",
    ];
    const callTable = [
      `| ALB ENIs | Run | ${ops.join(" | ")} | Total | Total − pages | State written |`,
      `| ---: | --- | ${ops.map(() => "---:").join(" | ")} | ---: | ---: | ---: |`,
      ...scenarios.flatMap((s) =>
        s.runs.map((r) => {
          const state = r.stateChars === undefined ? "—" : `${r.stateChars}${r.stateChars > SSM_STANDARD_MAX_CHARS ? " (OVER)" : ""}`;
          return `| ${s.enis} | ${kindOf(s, r)} | ${ops.map((op) => r.byOperation[op] ?? 0).join(" | ")} | ${r.total} | ${r.total - r.pages} | ${state} |`;
        }),
      ),
    ];

    const md = [
      "# Benchmarks",
      "",
      `Written by \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}\` (scripts/bench.ts). Sampled figures: ${opts.samples} sample(s), each in a fresh \`node --import tsx\` process, interleaved, after one warm-up round; medians unless marked. In-process times are \`performance.now()\` inside the child; peak RSS is its \`maxRSS\`.`,
      "",
      ...machine(loadAtStart),
      "",
      "## Targets",
      "",
      ...targets,
      "",
      "## Default config synth",
      "",
      "scripts/bench/synth.ts: import lib/config/load and lib/synth (lib/source-maps-off first, as main.ts), load the embedded default config, synthesise it to a temp dir.",
      ...(!baseline
        ? []
        : [
            "The baseline runs the same driver against the other checkout's lib/, in the same rounds; the last column is the ratio asked of a change.",
          ]),
      "",
      ...synthTable,
      "",
      "## Generated configs",
      "",
      "N services on consecutive host ports, one `/svc-NNN/{proxy+}` route each, so past 50 the ports spread over several NLBs; in process: import, validate, build and synth.",
      "",
      ...genTable,
      "",
      ...(terraform.length === 0
        ? ["Terraform timings skipped (`--no-terraform`)."]
        : [
            "Terraform on the same stacks, one run each (offline, the pinned provider from the mirror; `plan` without refresh):",
            "",
            ...tfTable,
          ]),
      "",
      "## Lambda bundles",
      "",
      "Each `lambdas/<name>/handler.ts` as synth builds and zips it (`bundleOnce`, lib/constructs/bundled-nodejs-function.ts). Lambda's limits: 50 MB zipped for a direct upload, 250 MB unzipped.",
      "",
      "| Lambda | Bundled index.js | archive.zip |",
      "| --- | ---: | ---: |",
      ...lambdaBundles.map((b) => `| ${b.name} | ${kib(b.unzippedBytes)} | ${kib(b.zippedBytes)} |`),
      "",
      "## nlb-target-sync: AWS API calls per run",
      "",
      `The real handler against mocked SDK clients and the unit tests' fake target group and SSM parameter (scripts/bench/sync-api-calls.ts); one IP per ALB ENI; DescribeNetworkInterfaces pages by the MaxResults the code asks for (${[...new Set(scenarios.map((s) => s.maxResults ?? "none"))].join(", ")}) or by 20. "All IPs change" repeats until a run changes nothing (not shown). State written: characters; SSM's Standard tier caps it at ${SSM_STANDARD_MAX_CHARS}.`,
      "",
      ...callTable,
      "",
      "Total − pages by ENI count (2, 50, 500): constant unless it registers or deregisters, one call per 100 targets.",
      "",
      ...verdicts.map((v) => `- ${v.text}`),
      "",
    ].join("\n");
    writeFileSync(join(ROOT, "BENCHMARKS.md"), md);
    process.stdout.write(md);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
