/**
 * Least privilege in IAM policy documents: what the `iam-least-privilege` rule reports about one
 * document. Only `Allow` statements are judged; a `Deny` only ever takes permissions away. One
 * statement is judged by lib/core/iam-statement.ts.
 */
import { reviewStatement, type PolicyReport } from "../core/iam-statement";
import { isRecord, listOf, quote } from "../core/values";
import { isJsonencodeExpression, readJsonencode } from "./hcl";

/** A policy attribute's value, read as a document; or why it cannot be. */
export type PolicyDocument = { readonly ok: true; readonly document: unknown } | { readonly ok: false; readonly reason: string };

/**
 * Reads a `policy` attribute: a JSON string (references inside it as `${...}` text, as CDKTF
 * writes `JSON.stringify` output), or in a synthesised stack a `${jsonencode(...)}` expression.
 * Anything else (a reference to a data source's `json`, `file(...)`) cannot be read here.
 */
export function readPolicyDocument(value: unknown): PolicyDocument {
  if (typeof value !== "string") return { ok: false, reason: `the policy is ${value === undefined ? "missing" : "not a string"}` };
  const text = value.trim();
  if (isJsonencodeExpression(text)) {
    const read = readJsonencode(text);
    return read.ok
      ? { ok: true, document: read.value }
      : { ok: false, reason: `the policy's jsonencode(...) could not be read: ${read.reason}` };
  }
  if (text.startsWith("${")) return { ok: false, reason: `the policy is the expression ${quote(text)}` };
  try {
    return { ok: true, document: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: "the policy is not valid JSON" };
  }
}

/** Judges an IAM policy document (already parsed). */
export function reviewPolicyDocument(document: unknown): PolicyReport {
  const problems: string[] = [];
  const unreadable: string[] = [];
  const statements = listOf(isRecord(document) ? document.Statement : undefined);
  statements.forEach((statement, i) => {
    if (!isRecord(statement)) return;
    if (statement.Effect === "Deny") return;
    const label = typeof statement.Sid === "string" && statement.Sid !== "" ? `statement "${statement.Sid}"` : `statement ${i + 1}`;
    const report = reviewStatement(statement);
    problems.push(...report.problems.map((p) => `${label} ${p}`));
    unreadable.push(...report.unreadable.map((u) => `${label}: ${u}`));
  });
  return { problems, unreadable };
}

/**
 * Judges a role's trust policy (`assume_role_policy`, already parsed): an Allow statement whose
 * Principal is `"*"` (or has `"*"` among its values, as `{"AWS": "*"}`) lets anyone in any AWS
 * account assume the role, and NotPrincipal trusts everyone but the ones listed. Conditions are not
 * read: a Principal of `"*"` is reported whatever its Condition says.
 */
export function reviewTrustPolicy(document: unknown): readonly string[] {
  const problems: string[] = [];
  listOf(isRecord(document) ? document.Statement : undefined).forEach((statement, i) => {
    if (!isRecord(statement) || statement.Effect === "Deny") return;
    const label = typeof statement.Sid === "string" && statement.Sid !== "" ? `statement "${statement.Sid}"` : `statement ${i + 1}`;
    if (statement.NotPrincipal !== undefined) problems.push(`${label} uses NotPrincipal: it trusts every principal but the ones listed`);
    const principal = statement.Principal;
    const any = principal === "*" || (isRecord(principal) && Object.values(principal).some((v) => listOf(v).includes("*")));
    if (any) problems.push(`${label} trusts any principal ("*"): anyone in any AWS account may assume the role`);
  });
  return problems;
}
