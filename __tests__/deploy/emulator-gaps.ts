/**
 * The emulator's known gaps: attributes that moto 5.2.1 does not return (or returns otherwise than
 * AWS), so that a plan after apply shows them as changes although nothing changed. This is the one
 * allow-list of the deploy tier. Each entry says why, and each is checked against moto's
 * behaviour: a run that applies the entry's resource type but whose plans never show its diff
 * fails (unusedGaps), so an entry moto has since fixed cannot stay listed. Any other change fails
 * the tier.
 *
 * Not listed, because the generated Terraform was changed or the test set up instead:
 * - `aws_api_gateway_account.cloudwatch_role_arn`: one setting per account and region. Two stacks
 *   in one account fight over it (as they would in AWS: `api.cloudWatchRole: "existing"` is for
 *   that), so each stack applies in an emulator account of its own.
 * - `aws_api_gateway_integration.connection_id`: moto keeps no connectionId and has no
 *   UpdateIntegration, so the update would hang, not just differ; the emulator's wrapper keeps it
 *   (emulator/moto_server.py, 7.).
 */
import type { ResourceChange } from "../../lib/plan/plan-json";

export interface EmulatorGap {
  /** Resource type. */
  readonly type: string;
  /** Attribute path, dot-separated, `*` for a list index; a diff at or below it is the gap's. */
  readonly attribute: string;
  /** What moto does, and why the diff is not a change. */
  readonly why: string;
  /**
   * The gap shows only where the stack sets the attribute (some stacks leave it out, or set a
   * flag to false, which is what moto's missing answer reads as): a run expects to see it only
   * then (unusedGaps).
   */
  readonly onlyWhereSet?: boolean;
}

export const EMULATOR_GAPS: readonly EmulatorGap[] = [
  {
    type: "aws_ecs_service",
    attribute: "placement_constraints",
    why: "moto does not return a service's placementConstraints (set for services on fixed host ports).",
    onlyWhereSet: true,
  },
  {
    type: "aws_ecs_service",
    attribute: "ordered_placement_strategy",
    why: "moto does not return a service's placementStrategy.",
  },
  {
    type: "aws_ecs_service",
    attribute: "health_check_grace_period_seconds",
    why: "moto does not return healthCheckGracePeriodSeconds.",
  },
  {
    type: "aws_ecs_service",
    attribute: "enable_ecs_managed_tags",
    why: "moto does not return enableECSManagedTags.",
  },
  {
    type: "aws_ecs_service",
    attribute: "availability_zone_rebalancing",
    why: "moto does not know availabilityZoneRebalancing (newer than its ECS model).",
  },
  {
    type: "aws_ecs_service",
    attribute: "enable_execute_command",
    why: "moto neither keeps nor returns a service's enableExecuteCommand (ECS Exec, set on Fargate services that ask for it): the provider reads false.",
    onlyWhereSet: true,
  },
  {
    type: "aws_lb",
    attribute: "enforce_security_group_inbound_rules_on_private_link_traffic",
    why: "moto does not return the NLB attribute for PrivateLink traffic (EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic).",
  },
  {
    type: "aws_launch_template",
    attribute: "tag_specifications",
    why: "moto copies the tags of the CreateLaunchTemplate request (the launch template's own, from default_tags) into the template data as an extra tag specification.",
  },
  {
    type: "aws_launch_template",
    attribute: "latest_version",
    why: "Follows the tag_specifications gap: the provider would write a new template version for it.",
  },
  {
    type: "aws_autoscaling_group",
    attribute: "launch_template.*.version",
    why: "Follows the launch template's latest_version, which the tag_specifications gap makes unknown.",
  },
  {
    type: "aws_autoscaling_group",
    attribute: "capacity_reservation_specification",
    why: "moto's autoscaling never returns CapacityReservationSpecification.",
  },
  {
    type: "aws_vpc_security_group_ingress_rule",
    attribute: "description",
    why: "moto drops the description of a rule that references a security group (DescribeSecurityGroupRules).",
  },
  {
    type: "aws_vpc_security_group_egress_rule",
    attribute: "description",
    why: "moto drops the description of a rule that references a security group (DescribeSecurityGroupRules).",
  },
  {
    type: "aws_lambda_function",
    attribute: "logging_config",
    why: "moto does not return a function's LoggingConfig.",
  },
  {
    type: "aws_apigatewayv2_domain_name",
    attribute: "mutual_tls_authentication",
    why: "moto returns an empty mutualTlsAuthentication object where AWS returns none; the provider reads it as a block of nulls.",
  },
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The attribute paths where a change's before and after differ (or after is unknown), down to the
 * first level where they stop having the same shape. List indices are written `*`.
 */
export function changedPaths(change: ResourceChange["change"]): string[] {
  const out = new Set<string>();
  const walk = (before: unknown, after: unknown, unknown: unknown, path: string[]): void => {
    if (unknown === true) {
      out.add(path.join("."));
      return;
    }
    if (isRecord(before) && isRecord(after)) {
      const marks = isRecord(unknown) ? unknown : {};
      for (const key of new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(marks)])) {
        walk(before[key], after[key], marks[key], [...path, key]);
      }
      return;
    }
    if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
      const marks = Array.isArray(unknown) ? unknown : [];
      before.forEach((b, i) => walk(b, after[i], marks[i], [...path, "*"]));
      return;
    }
    if (JSON.stringify(before ?? null) !== JSON.stringify(after ?? null)) out.add(path.join("."));
  };
  walk(change.before ?? {}, change.after ?? {}, change.after_unknown ?? {}, []);
  return [...out].sort();
}

