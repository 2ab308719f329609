/**
 * One security judge (issue 11, item 8): the plan review's security flags are the policy rules'
 * findings, so `npm run plan` and `npm run check -- --plan` never disagree on the same plan.
 * The regression: an inline policy allowing `s3:*` on `*` and ingress from 10.0.0.0/0 gave two
 * findings in the check and no flag in the review.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PlanJson, ResourceChange } from "../../lib/plan/plan-json";
import { checkPlan, RULE_REFERENCES, referencesText, type Finding } from "../../lib/policy";
import { reviewPlan } from "../../lib/review/plan-review";

const root = join(__dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
const checkScript = join(root, "scripts", "check.ts");

function change(
  type: string,
  name: string,
  actions: string[],
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  afterUnknown: Record<string, unknown> = {},
): ResourceChange {
  return { address: `${type}.${name}`, type, name, mode: "managed", change: { actions, before, after, after_unknown: afterUnknown } };
}

function plan(...changes: ResourceChange[]): PlanJson {
  return { format_version: "1.2", terraform_version: "1.11.4", planned_values: {}, resource_changes: changes };
}

/** The text of one `### heading` section, up to the next heading. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`### ${heading}`);
  if (start < 0) return "";
  const next = markdown.indexOf("\n### ", start + 4);
  return markdown.slice(start, next < 0 ? undefined : next);
}

/** A finding's line without the scanners' ids at its end: ` (checkov ...; trivy ...; Security Hub ...)`. */
const withoutIds = (l: string): string => l.replace(/ \((checkov|trivy|Security Hub) [^()]*\)$/, "");

/** The list items of a section. */
const items = (text: string) => text.split("\n").filter((line) => line.startsWith("- "));

