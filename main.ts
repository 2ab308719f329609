/**
 * Entry point for `npm run synth` and `cdktf synth`. The environment is read by the bootstrap
 * (lib/entry/bootstrap.ts): PRIVATE_API_CONFIG selects a config file (without it the embedded
 * default is used), CDKTF_OUTDIR the output directory, SYNTH_HCL_OUTPUT (set by `cdktf synth --hcl`)
 * the format, CI the ledger rule. A bad config prints one message naming the fields and exits 1
 * before anything is written. Next to a config file, synth keeps its NLB shard ledger
 * (lib/entry/ledger-file.ts): written here, and only checked, never written, when CI is set.
 */
// First, before cdktf loads: see the file.
import "./lib/source-maps-off";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "./lib/config/load";
import { renderMermaid } from "./lib/diagram";
import { bootstrap } from "./lib/entry/bootstrap";
import { writeLedger } from "./lib/entry/ledger-file";
import { stackFileName, synthesize } from "./lib/synth";

function main(env: NodeJS.ProcessEnv): number {
  try {
    // The config, its ledger and the CI ledger rule (a stale ledger in CI stops here), the output.
    const { config, plan, ledgerUpdate: ledger, outdir, format, ci } = bootstrap(env);
    // Building the stack can still reject the config (an adopt entry naming no resource) before writing.
    const { warnings } = synthesize(config, outdir, { format, plan });
    for (const w of warnings) process.stderr.write(`warning: ${w.message} [${w.path}]\n`);
    const file = stackFileName(format);
    writeFileSync(join(outdir, "stacks", config.name, "diagram.md"), `\`\`\`mermaid\n${renderMermaid(plan)}\n\`\`\`\n`);
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

process.exitCode = main(process.env);
