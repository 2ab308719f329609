import { App, LocalBackend, S3Backend, TerraformResource, type TerraformStack } from "cdktf";
import { Construct, type IConstruct } from "constructs";
import { arnPattern } from "../core/arn";
import { AWS_ID_PATTERNS } from "../core/aws-ids";
import { processTempDir } from "../core/temp-dirs";
import { moveFromRenamed } from "../constructs/migrations";
import { ImportBlock } from "../constructs/state-blocks";
import type { AdoptionPlan, BackendPlan, StackPlan, StatePlan } from "../model/stack-plan";

/**
 * Attaches the state backend of the plan. Local by default (CDKTF's own default path); S3 with a
 * per-environment key and S3-native locking (Terraform 1.10+) or a DynamoDB table.
 */
export function attachBackend(stack: TerraformStack, backend: BackendPlan): void {
  if (backend.type === "local") {
    if (backend.path) new LocalBackend(stack, { path: backend.path });
    return;
  }
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: backend.key,
    region: backend.region,
    encrypt: true,
    kmsKeyId: backend.kmsKeyId,
    dynamodbTable: backend.dynamodbTable,
  });
  // CDKTF 0.21 predates use_lockfile; Terraform 1.10+ reads it from the backend block.
  if (backend.useLockfile) stack.addOverride("terraform.backend.s3.use_lockfile", true);
}

/** Import id formats we can check, by resource type; other types take any non-empty id. */
const IMPORT_ID_FORMATS: Record<string, [RegExp, string]> = {
  aws_lb: [arnPattern("elasticloadbalancing", "loadbalancer/(net|app)/[A-Za-z0-9-]+/[0-9a-f]+"), "a load balancer ARN"],
  aws_lb_listener: [arnPattern("elasticloadbalancing", "listener/(net|app)/[A-Za-z0-9-]+/[0-9a-f]+/[0-9a-f]+"), "a listener ARN"],
  aws_lb_target_group: [arnPattern("elasticloadbalancing", "targetgroup/[A-Za-z0-9-]+/[0-9a-f]+"), "a target group ARN"],
  aws_vpc: [AWS_ID_PATTERNS.vpc, "a VPC id (vpc-...)"],
  aws_subnet: [AWS_ID_PATTERNS.subnet, "a subnet id (subnet-...)"],
  aws_security_group: [AWS_ID_PATTERNS.securityGroup, "a security group id (sg-...)"],
  aws_api_gateway_vpc_link: [/^[a-z0-9]{5,12}$/, "a VPC link id"],
  aws_api_gateway_rest_api: [/^[a-z0-9]{10}$/, "a REST API id"],
  aws_apigatewayv2_api: [/^[a-z0-9]{10}$/, "an HTTP API id"],
  aws_apigatewayv2_vpc_link: [/^[a-z0-9]{5,12}$/, "a VPC link id"],
  aws_ecs_cluster: [/^[A-Za-z0-9_-]{1,255}$/, "a cluster name"],
};

/**
 * A construct's child by id. `tryFindChild` alone looks the id up in a plain object, so for ids
 * such as `constructor` or `__proto__` it returns members of Object.prototype, not constructs.
 */
function childOf(node: IConstruct | undefined, id: string): IConstruct | undefined {
  const child: unknown = node?.node.tryFindChild(id);
  return Construct.isConstruct(child) ? child : undefined;
}

/** The Terraform resource a construct path names: the construct itself, or its "Resource" child. */
function resourceAt(stack: TerraformStack, path: string): TerraformResource | undefined {
  let node: IConstruct | undefined = stack;
  for (const part of path.split("/").filter(Boolean)) node = childOf(node, part);
  if (node instanceof TerraformResource) return node;
  const primary = childOf(node, "Resource");
  return primary instanceof TerraformResource ? primary : undefined;
}

