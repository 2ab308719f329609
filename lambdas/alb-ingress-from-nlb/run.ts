import {
  AuthorizeSecurityGroupIngressCommand,
  type EC2Client,
  type IpPermission,
  paginateDescribeSecurityGroupRules,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from "@aws-sdk/client-ec2";
import { eniPrivateIps } from "../shared/eni-ips";
import type { AlbIngressConfig } from "./config";
import { parseLifecycle, type TerraformAction } from "./event";
import { type IngressGrant, type OwnedRule, reconcile, ruleDescription, selectOwnedRules } from "./reconcile";

/** What the invocation returns; Terraform stores it, JSON-encoded, in the resource's `result`. */
export interface AlbIngressResult {
  /** The NLB's private IPs that now have ingress rules; `[]` on delete. */
  readonly ips: string[];
  readonly ports: number[];
  /** Rules added by this invocation. */
  readonly authorized: number;
  /** Rules removed by this invocation. */
  readonly revoked: number;
}

/** The one log line written per invocation. */
export interface InvocationLogEntry {
  readonly action: "alb-ingress-from-nlb";
  readonly tfAction: TerraformAction | null;
  readonly securityGroupId: string;
  readonly ips: string[];
  readonly ports: number[];
  readonly authorized: number;
  readonly revoked: number;
  /** Only on failure. */
  readonly error?: string;
}

export interface RunDependencies {
  readonly ec2: EC2Client;
  readonly config: AlbIngressConfig;
  /** @default - one JSON object per line on stdout */
  readonly log?: (entry: InvocationLogEntry) => void;
}

const LOG_ACTION = "alb-ingress-from-nlb";

const DUPLICATE_RULE = "InvalidPermission.Duplicate";
const RULE_GONE = new Set(["InvalidPermission.NotFound", "InvalidSecurityGroupRuleId.NotFound"]);
const GROUP_GONE = "InvalidGroup.NotFound";

/**
 * Runs one invocation from Terraform: on create and update, makes the owned ingress rules of the ALB's security
 * group exactly one TCP rule `ip/32` per (NLB IP, port), adding before removing; on delete, removes every owned rule.
 * Rules the function does not own are never changed. Rejects, with the failing step named, on any AWS error that
 * is not an already-reached end state, so the Terraform apply fails visibly.
 */
export async function runInvocation(event: unknown, deps: RunDependencies): Promise<AlbIngressResult> {
  const { ec2, config } = deps;
  const log = deps.log ?? ((entry: InvocationLogEntry) => console.log(JSON.stringify(entry)));
  const progress = { tfAction: null as TerraformAction | null, ips: [] as string[], authorized: 0, revoked: 0 };
  const entry = (): InvocationLogEntry => ({
    action: LOG_ACTION,
    tfAction: progress.tfAction,
    securityGroupId: config.securityGroupId,
    ips: progress.ips,
    ports: [...config.ports],
    authorized: progress.authorized,
    revoked: progress.revoked,
  });

  try {
    const { action } = parseLifecycle(event);
    progress.tfAction = action;
    const fail = stepFailure(action, config.securityGroupId);

    if (action === "delete") {
      const owned = await readOwnedRules(ec2, config, { groupMayBeGone: true }).catch(
        fail("DescribeSecurityGroupRules (reading the group's rules)"),
      );
      const plan = reconcile({ desiredIps: [], ports: config.ports, ownedRules: owned });
      progress.revoked = await revoke(ec2, config.securityGroupId, plan.revoke, { groupMayBeGone: true }).catch(
        fail("RevokeSecurityGroupIngress (removing the owned rules)"),
      );
    } else {
      const ips = await eniPrivateIps(ec2, config.nlbEniDescription).catch(
        fail(`DescribeNetworkInterfaces (finding the IPs of the interfaces described "${config.nlbEniDescription}")`),
      );
      if (ips.length === 0) {
        throw new Error(
          `alb-ingress-from-nlb ${action} on ${config.securityGroupId}: found no in-use network interface described "${config.nlbEniDescription}". ` +
            "An NLB has one per subnet, so the description is wrong or the NLB is not ready yet. No rule was changed.",
        );
      }
      progress.ips = ips;
      const owned = await readOwnedRules(ec2, config, { groupMayBeGone: false }).catch(
        fail("DescribeSecurityGroupRules (reading the group's rules)"),
      );
      const plan = reconcile({ desiredIps: ips, ports: config.ports, ownedRules: owned });
      // Add before removing: while an NLB IP changes, the ALB keeps accepting from the IPs that are still right.
      progress.authorized = await authorize(ec2, config, plan.authorize).catch(
        fail("AuthorizeSecurityGroupIngress (adding rules for the NLB's IPs)"),
      );
      progress.revoked = await revoke(ec2, config.securityGroupId, plan.revoke, { groupMayBeGone: false }).catch(
        fail("RevokeSecurityGroupIngress (removing rules for IPs the NLB no longer has)"),
      );
    }
  } catch (err) {
    log({ ...entry(), error: err instanceof Error ? err.message : String(err) });
    throw err;
  }

  const result = entry();
  log(result);
  return { ips: result.ips, ports: result.ports, authorized: result.authorized, revoked: result.revoked };
}

async function readOwnedRules(ec2: EC2Client, config: AlbIngressConfig, opts: { groupMayBeGone: boolean }): Promise<OwnedRule[]> {
  const rules: SecurityGroupRule[] = [];
  try {
    const pages = paginateDescribeSecurityGroupRules(
      { client: ec2, pageSize: 1000 },
      { Filters: [{ Name: "group-id", Values: [config.securityGroupId] }] },
    );
    for await (const page of pages) rules.push(...(page.SecurityGroupRules ?? []));
  } catch (err) {
    if (opts.groupMayBeGone && errorCode(err) === GROUP_GONE) return [];
    throw err;
  }
  return selectOwnedRules(rules, config.securityGroupId, config.ruleDescriptionPrefix);
}

/** Adds the rules in one call; if EC2 refuses the batch because one already exists, adds them one at a time. */
async function authorize(ec2: EC2Client, config: AlbIngressConfig, grants: readonly IngressGrant[]): Promise<number> {
  if (grants.length === 0) return 0;
  const send = (batch: readonly IngressGrant[]) =>
    ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: config.securityGroupId,
        IpPermissions: permissions(batch, config.ruleDescriptionPrefix),
      }),
    );
  try {
    await send(grants);
    return grants.length;
  } catch (err) {
    // Duplicate: a rule for the same CIDR, protocol and port exists, typically one this function does not own
    // (EC2 ignores the description when comparing). The request is all-or-nothing, so retry the others alone.
    if (errorCode(err) !== DUPLICATE_RULE) throw err;
    if (grants.length === 1) return 0;
  }
  let added = 0;
  for (const grant of grants) {
    try {
      await send([grant]);
      added += 1;
    } catch (err) {
      if (errorCode(err) !== DUPLICATE_RULE) throw err;
    }
  }
  return added;
}

