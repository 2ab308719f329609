/**
 * Bench driver: `terraform init`, `validate` and `plan` (offline, against the pinned provider from
 * the filesystem mirror) of a stack directory that synth-generated.ts wrote, each timed once.
 * Usage: node --import tsx scripts/bench/terraform-scaling.ts <stackDir> <region>
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dummyVarArgs, locateTerraform, runTerraform, writeOfflineOverride } from "../tooling/terraform";
import { emit } from "./result";

const [stackDir, region] = process.argv.slice(2);
if (stackDir === undefined || region === undefined) throw new Error("usage: terraform-scaling.ts <stackDir> <region>");
const tf = locateTerraform(process.env);
if (typeof tf === "string") throw new Error(tf);

const timed = (args: string[]): number => {
  const t0 = performance.now();
  runTerraform(tf, stackDir, args);
  return performance.now() - t0;
};
writeOfflineOverride(stackDir, region);
const initMs = timed(["init", "-input=false", "-no-color"]);
const validateMs = timed(["validate", "-no-color"]);
const planMs = timed([
  "plan",
  "-input=false",
  "-no-color",
  "-refresh=false",
  "-lock=false",
  "-out=bench.tfplan",
  ...dummyVarArgs(stackDir),
]);
const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, unknown>> };
emit({
  initMs,
  validateMs,
  planMs,
  resources: Object.values(json.resource).reduce((n, byId) => n + Object.keys(byId).length, 0),
});
