import { ApiGatewayVpcLink } from "@cdktf/provider-aws/lib/api-gateway-vpc-link";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { makeUniqueId } from "cdktf/lib/private/unique";
import { Construct } from "constructs";
import type { InternalNetworkLoadBalancer } from "../../lib/constructs/internal-network-load-balancer";
import { RestVpcLink, type RestVpcLinkProps } from "../../lib/constructs/rest-vpc-link";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const NLB_ARN = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/net/shop-nlb/0123456789abcdef";
/** The link reads only the NLB's ARN. */
const nlb = { loadBalancerArn: NLB_ARN } as InternalNetworkLoadBalancer;

/** The logical id, part of the Terraform address, of a resource at a construct path in the stack. */
const idAt = (path: string): string => makeUniqueId(path.split("/"));
/** Logical ids of the resources of one type. */
const idsOf = (json: TerraformJson, type: string): string[] => resourcesOf(json, type).map(([id]) => id);

function build(props: Partial<RestVpcLinkProps> = {}): { synth: string; json: TerraformJson; link: RestVpcLink } {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const api = new Construct(stack, "Api");
  const link = new RestVpcLink(api, "VpcLink-2", { vpcLinkName: "shop-nlb-2", loadBalancer: nlb, ...props });
  new TerraformOutput(stack, "vpc_link_id", { value: link.vpcLinkId });
  const synth = Testing.synth(stack, true);
  return { synth, json: JSON.parse(synth) as TerraformJson, link };
}

describe("RestVpcLink", () => {
  test("targets exactly the one NLB, described by default after the link's name", () => {
    // WHEN
    const { synth } = build();
    // THEN
    expect(synth).toHaveResourceWithProperties(ApiGatewayVpcLink, {
      name: "shop-nlb-2",
      target_arns: [NLB_ARN],
      description: "API Gateway to the internal NLB of shop-nlb-2",
    });
  });

  test("takes the description given", () => {
    // WHEN
    const { synth } = build({ description: "partners" });
    // THEN
    expect(synth).toHaveResourceWithProperties(ApiGatewayVpcLink, { description: "partners" });
  });

  test("is created in the scope with the id given, so its address is the one PrivateRestApi gave it inline", () => {
    // WHEN
    const { json, link } = build();
    // THEN
    expect(idsOf(json, "aws_api_gateway_vpc_link")).toEqual([idAt("Api/VpcLink-2")]);
    expect(link.resource.node.path).toBe("test/Api/VpcLink-2");
    expect(json.output?.vpc_link_id.value).toBe(`\${aws_api_gateway_vpc_link.${idAt("Api/VpcLink-2")}.id}`);
  });
});
