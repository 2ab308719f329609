/**
 * Entry point for `npm run synth` and `cdktf synth`: the only place that reads the environment.
 * PRIVATE_API_CONFIG=path/to/config.json selects a config file; without it the embedded default
 * is used. A bad config prints one message naming the fields and exits 1 before anything is written.
 */
import { ConfigError, loadConfigFromEnv } from "./lib/config/load";
import type { PrivateApiConfig } from "./lib/config/schema";
import { synthesize } from "./lib/synth";

function main(): number {
  let config: PrivateApiConfig;
  try {
    config = loadConfigFromEnv(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  // cdktf synth passes its output directory this way.
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  const { warnings } = synthesize(config, outdir);
  for (const w of warnings) process.stderr.write(`warning: ${w.message} [${w.path}]\n`);
  process.stderr.write(`Synthesised stack "${config.name}" to ${outdir}/stacks/${config.name}/cdk.tf.json\n`);
  return 0;
}

process.exitCode = main();
