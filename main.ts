/**
 * Entry point for `npm run synth` and `cdktf synth`: the only place that reads the environment.
 * PRIVATE_API_CONFIG=path/to/config.json selects a config file; without it the embedded default
 * is used. A bad config prints one message naming the fields and exits 1 before anything is written.
 * Next to a config file, synth keeps its NLB shard ledger (lib/entry/ledger-file.ts): written here,
 * and only checked, never written, when CI is set.
 */
// First, before cdktf loads: see the file.
import "./lib/source-maps-off";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, configPathFromEnv, isCi, loadConfigFromEnv } from "./lib/config/load";
import { nlbPorts } from "./lib/config/semantics";
import { ledgerProblemInCi, planLedgerUpdate, writeLedger } from "./lib/entry/ledger-file";
import { renderMermaid } from "./lib/diagram";
import { synthesize } from "./lib/synth";

function main(): number {
  try {
    const config = loadConfigFromEnv(process.env);
    const configPath = configPathFromEnv(process.env);
    const ledger = configPath !== undefined ? planLedgerUpdate(configPath, nlbPorts(config)) : undefined;
    const ci = isCi(process.env);
    const stale = ledger && ci ? ledgerProblemInCi(ledger) : undefined;
    if (stale) throw new ConfigError(stale);
    // cdktf synth passes its output directory this way.
    const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
    // Building the stack can still reject the config (an adopt entry naming no resource) before writing.
    const { warnings } = synthesize(config, outdir, { nlbShards: ledger?.previous });
    for (const w of warnings) process.stderr.write(`warning: ${w.message} [${w.path}]\n`);
    const file = process.env.SYNTH_HCL_OUTPUT === "true" ? "cdk.tf" : "cdk.tf.json";
    writeFileSync(join(outdir, "stacks", config.name, "diagram.md"), `\`\`\`mermaid\n${renderMermaid(config, ledger?.previous)}\n\`\`\`\n`);
    process.stderr.write(`Synthesised stack "${config.name}" to ${outdir}/stacks/${config.name}/${file} (and diagram.md)\n`);
    if (ledger?.changed && !ci) {
      try {
        writeLedger(ledger);
        process.stderr.write(`Recorded which NLB each listener port is on in ${ledger.path}: commit it with the config.\n`);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? String(err);
        process.stderr.write(`warning: could not write the NLB shard ledger ${ledger.path} (${code}); keep it with the config by hand.\n`);
      }
    }
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = main();
