import { Apigatewayv2ApiMapping } from "@cdktf/provider-aws/lib/apigatewayv2-api-mapping";
import { Apigatewayv2DomainName } from "@cdktf/provider-aws/lib/apigatewayv2-domain-name";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { TerraformStack, Testing } from "cdktf";
import { makeUniqueId } from "cdktf/lib/private/unique";
import { Construct } from "constructs";
import { HttpApiCustomDomain, type HttpApiCustomDomainProps } from "../../lib/constructs/http-api-custom-domain";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const CERTIFICATE = "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d";

/** The logical id, part of the Terraform address, of a resource at a construct path in the stack. */
const idAt = (path: string): string => makeUniqueId(path.split("/"));
/** Logical ids of the resources of one type. */
const idsOf = (json: TerraformJson, type: string): string[] => resourcesOf(json, type).map(([id]) => id);

function build(props: Partial<HttpApiCustomDomainProps> = {}): { synth: string; json: TerraformJson; domain: HttpApiCustomDomain } {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const domain = new HttpApiCustomDomain(new Construct(stack, "HttpApi"), {
    domainName: "mobile.example.com",
    certificateArn: CERTIFICATE,
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    basePath: "v2",
    apiId: "a1b2c3d4e5",
    stageId: "stage-id",
    ...props,
  });
  const synth = Testing.synth(stack, true);
  return { synth, json: JSON.parse(synth) as TerraformJson, domain };
}

describe("HttpApiCustomDomain", () => {
  test("a regional TLS 1.2 domain, the stage mapped under the base path, and an alias record to the domain", () => {
    // WHEN
    const { synth, domain } = build();
    // THEN
    const domainId = idAt("HttpApi/DomainName");
    expect(synth).toHaveResourceWithProperties(Apigatewayv2DomainName, {
      domain_name: "mobile.example.com",
      domain_name_configuration: { certificate_arn: CERTIFICATE, endpoint_type: "REGIONAL", security_policy: "TLS_1_2" },
    });
    expect(synth).toHaveResourceWithProperties(Apigatewayv2ApiMapping, {
      api_id: "a1b2c3d4e5",
      stage: "stage-id",
      api_mapping_key: "v2",
      domain_name: `\${aws_apigatewayv2_domain_name.${domainId}.id}`,
    });
    expect(synth).toHaveResourceWithProperties(Route53Record, {
      zone_id: "Z0123456789ABCDEFGHIJ",
      name: "mobile.example.com",
      type: "A",
      alias: {
        name: `\${aws_apigatewayv2_domain_name.${domainId}.domain_name_configuration[0].target_domain_name}`,
        zone_id: `\${aws_apigatewayv2_domain_name.${domainId}.domain_name_configuration[0].hosted_zone_id}`,
        evaluate_target_health: false,
      },
    });
    expect(domain.url).toBe("https://mobile.example.com/v2");
  });

  test("without a base path the stage is at the root, and so is the URL", () => {
    // WHEN
    const { json, domain } = build({ basePath: undefined });
    // THEN
    expect(json.resource["aws_apigatewayv2_api_mapping"][idAt("HttpApi/ApiMapping")]).not.toHaveProperty("api_mapping_key");
    expect(domain.url).toBe("https://mobile.example.com");
  });

  test("its resources are created in the scope, at the addresses PrivateHttpApi gave them inline", () => {
    // WHEN
    const { json } = build();
    // THEN
    expect(idsOf(json, "aws_apigatewayv2_domain_name")).toEqual([idAt("HttpApi/DomainName")]);
    expect(idsOf(json, "aws_apigatewayv2_api_mapping")).toEqual([idAt("HttpApi/ApiMapping")]);
    expect(idsOf(json, "aws_route53_record")).toEqual([idAt("HttpApi/DomainAlias")]);
  });
});
