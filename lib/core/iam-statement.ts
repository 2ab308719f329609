/**
 * The least-privilege judgement of one IAM statement, shared by the config check of task role
 * statements (lib/config/semantics.ts) and the `iam-least-privilege` rule of `npm run check`
 * (lib/policy/iam.ts), so both report exactly the same thing.
 */
import { listOf, quote } from "./values";

/**
 * Verbs of actions that only read, matched case-insensitively at the start of the action name.
 * `Describe`, `List` and `Get` as the rule says; `BatchGet` because it is `Get` on several items
 * (dynamodb:BatchGetItem, codecommit:BatchGetRepositories). Reading is not harmless
 * (s3:GetObject, secretsmanager:GetSecretValue read data): the rule is about changing things.
 */
export const READ_ONLY_VERBS: readonly string[] = ["Describe", "List", "Get", "BatchGet"];

/**
 * Actions that support no resource type at all (AWS's Service Authorization Reference): IAM can
 * grant them only on Resource "*", so "*" is as narrow as they get. The four ssmmessages channel
 * actions are what ECS Exec needs in a task role.
 */
export const ACTIONS_WITHOUT_RESOURCE_TYPES: readonly string[] = [
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
];

/** What the rule says about one policy document. */
export interface PolicyReport {
  /** Broken promises, one line each. */
  readonly problems: readonly string[];
  /** What could not be judged (an action that is an expression), one line each. */
  readonly unreadable: readonly string[];
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
    else if (onEverything && !isReadOnly(action) && !ACTIONS_WITHOUT_RESOURCE_TYPES.includes(action)) mutatingOnEverything.push(action);
  }
  if (mutatingOnEverything.length > 0)
    problems.push(`allows ${mutatingOnEverything.join(", ")} on Resource "*" (only ${READ_ONLY_VERBS.join("/")} actions may be)`);
  return { problems, unreadable };
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
