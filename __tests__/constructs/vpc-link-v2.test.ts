import { Apigatewayv2VpcLink } from "@cdktf/provider-aws/lib/apigatewayv2-vpc-link";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { TerraformStack, Testing } from "cdktf";
import { makeUniqueId } from "cdktf/lib/private/unique";
import { Construct } from "constructs";
import { VpcLinkV2, type VpcLinkV2Props } from "../../lib/constructs/vpc-link-v2";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const PROPS: VpcLinkV2Props = {
  vpcLinkName: "shop-http",
  securityGroupName: "shop-http-vpc-link",
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
};

/** The logical id, part of the Terraform address, of a resource at a construct path in the stack. */
const idAt = (path: string): string => makeUniqueId(path.split("/"));
/** Logical ids of the resources of one type. */
const idsOf = (json: TerraformJson, type: string): string[] => resourcesOf(json, type).map(([id]) => id);

function build(use?: (link: VpcLinkV2) => void): { synth: string; json: TerraformJson } {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const link = new VpcLinkV2(new Construct(stack, "HttpApi"), "VpcLink", PROPS);
  use?.(link);
  const synth = Testing.synth(stack, true);
  return { synth, json: JSON.parse(synth) as TerraformJson };
}

describe("VpcLinkV2", () => {
  test("a VPC link in the given subnets, with its own security group", () => {
    // WHEN
    const { synth, json } = build();
    // THEN
    const [[groupId]] = resourcesOf(json, "aws_security_group");
    expect(synth).toHaveResourceWithProperties(Apigatewayv2VpcLink, {
      name: "shop-http",
      subnet_ids: PROPS.subnetIds,
      security_group_ids: [`\${aws_security_group.${groupId}.id}`],
      tags: { Name: "shop-http" },
    });
    expect(synth).toHaveResourceWithProperties(SecurityGroup, {
      name: "shop-http-vpc-link",
      vpc_id: PROPS.vpcId,
      tags: { Name: "shop-http-vpc-link" },
    });
  });

  test("its group has no rules of its own: none inline, none beside it", () => {
    // WHEN
    const { json } = build();
    // THEN
    const [[, group]] = resourcesOf(json, "aws_security_group");
    expect(group).not.toHaveProperty("ingress");
    expect(group).not.toHaveProperty("egress");
    expect(resourcesOf(json, "aws_vpc_security_group_egress_rule")).toEqual([]);
    expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).toEqual([]);
  });

  test("rules to the load balancers go on its group, under the scope, through connections", () => {
    // WHEN
    const { json } = build((link) =>
      link.connections.allowTo(
        { securityGroupId: "sg-0123456789abcdef0" },
        { id: "EgressToTargets-443", fromPort: 443, description: "to the ALB" },
      ),
    );
    // THEN
    const [[groupId]] = resourcesOf(json, "aws_security_group");
    expect(idsOf(json, "aws_vpc_security_group_egress_rule")).toEqual([idAt("HttpApi/EgressToTargets-443")]);
    expect(json.resource.aws_vpc_security_group_egress_rule[idAt("HttpApi/EgressToTargets-443")]).toMatchObject({
      security_group_id: `\${aws_security_group.${groupId}.id}`,
      referenced_security_group_id: "sg-0123456789abcdef0",
      from_port: 443,
      to_port: 443,
    });
  });

  test("the link and its group are created in the scope, as PrivateHttpApi created them inline", () => {
    // WHEN
    const { json } = build();
    // THEN
    expect(idsOf(json, "aws_apigatewayv2_vpc_link")).toEqual([idAt("HttpApi/VpcLink")]);
    expect(idsOf(json, "aws_security_group")).toEqual([idAt("HttpApi/VpcLinkSecurityGroup")]);
  });

  test("refuses an empty subnet list, naming the link", () => {
    // GIVEN
    const stack = new TerraformStack(Testing.app(), "test");
    // WHEN / THEN
    expect(() => new VpcLinkV2(stack, "VpcLink", { ...PROPS, subnetIds: [] })).toThrow(
      /VpcLinkV2 "shop-http": subnetIds is empty; the VPC link needs at least one subnet/,
    );
  });
});