/** One permission per port, with one `/32` range per IP. */
function permissions(grants: readonly IngressGrant[], prefix: string): IpPermission[] {
  const byPort = new Map<number, IngressGrant[]>();
  for (const grant of grants) byPort.set(grant.port, [...(byPort.get(grant.port) ?? []), grant]);
  return [...byPort].map(([port, group]) => ({
    IpProtocol: "tcp",
    FromPort: port,
    ToPort: port,
    IpRanges: group.map(({ ip }) => ({ CidrIp: `${ip}/32`, Description: ruleDescription(prefix, ip) })),
  }));
}

/** Removes the rules in one call; if one is already gone (the batch then fails whole), removes the rest one at a time. */
async function revoke(ec2: EC2Client, groupId: string, ruleIds: readonly string[], opts: { groupMayBeGone: boolean }): Promise<number> {
  if (ruleIds.length === 0) return 0;
  const send = (ids: readonly string[]) =>
    ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [...ids] }));
  try {
    await send(ruleIds);
    return ruleIds.length;
  } catch (err) {
    const code = errorCode(err);
    if (opts.groupMayBeGone && code === GROUP_GONE) return 0;
    if (code === undefined || !RULE_GONE.has(code)) throw err;
  }
  let removed = 0;
  for (const id of ruleIds) {
    try {
      await send([id]);
      removed += 1;
    } catch (err) {
      const code = errorCode(err);
      if (opts.groupMayBeGone && code === GROUP_GONE) return removed;
      if (code === undefined || !RULE_GONE.has(code)) throw err;
    }
  }
  return removed;
}

/** A `.catch` handler that rethrows with the Terraform action, the group and the failing step in the message. */
function stepFailure(action: TerraformAction, groupId: string) {
  return (step: string) =>
    (err: unknown): never => {
      const code = errorCode(err);
      const detail = err instanceof Error ? err.message : String(err);
      throw new Error(
        `alb-ingress-from-nlb ${action} on ${groupId}: ${step} failed: ${code && code !== "Error" ? `${code}: ` : ""}${detail}`,
        {
          cause: err,
        },
      );
    };
}

/** The EC2 error code: the SDK puts it in `name` (and some paths in `Code`). */
function errorCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const { name, Code } = err as { name?: unknown; Code?: unknown };
  if (typeof Code === "string") return Code;
  return typeof name === "string" ? name : undefined;
}
