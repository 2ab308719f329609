/**
 * `npm run plan`: synthesises the stack (PRIVATE_API_CONFIG or the embedded default, like main.ts),
 * runs `terraform init`, `terraform plan -out tfplan` and `terraform show -json tfplan` in the
 * stack directory, and writes a Markdown review for pull requests to
 * `<outdir>/stacks/<name>/plan-review.md` (also printed). Its security flags are the policy rules'
 * findings (lib/policy), the same that `npm run check -- --plan` reports for the plan.
 *
 *   npm run plan                       # the user's credentials and backend
 *   npm run plan -- --offline          # no credentials: dummy ones, no refresh, throw-away state
 *   npm run plan -- --offline --state terraform.tfstate
 *                                      # offline, planned against a copy of an existing state
 *
 * Exit codes: 0 the plan is not destructive, 2 it deletes or replaces something, 1 an error.
 * The environment is read by the bootstrap (lib/entry/bootstrap.ts), as for `npm run synth`:
 * CDKTF_OUTDIR sets the output directory (default `cdktf.out`), and with CI set a missing or stale
 * NLB shard ledger is an error. The ledger is only read here, never written.
 */
// First, before cdktf loads (see the file).
import "../lib/source-maps-off";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../lib/config/load";
import { bootstrap } from "../lib/entry/bootstrap";
import { stackOptOuts } from "../lib/policy";
import { reviewPlan } from "../lib/review/plan-review";
import { synthesize } from "../lib/synth";
import { initAndPlan, locateTerraform, locateUserTerraform, TerraformError } from "./tooling/terraform";

const USAGE = `Usage: npm run plan -- [--offline [--state <terraform.tfstate>]] [--title <text>]

  --offline        plan without credentials (dummy credentials, no refresh, throw-away state);
                   needs the hashicorp/aws provider in a filesystem mirror (TF_PROVIDER_MIRROR)
  --state <file>   with --offline: plan against a copy of this state file
  --title <text>   heading of the review (default: "Plan review: <stack name>")
  -h, --help       this text

Exit codes: 0 not destructive, 2 deletes or replaces resources, 1 error.`;

/** An error meant for people: printed as is, no stack trace. */
class UsageError extends Error {}

function parse(argv: string[]): { offline: boolean; state?: string; title?: string; help: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        offline: { type: "boolean", default: false },
        state: { type: "string" },
        title: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.state !== undefined && !values.offline) throw new UsageError(`--state needs --offline\n\n${USAGE}`);
  return { offline: values.offline, state: values.state, title: values.title, help: values.help };
}

function main(argv: string[], env: NodeJS.ProcessEnv): number {
  const args = parse(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { config, plan: stackPlan, outdir, format } = bootstrap(env);
  const { warnings } = synthesize(config, outdir, { format, plan: stackPlan });
  for (const w of warnings) process.stderr.write(`warning: ${w.message} [${w.path}]\n`);
  const stackDir = join(outdir, "stacks", config.name);

  const tf = args.offline ? locateTerraform(env) : locateUserTerraform(env);
  if (typeof tf === "string") throw new UsageError(tf);
  process.stderr.write(`Planning "${config.name}" in ${stackDir}${args.offline ? " (offline)" : ""}...\n`);
  const { plan, planPath } = initAndPlan(tf, stackDir, {
    offline: args.offline,
    region: config.region,
    initialState: args.state,
  });

  // The rules the config opts out of on purpose ("webAcl": {"mode": "none"}) are listed as allowed, not flagged.
  const review = reviewPlan(plan, { title: args.title ?? `Plan review: ${config.name}`, optOuts: stackOptOuts(stackPlan) });
  const reviewPath = join(stackDir, "plan-review.md");
  writeFileSync(reviewPath, review.markdown);
  process.stdout.write(`${review.markdown}\n`);
  process.stderr.write(`Wrote ${reviewPath} (plan: ${planPath})${review.destructive ? "; the plan is destructive" : ""}\n`);
  return review.destructive ? 2 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2), process.env);
} catch (err) {
  if (err instanceof ConfigError || err instanceof UsageError || err instanceof TerraformError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`plan failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exitCode = 1;
}
