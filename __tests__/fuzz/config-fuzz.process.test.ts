/**
 * A sample of the valid configs of the config fuzzing campaign (campaign.ts, the same seed as
 * config-fuzz.test.ts) passes an offline `terraform plan`: the first config of each new
 * combination of features, up to TERRAFORM_SAMPLE of them, in one Terraform run. The campaign runs
 * here without synthesising; only the configs that could join the sample are synthesised.
 */
import { describeWithTerraform, plansTogether, type OfflineStack } from "../helpers/terraform";
import {
  collectOnly,
  fuzzFargate,
  fuzzMutations,
  fuzzSections,
  fuzzTopLevel,
  KNOWN_REGIONS,
  signature,
  synthesised,
  TERRAFORM_SAMPLE,
} from "./campaign";
import { synthOrExplain } from "./oracle";

describeWithTerraform("a sample of the valid fuzzed configs passes an offline terraform plan", (tf) => {
  test(`up to ${TERRAFORM_SAMPLE} configs with different features, planned in one run`, () => {
    collectOnly();
    fuzzMutations();
    fuzzTopLevel();
    fuzzSections();
    fuzzFargate();
    const seen = new Set<string>();
    // Import blocks (adopt) cannot be planned as child modules or offline: the sample leaves them out.
    const candidates = synthesised
      .filter((s) => s.mutated && KNOWN_REGIONS.has(s.config.region) && s.config.services.length <= 50)
      .map((s) => ({ ...s, original: s.config, config: { ...s.config, adopt: [] } }));
    // Configs with template syntax in their text first: whether Terraform reads it literally is only known by asking it.
    // Then one with autoscaling (and so its scaling resources), which only Terraform can judge, and one on Fargate.
    const ordered = [
      ...candidates.filter((s) => signature(s.config).endsWith("template-text")),
      ...candidates.filter((s) => signature(s.config).includes("/autoscaled/")),
      ...candidates.filter((s) => /\/(all-)?fargate\//.test(signature(s.config))),
      ...candidates,
    ];
    const sample: typeof candidates = [];
    for (const s of ordered) {
      if (sample.length === TERRAFORM_SAMPLE) break;
      if (seen.has(signature(s.config))) continue;
      // config-fuzz.test.ts keeps only the configs that synthesised; checked here only for a new signature.
      if ("error" in synthOrExplain(s.original, s.input, s.ledger)) continue;
      seen.add(signature(s.config));
      sample.push(s);
    }
    expect(sample.length).toBeGreaterThanOrEqual(3);
    const stacks: (OfflineStack & { label: string })[] = sample.map((s, i) => {
      const result = synthOrExplain(s.config, s.input);
      if (!("stackDir" in result)) throw new Error(`${s.label} was refused without its adopt entries: ${result.error.message}`);
      return { key: `fuzz${i}`, stackDir: result.stackDir, region: s.config.region, label: s.label };
    });
    const planOf = plansTogether(tf, stacks);
    const failures: string[] = [];
    for (const stack of stacks) {
      try {
        expect(planOf(stack.key).plan.resource_changes?.length).toBeGreaterThan(0);
      } catch (err) {
        failures.push(`${stack.label}:\n${(err as Error).message}`);
      }
    }
    console.info(
      `config fuzz: planned ${stacks.length} valid fuzzed configs in one Terraform run:\n${sample.map((s) => `  ${signature(s.config)}: ${s.label}`).join("\n")}`,
    );
    expect(failures).toEqual([]);
  });
});
