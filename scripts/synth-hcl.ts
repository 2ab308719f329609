/**
 * `npm run synth:hcl`: synthesises the stacks as HCL (`cdk.tf`) instead of Terraform JSON, through
 * `cdktf synth --hcl`, which runs the app from cdktf.json (main.ts, so PRIVATE_API_CONFIG selects
 * the config as usual) with SYNTH_HCL_OUTPUT=true and CDKTF_OUTDIR set. The environment is read by
 * the bootstrap (lib/entry/bootstrap.ts), here as in main.ts: the config is validated, and with CI
 * set a missing or stale NLB shard ledger is an error, before `cdktf synth` starts.
 *
 *   npm run synth:hcl                          # cdktf.out/stacks/<name>/cdk.tf
 *   npm run synth:hcl -- --output <dir>        # another output directory
 *
 * Two things CDKTF 0.21 gets wrong, fixed here:
 *
 * - It writes cdk.tf next to whatever the stack directory already holds, and Terraform reads every
 *   *.tf and *.tf.json in it: a cdk.tf.json left by an earlier JSON synth would define the provider,
 *   the backend and every resource twice. After the synth, each stack directory loses its stale
 *   cdk.tf.json.
 * - Its HCL renderer does not escape a string that contains a `${...}` reference (and never doubles
 *   backslashes), so a JSON document built with JSON.stringify around a reference, such as an IAM
 *   policy naming a log group's ARN, comes out as invalid HCL. The app command is therefore
 *   `<app from cdktf.json> && tsx scripts/synth-hcl.ts --repair`: the repair step synthesises the
 *   same config as JSON in memory and rewrites each mis-rendered string literal correctly, before
 *   the CLI formats the files.
 *
 * - It renders an attribute its provider bindings leave untyped as an HCL object (`statement = {
 *   ... }`, after a "# Warning: The following attribute is of an unexpected type" comment), where
 *   the provider's schema has nested blocks: the rules of an AWS WAF web ACL. Terraform refuses
 *   that. The repair step rewrites each such attribute named in UNTYPED_BLOCK_ATTRIBUTES as the
 *   nested blocks it stands for (reblockUntypedAttributes).
 *
 * Assets (the bridge's Lambda zips) stay under assets/ in the stack directory, referenced by
 * relative paths, exactly as in the JSON output.
 */
// First, before cdktf loads (see the file).
import "../lib/source-maps-off";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "../lib/config/load";
import { bootstrap } from "../lib/entry/bootstrap";
import { synthesize } from "../lib/synth";
import { reblockUntypedAttributes } from "./tooling/hcl-blocks";

const root = resolve(__dirname, "..");

interface Manifest {
  readonly stacks: Record<string, { readonly synthesizedStackPath: string; readonly workingDirectory: string }>;
}

/** How CDKTF 0.21's HCL renderer writes a one-line string (cdktf/lib/hcl/render.js, renderString). */
function cdktfRendering(value: string): string {
  return `"${value.includes("${") ? value : value.replace(/(?<!\\)"/g, '\\"')}"`;
}

/**
 * The string as a correct HCL quoted template: `\` and `"` escaped outside `${...}` interpolations,
 * which (like `$${` and `%{`) mean the same in HCL as in Terraform JSON and are copied unchanged.
 */
export function hclQuoted(value: string): string {
  let out = "";
  let i = 0;
  while (i < value.length) {
    if (value.startsWith("$${", i) || value.startsWith("%%{", i)) {
      out += value.slice(i, i + 3);
      i += 3;
    } else if (value.startsWith("${", i) || value.startsWith("%{", i)) {
      const end = interpolationEnd(value, i + 2);
      out += value.slice(i, end);
      i = end;
    } else {
      const c = value[i];
      out += c === "\\" ? "\\\\" : c === '"' ? '\\"' : c === "\t" ? "\\t" : c;
      i += 1;
    }
  }
  return `"${out}"`;
}

/** Index just past the `}` that closes an interpolation whose body starts at `from`. */
function interpolationEnd(value: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < value.length && depth > 0) {
    const c = value[i];
    if (c === '"') {
      // A string literal inside the expression: skip it, with its escapes.
      i += 1;
      while (i < value.length && value[i] !== '"') i += value[i] === "\\" ? 2 : 1;
    } else if (c === "{") depth += 1;
    else if (c === "}") depth -= 1;
    i += 1;
  }
  return i;
}

function stringsIn(value: unknown, into: Set<string>): Set<string> {
  if (typeof value === "string") into.add(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, into);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) stringsIn(v, into);
  return into;
}

