/**
 * Jest side of the Terraform tooling in scripts/tooling/terraform.ts: runs the real Terraform CLI
 * against synthesised stacks, offline, with the hashicorp/aws provider from a local filesystem
 * mirror. The offline override (dummy credentials, no account-id lookup, no metadata API, state in
 * a temp dir) is test/tooling-only and never goes into the product's provider.
 *
 * Environment: TERRAFORM_BIN and TF_PROVIDER_MIRROR (see scripts/tooling/terraform.ts).
 * Under CI=true a missing binary or provider fails the tests instead of skipping them.
 */
import {
  initValidatePlan,
  locateTerraform,
  planOfflineTogether,
  type OfflineStack,
  type TerraformEnv,
} from "../../scripts/tooling/terraform";
import type { TerraformShowJson } from "../../lib/review/plan-review";
import { describeIfAvailable } from "./ci-gate";

export {
  initValidatePlan,
  locateTerraform,
  planOfflineTogether,
  validateOnly,
  writeOfflineOverride,
  type OfflineStack,
  type PlanResult,
  type TerraformEnv,
} from "../../scripts/tooling/terraform";
export type { TerraformShowJson as TerraformPlanJson } from "../../lib/review/plan-review";

/**
 * `describe` for suites that need Terraform and the provider mirror: skipped with a visible reason
 * on a developer machine without them, and failing under CI=true (describeIfAvailable).
 */
export function describeWithTerraform(name: string, body: (tf: TerraformEnv) => void): void {
  const tf = locateTerraform();
  const problem = typeof tf === "string" ? tf : undefined;
  describeIfAvailable("terraform and the provider mirror are available", problem)(name, () => body(tf as TerraformEnv));
}

/** One stack's offline plan, as plansTogether gives it. */
export interface StackPlan {
  /** The stack's part of `terraform show -json`, addresses as in the stack's own plan. */
  readonly plan: TerraformShowJson;
  /** The human-readable output of the `terraform plan` run that planned the stack. */
  readonly stdout: string;
  /** Keys of the stacks that run planned, this one included: its `Plan:` line counts all of them. */
  readonly plannedWith: readonly string[];
}

/**
 * Offline plans of several stacks, made in one Terraform run (planOfflineTogether: the provider
 * starts and loads its schema once, not three times per stack). Returns a function giving one
 * stack's plan; the run happens on the first call. If that run fails, its error is printed and
 * every stack is then planned on its own (init + plan), so a failure is reported by the test of
 * the stack that causes it, with that stack's own Terraform output.
 */
export function plansTogether(tf: TerraformEnv, stacks: readonly OfflineStack[]): (key: string) => StackPlan {
  let together: ReturnType<typeof planOfflineTogether> | "failed" | undefined;
  return (key) => {
    const stack = stacks.find((s) => s.key === key);
    if (stack === undefined) throw new Error(`"${key}" is not one of the stacks planned together`);
    if (together === undefined) {
      try {
        together = planOfflineTogether(tf, stacks);
      } catch (err) {
        together = "failed";
        console.warn(`Planning ${stacks.length} stacks in one run failed; planning each on its own.\n${(err as Error).message}`);
      }
    }
    if (together !== "failed") return { plan: together.plans.get(key)!, stdout: together.stdout, plannedWith: stacks.map((s) => s.key) };
    const alone = initValidatePlan(tf, stack.stackDir, stack.region);
    return { plan: alone.plan, stdout: alone.stdout, plannedWith: [key] };
  };
}
