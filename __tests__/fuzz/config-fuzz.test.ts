/**
 * Config fuzzing (see campaign.ts): thousands of inputs each give a config or a ConfigError whose
 * every problem starts with a field path, and a bounded sample of the valid ones synthesises or is
 * refused before any file is written. config-fuzz.process.test.ts plans a few of them with Terraform.
 *
 * The run is bounded and repeatable: a fixed seed and number of runs. A failure prints the seed
 * and the counterexample's path; to replay it, set FUZZ_SEED and FUZZ_PATH as the message says.
 * FUZZ_RUNS multiplies the number of runs, for a longer search on a developer machine:
 *
 *   FUZZ_RUNS=20 npx jest __tests__/fuzz
 */
import { fargateStats, fuzzFargate, fuzzMutations, fuzzSections, fuzzTopLevel, SEED, stats, SYNTH_CAP } from "./campaign";

describe("fuzzed configs give a config or a ConfigError naming fields, and valid ones synthesise or are refused before writing", () => {
  test("the default and every example, with one to three random mutations", () => {
    fuzzMutations();
  });

  test("random JSON at the top level", () => {
    fuzzTopLevel();
  });

  test("random JSON inside known sections of the default and every example", () => {
    fuzzSections();
  });

  test("the default and every example with one Fargate change: a wrong one gives one problem at its field, a right one parses and synthesises", () => {
    fuzzFargate();
  });

  test("the run covered both outcomes and synthesised a sample", () => {
    console.info(
      `config fuzz (seed ${SEED}): ${stats.valid} valid, ${stats.rejected} rejected, ${stats.synthesised} synthesised (${stats.refusedAtSynth} refused while building the stack)`,
    );
    expect(stats.valid).toBeGreaterThan(100);
    expect(stats.rejected).toBeGreaterThan(1000);
    expect(stats.synthesised).toBeGreaterThanOrEqual(Math.min(SYNTH_CAP.all, 20));
    console.info(
      `Fargate changes: ${fargateStats.valid} valid (${fargateStats.synthesised} synthesised), ${fargateStats.refusedAtField} refused with one problem at their field`,
    );
    expect(fargateStats.valid).toBeGreaterThan(50);
    expect(fargateStats.refusedAtField).toBeGreaterThan(100);
    expect(fargateStats.synthesised).toBeGreaterThanOrEqual(Math.min(SYNTH_CAP.fargate, 5));
  });
});
