/**
 * One bootstrap for every entry point (main.ts for `npm run synth` and `cdktf synth`, and
 * scripts/plan.ts, scripts/synth-hcl.ts, scripts/check.ts): the environment in, a typed, frozen
 * description of the run out. Nothing else in lib reads the environment; entry points pass
 * `process.env` here and read nothing from it themselves.
 *
 * | Variable             | Default     | Meaning                                                                  |
 * | -------------------- | ----------- | ------------------------------------------------------------------------ |
 * | `PRIVATE_API_CONFIG` | unset       | Config file; unset or blank: the embedded default.                       |
 * | `CI`                 | unset       | Set (not "", "0" or "false"): the NLB shard ledger is only read.         |
 * | `CDKTF_OUTDIR`       | `cdktf.out` | Output directory (`cdktf synth` sets it).                                |
 * | `SYNTH_HCL_OUTPUT`   | unset       | "true": HCL (`cdk.tf`) instead of JSON (`cdktf synth --hcl` sets it).    |
 *
 * The CI ledger rule is applied here, so it holds for every entry point: with CI set, a ledger
 * next to the config that is missing (once the ports need more than one NLB) or does not match the
 * config is a ConfigError, thrown before anything is written. Nothing here writes a file.
 */
import { ConfigError, configPathFromEnv, isCi, loadConfigFile, loadConfigFromEnv } from "../config/load";
import type { PrivateApiConfig } from "../config/schema";
import type { NlbShardLedger } from "../model/shards";
import type { StackPlan } from "../model/stack-plan";
import { checkedPlan } from "../validate";
import type { SynthFormat } from "../synth";
import { ledgerProblemInCi, planLedgerUpdateWith, type LedgerUpdate } from "./ledger-file";

/** Where synth writes when neither CDKTF_OUTDIR nor an override says otherwise. */
export const DEFAULT_OUTDIR = "cdktf.out";

/** What one run of an entry point works from. Frozen. */
export interface Bootstrap {
  /** The validated config: the file (`configPath`) or the embedded default. */
  readonly config: PrivateApiConfig;
  /** What the config builds, planned on `placement` and checked (validation's topology phase). */
  readonly plan: StackPlan;
  /** The config file, when there is one (PRIVATE_API_CONFIG, or `options.configPath`). */
  readonly configPath?: string;
  /** The NLB shard ledger recorded next to the config file, if any: what the stack is built from. */
  readonly placement?: NlbShardLedger;
  /** What a synth would do to that ledger (only with a config file). main.ts writes it outside CI. */
  readonly ledgerUpdate?: LedgerUpdate;
  /** Output directory: `options.outdir`, else CDKTF_OUTDIR, else "cdktf.out". */
  readonly outdir: string;
  /** `options.format`, else "hcl" when SYNTH_HCL_OUTPUT is "true", else "json". */
  readonly format: SynthFormat;
  /** Whether CI is set (the ledger is then read, never written). */
  readonly ci: boolean;
}

/** What an entry point knows better than the environment (a command-line flag, a scratch directory). */
export interface BootstrapOptions {
  /** A config file named on the command line; wins over PRIVATE_API_CONFIG. */
  readonly configPath?: string;
  /** An output directory; wins over CDKTF_OUTDIR. */
  readonly outdir?: string;
  /** An output format; wins over SYNTH_HCL_OUTPUT. */
  readonly format?: SynthFormat;
}

/**
 * Reads `env` (only PRIVATE_API_CONFIG, CI, CDKTF_OUTDIR and SYNTH_HCL_OUTPUT), loads the config
 * and runs every validation phase on it (lib/validate.ts), reads its ledger and applies the CI
 * ledger rule. Throws a ConfigError, naming the field or the file, for a bad config, a malformed
 * ledger, or (in CI) a missing or stale one.
 */
export function bootstrap(env: NodeJS.ProcessEnv = process.env, options: BootstrapOptions = {}): Bootstrap {
  const configPath = options.configPath ?? configPathFromEnv(env);
  const config = options.configPath !== undefined ? loadConfigFile(options.configPath) : loadConfigFromEnv(env);
  const ci = isCi(env);
  // Validation's topology phase, on the recorded placement: the one topology every entry point
  // builds from, and the placement the ledger records.
  let plan: StackPlan | undefined;
  const place = (previous: NlbShardLedger | undefined): NlbShardLedger => (plan = checkedPlan(config, previous)).topology.placement;
  const ledgerUpdate = configPath !== undefined ? Object.freeze(planLedgerUpdateWith(configPath, place)) : undefined;
  if (ledgerUpdate === undefined) place(undefined);
  const stale = ledgerUpdate && ci ? ledgerProblemInCi(ledgerUpdate) : undefined;
  if (stale) throw new ConfigError(stale);
  return Object.freeze({
    config,
    plan: plan as StackPlan,
    ...(configPath !== undefined ? { configPath } : {}),
    placement: ledgerUpdate?.previous,
    ...(ledgerUpdate ? { ledgerUpdate } : {}),
    // `cdktf synth` passes its output directory in CDKTF_OUTDIR.
    outdir: options.outdir ?? env.CDKTF_OUTDIR ?? DEFAULT_OUTDIR,
    // `cdktf synth --hcl` sets SYNTH_HCL_OUTPUT=true for the app (and "false" without --hcl).
    format: options.format ?? (env.SYNTH_HCL_OUTPUT === "true" ? "hcl" : "json"),
    ci,
  });
}
