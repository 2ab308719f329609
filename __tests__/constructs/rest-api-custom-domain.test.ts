import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { TerraformStack, Testing } from "cdktf";
import { makeUniqueId } from "cdktf/lib/private/unique";
import { RestApiCustomDomain, type RestApiCustomDomainProps } from "../../lib/constructs/rest-api-custom-domain";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const CERTIFICATE = "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d";

/** The logical id, part of the Terraform address, of a resource at a construct path in the stack. */
const idAt = (path: string): string => makeUniqueId(path.split("/"));
/** Logical ids of the resources of one type. */
const idsOf = (json: TerraformJson, type: string): string[] => resourcesOf(json, type).map(([id]) => id);

function build(props: Partial<RestApiCustomDomainProps> = {}): { synth: string; json: TerraformJson; domain: RestApiCustomDomain } {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const domain = new RestApiCustomDomain(stack, "CustomDomain", {
    domainName: "partners.example.com",
    certificateArn: CERTIFICATE,
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    basePath: "v1",
    restApiId: "a1b2c3d4e5",
    stageName: "v1",
    ...props,
  });
  const synth = Testing.synth(stack, true);
  return { synth, json: JSON.parse(synth) as TerraformJson, domain };
}

describe("RestApiCustomDomain", () => {
  test("a regional TLS 1.2 domain, a base path mapping of the stage, and an alias record to the regional name", () => {
    // WHEN
    const { synth, domain } = build();
    // THEN
    const domainId = idAt("CustomDomain/Resource");
    expect(synth).toHaveResourceWithProperties(ApiGatewayDomainName, {
      domain_name: "partners.example.com",
      regional_certificate_arn: CERTIFICATE,
      endpoint_configuration: { types: ["REGIONAL"] },
      security_policy: "TLS_1_2",
    });
    expect(synth).toHaveResourceWithProperties(ApiGatewayBasePathMapping, {
      api_id: "a1b2c3d4e5",
      stage_name: "v1",
      base_path: "v1",
      domain_name: `\${aws_api_gateway_domain_name.${domainId}.domain_name}`,
    });
    expect(synth).toHaveResourceWithProperties(Route53Record, {
      zone_id: "Z0123456789ABCDEFGHIJ",
      name: "partners.example.com",
      type: "A",
      alias: {
        name: `\${aws_api_gateway_domain_name.${domainId}.regional_domain_name}`,
        zone_id: `\${aws_api_gateway_domain_name.${domainId}.regional_zone_id}`,
        evaluate_target_health: false,
      },
    });
    expect(domain.url).toBe("https://partners.example.com/v1");
  });

  test("without a base path the stage is mapped at the root", () => {
    // WHEN
    const { json, domain } = build({ basePath: undefined });
    // THEN
    expect(json.resource["aws_api_gateway_base_path_mapping"][idAt("CustomDomain/Mapping")]).not.toHaveProperty("base_path");
    expect(domain.url).toBe("https://partners.example.com/");
  });

  test("the domain is the construct's Resource; the mapping and the alias are beside it", () => {
    // WHEN
    const { json } = build();
    // THEN
    expect(idsOf(json, "aws_api_gateway_domain_name")).toEqual([idAt("CustomDomain/Resource")]);
    expect(idsOf(json, "aws_api_gateway_base_path_mapping")).toEqual([idAt("CustomDomain/Mapping")]);
    expect(idsOf(json, "aws_route53_record")).toEqual([idAt("CustomDomain/Alias")]);
  });
});
