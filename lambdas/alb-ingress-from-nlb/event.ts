/**
 * The input `aws_lambda_invocation` sends with `lifecycle_scope = "CRUD"` (hashicorp/aws provider 5.x,
 * website/docs/r/lambda_invocation.html.markdown, "CRUD Lifecycle Scope"): the resource's own `input` object
 * with one key added, `terraform_key` (default `tf`):
 *
 *   { ...input, "tf": { "action": "create", "prev_input": null } }
 *   { ...input, "tf": { "action": "update", "prev_input": { ...previous input } } }
 *   { ...input, "tf": { "action": "delete", "prev_input": { ...input } } }
 *
 * This function takes its settings from its environment, so it only reads `tf.action`; `prev_input` is not needed
 * because delete removes every rule the function owns, whatever input created it.
 */
export const TERRAFORM_KEY = "tf";

export type TerraformAction = "create" | "update" | "delete";

export interface TerraformLifecycle {
  readonly action: TerraformAction;
}

/** The event this function is invoked with: any JSON object carrying the lifecycle key. */
export type CrudInvocationEvent = Record<string, unknown> & {
  readonly tf: { readonly action: TerraformAction; readonly prev_input: Record<string, unknown> | null };
};

const ACTIONS: readonly string[] = ["create", "update", "delete"] satisfies TerraformAction[];

/** Reads `event.tf`; throws a message that says which Terraform setting is missing when the shape is wrong. */
export function parseLifecycle(event: unknown): TerraformLifecycle {
  const hint = `alb-ingress-from-nlb expects the input of an aws_lambda_invocation with lifecycle_scope = "CRUD" and the default terraform_key "${TERRAFORM_KEY}"`;
  if (!isObject(event)) throw new Error(`${hint}: the event is not a JSON object (got ${describe(event)})`);
  const lifecycle = event[TERRAFORM_KEY];
  if (!isObject(lifecycle)) throw new Error(`${hint}: event.${TERRAFORM_KEY} is missing or not an object (got ${describe(lifecycle)})`);
  const action = lifecycle.action;
  if (typeof action !== "string" || !ACTIONS.includes(action)) {
    throw new Error(`${hint}: event.${TERRAFORM_KEY}.action must be "create", "update" or "delete" (got ${describe(action)})`);
  }
  return { action: action as TerraformAction };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === undefined ? "undefined" : JSON.stringify(value);
}