/**
 * `--repair`: runs after the app inside `cdktf synth --hcl`, in its environment (CDKTF_OUTDIR, and
 * SYNTH_HCL_OUTPUT=true, which the bootstrap reads as the "hcl" format).
 */
function repair(env: NodeJS.ProcessEnv): number {
  const { config, plan, outdir, format } = bootstrap(env);
  if (format !== "hcl") {
    process.stderr.write("--repair runs inside `cdktf synth --hcl`, which sets SYNTH_HCL_OUTPUT=true and CDKTF_OUTDIR\n");
    return 2;
  }
  const hclPath = join(outdir, "stacks", config.name, "cdk.tf");
  if (!existsSync(hclPath)) {
    process.stderr.write(`no ${hclPath} to repair: was the app run with SYNTH_HCL_OUTPUT=true?\n`);
    return 1;
  }
  // The same config as JSON, whose strings are the truth, in a scratch directory.
  const scratch = mkdtempSync(join(tmpdir(), "synth-hcl-json-"));
  synthesize(config, scratch, { format: "json", plan });
  const json = JSON.parse(readFileSync(join(scratch, "stacks", config.name, "cdk.tf.json"), "utf8")) as unknown;
  rmSync(scratch, { recursive: true, force: true });

  const reblocked = reblockUntypedAttributes(readFileSync(hclPath, "utf8"));
  let hcl = reblocked.hcl;
  if (reblocked.rewritten > 0) {
    process.stderr.write(`stack "${config.name}": wrote ${reblocked.rewritten} untyped attribute(s) as the nested blocks they are\n`);
  }
  let repaired = 0;
  // Longest first, so a string that contains another is replaced whole.
  const candidates = [...stringsIn(json, new Set())].filter((s) => !/[\r\n]/.test(s)).sort((a, b) => b.length - a.length);
  for (const value of candidates) {
    const wrong = cdktfRendering(value);
    const right = hclQuoted(value);
    if (wrong === right || !hcl.includes(wrong)) continue;
    const parts = hcl.split(wrong);
    repaired += parts.length - 1;
    hcl = parts.join(right);
  }
  writeFileSync(hclPath, hcl);
  if (repaired > 0) process.stderr.write(`stack "${config.name}": re-escaped ${repaired} string literal(s) CDKTF rendered wrongly\n`);
  return 0;
}

function outputDir(argv: readonly string[]): string | undefined {
  const i = argv.indexOf("--output");
  if (i < 0) return "cdktf.out";
  const dir = argv[i + 1];
  return dir && !dir.startsWith("-") ? dir : undefined;
}

function main(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  if (argv.includes("--repair")) return repair(env);
  const out = outputDir(argv);
  if (out === undefined) {
    process.stderr.write("usage: synth-hcl [--output <dir>]\n");
    return 2;
  }
  // The config and the CI ledger rule, checked before cdktf starts (main.ts checks them again inside).
  const { outdir } = bootstrap(env, { outdir: isAbsolute(out) ? out : resolve(process.cwd(), out), format: "hcl" });
  const app = (JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")) as { app: string }).app;
  const cdktf = join(root, "node_modules", ".bin", "cdktf");
  const run = spawnSync(cdktf, ["synth", "--hcl", "--output", outdir, "--app", `${app} && npx tsx scripts/synth-hcl.ts --repair`], {
    cwd: root,
    env: { ...env, CHECKPOINT_DISABLE: "1" },
    stdio: "inherit",
  });
  if (run.error) {
    process.stderr.write(`could not run ${cdktf}: ${run.error.message}\n`);
    return 1;
  }
  if (run.status !== 0) return run.status ?? 1;

  const manifestPath = join(outdir, "manifest.json");
  if (!existsSync(manifestPath)) {
    process.stderr.write(`cdktf synth wrote no ${manifestPath}\n`);
    return 1;
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  for (const [name, stack] of Object.entries(manifest.stacks)) {
    const hcl = join(outdir, stack.synthesizedStackPath);
    if (!stack.synthesizedStackPath.endsWith("cdk.tf") || !existsSync(hcl)) {
      process.stderr.write(`stack "${name}": expected HCL at ${hcl}, the manifest says ${stack.synthesizedStackPath}\n`);
      return 1;
    }
    const stale = join(outdir, stack.workingDirectory, "cdk.tf.json");
    if (existsSync(stale)) {
      rmSync(stale);
      process.stderr.write(`stack "${name}": removed stale ${stale}\n`);
    }
    process.stderr.write(`stack "${name}": ${hcl}\n`);
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2), process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  // A bad config, or (in CI) a stale ledger: one message, as main.ts prints it, and nothing written.
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
}
