/**
 * Least privilege in IAM policy documents: what the `iam-least-privilege` rule reports about one
 * document. Only `Allow` statements are judged; a `Deny` only ever takes permissions away.
 */
import { isJsonencodeExpression, readJsonencode } from "./hcl";
import { isRecord, listOf, quote } from "./values";

/**
 * Verbs of actions that only read, matched case-insensitively at the start of the action name.
 * `Describe`, `List` and `Get` as the rule says; `BatchGet` because it is `Get` on several items
 * (dynamodb:BatchGetItem, codecommit:BatchGetRepositories). Reading is not harmless
 * (s3:GetObject, secretsmanager:GetSecretValue read data): the rule is about changing things.
 */
export const READ_ONLY_VERBS: readonly string[] = ["Describe", "List", "Get", "BatchGet"];

/** What the rule says about one policy document. */
export interface PolicyReport {
  /** Broken promises, one line each. */
  readonly problems: readonly string[];
  /** What could not be judged (an action that is an expression), one line each. */
  readonly unreadable: readonly string[];
}

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
 * Judges one Allow statement. Each problem is a phrase that follows the statement's name
 * (`uses NotAction: ...`, `allows every s3 action ("s3:*")`), so the config check of task role
 * statements (lib/config/semantics.ts) reports exactly what this rule would.
 */
export function reviewStatement(statement: Readonly<Record<string, unknown>>): PolicyReport {
  const problems: string[] = [];
  const unreadable: string[] = [];
  if (statement.NotAction !== undefined) problems.push("uses NotAction: it allows every action but the ones listed");
  if (statement.NotResource !== undefined) problems.push("uses NotResource: it allows every resource but the ones listed");
  const onEverything = listOf(statement.Resource).some((r) => r === "*");
  const mutatingOnEverything: string[] = [];
  for (const action of listOf(statement.Action)) {
    if (typeof action !== "string") continue;
    if (action.includes("${")) {
      unreadable.push(`the action ${quote(action)} is an expression`);
      continue;
    }
    const wildcard = wildcardProblem(action);
    if (wildcard !== undefined) problems.push(wildcard);
    else if (onEverything && !isReadOnly(action)) mutatingOnEverything.push(action);
  }
  if (mutatingOnEverything.length > 0)
    problems.push(`allows ${mutatingOnEverything.join(", ")} on Resource "*" (only ${READ_ONLY_VERBS.join("/")} actions may be)`);
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

/**
 * Why a wildcard action is too wide, or undefined when it is not a wildcard or can only match
 * read-only actions: `*`, `service:*`, and any pattern whose fixed part before the first `*` or
 * `?` is not a whole read-only verb (`s3:Put*`, `ec2:*Instances`, `iam:G*`). `ec2:Describe*` and
 * `s3:Get*Acl` are fine.
 */
export function wildcardProblem(action: string): string | undefined {
  if (!/[*?]/.test(action)) return undefined;
  if (action.trim() === "*") return 'allows every action ("*")';
  const [service, name = ""] = action.split(":", 2);
  if (name === "*") return `allows every ${service} action ("${action}")`;
  return isReadOnly(action) ? undefined : `allows the wildcard action "${action}", which matches actions that change things`;
}

/** Whether an action (or the fixed start of a wildcard pattern) begins with a read-only verb. */
export function isReadOnly(action: string): boolean {
  const name = action.includes(":") ? action.slice(action.indexOf(":") + 1) : action;
  const fixed = name.split(/[*?]/, 1)[0].toLowerCase();
  return READ_ONLY_VERBS.some((verb) => fixed.startsWith(verb.toLowerCase()));
}