/** Construct paths (inside the stack) of the resources a config can adopt: every construct's primary resource. */
export function adoptableResources(stack: TerraformStack): string[] {
  return stack.node
    .findAll()
    .filter((c) => c instanceof TerraformResource)
    .map((c) => c.node.path.slice(stack.node.path.length + 1).replace(/\/Resource$/, ""))
    .sort();
}

/**
 * Problems with the `adopt` entries of a config, for the stack built from it: unknown construct
 * paths, paths adopted twice and import ids of the wrong form, each as `adopt[i].field: ...`.
 */
export function adoptionProblems(stack: TerraformStack, adoptions: readonly AdoptionPlan[]): string[] {
  return checkAdoptions(stack, adoptions).problems;
}

function checkAdoptions(
  stack: TerraformStack,
  adoptions: readonly AdoptionPlan[],
): { problems: string[]; valid: [TerraformResource, AdoptionPlan][] } {
  const problems: string[] = [];
  const valid: [TerraformResource, AdoptionPlan][] = [];
  const seen = new Set<string>();
  adoptions.forEach((entry, i) => {
    const resource = resourceAt(stack, entry.resource);
    if (!resource) {
      const top = [...new Set(adoptableResources(stack).map((p) => p.split("/")[0]))].join(", ");
      problems.push(`adopt[${i}].resource: no resource at ${JSON.stringify(entry.resource)}; top-level constructs are ${top}`);
      return;
    }
    if (seen.has(entry.resource)) {
      problems.push(`adopt[${i}].resource: ${JSON.stringify(entry.resource)} is adopted twice`);
      return;
    }
    seen.add(entry.resource);
    const format = IMPORT_ID_FORMATS[resource.terraformResourceType];
    if (format && !format[0].test(entry.id)) {
      problems.push(
        `adopt[${i}].id: ${JSON.stringify(entry.resource)} is an ${resource.terraformResourceType}, whose import id must be ${format[1]} (got ${JSON.stringify(entry.id)})`,
      );
      return;
    }
    valid.push([resource, entry]);
  });
  return { problems, valid };
}

/**
 * Turns `adopt` entries into Terraform import blocks, so a plan takes over existing resources
 * instead of creating them. The entries are checked before the app is built (lib/validate.ts);
 * an entry that is still wrong here fails the stack's validation, and gets no import block.
 */
export function applyAdoptions(stack: TerraformStack, adoptions: readonly AdoptionPlan[]): void {
  const { problems, valid } = checkAdoptions(stack, adoptions);
  for (const [resource, entry] of valid) new ImportBlock(resource, entry.importId);
  if (problems.length > 0) stack.node.addValidation({ validate: () => problems });
}

/**
 * Moved blocks for renamed services: every resource whose construct path carries an old service
 * name (as `Service-orders`, `Listener-orders`, `HostPort-orders`, ...) moves from the address it had
 * under the old name. `build` builds the stack of the plan as it was before the renames.
 */
export function applyRenames(stack: TerraformStack, state: StatePlan, build: (scope: App, before: StackPlan) => TerraformStack): void {
  const renames = state.renames;
  if (renames.length === 0 || !state.beforeRenames) return;
  // Built in a scratch app that is never synthesised; only its logical ids are read.
  const oldStack = build(new App({ outdir: processTempDir("renames-"), skipValidation: true }), state.beforeRenames);
  const rename = (segment: string) =>
    renames.reduce(
      (seg, [from, to]) => seg.replace(new RegExp(`(^|-)${from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(-|$)`), `$1${to}$2`),
      segment,
    );
  for (const old of oldStack.node.findAll()) {
    if (!(old instanceof TerraformResource)) continue;
    const relative = old.node.path.slice(oldStack.node.path.length + 1);
    const renamed = relative.split("/").map(rename).join("/");
    if (renamed === relative) continue;
    const current = resourceAt(stack, renamed);
    if (!current || current.terraformResourceType !== old.terraformResourceType) continue;
    moveFromRenamed(current, old, oldStack);
  }
}
