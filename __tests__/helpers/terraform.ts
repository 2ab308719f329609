/**
 * Jest side of the Terraform tooling in lib/tooling/terraform.ts: runs the real Terraform CLI
 * against synthesised stacks, offline, with the hashicorp/aws provider from a local filesystem
 * mirror. The offline override (dummy credentials, no account-id lookup, no metadata API, state in
 * a temp dir) is test/tooling-only and never goes into the product's provider.
 *
 * Environment: TERRAFORM_BIN and TF_PROVIDER_MIRROR (see lib/tooling/terraform.ts).
 * Under CI=true a missing binary or provider fails the tests instead of skipping them.
 */
import { locateTerraform, type TerraformEnv } from "../../lib/tooling/terraform";

export {
  initValidatePlan,
  locateTerraform,
  validateOnly,
  writeOfflineOverride,
  type PlanResult,
  type TerraformEnv,
} from "../../lib/tooling/terraform";
export type { TerraformShowJson as TerraformPlanJson } from "../../lib/review/plan-review";

/**
 * `describe` for suites that need Terraform: skipped with a visible reason on a developer machine
 * without it, and failing under CI=true.
 */
export function describeWithTerraform(name: string, body: (tf: TerraformEnv) => void): void {
  const tf = locateTerraform();
  if (typeof tf !== "string") {
    describe(name, () => body(tf));
    return;
  }
  if (process.env.CI === "true") {
    describe(name, () => {
      test("terraform and the provider mirror are available", () => {
        throw new Error(`CI=true, and ${tf}`);
      });
    });
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`Skipping "${name}": ${tf}`);
  describe.skip(name, () => body(tf as unknown as TerraformEnv));
}