/** The gap a changed path of a resource type falls under, if any. */
export function gapOf(type: string, path: string): EmulatorGap | undefined {
  return EMULATOR_GAPS.find((g) => g.type === type && (path === g.attribute || path.startsWith(`${g.attribute}.`)));
}

/** A change the allow-list does not explain, as one readable line. */
export interface UnexplainedChange {
  readonly address: string;
  readonly actions: string;
  readonly paths: readonly string[];
}

/**
 * Sorts a plan's changes: those that are only the emulator's gaps (in-place updates whose every
 * changed path is listed), and the rest. Records each gap seen in `seen`.
 */
export function explainChanges(
  changes: readonly ResourceChange[],
  seen: Set<EmulatorGap> = new Set(),
): { unexplained: UnexplainedChange[]; explained: string[] } {
  const unexplained: UnexplainedChange[] = [];
  const explained: string[] = [];
  for (const c of changes) {
    const actions = c.change.actions.join(",");
    if (actions === "no-op" || actions === "read") continue;
    const paths = changedPaths(c.change);
    const gaps = paths.map((p) => gapOf(c.type, p));
    if (actions === "update" && paths.length > 0 && gaps.every((g) => g !== undefined)) {
      for (const g of gaps) seen.add(g);
      explained.push(c.address);
    } else {
      unexplained.push({ address: c.address, actions, paths: paths.filter((_, i) => gaps[i] === undefined) });
    }
  }
  return { unexplained, explained };
}

/** A resource as synthesised: its type and attributes. */
export interface AppliedResource {
  readonly type: string;
  readonly attrs: Record<string, unknown>;
}

/** Set to something other than its default: not absent, not an empty list, not false (what a missing flag reads as). */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && !(Array.isArray(value) && value.length === 0);
}

/**
 * The entries no plan of the run showed although it applied a resource they concern (of their
 * type, and setting their attribute where onlyWhereSet): moto may have fixed them, so they must go
 * from the list. Without `applied`, every entry is expected.
 */
export function unusedGaps(seen: ReadonlySet<EmulatorGap>, applied?: readonly AppliedResource[]): string[] {
  const concerned = (g: EmulatorGap) =>
    applied === undefined || applied.some((r) => r.type === g.type && (!g.onlyWhereSet || isSet(r.attrs[g.attribute.split(".")[0]])));
  return EMULATOR_GAPS.filter((g) => !seen.has(g) && concerned(g)).map((g) => `${g.type}.${g.attribute}`);
}

/** Every resource of a synthesised stack, for unusedGaps. */
export function appliedResourcesOf(json: { resource: Record<string, Record<string, Record<string, unknown>>> }): AppliedResource[] {
  return Object.entries(json.resource).flatMap(([type, byId]) => Object.values(byId).map((attrs) => ({ type, attrs })));
}