/** How the review names a finding: address, rule, message. */
const line = (f: Finding) => `\`${f.address}\`: \`${f.rule}\`: ${f.message.replace(/`/g, "'")} (${referencesText(f.references)})`;

/** `npm run check -- --plan <file> --json`, the check's own code path. */
function checkByScript(p: PlanJson): { status: number | null; findings: Finding[] } {
  const file = join(mkdtempSync(join(tmpdir(), "one-judge-")), "plan.json");
  writeFileSync(file, JSON.stringify(p));
  const { CDKTF_OUTDIR: _ignored, ...env } = process.env;
  const run = spawnSync(tsx, [checkScript, "--plan", file, "--json"], { cwd: tmpdir(), env, encoding: "utf8" });
  expect(run.stderr).not.toMatch(/check failed/);
  const report = JSON.parse(run.stdout) as { inputs: { findings: Finding[] }[] };
  return { status: run.status, findings: report.inputs[0].findings };
}

// GIVEN the plan of the issue: an inline policy with s3:* on *, and ingress from 10.0.0.0/0 (a /0: every address)
const disagreement = plan(
  change(
    "aws_iam_role_policy",
    "Everything",
    ["create"],
    null,
    {
      name: "everything",
      role: "app-role",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }),
    },
    { id: true },
  ),
  change(
    "aws_vpc_security_group_ingress_rule",
    "Wide",
    ["create"],
    null,
    { security_group_id: "sg-0123456789abcdef0", ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.0.0.0/0" },
    { arn: true, id: true, security_group_rule_id: true },
  ),
);

test("regression: the same plan gives the same security findings in npm run check --plan and in the plan review", () => {
  // WHEN
  const check = checkByScript(disagreement);
  const review = reviewPlan(disagreement);
  // THEN the check finds both problems
  expect(check.status).toBe(1);
  expect(check.findings.map((f) => [f.address, f.rule])).toEqual([
    ["aws_iam_role_policy.Everything", "iam-least-privilege"],
    ["aws_vpc_security_group_ingress_rule.Wide", "no-open-ingress"],
  ]);
  // AND the review flags exactly those, per address and naming the rule
  const flags = section(review.markdown, "🚨 Security flags");
  expect(items(flags)).toEqual(check.findings.map((f) => `- 🚨 ${line(f)}`));
  expect(flags).toContain('`aws_iam_role_policy.Everything`: `iam-least-privilege`: statement 1 allows every s3 action ("s3:*")');
  expect(flags).toContain(
    "`aws_vpc_security_group_ingress_rule.Wide`: `no-open-ingress`: admits 10.0.0.0/0 (the whole internet), tcp port 443",
  );
  // AND as data: the review carries the check's result
  expect(review.security.findings).toEqual(check.findings);
});

test("every finding of the check is in the review, new ones flagged, standing ones listed apart, none added", () => {
  // GIVEN a plan that brings in some problems and leaves others as they were
  const openRule = { security_group_id: "sg-1", ip_protocol: "tcp", from_port: 22, to_port: 22, cidr_ipv4: "0.0.0.0/0" };
  const p = plan(
    change(
      "aws_lb",
      "Public",
      ["update"],
      { internal: true, idle_timeout: 60, load_balancer_type: "network", enable_deletion_protection: true },
      { internal: false, idle_timeout: 60, load_balancer_type: "network", enable_deletion_protection: true },
    ),
    change("aws_vpc_security_group_ingress_rule", "Ssh", ["update"], { ...openRule, from_port: 21 }, openRule),
    change("aws_cloudwatch_log_group", "Logs", ["no-op"], { name: "/x" }, { name: "/x" }),
    change("aws_lambda_permission", "Invoke", ["create"], null, { action: "lambda:InvokeFunction", principal: "*", function_name: "f" }),
    change("aws_apigatewayv2_route", "Gone", ["delete"], { route_key: "GET /gone", authorization_type: "NONE" }, null),
    change("aws_lambda_function", "Fn", ["create"], null, { runtime: "nodejs22.x" }, { arn: true }),
  );
  const now = new Date("2026-11-22T12:00:00Z");
  // WHEN
  const check = checkPlan(p, { now });
  const review = reviewPlan(p, { now });
  // THEN
  expect(review.security).toEqual(check);
  const flagged = items(section(review.markdown, "🚨 Security flags"));
  const standing = items(section(review.markdown, "Security findings already there"));
  expect([...flagged.map((l) => l.replace("- 🚨 ", "- ")), ...standing].sort()).toEqual(check.findings.map((f) => `- ${line(f)}`).sort());
  // (each line ends with the scanners' ids of its rule)
  expect(flagged.map(withoutIds)).toEqual([
    '- 🚨 `aws_lambda_permission.Invoke`: `no-wildcard-principals`: any principal ("*") may invoke the function',
    "- 🚨 `aws_lb.Public`: `internal-load-balancers`: is internet-facing: internal is false, not true",
  ]);
  expect(standing.map(withoutIds)).toEqual([
    "- `aws_cloudwatch_log_group.Logs`: `log-retention`: keeps logs forever: retention_in_days is not set",
    "- `aws_vpc_security_group_ingress_rule.Ssh`: `no-open-ingress`: admits 0.0.0.0/0 (the whole internet), tcp port 22",
  ]);
  // AND a deleted resource is judged by neither
  expect(review.markdown).not.toContain("`aws_apigatewayv2_route.Gone`: `authorization`");
});

test("what the rules could not check in the plan is listed, as npm run check lists it", () => {
  const p = plan(
    change(
      "aws_lb",
      "Later",
      ["create"],
      null,
      { name: "x", load_balancer_type: "network", enable_deletion_protection: true },
      { internal: true },
    ),
  );
  const review = reviewPlan(p);
  expect(review.security.unchecked).toEqual(checkPlan(p).unchecked);
  expect(items(section(review.markdown, "Not checked"))).toEqual([
    "- `aws_lb.Later`: `internal-load-balancers`: internal is known only after apply",
  ]);
  expect(review.markdown).not.toContain("Security flags");
});

test("addresses allowed to be open (allowNone) are listed as allowed, not flagged, as in npm run check", () => {
  const p = plan(change("aws_api_gateway_method", "Status", ["create"], null, { http_method: "GET", authorization: "NONE" }));
  const review = reviewPlan(p, { allowNone: ["aws_api_gateway_method.Status"] });
  expect(review.markdown).not.toContain("Security flags");
  expect(items(section(review.markdown, "Allowed"))).toEqual([
    `- \`aws_api_gateway_method.Status\`: \`authorization\`: GET has authorization NONE: anyone can call it (${referencesText(RULE_REFERENCES.authorization)}) (allowed by allowNone)`,
  ]);
});
