/**
 * `npm run check`: the policy check (lib/policy) over synthesised stacks and Terraform plans.
 *
 *   npm run check                                  # every cdktf.out/stacks/<name>/cdk.tf.json
 *   npm run check -- cdktf.out/stacks/orders       # a stack directory, a cdk.tf.json, or a cdktf.out
 *   npm run check -- --plan plan.json              # terraform show -json plan.tfplan > plan.json
 *   npm run check -- --config my.json              # allow what the config opens on purpose: its "authorization": "NONE"
 *                                                  # routes (stacks only) and the rules it opts out of ("webAcl": {"mode": "none"}, "deletionProtection": false)
 *
 * Exit codes: 0 no findings, 1 findings (one line each: `<address>: <rule>: <message> [<checkov, trivy and Security Hub ids of the same rule>]`), 2 the
 * input or the arguments are unusable. The environment is read by the bootstrap
 * (lib/entry/bootstrap.ts), as for synth: CDKTF_OUTDIR sets the default directory, and with CI set
 * the config's NLB shard ledger must match it (the config of --config, else PRIVATE_API_CONFIG's;
 * only --config's allows anything).
 */
// First, before anything else loads (see the file).
import "../lib/source-maps-off";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../lib/config/load";
import { bootstrap } from "../lib/entry/bootstrap";
import {
  checkPlan,
  checkSynth,
  inputKind,
  openRouteConstructPaths,
  referencesText,
  RULES,
  stackOptOuts,
  type CheckResult,
  type RuleReferences,
} from "../lib/policy";

const USAGE = `Usage: npm run check -- [path ...] [--plan plan.json ...] [--config config.json] [--allow-none ADDRESS ...] [--json]

  path                 a synthesised stack: its cdk.tf.json, its directory, or a cdktf.out directory
                       (every stacks/*/cdk.tf.json); a plan JSON file works too. Default: every
                       stack in cdktf.out (or CDKTF_OUTDIR)
  --plan <file>        a plan as \`terraform show -json plan.tfplan > plan.json\` writes it
  --config <file>      the config the stacks or plans were made from: findings of the rules it
                       opts out of for the whole stack ("webAcl": {"mode": "none"},
                       "deletionProtection": false) are allowed, and the methods and routes of its
                       "authorization": "NONE" routes (in a synthesised stack only; in a plan,
                       allow them with --allow-none)
  --allow-none <addr>  allow authorization NONE on this resource address (repeatable)
  --json               print the results as JSON
  -h, --help           this text

Exit codes: 0 no findings, 1 findings, 2 unusable input or arguments.`;

const HELP = `${USAGE}

Rules:
${RULES.map((r) => `  ${r.id}: ${r.summary}`).join("\n")}`;

/** An error meant for people: printed as is, no stack trace, exit code 2. */
class UsageError extends Error {}

interface Args {
  readonly paths: readonly string[];
  readonly plans: readonly string[];
  readonly config?: string;
  readonly allowNone: readonly string[];
  readonly json: boolean;
  readonly help: boolean;
}

function parse(argv: string[]): Args {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        plan: { type: "string", multiple: true },
        config: { type: "string" },
        "allow-none": { type: "string", multiple: true },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    return {
      paths: positionals,
      plans: values.plan ?? [],
      config: values.config,
      allowNone: values["allow-none"] ?? [],
      json: values.json,
      help: values.help,
    };
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
  }
}

