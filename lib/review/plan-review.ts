/**
 * A Markdown review of a Terraform plan for pull requests, from `terraform show -json <planfile>`.
 * Pure: no I/O, the same plan (on the same day, for the Lambda runtime rule) always gives the same review.
 *
 * It says what would cause downtime (replacing or destroying a load balancer, listener, VPC link,
 * API, stage, cluster or ECS service), which task definitions are replaced (their services restart
 * their tasks), lists every security-relevant change with its before and after values,
 * and names the resource types it has no rule for, so reviewers know what it did not look at.
 *
 * Its security flags are not its own: they are the findings of the policy rules (lib/policy), run
 * over the plan exactly as `npm run check -- --plan` runs them, so the two never disagree. The
 * review only sorts them: findings the plan brings in are flagged, findings the resource already
 * had before the plan are listed apart.
 */

import type { PlanJson, ResourceChange } from "../plan/plan-json";
import { checkPlan } from "../policy/check";
import { RULES_BY_TYPE } from "../policy/rules";
import { referencesText } from "../policy/references";
import type { CheckOptions, CheckResult, Finding, RuleReferences } from "../policy/types";
import { show } from "../core/values";

/** The plan-JSON types live in lib/plan/plan-json.ts; these names are kept for scripts/tooling and the tests' helpers. */
export type { PlanJson as TerraformShowJson, ResourceChange };

export type ChangeKind = "create" | "update" | "replace" | "delete";

export interface ChangeCounts {
  create: number;
  update: number;
  replace: number;
  delete: number;
}

export interface PlanReview {
  readonly markdown: string;
  /** True when the plan deletes or replaces anything. */
  readonly destructive: boolean;
  /** Per resource type, for types with at least one change. */
  readonly counts: Record<string, ChangeCounts>;
  /** The policy check of the plan: what `npm run check -- --plan` reports for it, with the same options. */
  readonly security: CheckResult;
  /** The findings of `security` that the plan brings in (flagged); the others were there before it. */
  readonly newFindings: readonly Finding[];
}

/** Options of the review; those of the policy check (`allowNone`, `optOuts`, `now`) are passed on to it. */
export interface ReviewOptions extends CheckOptions {
  /** Heading of the review (for example the stack name). */
  readonly title?: string;
}

/** Types whose replacement or destruction interrupts traffic, with what they are. */
export const DOWNTIME_TYPES: Readonly<Record<string, string>> = {
  aws_lb: "load balancer",
  aws_lb_listener: "listener",
  aws_api_gateway_vpc_link: "VPC link",
  aws_apigatewayv2_vpc_link: "VPC link",
  aws_api_gateway_rest_api: "API",
  aws_apigatewayv2_api: "API",
  aws_api_gateway_stage: "stage",
  aws_apigatewayv2_stage: "stage",
  aws_ecs_cluster: "cluster",
  // Terraform replaces a service by destroying it (its tasks stop) before it creates the new one.
  aws_ecs_service: "ECS service",
};

/**
 * Types whose replacement restarts tasks without interrupting traffic by itself: a new task
 * definition revision, which the ECS services using it roll out within their deployment limits.
 */
export const TASK_RESTART_TYPES: Readonly<Record<string, string>> = {
  aws_ecs_task_definition: "task definition",
};

/** What identifies a security group rule (ingress or egress alike). */
const SG_RULE_ATTRIBUTES = [
  "security_group_id",
  "ip_protocol",
  "from_port",
  "to_port",
  "cidr_ipv4",
  "cidr_ipv6",
  "prefix_list_id",
  "referenced_security_group_id",
] as const;

/** Security-relevant types and the attributes shown for them. */
export const SECURITY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_vpc_security_group_ingress_rule: SG_RULE_ATTRIBUTES,
  aws_vpc_security_group_egress_rule: SG_RULE_ATTRIBUTES,
  aws_security_group_rule: [
    "type",
    "security_group_id",
    "protocol",
    "from_port",
    "to_port",
    "cidr_blocks",
    "ipv6_cidr_blocks",
    "prefix_list_ids",
    "source_security_group_id",
    "self",
  ],
  aws_security_group: ["ingress"],
  aws_iam_role: ["assume_role_policy", "managed_policy_arns", "inline_policy", "permissions_boundary"],
  aws_iam_role_policy: ["role", "policy"],
  aws_iam_policy: ["policy"],
  aws_iam_role_policy_attachment: ["role", "policy_arn"],
  aws_lambda_permission: ["function_name", "action", "principal", "source_arn", "source_account"],
  aws_api_gateway_method: ["http_method", "authorization", "authorizer_id", "authorization_scopes", "api_key_required"],
  aws_apigatewayv2_route: ["route_key", "authorization_type", "authorizer_id", "authorization_scopes", "api_key_required"],
  aws_api_gateway_authorizer: ["type", "provider_arns", "authorizer_uri", "identity_source", "authorizer_result_ttl_in_seconds"],
  aws_apigatewayv2_authorizer: ["authorizer_type", "authorizer_uri", "identity_sources", "jwt_configuration"],
  aws_lb: ["internal", "enable_deletion_protection"],
  aws_s3_bucket_policy: ["bucket", "policy"],
  aws_s3_bucket_public_access_block: ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"],
};

