/**
 * Every Terraform `moved` block the package writes, in one module, as terraform-aws-modules keep
 * theirs in `migrations.tf`: an address change is a deliberate act, reviewed here. Nothing else
 * creates a MovedBlock (./state-blocks.ts).
 *
 * - {@link moveFromOldId}: a resource whose construct id changed under the user, in the same
 *   scope. Security group rules whose id was a user name equal to a fixed id part
 *   (./connections.ts, lib/model/connections.ts `movedFromId`), and HTTP API integrations whose id
 *   was built from their listener's logical id before 0.x (./private-http-api.ts).
 * - {@link moveFromRenamed}: a resource whose service was renamed (`renames` in the config;
 *   lib/stacks/state-management.ts `applyRenames`).
 *
 * A resource has at most one: Terraform allows one move into an address.
 */
import { TerraformStack, type TerraformResource } from "cdktf";
import { makeUniqueId } from "cdktf/lib/private/unique";
import type { Construct } from "constructs";
import { MovedBlock } from "./state-blocks";

/** The construct id MovedBlock takes under its resource. */
const MOVED_BLOCK_ID = "MovedFrom";

/**
 * Moves `resource`, a child of `holder`, from the address it had when its construct id under
 * `holder` was `oldId`: the logical id CDKTF gives that construct path.
 */
export function moveFromOldId(resource: TerraformResource, holder: Construct, oldId: string): void {
  const stack = TerraformStack.of(holder);
  const scopes = holder.node.scopes;
  const components = [...scopes.slice(scopes.indexOf(stack) + 1).map((c) => c.node.id), oldId];
  new MovedBlock(resource, `${resource.terraformResourceType}.${makeUniqueId(components)}`);
}

/**
 * Moves `current` from the address `old` has in `oldStack`, the stack as it was before service
 * renames. A rename says where the resource really was, so it replaces a move planned for an id
 * that changed under the user ({@link moveFromOldId}).
 */
export function moveFromRenamed(current: TerraformResource, old: TerraformResource, oldStack: TerraformStack): void {
  current.node.tryRemoveChild(MOVED_BLOCK_ID);
  new MovedBlock(current, `${old.terraformResourceType}.${oldStack.getLogicalId(old)}`);
}
