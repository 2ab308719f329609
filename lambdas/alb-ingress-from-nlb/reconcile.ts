import type { SecurityGroupRule } from "@aws-sdk/client-ec2";

/** An ingress rule on the ALB's security group that this function created (recognised by its description). */
export interface OwnedRule {
  readonly ruleId: string;
  readonly cidr: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly protocol: string;
}

export interface ReconcileInput {
  /** Private IPv4 addresses of the NLB's network interfaces. Empty means "own nothing": every owned rule is revoked. */
  readonly desiredIps: readonly string[];
  /** TCP ports the ALB listens on. */
  readonly ports: readonly number[];
  /** Rules this function owns on the group; rules it does not own must not be passed in. */
  readonly ownedRules: readonly OwnedRule[];
}

/** One TCP rule to add: `ip/32` on `port`. */
export interface IngressGrant {
  readonly ip: string;
  readonly port: number;
}

export interface ReconcilePlan {
  /** Missing (ip, port) pairs, sorted by IP then port. */
  readonly authorize: IngressGrant[];
  /** Security group rule ids of owned rules that no longer match an (ip, port) pair. */
  readonly revoke: string[];
}

/**
 * Decides how to bring the owned rules to exactly one TCP rule `ip/32` for every (NLB IP, port) pair.
 * Pure: no AWS calls, no clock, no environment. An owned rule is kept only if it is that exact rule
 * (tcp, single port in `ports`, `/32` of a desired IP); anything else it owns is revoked.
 */
export function reconcile(input: ReconcileInput): ReconcilePlan {
  const ips = [...new Set(input.desiredIps)].sort();
  const ports = [...new Set(input.ports)].sort((a, b) => a - b);

  const desired = new Map<string, IngressGrant>();
  for (const ip of ips) for (const port of ports) desired.set(ruleKey(`${ip}/32`, port), { ip, port });

  const kept = new Set<string>();
  const revoke: string[] = [];
  for (const rule of input.ownedRules) {
    const key = isTcp(rule.protocol) && rule.fromPort === rule.toPort ? ruleKey(rule.cidr, rule.fromPort) : undefined;
    // A second owned rule for the same pair cannot normally exist (EC2 rejects duplicates); if one does, it goes.
    if (key !== undefined && desired.has(key) && !kept.has(key)) kept.add(key);
    else revoke.push(rule.ruleId);
  }

  const authorize = [...desired].filter(([key]) => !kept.has(key)).map(([, grant]) => grant);
  return { authorize, revoke };
}

/** The description written on every rule this function creates: `<prefix>: NLB <ip>`. */
export function ruleDescription(prefix: string, ip: string): string {
  return `${prefix}: NLB ${ip}`;
}

/**
 * The rules of `securityGroupId` this function owns: IPv4 CIDR ingress rules whose description starts with
 * `<prefix>:` (the form {@link ruleDescription} writes, so a prefix such as `alb-ingress-from-nlb` never claims
 * the rules of a sibling using `alb-ingress-from-nlb-2`). Egress rules and rules that reference a security group
 * or a prefix list are never owned, whatever their description.
 */
export function selectOwnedRules(rules: readonly SecurityGroupRule[], securityGroupId: string, prefix: string): OwnedRule[] {
  const owned: OwnedRule[] = [];
  for (const rule of rules) {
    if (rule.IsEgress !== false) continue;
    if (rule.GroupId !== undefined && rule.GroupId !== securityGroupId) continue;
    if (!rule.Description?.startsWith(`${prefix}:`)) continue;
    if (rule.ReferencedGroupInfo || rule.PrefixListId || rule.CidrIpv6 || !rule.CidrIpv4) continue;
    if (!rule.SecurityGroupRuleId || rule.IpProtocol === undefined) continue;
    owned.push({
      ruleId: rule.SecurityGroupRuleId,
      cidr: rule.CidrIpv4,
      fromPort: rule.FromPort ?? -1,
      toPort: rule.ToPort ?? -1,
      protocol: rule.IpProtocol,
    });
  }
  return owned;
}

function ruleKey(cidr: string, port: number): string {
  return `${cidr}|${port}`;
}

function isTcp(protocol: string): boolean {
  const p = protocol.toLowerCase();
  return p === "tcp" || p === "6";
}