/** At most this many entries per list, so the review fits a PR comment. */
const MAX_ITEMS = 40;
/** Values longer than this are cut. */
const MAX_VALUE = 160;

function kindOf(actions: readonly string[]): ChangeKind | undefined {
  const key = actions.join(",");
  if (key === "create") return "create";
  if (key === "update") return "update";
  if (key === "delete") return "delete";
  if (key === "delete,create" || key === "create,delete") return "replace";
  return undefined; // no-op, read, forget
}

const VERB: Record<ChangeKind, string> = { create: "create", update: "update", replace: "replace", delete: "destroy" };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function attr(values: Record<string, unknown> | null | undefined, name: string): unknown {
  return isRecord(values) ? values[name] : undefined;
}

function flagged(marks: Record<string, unknown> | boolean | null | undefined, name: string): boolean {
  if (marks === true) return true;
  if (!isRecord(marks)) return false;
  const mark = marks[name];
  return mark === true || (isRecord(mark) && Object.keys(mark).length > 0) || (Array.isArray(mark) && mark.some((m) => m !== false));
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
}

function cut(text: string): string {
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** A compact one-line form of an IAM policy document: `Allow a,b on x; Deny ...`. */
function summarisePolicy(text: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const raw = attr(isRecord(doc) ? doc : null, "Statement");
  const statements = Array.isArray(raw) ? raw : isRecord(raw) ? [raw] : undefined;
  if (statements === undefined) return undefined;
  const list = (v: unknown): string => (Array.isArray(v) ? v.map(show).join(",") : show(v ?? "-"));
  return statements
    .filter(isRecord)
    .map((s) => {
      const who = s.Principal !== undefined ? ` for ${list(s.Principal)}` : "";
      const what = s.Action !== undefined ? list(s.Action) : `not ${list(s.NotAction)}`;
      const where =
        s.Resource !== undefined ? ` on ${list(s.Resource)}` : s.NotResource !== undefined ? ` not on ${list(s.NotResource)}` : "";
      return `${show(s.Effect ?? "?")} ${what}${where}${who}`;
    })
    .join("; ");
}

function formatValue(value: unknown, opts: { unknown?: boolean; sensitive?: boolean } = {}): string {
  if (opts.sensitive) return "(sensitive)";
  if (opts.unknown) return "(known after apply)";
  if (value === undefined || value === null) return "(none)";
  if (typeof value === "string") {
    const policy = value.trimStart().startsWith("{") ? summarisePolicy(value) : undefined;
    return `\`${cut(policy ?? value).replace(/`/g, "'")}\``;
  }
  return `\`${cut(JSON.stringify(value)).replace(/`/g, "'")}\``;
}

/** `attribute: before → after` for the attributes shown for a security-relevant type. */
function describeSecurityChange(change: ResourceChange, kind: ChangeKind): string[] {
  const attrs = SECURITY_ATTRIBUTES[change.type] ?? [];
  const { before, after, after_unknown, before_sensitive, after_sensitive } = change.change;
  const details: string[] = [];
  for (const a of attrs) {
    const b = attr(before, a);
    const f = attr(after, a);
    const unknown = flagged(after_unknown, a);
    const show = (v: unknown, which: "before" | "after") =>
      formatValue(v, which === "after" ? { unknown, sensitive: flagged(after_sensitive, a) } : { sensitive: flagged(before_sensitive, a) });
    if (kind === "create") {
      if (!isEmpty(f) || unknown) details.push(`${a}: ${show(f, "after")}`);
    } else if (kind === "delete") {
      if (!isEmpty(b)) details.push(`${a}: ${show(b, "before")}`);
    } else if (!sameValue(b, f) || unknown) {
      details.push(`${a}: ${show(b, "before")} → ${show(f, "after")}`);
    }
  }
  return details;
}

