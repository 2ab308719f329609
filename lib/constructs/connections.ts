import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import type { GroupRef, SecurityGroupRule } from "../model/connections";
import { moveFromOldId } from "./migrations";

/** One rule: its construct id (part of the Terraform address), ports and description. */
export interface PortRuleSpec {
  /** Construct id of the rule, unique within the holder. */
  readonly id: string;
  readonly fromPort: number;
  /** @default - fromPort */
  readonly toPort?: number;
  readonly description: string;
  /**
   * Replace the rule wider-first: for rules whose range can grow or merge.
   * @default false
   */
  readonly createBeforeDestroy?: boolean;
  /**
   * A construct id (under the same holder) the rule had before: a moved block from its address.
   * @default - none
   */
  readonly movedFromId?: string;
}

/** The other end of a rule: a security group, an address range, or a managed prefix list (a gateway endpoint's). */
export type Peer = { readonly securityGroupId: string } | { readonly cidrIpv4: string } | { readonly prefixListId: string };

/**
 * A security group and the construct its rules are created under (after aws-cdk's
 * `Connections`). Every construct of this package that owns a group exposes it as `connections`;
 * PrivateApiStack creates the rules of its topology (lib/model/connections.ts) through these two
 * methods, one per direction, and nothing else creates a security group rule.
 */
export class Connections {
  constructor(
    /** The construct rules are created under, unless a call names another. */
    public readonly scope: Construct,
    /** Id of the security group. */
    public readonly securityGroupId: string,
  ) {}

  /** Admits `peer` on the rule's ports: an ingress rule on this group. */
  public allowFrom(peer: Peer, rule: PortRuleSpec, holder: Construct = this.scope): VpcSecurityGroupIngressRule {
    return moved(new VpcSecurityGroupIngressRule(holder, rule.id, this.ruleProps(peer, rule)), holder, rule);
  }

  /** Lets this group out to `peer` on the rule's ports: an egress rule on this group. */
  public allowTo(peer: Peer, rule: PortRuleSpec, holder: Construct = this.scope): VpcSecurityGroupEgressRule {
    return moved(new VpcSecurityGroupEgressRule(holder, rule.id, this.ruleProps(peer, rule)), holder, rule);
  }

  private ruleProps(peer: Peer, rule: PortRuleSpec) {
    return {
      securityGroupId: this.securityGroupId,
      description: rule.description,
      ipProtocol: "tcp",
      fromPort: rule.fromPort,
      toPort: rule.toPort ?? rule.fromPort,
      ...("securityGroupId" in peer
        ? { referencedSecurityGroupId: peer.securityGroupId }
        : "prefixListId" in peer
          ? { prefixListId: peer.prefixListId }
          : { cidrIpv4: peer.cidrIpv4 }),
      ...(rule.createBeforeDestroy ? { lifecycle: { createBeforeDestroy: true } } : {}),
    };
  }
}

/** Adds the rule's moved block, from the address its old construct id had under the same holder. */
function moved<T extends TerraformResource>(resource: T, holder: Construct, rule: PortRuleSpec): T {
  if (rule.movedFromId !== undefined) moveFromOldId(resource, holder, rule.movedFromId);
  return resource;
}

/**
 * Creates planned rules (lib/model/connections.ts): each on its group, under the group's
 * `connections` scope, or under `bridge` for the rules the bridge holds. `groupOf` finds the
 * Connections of a group.
 */
export function applySecurityGroupRules(
  rules: readonly SecurityGroupRule[],
  groupOf: (group: GroupRef) => Connections,
  bridge?: Construct,
): void {
  for (const rule of rules) {
    const on = groupOf(rule.group);
    const peer = { securityGroupId: groupOf(rule.peer).securityGroupId };
    let holder = on.scope;
    if (rule.heldBy === "bridge") {
      if (!bridge) throw new Error(`applySecurityGroupRules: rule ${rule.id} is held by the ALB bridge, and there is none`);
      holder = bridge;
    }
    if (rule.direction === "ingress") on.allowFrom(peer, rule, holder);
    else on.allowTo(peer, rule, holder);
  }
}
