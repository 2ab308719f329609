/**
 * Each rule's references to the public scanners' rules (lib/policy/references.ts): well-formed
 * ids, carried by every finding of the rule, and shown where findings are shown.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSynth, RULE_REFERENCES, referencesText, RULES } from "../../lib/policy";
import { reviewPlan } from "../../lib/review/plan-review";
import { exampleConfig } from "../helpers/fixtures";
import { resourcesOf, synthToTemp } from "../helpers/synth";

const NOW = new Date("2026-12-07T00:00:00Z");

describe("the references table", () => {
  test.each(RULES.map((r) => [r.id]))("%s: ids in each scanner's form, each once", (id) => {
    const refs = RULE_REFERENCES[id];
    for (const c of refs.checkov) expect(c).toMatch(/^CKV2?_AWS_\d+$/);
    for (const t of refs.trivy) expect(t).toMatch(/^AVD-AWS-\d{4}$/);
    for (const h of refs.securityHub) expect(h).toMatch(/^[A-Za-z0-9]+\.\d+$/);
    for (const list of [refs.checkov, refs.trivy, refs.securityHub]) expect(new Set(list).size).toBe(list.length);
  });

  test("the text names each scanner once, in a fixed order, and is empty without ids", () => {
    expect(referencesText({ checkov: ["CKV_AWS_1", "CKV2_AWS_2"], trivy: ["AVD-AWS-0001"], securityHub: ["EC2.1"] })).toBe(
      "checkov CKV_AWS_1, CKV2_AWS_2; trivy AVD-AWS-0001; Security Hub EC2.1",
    );
    expect(referencesText({ checkov: [], trivy: ["AVD-AWS-0001"], securityHub: [] })).toBe("trivy AVD-AWS-0001");
    expect(referencesText({ checkov: [], trivy: [], securityHub: [] })).toBe("");
  });
});

describe("a finding carries its rule's references", () => {
  // GIVEN the native-bridge example with its ALB internet-facing
  const { json, plan } = synthToTemp(exampleConfig("alb-bridge-native"));
  const [[albId]] = resourcesOf(json, "aws_lb").filter(([, lb]) => lb.load_balancer_type === "application");
  json.resource.aws_lb[albId] = { ...json.resource.aws_lb[albId], internal: false };

  test("in the check's result", () => {
    const [finding] = checkSynth(json, { plan, now: NOW }).findings;
    expect(finding.rule).toBe("internal-load-balancers");
    expect(finding.references).toBe(RULE_REFERENCES["internal-load-balancers"]);
  });

  test("in the plan review's line of the finding", () => {
    // A plan that creates the public ALB, as `terraform show -json` gives it.
    const review = reviewPlan(
      {
        format_version: "1.2",
        resource_changes: [
          {
            address: `aws_lb.${albId}`,
            mode: "managed",
            type: "aws_lb",
            name: albId,
            change: { actions: ["create"], before: null, after: { ...json.resource.aws_lb[albId] }, after_unknown: {} },
          },
        ],
      },
      { now: NOW },
    );
    const ids = referencesText(RULE_REFERENCES["internal-load-balancers"]);
    expect(review.markdown).toContain(`\`internal-load-balancers\`: is internet-facing: internal is false, not true (${ids})`);
  });
});

describe("docs/policy-check.md", () => {
  const doc = readFileSync(join(__dirname, "..", "..", "docs", "policy-check.md"), "utf8");

  test.each(RULES.map((r) => [r.id]))("%s: its row lists exactly the ids of RULE_REFERENCES", (id) => {
    const row = doc.split("\n").find((line) => line.startsWith(`| \`${id}\` |`) && line.split("|").length === 7);
    if (!row) throw new Error(`no row for ${id} in the references table`);
    const [, , checkov, trivy, securityHub] = row.split("|");
    const ids = (cell: string, pattern: RegExp) => [...cell.matchAll(pattern)].map((m) => m[0]);
    const refs = RULE_REFERENCES[id];
    expect(ids(checkov, /CKV2?_AWS_\d+/g)).toEqual(refs.checkov);
    expect(ids(trivy, /AVD-AWS-\d{4}/g)).toEqual(refs.trivy);
    expect(ids(securityHub, /[A-Za-z0-9]+\.\d+/g)).toEqual(refs.securityHub);
  });
});

describe("SECURITY.md's table of scanner rules", () => {
  const security = readFileSync(join(__dirname, "..", "..", "SECURITY.md"), "utf8");
  const table = security.slice(security.indexOf("## Scanner rules"));

  test("says, for every public id a rule of npm run check names, what this project does about it", () => {
    const ids = RULES.flatMap((r) => {
      const refs = RULE_REFERENCES[r.id];
      return [...refs.checkov, ...refs.trivy, ...refs.securityHub];
    });
    expect(ids.length).toBeGreaterThan(40);
    const cells = new Set(
      [...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => m[1].split(/[,;]\s*/).map((id) => id.replace(/ †$/, "").trim())),
    );
    expect(ids.filter((id) => !cells.has(id))).toEqual([]);
  });
});