/**
 * The plan's resources as they were before it, as a plan the policy check reads: every resource
 * that existed (`change.before`), fully known. The configuration is left out: it describes the new
 * configuration, not the one the old values came from.
 */
function priorPlan(plan: PlanJson): PlanJson {
  const changes = (plan.resource_changes ?? []).flatMap((c): ResourceChange[] =>
    isRecord(c.change.before)
      ? [{ ...c, change: { actions: ["no-op"], before: c.change.before, after: c.change.before, after_unknown: {} } }]
      : [],
  );
  return { format_version: plan.format_version, terraform_version: plan.terraform_version, resource_changes: changes };
}

/**
 * The findings the plan brings in: those the same resource did not already have before it. A
 * finding is old when the prior state had the same one (address, rule and message), or else another
 * finding of the same rule on the same resource that no other finding matched (an open route whose
 * route key changed is still the same open route).
 */
function newFindingsOf(findings: readonly Finding[], prior: readonly Finding[]): Finding[] {
  const exact = (f: Finding) => JSON.stringify([f.address, f.rule, f.message]);
  const loose = (f: Finding) => JSON.stringify([f.address, f.rule]);
  const take = (counts: Map<string, number>, key: string): boolean => {
    const n = counts.get(key) ?? 0;
    if (n > 0) counts.set(key, n - 1);
    return n > 0;
  };
  const count = (keys: string[]) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());
  const exactLeft = count(prior.map(exact));
  const unmatched = findings.filter((f) => !take(exactLeft, exact(f)));
  const priorUnmatched = prior.filter((f) => {
    const key = exact(f);
    const n = exactLeft.get(key) ?? 0;
    if (n === 0) return false;
    exactLeft.set(key, n - 1);
    return true;
  });
  const looseLeft = count(priorUnmatched.map(loose));
  return unmatched.filter((f) => !take(looseLeft, loose(f)));
}