/** One file to check, parsed. */
interface Input {
  readonly source: string;
  readonly kind: "synth" | "plan";
  readonly json: unknown;
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`Cannot read "${path}": ${code === "ENOENT" ? "no such file" : (code ?? (err as Error).message)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`"${path}" is not JSON: ${(err as Error).message}`);
  }
}

function readInput(path: string, expected?: "plan"): Input {
  const json = readJson(path);
  const kind = inputKind(json);
  if (kind === undefined) {
    throw new UsageError(`"${path}" is neither a synthesised stack (cdk.tf.json) nor a plan (terraform show -json <planfile>)`);
  }
  if (expected === "plan" && kind !== "plan") throw new UsageError(`"${path}" is a synthesised stack, not a plan: name it without --plan`);
  return { source: path, kind, json };
}

/** The stack files a directory stands for: its own cdk.tf.json, or (a cdktf.out) stacks/<name>/cdk.tf.json. */
function stackFilesIn(dir: string): string[] {
  const own = join(dir, "cdk.tf.json");
  if (isFile(own)) return [own];
  const stacksDir = join(dir, "stacks");
  const files = isDirectory(stacksDir)
    ? readdirSync(stacksDir)
        .sort()
        .map((name) => join(stacksDir, name, "cdk.tf.json"))
        .filter(isFile)
    : [];
  if (files.length === 0) throw new UsageError(`"${dir}" holds no cdk.tf.json and no stacks/*/cdk.tf.json`);
  return files;
}

function inputsOf(args: Args, outdir: string): Input[] {
  if (args.paths.length === 0 && args.plans.length === 0 && !isDirectory(outdir)) {
    throw new UsageError(
      `Nothing to check: there is no ${outdir} directory here. Run \`npm run synth\` first, or name a stack or --plan.\n\n${USAGE}`,
    );
  }
  const paths = args.paths.length === 0 && args.plans.length === 0 ? [outdir] : args.paths;
  const inputs = paths.flatMap((path) => {
    if (isDirectory(path)) return stackFilesIn(path).map((file) => readInput(file));
    return [readInput(path)];
  });
  return [...inputs, ...args.plans.map((plan) => readInput(plan, "plan"))];
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function main(argv: string[], env: NodeJS.ProcessEnv): number {
  const args = parse(argv);
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const boot = bootstrap(env, { configPath: args.config });
  const inputs = inputsOf(args, boot.outdir);
  const plan = args.config === undefined ? undefined : boot.plan;
  const optOuts = plan === undefined ? undefined : stackOptOuts(plan);
  if (plan !== undefined && openRouteConstructPaths(plan).size > 0 && inputs.some((i) => i.kind === "plan")) {
    process.stderr.write(
      "note: --config allows the config's NONE routes in synthesised stacks only, through their construct paths; in a plan, allow each address with --allow-none\n",
    );
  }
  const results: (CheckResult & { readonly source: string })[] = inputs.map((input) => ({
    source: input.source,
    ...(input.kind === "synth"
      ? checkSynth(input.json as Parameters<typeof checkSynth>[0], { plan, allowNone: args.allowNone, optOuts })
      : checkPlan(input.json as Parameters<typeof checkPlan>[0], { allowNone: args.allowNone, optOuts })),
  }));
  const findings = results.flatMap((r) => r.findings.map((f) => ({ ...f, source: r.source })));
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ findings: findings.length, inputs: results }, null, 2)}\n`);
    return findings.length > 0 ? 1 : 0;
  }

  const several = results.length > 1;
  /** The scanners' ids of the same rule, after the message: ` [checkov CKV_AWS_24; trivy AVD-AWS-0107]`. */
  const alsoAs = (refs: RuleReferences): string => {
    const text = referencesText(refs);
    return text === "" ? "" : ` [${text}]`;
  };
  const from = (source: string) => (several ? ` (${source})` : "");
  for (const r of results) {
    for (const a of r.allowed)
      process.stderr.write(
        `allowed: ${a.address}: ${a.rule}: ${a.message}; allowed by ${a.allowedBy === "allowNone" ? "--allow-none" : a.allowedBy}${from(r.source)}\n`,
      );
    for (const u of r.unchecked) process.stderr.write(`not checked: ${u.address}: ${u.rule}: ${u.message}${from(r.source)}\n`);
  }
  for (const f of findings) process.stdout.write(`${f.address}: ${f.rule}: ${f.message}${alsoAs(f.references)}${from(f.source)}\n`);

  const resources = results.reduce((n, r) => n + r.resources, 0);
  const allowedByRule = new Map<string, number>();
  for (const a of results.flatMap((r) => r.allowed)) allowedByRule.set(a.rule, (allowedByRule.get(a.rule) ?? 0) + 1);
  const unchecked = results.reduce((n, r) => n + r.unchecked.length, 0);
  const notes = [
    ...[...allowedByRule].map(([rule, n]) => `${n} ${rule === "authorization" ? "authorization NONE" : rule} allowed`),
    unchecked > 0 ? `${plural(unchecked, "value")} not checked, listed above` : "",
  ].filter((n) => n !== "");
  const summary = `${findings.length === 0 ? "no findings" : plural(findings.length, "finding")} in ${plural(resources, "resource")}${several ? ` of ${results.length} inputs` : ""}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`;
  if (findings.length === 0) {
    process.stdout.write(`${summary}\n`);
    return 0;
  }
  process.stderr.write(`${summary}\n`);
  return 1;
}

try {
  process.exitCode = main(process.argv.slice(2), process.env);
} catch (err) {
  if (err instanceof UsageError || err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`check failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
