/**
 * `npm run bench [-- --samples N] [--cdktf-runs N] [--with-tests]`: measures, in one run on this machine,
 *  1. in-process synth of the embedded default config (fresh `node --import tsx` process per sample),
 *  2. requiring the @cdktf/provider-aws package root vs only the submodules lib/ imports, under plain
 *     node and under tsx (the loader `npm run synth` and `cdktf synth` use),
 *  3. end-to-end `npx cdktf synth` into a temp dir, and 4. with --with-tests, the whole `npm test`.
 * Samples are interleaved after one discarded warm-up round. Writes BENCHMARKS.md and prints it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { parseResult, type Result } from "./bench/result";

const ROOT = join(__dirname, "..");
const DRIVERS = join(__dirname, "bench");
const TARGET_SYNTH_MS = 1000;
const TARGET_TEST_MS = 180_000;
const REFERENCE_ROOT_IMPORT_MS = 2500;

interface Options {
  readonly samples: number;
  readonly cdktfRuns: number;
  readonly withTests: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const count = (flag: string, fallback: number): number => {
    const i = argv.indexOf(flag);
    if (i < 0) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer`);
    return n;
  };
  return { samples: count("--samples", 5), cdktfRuns: count("--cdktf-runs", 2), withTests: argv.includes("--with-tests") };
}

/** Runs a command to completion; returns its wall time (spawn to exit) and stdout. */
function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = childEnv()): { ms: number; stdout: string; status: number } {
  const t0 = performance.now();
  const res = spawnSync(cmd, args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (res.error) throw res.error;
  return { ms, stdout: res.stdout, status: res.status ?? 1 };
}

function runOk(cmd: string, args: readonly string[]): { ms: number; stdout: string } {
  const res = run(cmd, args);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${res.status}:\n${res.stdout.slice(-2000)}`);
  return res;
}

/** The environment without anything that would change what is measured. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
  delete env.NODE_OPTIONS;
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
    for (const m of text.matchAll(/from "(@cdktf\/provider-aws\/lib\/[^"]+)"/g)) found.add(m[1] as string);
  }
  return [...found].sort();
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

interface Stat {
  readonly median: number;
  readonly min: number;
}

function stat(values: readonly number[]): Stat {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number };
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mib = (v: number): string => `${v.toFixed(0)} MiB`;
const times = (a: number, b: number): string => `${(a / b).toFixed(1)}×`;

function machine(): string[] {
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
  ];
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const tmp = mkdtempSync(join(tmpdir(), "private-api-bench-"));
  const log = (msg: string): boolean => process.stderr.write(`[bench] ${msg}\n`);
  try {
    const plain = join(tmp, "plain");
    transpileDrivers(plain);
    const modules = providerSubmodules();
    const node = process.execPath;
    const tsx = (file: string, ...args: string[]): string[] => ["--import", "tsx", join(DRIVERS, file), ...args];
    const js = (file: string, ...args: string[]): string[] => [join(plain, file.replace(/\.ts$/, ".js")), ...args];

    const synthKeys = ["importMs", "configMs", "synthMs", "totalMs", "sinceStartMs", "peakRssMiB", "providerModules"] as const;
    const importKeys = ["ms", "peakRssMiB", "providerModules"] as const;
    const synth: { r: Result<(typeof synthKeys)[number]>; wall: number }[] = [];
    const imports: Record<"subPlain" | "rootPlain" | "subTsx" | "rootTsx", Result<(typeof importKeys)[number]>[]> = {
      subPlain: [],
      rootPlain: [],
      subTsx: [],
      rootTsx: [],
    };

    for (let round = 0; round <= opts.samples; round++) {
      const keep = round > 0; // round 0 warms the page cache and tsx's transform cache
      log(keep ? `sample ${round}/${opts.samples}` : "warm-up round");
      const s = runOk(node, tsx("synth-default.ts", join(tmp, `synth-${round}`)));
      if (keep) synth.push({ r: parseResult(s.stdout, synthKeys), wall: s.ms });
      const cases: [keyof typeof imports, string[]][] = [
        ["subPlain", js("baseline-submodules.ts", ROOT, ...modules)],
        ["rootPlain", js("baseline-root-import.ts", ROOT)],
        ["subTsx", tsx("baseline-submodules.ts", ROOT, ...modules)],
        ["rootTsx", tsx("baseline-root-import.ts", ROOT)],
      ];
      for (const [key, args] of cases) {
        const r = parseResult(runOk(node, args).stdout, importKeys);
        if (keep) imports[key].push(r);
      }
    }

    const cdktf: number[] = [];
    for (let i = 1; i <= opts.cdktfRuns; i++) {
      log(`npx cdktf synth ${i}/${opts.cdktfRuns}`);
      cdktf.push(runOk("npx", ["cdktf", "synth", "--output", join(tmp, `cdktf-${i}`)]).ms);
    }

    let test: { ms: number; status: number } | undefined;
    if (opts.withTests) {
      log("npm test");
      test = run("npm", ["test"], { ...childEnv(), CI: "1" });
    }

    // ---- report ----
    const sStat = (pick: (x: (typeof synth)[number]) => number): Stat => stat(synth.map(pick));
    const iStat = (key: keyof typeof imports, field: (typeof importKeys)[number]): Stat => stat(imports[key].map((r) => r[field]));
    const total = sStat((x) => x.r.totalMs);
    const row = (name: string, t: Stat | undefined, rss: string, target: string, status: string): string =>
      `| ${name} | ${t ? secs(t.median) : "—"} | ${t ? secs(t.min) : "—"} | ${rss} | ${target} | ${status} |`;
    const check = (value: number, limit: number): string => (value <= limit ? "OK" : "OVER");
    const rssOf = (key: keyof typeof imports): string => mib(iStat(key, "peakRssMiB").median);
    const loaded = (key: keyof typeof imports): number => iStat(key, "providerModules").median;
    const synthRss = mib(sStat((x) => x.r.peakRssMiB).median);

    const rows = [
      "| Measurement | Median | Min | Peak RSS (median) | Target / reference | Status |",
      "| --- | ---: | ---: | ---: | --- | --- |",
      row(
        "In-process synth of default config (import + config + build + synth)",
        total,
        synthRss,
        "<= 1 s wall",
        check(total.median, TARGET_SYNTH_MS),
      ),
      row(
        "↳ import lib/config/load + lib/synth",
        sStat((x) => x.r.importMs),
        "",
        "",
        "",
      ),
      row(
        "↳ load default config",
        sStat((x) => x.r.configMs),
        "",
        "",
        "",
      ),
      row(
        "↳ build + synth to temp dir",
        sStat((x) => x.r.synthMs),
        "",
        "",
        "",
      ),
      row(
        "↳ whole process, spawn to exit (node + tsx start-up included)",
        sStat((x) => x.wall),
        "",
        "",
        "info",
      ),
      row(
        `Provider submodules only (${modules.length} imports, ${loaded("subPlain")} modules), plain node`,
        iStat("subPlain", "ms"),
        rssOf("subPlain"),
        "",
        "info",
      ),
      row(
        `Provider package root (${loaded("rootPlain")} modules), plain node`,
        iStat("rootPlain", "ms"),
        rssOf("rootPlain"),
        "≈ 2.5 s before any resource",
        "info",
      ),
      row("Provider submodules only, under tsx", iStat("subTsx", "ms"), rssOf("subTsx"), "", "info"),
      row("Provider package root, under tsx", iStat("rootTsx", "ms"), rssOf("rootTsx"), "", "info"),
      row(`\`npx cdktf synth\` end to end (${cdktf.length} run${cdktf.length === 1 ? "" : "s"})`, stat(cdktf), "", "", "info"),
      test
        ? row(
            "`npm test` (tsc + prettier + jest)",
            { median: test.ms, min: test.ms },
            "",
            "<= 3 min",
            test.status === 0 ? check(test.ms, TARGET_TEST_MS) : `FAILED (exit ${test.status})`,
          )
        : row("`npm test`", undefined, "", "<= 3 min", "not run (use --with-tests)"),
    ];

    const ratio = (a: keyof typeof imports, b: keyof typeof imports): string =>
      `${times(iStat(a, "ms").median, iStat(b, "ms").median)} time, ${times(iStat(a, "peakRssMiB").median, iStat(b, "peakRssMiB").median)} peak RSS`;
    const rootPlain = iStat("rootPlain", "ms").median;
    const ratios = [
      `- Package root vs submodules, plain node: ${ratio("rootPlain", "subPlain")}`,
      `- Package root vs submodules, under tsx: ${ratio("rootTsx", "subTsx")}`,
      `- tsx loader overhead on the package root: ${times(iStat("rootTsx", "ms").median, rootPlain)} (under tsx / plain node)`,
      `- Package root import alone (plain node) vs our whole in-process synth (under tsx): ${times(rootPlain, total.median)}`,
      `- Package root import, plain node, vs the ≈ 2.5 s reference: ${times(rootPlain, REFERENCE_ROOT_IMPORT_MS)} (machine speed factor)`,
    ];

    const md = [
      "# Benchmarks",
      "",
      `Written by \`npm run bench\` (scripts/bench.ts); ${opts.samples} sample(s) per in-process figure, each in a fresh process, after one warm-up round.`,
      "",
      ...machine(),
      "",
      ...rows,
      "",
      "Ratios (same run, medians):",
      "",
      ...ratios,
      "",
      "Notes:",
      "",
      "- Where `npm test` goes (measured 2026-11-22 on this 2-core machine): about 95 s of Terraform init/validate/plan/show for the default and nine examples, run one after another (each `terraform` command starts the 700 MB provider); 30 s for the HCL export test (two synths, two plans); 20 s for the plan-review script test; 10 s each for `cdktf synth` in the entry-point test and the ALB-only HTTP plan; about 15 s for `tsc` and prettier. Splitting the plans across both Jest workers was tried and did not help: the machine is CPU-bound. Past 3 minutes since the ninth example; the next step is to plan several examples in one Terraform working directory (one provider start for all).",
      "- In-process figures are timed inside the child with `performance.now()`; peak RSS is `process.resourceUsage().maxRSS` of that child.",
      "- The synth driver (scripts/bench/synth-default.ts) runs under `node --import tsx`, like `npm run synth` and the cdktf app.",
      "- The import drivers run twice: transpiled to plain CommonJS (comparable to the ≈ 2.5 s reference) and under tsx, whose",
      "  require hooks slow down every module load. Only scripts/bench/baseline-root-import.ts imports the package root.",
      "- `npx cdktf synth` writes to a temp dir (`--output`) and includes npx, the cdktf CLI start-up and the app run.",
      "",
    ].join("\n");
    writeFileSync(join(ROOT, "BENCHMARKS.md"), md);
    process.stdout.write(md);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