/** A finding as a list item: `` `address`: `rule`: message `` (the check's line, in Markdown), and the scanners' ids of its rule. */
function findingItem(
  f: { readonly address: string; readonly rule: string; readonly message: string; readonly references?: RuleReferences },
  prefix = "",
): string {
  const refs = f.references ? referencesText(f.references) : "";
  return `- ${prefix}\`${f.address}\`: \`${f.rule}\`: ${f.message.replace(/`/g, "'")}${refs === "" ? "" : ` (${refs})`}`;
}

/** Sorted by address, the rules' order kept within one address. */
function byAddress<T extends { readonly address: string }>(items: readonly T[]): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => a.item.address.localeCompare(b.item.address) || a.i - b.i)
    .map(({ item }) => item);
}

function limit(lines: readonly string[]): string[] {
  return lines.length <= MAX_ITEMS ? [...lines] : [...lines.slice(0, MAX_ITEMS), `- … and ${lines.length - MAX_ITEMS} more`];
}

/** Reviews a plan (`terraform show -json` output) for a pull request. */
export function reviewPlan(plan: PlanJson, options: ReviewOptions = {}): PlanReview {
  const counts: Record<string, ChangeCounts> = {};
  const downtime: string[] = [];
  const restarts: string[] = [];
  const security: string[] = [];
  const notJudged = new Map<string, Map<string, number>>();

  const changes = (plan.resource_changes ?? []).filter((c) => (c.mode ?? "managed") === "managed");
  for (const change of [...changes].sort((a, b) => a.address.localeCompare(b.address))) {
    const kind = kindOf(change.change.actions);
    if (kind === undefined) continue;
    const count = (counts[change.type] ??= { create: 0, update: 0, replace: 0, delete: 0 });
    count[kind] += 1;

    const judged =
      change.type in DOWNTIME_TYPES ||
      change.type in TASK_RESTART_TYPES ||
      change.type in SECURITY_ATTRIBUTES ||
      RULES_BY_TYPE.has(change.type);
    const forcedBy = (change.change.replace_paths ?? []).map((p) => p.join("."));
    const why = forcedBy.length > 0 ? `, forced by ${forcedBy.map((p) => `\`${p}\``).join(", ")}` : "";
    if (change.type in DOWNTIME_TYPES && (kind === "replace" || kind === "delete")) {
      downtime.push(`- **${VERB[kind].toUpperCase()}** \`${change.address}\` (${DOWNTIME_TYPES[change.type]}${why})`);
    }
    if (change.type in TASK_RESTART_TYPES && kind === "replace") {
      restarts.push(`- **REPLACE** \`${change.address}\` (${TASK_RESTART_TYPES[change.type]}${why})`);
    }
    if (change.type in SECURITY_ATTRIBUTES) {
      const found = describeSecurityChange(change, kind);
      const details = found.length > 0 ? found.join("; ") : "no security-relevant attribute changes";
      security.push(`- ${VERB[kind]} \`${change.address}\`: ${details}`);
    }
    if (!judged) {
      const byAction = notJudged.get(change.type) ?? new Map<string, number>();
      byAction.set(VERB[kind], (byAction.get(VERB[kind]) ?? 0) + 1);
      notJudged.set(change.type, byAction);
    }
  }

  const totals: ChangeCounts = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const c of Object.values(counts)) for (const k of Object.keys(totals) as ChangeKind[]) totals[k] += c[k];
  const destructive = totals.replace + totals.delete > 0;

  // The security judge: the policy rules over the plan, and over the state before it to tell new findings from old.
  const checkOptions: CheckOptions = {
    now: options.now ?? new Date(),
    allowNone: [...(options.allowNone ?? [])],
    optOuts: options.optOuts,
  };
  const check = checkPlan(plan, checkOptions);
  const newFindings = newFindingsOf(check.findings, checkPlan(priorPlan(plan), checkOptions).findings);
  const isNew = new Set(newFindings);
  const alarms = byAddress(newFindings).map((f) => findingItem(f, "🚨 "));
  const standing = byAddress(check.findings.filter((f) => !isNew.has(f))).map((f) => findingItem(f));

  const md: string[] = [`## ${options.title ?? "Terraform plan review"}`, ""];
  if (downtime.length > 0) {
    md.push(
      "### ⚠️ Downtime",
      "",
      "> [!WARNING]",
      "> **Replacing or destroying these interrupts traffic through the API.**",
      "",
      ...limit(downtime),
      "",
    );
  }
  if (restarts.length > 0) {
    md.push(
      "### 🔁 Task restarts",
      "",
      "A replaced task definition is a new revision: the ECS services that use it replace their running tasks with new ones, within their deployment limits (minimum healthy and maximum percent). If the service is replaced too, it is listed under Downtime.",
      "",
      ...limit(restarts),
      "",
    );
  }
  md.push(
    `**Plan: ${totals.create} to add, ${totals.update} to change, ${totals.replace} to replace, ${totals.delete} to destroy.**` +
      (destructive ? " Destructive: it deletes or replaces resources." : ""),
    "",
  );
  if (alarms.length > 0) {
    md.push(
      "### 🚨 Security flags",
      "",
      "New findings of the policy rules (lib/policy), as `npm run check -- --plan` reports them: `address`: `rule`: message (the same rule's checkov, trivy and Security Hub ids).",
      "",
      ...limit(alarms),
      "",
    );
  }

  const types = Object.keys(counts).sort();
  if (types.length === 0) {
    md.push("No changes.", "");
  } else {
    md.push(
      "### Changes by resource type",
      "",
      "| Resource type | Add | Change | Replace | Destroy |",
      "| --- | ---: | ---: | ---: | ---: |",
    );
    for (const type of types) {
      const c = counts[type];
      md.push(`| \`${type}\` | ${c.create} | ${c.update} | ${c.replace} | ${c.delete} |`);
    }
    md.push("");
  }
  if (security.length > 0) md.push("### Security-relevant changes", "", ...limit(security), "");
  if (standing.length > 0) {
    md.push(
      "### Security findings already there",
      "",
      "Findings of the policy rules that these resources had before the plan and still have:",
      "",
      ...limit(standing),
      "",
    );
  }
  if (check.allowed.length > 0) {
    const lines = byAddress(check.allowed).map((a) => `${findingItem(a)} (allowed by ${a.allowedBy})`);
    md.push(
      "### Allowed",
      "",
      "Findings of the policy rules that were allowed (`allowNone`, or a rule the config opts out of):",
      "",
      ...limit(lines),
      "",
    );
  }
  if (check.unchecked.length > 0) {
    md.push(
      "### Not checked",
      "",
      "What the policy rules could not check in this plan (`npm run check` on the synthesised stack sees these values as written):",
      "",
      ...limit(byAddress(check.unchecked).map((u) => findingItem(u))),
      "",
    );
  }
  if (notJudged.size > 0) {
    const lines = [...notJudged.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([type, byAction]) =>
          `- \`${type}\`: ${[...byAction.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([verb, n]) => `${verb} ×${n}`)
            .join(", ")}`,
      );
    md.push("### Not judged", "", "No rule looks at these types; review them yourself:", "", ...limit(lines), "");
  }
  return { markdown: md.join("\n"), destructive, counts, security: check, newFindings };
}
