/**
 * Entry point for `npm run synth` and `cdktf synth`: the only place that reads the environment.
 * PRIVATE_API_CONFIG=path/to/config.json selects a config file; without it the embedded default
 * is used. A bad config prints one message naming the fields and exits 1 before anything is written.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfigFromEnv } from "./lib/config/load";
import { renderMermaid } from "./lib/diagram";
import { synthesize } from "./lib/synth";

function main(): number {
  try {
    const config = loadConfigFromEnv(process.env);
    // cdktf synth passes its output directory this way.
    const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
    // Building the stack can still reject the config (an adopt entry naming no resource) before writing.
    const { warnings } = synthesize(config, outdir);
    for (const w of warnings) process.stderr.write(`warning: ${w.message} [${w.path}]\n`);
    const file = process.env.SYNTH_HCL_OUTPUT === "true" ? "cdk.tf" : "cdk.tf.json";
    writeFileSync(join(outdir, "stacks", config.name, "diagram.md"), `\`\`\`mermaid\n${renderMermaid(config)}\n\`\`\`\n`);
    process.stderr.write(`Synthesised stack "${config.name}" to ${outdir}/stacks/${config.name}/${file} (and diagram.md)\n`);
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
