/**
 * Small fabricated Terraform documents for tests: a `terraform show -json` plan with hand-made
 * resource changes, and resources of a hand-written state to plan against.
 */
import type { ResourceChange, TerraformShowJson } from "../../lib/review/plan-review";

/** One resource change of a plan. */
export function change(
  type: string,
  name: string,
  actions: string[],
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  extra: Partial<ResourceChange["change"]> = {},
): ResourceChange {
  return { address: `${type}.${name}`, type, name, mode: "managed", change: { actions, before, after, ...extra } };
}

/** A plan of these changes. */
export function plan(...changes: ResourceChange[]): TerraformShowJson {
  return { format_version: "1.2", resource_changes: changes };
}

/** One managed resource of a state file (format version 4), as the hashicorp/aws provider writes it. */
export const stateResource = (type: string, name: string, attributes: Record<string, unknown>) => ({
  mode: "managed",
  type,
  name,
  provider: 'provider["registry.terraform.io/hashicorp/aws"]',
  instances: [{ schema_version: 0, attributes, sensitive_attributes: [] }],
});
