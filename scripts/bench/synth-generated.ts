/**
 * Bench driver, one fresh process per sample: import lib, build a generated config of <routes>
 * routes (scripts/bench/generated-config.ts), validate it and synthesise it into <outdir>.
 * Usage: node --import tsx scripts/bench/synth-generated.ts <routes> <outdir>
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cpuMs } from "./default-synth";
import { generatedConfig } from "./generated-config";
import { emit, peakRssMiB } from "./result";

const routes = Number(process.argv[2]);
const outdir = process.argv[3];
if (!Number.isInteger(routes) || routes < 1 || outdir === undefined) throw new Error("usage: synth-generated.ts <routes> <outdir>");

const t0 = performance.now();
require("../../lib/source-maps-off");
const { parseConfig } = require("../../lib/config/load") as typeof import("../../lib/config/load");
const { synthesize } = require("../../lib/synth") as typeof import("../../lib/synth");
const t1 = performance.now();
const config = parseConfig(generatedConfig(routes));
const t2 = performance.now();
const { stack } = synthesize(config, outdir);
const t3 = performance.now();
const json = JSON.parse(readFileSync(join(outdir, "stacks", config.name, "cdk.tf.json"), "utf8")) as {
  resource: Record<string, Record<string, unknown>>;
};
emit({
  importMs: t1 - t0,
  configMs: t2 - t1,
  synthMs: t3 - t2,
  totalMs: t3 - t0,
  cpuMs: cpuMs(),
  peakRssMiB: peakRssMiB(),
  resources: Object.values(json.resource).reduce((n, byId) => n + Object.keys(byId).length, 0),
  nlbs: stack.loadBalancers.size,
});
