/**
 * Pure side of the previous-release upgrade check: the verdict of the plan review on a plan
 * against the previous release's state (upgradeBreaks), what the plan changes beyond the
 * emulator's known gaps (upgradeChanges), and the upgrade-notes table of docs/upgrading.md written from those
 * changes (renderUpgradeNotes, between the upgrade-notes markers). plan.ts makes the plans;
 * previous-release.process.test.ts and `npm run upgrade-notes` (scripts/upgrade-notes.ts) use both.
 */
import { reviewPlan, type ChangeKind, type ResourceChange, type TerraformShowJson } from "../../../lib/review/plan-review";
import { changedPaths, explainChanges } from "../../deploy/emulator-gaps";
import { PROTECTED } from "../../deploy/suite";

/** The file that holds the upgrade-notes block, relative to the repository root. */
export const UPGRADE_NOTES_FILE = "docs/upgrading.md";
export const UPGRADE_NOTES_START = "<!-- upgrade-notes:start -->";
export const UPGRADE_NOTES_END = "<!-- upgrade-notes:end -->";

/** A config's short name in the notes: `default`, or the example's file name without `.json`. */
export function exampleName(key: string): string {
  return key === "embedded default" ? "default" : key.replace(/^examples\//, "").replace(/\.json$/, "");
}

function kindOf(actions: readonly string[]): ChangeKind | undefined {
  const key = actions.join(",");
  if (key === "create" || key === "update" || key === "delete") return key;
  if (key === "delete,create" || key === "create,delete") return "replace";
  return undefined;
}

/**
 * What an upgrade must not do, by the plan review (lib/review/plan-review.ts) of the plan against
 * the previous release's state: replace or destroy a load balancer, listener, VPC link, API,
 * stage, cluster or ECS service, or destroy anything at all. One line per offending resource
 * type, with the addresses; empty when the upgrade is safe.
 */
export function upgradeBreaks(plan: TerraformShowJson): string[] {
  const review = reviewPlan(plan);
  const addresses = (type: string, kind: ChangeKind) =>
    (plan.resource_changes ?? [])
      .filter((c) => c.type === type && kindOf(c.change.actions) === kind)
      .map((c) => c.address)
      .sort();
  const out: string[] = [];
  for (const [type, counts] of Object.entries(review.counts).sort(([a], [b]) => a.localeCompare(b))) {
    if (PROTECTED.has(type) && counts.replace > 0) out.push(`replaces ${type}: ${addresses(type, "replace").join(", ")}`);
    if (counts.delete > 0) out.push(`destroys ${type}: ${addresses(type, "delete").join(", ")}`);
  }
  return out;
}

/** One change an upgrade makes to a stack of the previous release, beyond the emulator's gaps. */
export interface UpgradeChange {
  /** The config's key (allConfigs()). */
  readonly example: string;
  readonly address: string;
  readonly type: string;
  readonly kind: ChangeKind;
  /**
   * For an update, the attributes that change (the gaps' left out); for a replacement, those
   * that force it (Terraform's replace_paths); none for a create or a destroy. List indices `*`.
   */
  readonly attributes: readonly string[];
}

/**
 * A gap that is one only while the resource it follows changes by the gaps alone: the
 * autoscaling group's launch template version follows the template's latest version, which the
 * template's tag_specifications gap makes unknown (emulator-gaps.ts). When the template changes
 * for real, it gets a new version, and the group is updated to it, in AWS as here.
 */
const FOLLOWS_LAUNCH_TEMPLATE = { type: "aws_autoscaling_group", attribute: "launch_template.*.version" } as const;

/**
 * A stack's changes in a plan (addresses as in the stack), but those the emulator's gaps explain
 * (FOLLOWS_LAUNCH_TEMPLATE aside).
 */
export function upgradeChanges(example: string, changes: readonly ResourceChange[]): UpgradeChange[] {
  const byAddress = new Map(changes.map((c) => [c.address, c]));
  const unexplained = explainChanges(changes).unexplained.map((u) => ({ ...u, paths: [...u.paths] }));
  const templateChanged = unexplained.some((u) => u.address.startsWith("aws_launch_template.") && u.actions !== "create");
  if (templateChanged) {
    for (const c of changes) {
      if (c.type !== FOLLOWS_LAUNCH_TEMPLATE.type || !changedPaths(c.change).includes(FOLLOWS_LAUNCH_TEMPLATE.attribute)) continue;
      const listed = unexplained.find((u) => u.address === c.address);
      if (listed === undefined)
        unexplained.push({ address: c.address, actions: c.change.actions.join(","), paths: [FOLLOWS_LAUNCH_TEMPLATE.attribute] });
      else if (!listed.paths.includes(FOLLOWS_LAUNCH_TEMPLATE.attribute)) listed.paths.push(FOLLOWS_LAUNCH_TEMPLATE.attribute);
    }
  }
  return unexplained.flatMap((u): UpgradeChange[] => {
    const change = byAddress.get(u.address)!;
    const kind = kindOf(change.change.actions);
    if (kind === undefined) return [];
    const attributes =
      kind === "update"
        ? u.paths
        : kind === "replace"
          ? (change.change.replace_paths ?? []).map((p) => p.map((step) => (typeof step === "number" ? "*" : step)).join("."))
          : [];
    return [{ example, address: u.address, type: change.type, kind, attributes: [...new Set(attributes)].sort() }];
  });
}

/** What the notes say above the table: the state they were planned against. */
export interface NotesSource {
  /** Commit the previous release's state was applied from (fixtures' manifest). */
  readonly commit: string;
  /** The configs planned, in order (keys of allConfigs()). */
  readonly examples: readonly string[];
}

const KIND_ORDER: readonly ChangeKind[] = ["create", "update", "replace", "delete"];
const KIND_TEXT: Record<ChangeKind, string> = { create: "create", update: "update in place", replace: "replace", delete: "destroy" };

/**
 * Where a (type, change) row occurs: in more than half of the planned configs, `every example ×n`
 * with n the usual count and `, but name ×m` for each config with another (×0: none); otherwise
 * `name ×n` for each config that has it.
 */
function whereText(counts: ReadonlyMap<string, number>, examples: readonly string[]): string {
  const count = (k: string) => counts.get(k) ?? 0;
  const listed = (keys: readonly string[]) => keys.map((k) => `${exampleName(k)} ×${count(k)}`).join(", ");
  const having = examples.filter((k) => count(k) > 0);
  if (examples.length < 2 || having.length * 2 <= examples.length) return listed(having);
  const tally = new Map<number, number>();
  for (const k of having) tally.set(count(k), (tally.get(count(k)) ?? 0) + 1);
  // The most common count; the smaller one on a tie, so the text does not depend on map order.
  const [usual] = [...tally.entries()].sort(([a, x], [b, y]) => y - x || a - b)[0];
  const others = examples.filter((k) => count(k) !== usual);
  return `every example ×${usual}${others.length > 0 ? `, but ${listed(others)}` : ""}`;
}

/** The upgrade-notes block of docs/upgrading.md (what goes between the markers): one table row per resource type and change. */
export function renderUpgradeNotes(changes: readonly UpgradeChange[], source: NotesSource): string {
  const names = source.examples.map((k) => `\`${exampleName(k)}\``).join(", ");
  const lines = [`Planned against the state the previous release (commit \`${source.commit.slice(0, 7)}\`) applied for ${names}.`, ""];
  const rows = new Map<string, { type: string; kind: ChangeKind; counts: Map<string, number>; attributes: Set<string> }>();
  for (const c of changes) {
    const key = `${c.type} ${c.kind}`;
    const row = rows.get(key) ?? { type: c.type, kind: c.kind, counts: new Map<string, number>(), attributes: new Set<string>() };
    row.counts.set(c.example, (row.counts.get(c.example) ?? 0) + 1);
    for (const a of c.attributes) row.attributes.add(a);
    rows.set(key, row);
  }
  if (rows.size === 0) return [...lines, "No changes."].join("\n");
  const sorted = [...rows.values()].sort((a, b) => a.type.localeCompare(b.type) || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  lines.push("| Resource type | Change | Where | Attributes |", "| --- | --- | --- | --- |");
  for (const row of sorted) {
    const attributes = [...row.attributes].sort().map((a) => `\`${a}\``);
    lines.push(
      `| \`${row.type}\` | ${KIND_TEXT[row.kind]} | ${whereText(row.counts, source.examples)} | ${attributes.length > 0 ? attributes.join(", ") : "-"} |`,
    );
  }
  return lines.join("\n");
}

/** Offsets of the text between the start marker's line and the end marker, or undefined. */
function blockRange(doc: string): { start: number; end: number } | undefined {
  const markerAt = doc.indexOf(UPGRADE_NOTES_START);
  const end = doc.indexOf(UPGRADE_NOTES_END);
  if (markerAt < 0 || end < 0 || end <= markerAt) return undefined;
  return { start: markerAt + UPGRADE_NOTES_START.length + 1, end };
}

/** A document's upgrade-notes block, without the markers and the surrounding newlines; undefined without one. */
export function readUpgradeNotesBlock(doc: string): string | undefined {
  const range = blockRange(doc);
  return range === undefined ? undefined : doc.slice(range.start, range.end).replace(/\n$/, "");
}

/** The document with its upgrade-notes block replaced by `notes`. */
export function writeUpgradeNotesBlock(doc: string, notes: string): string {
  const range = blockRange(doc);
  if (range === undefined) throw new Error(`${UPGRADE_NOTES_FILE} has no "${UPGRADE_NOTES_START}" ... "${UPGRADE_NOTES_END}" block`);
  return `${doc.slice(0, range.start)}${notes}\n${doc.slice(range.end)}`;
}
