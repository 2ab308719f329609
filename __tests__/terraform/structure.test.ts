import { structuralViolations } from "../helpers/structure";
import type { TerraformJson } from "../helpers/synth";

// The structural check guards every example; prove that it catches what it claims to.
describe("structuralViolations", () => {
  test("flags an internet-facing load balancer, open ingress, a direct integration and an open method", () => {
    // GIVEN
    const json: TerraformJson = {
      resource: {
        aws_lb: { public: { internal: false } },
        aws_vpc_security_group_ingress_rule: { world: { cidr_ipv4: "0.0.0.0/0" }, world6: { cidr_ipv6: "::/0" } },
        aws_security_group: { inline: { ingress: [{ cidr_blocks: ["0.0.0.0/0"] }] } },
        aws_api_gateway_integration: { direct: { type: "HTTP_PROXY", connection_type: "INTERNET" } },
        aws_api_gateway_method: { open: { authorization: "NONE" }, optedOut: { authorization: "NONE" } },
        aws_launch_template: { lt: {} },
        aws_subnet: { pub: { map_public_ip_on_launch: true } },
        aws_internet_gateway: { igw: {} },
      },
    };
    // WHEN
    const found = structuralViolations(json, new Set(["aws_api_gateway_method.optedOut"]));
    // THEN
    expect(found).toEqual([
      "aws_lb.public is not internal",
      "aws_vpc_security_group_ingress_rule.world admits the whole internet",
      "aws_vpc_security_group_ingress_rule.world6 admits the whole internet",
      "aws_security_group.inline has an inline ingress from the whole internet",
      "aws_api_gateway_integration.direct is an HTTP integration that does not go through the VPC link",
      "aws_api_gateway_method.open has authorization NONE",
      "aws_launch_template.lt may give instances a public IP",
      "aws_subnet.pub maps public IPs on launch",
      "aws_internet_gateway.igw should not exist",
    ]);
  });
});
