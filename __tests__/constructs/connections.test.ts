import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformStack, Testing } from "cdktf";
import { makeUniqueId } from "cdktf/lib/private/unique";
import { Construct } from "constructs";
import { applySecurityGroupRules, Connections } from "../../lib/constructs/connections";
import type { GroupRef, SecurityGroupRule } from "../../lib/model/connections";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const NLB_GROUP = "sg-0000000000000000a";
const INSTANCES_GROUP = "sg-0000000000000000b";

/** A stack with two groups' Connections, each under a construct of its own, and what `use` adds with them. */
function build(use: (nlb: Connections, instances: Connections, stack: TerraformStack) => void): { synth: string; json: TerraformJson } {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const nlb = new Connections(new Construct(stack, "Nlb"), NLB_GROUP);
  const instances = new Connections(new Construct(stack, "Cluster"), INSTANCES_GROUP);
  use(nlb, instances, stack);
  const synth = Testing.synth(stack, true);
  return { synth, json: JSON.parse(synth) as TerraformJson };
}

describe("Connections", () => {
  test("allowFrom admits a group on a port: one TCP ingress rule on this group, under its scope", () => {
    // WHEN
    const { synth, json } = build((_nlb, instances) =>
      instances.allowFrom({ securityGroupId: NLB_GROUP }, { id: "HostPort-10000", fromPort: 10000, description: "from the NLB" }),
    );
    // THEN
    expect(synth).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      security_group_id: INSTANCES_GROUP,
      referenced_security_group_id: NLB_GROUP,
      ip_protocol: "tcp",
      from_port: 10000,
      to_port: 10000,
      description: "from the NLB",
    });
    expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule").map(([id]) => id)).toEqual([
      makeUniqueId(["Cluster", "HostPort-10000"]),
    ]);
    expect(resourcesOf(json, "aws_vpc_security_group_egress_rule")).toEqual([]);
  });

  test("allowTo lets this group out to a peer: one egress rule on this group, over a range, to an address range", () => {
    // WHEN
    const { synth, json } = build((nlb) =>
      nlb.allowTo({ cidrIpv4: "10.0.0.0/16" }, { id: "ToVpc", fromPort: 10000, toPort: 10049, description: "to the VPC" }),
    );
    // THEN
    expect(synth).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, {
      security_group_id: NLB_GROUP,
      cidr_ipv4: "10.0.0.0/16",
      from_port: 10000,
      to_port: 10049,
    });
    expect(resourcesOf(json, "aws_vpc_security_group_egress_rule")[0][1]).not.toHaveProperty("referenced_security_group_id");
  });

  test("a rule that may grow is replaced wider-first; one with an old id moves from its old address under the holder", () => {
    // WHEN
    const { json } = build((_nlb, instances, stack) => {
      const holder = new Construct(stack, "Bridge");
      instances.allowFrom(
        { securityGroupId: NLB_GROUP },
        { id: "HostPort-dynamic-ports", fromPort: 32768, toPort: 65535, description: "d", createBeforeDestroy: true, movedFromId: "Old" },
        holder,
      );
    });
    // THEN
    const [[id, rule]] = resourcesOf(json, "aws_vpc_security_group_ingress_rule");
    expect(id).toBe(makeUniqueId(["Bridge", "HostPort-dynamic-ports"]));
    expect(rule.lifecycle).toEqual({ create_before_destroy: true });
    expect(json.moved).toEqual([
      {
        from: `aws_vpc_security_group_ingress_rule.${makeUniqueId(["Bridge", "Old"])}`,
        to: `aws_vpc_security_group_ingress_rule.${id}`,
      },
    ]);
  });
});

describe("applySecurityGroupRules", () => {
  const rule = (direction: SecurityGroupRule["direction"], heldBy: SecurityGroupRule["heldBy"]): SecurityGroupRule => ({
    direction,
    group: { kind: "instances" },
    peer: { kind: "nlb", index: 0 },
    fromPort: 10000,
    toPort: 10001,
    id: `${direction}-${heldBy}`,
    heldBy,
    description: "planned",
    createBeforeDestroy: false,
  });

  test("creates each planned rule on its group toward its peer's group, under the owner or the bridge", () => {
    // WHEN
    const { json } = build((nlb, instances, stack) => {
      const groupOf = (group: GroupRef) => (group.kind === "nlb" ? nlb : instances);
      applySecurityGroupRules([rule("ingress", "owner"), rule("egress", "bridge")], groupOf, new Construct(stack, "Bridge"));
    });
    // THEN
    const ingress = resourcesOf(json, "aws_vpc_security_group_ingress_rule");
    const egress = resourcesOf(json, "aws_vpc_security_group_egress_rule");
    expect(ingress.map(([id]) => id)).toEqual([makeUniqueId(["Cluster", "ingress-owner"])]);
    expect(egress.map(([id]) => id)).toEqual([makeUniqueId(["Bridge", "egress-bridge"])]);
    for (const [, r] of [...ingress, ...egress]) {
      expect(r).toMatchObject({
        security_group_id: INSTANCES_GROUP,
        referenced_security_group_id: NLB_GROUP,
        from_port: 10000,
        to_port: 10001,
      });
    }
  });

  test("refuses a rule held by the bridge when there is none, naming the rule", () => {
    // GIVEN
    const stack = new TerraformStack(Testing.app(), "test");
    const connections = new Connections(stack, INSTANCES_GROUP);
    // WHEN / THEN
    expect(() => applySecurityGroupRules([rule("ingress", "bridge")], () => connections)).toThrow(
      /rule ingress-bridge is held by the ALB bridge, and there is none/,
    );
  });
});
