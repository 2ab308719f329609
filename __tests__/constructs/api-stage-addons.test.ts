import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { makeUniqueId } from "cdktf/lib/private/unique";
import { Construct } from "constructs";
import { addStageAlarms, addStageCustomDomain, type PrivateApi } from "../../lib/constructs/api-stage-addons";
import type { PrivateHttpApi } from "../../lib/constructs/private-http-api";
import type { PrivateRestApi } from "../../lib/constructs/private-rest-api";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const DOMAIN = {
  domainName: "api.example.com",
  certificateArn: "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d",
  hostedZoneId: "Z0123456789ABCDEFGHIJ",
  basePath: "v1",
};

// The add-ons read only these fields of an API, so each API is a stand-in with them; the HTTP
// API's is a construct, as the add-ons create its alarms and domain under it.
const restApi = (): PrivateRestApi =>
  ({ apiType: "rest", restApiId: "r1s2t3", restApiName: "shop-api", stageName: "v1" }) as PrivateRestApi;
const httpApi = (stack: TerraformStack): PrivateHttpApi =>
  Object.assign(new Construct(stack, "HttpApi"), {
    apiType: "http" as const,
    apiId: "h1t2p3",
    stageName: "$default",
    stageId: "stage-id",
  }) as unknown as PrivateHttpApi;

/** Adds alarms and a custom domain to the API `make` gives, as PrivateApiStack does. */
function build(make: (stack: TerraformStack) => PrivateApi): { json: TerraformJson; url: string } {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const api = make(stack);
  addStageAlarms(stack, "shop", api, { p99LatencyMs: 1000 });
  const url = addStageCustomDomain(stack, api, DOMAIN);
  return { json: JSON.parse(Testing.synth(stack, true)) as TerraformJson, url };
}

const idsOf = (json: TerraformJson, type: string): string[] => resourcesOf(json, type).map(([id]) => id);

describe("on a REST API", () => {
  // GIVEN a REST API, WHEN alarms and a custom domain are added to its stage
  const { json, url } = build(restApi);

  test("the alarms and the domain are siblings of the API: ApiAlarms and CustomDomain", () => {
    expect(idsOf(json, "aws_cloudwatch_metric_alarm").sort()).toEqual(
      [makeUniqueId(["ApiAlarms", "ServerErrorRate"]), makeUniqueId(["ApiAlarms", "P99Latency"])].sort(),
    );
    expect(idsOf(json, "aws_api_gateway_domain_name")).toEqual([makeUniqueId(["CustomDomain", "Resource"])]);
    expect(idsOf(json, "aws_apigatewayv2_domain_name")).toEqual([]);
  });

  test("the alarms watch the API by name and stage, with the options given", () => {
    for (const [, alarm] of resourcesOf(json, "aws_cloudwatch_metric_alarm")) {
      expect(alarm.dimensions).toEqual({ ApiName: "shop-api", Stage: "v1" });
    }
    expect(resourcesOf(json, "aws_cloudwatch_metric_alarm").map(([, a]) => a.threshold)).toContain(1000);
  });

  test("the domain maps the API's stage, and its URL is returned", () => {
    expect(resourcesOf(json, "aws_api_gateway_base_path_mapping")[0][1]).toMatchObject({
      api_id: "r1s2t3",
      stage_name: "v1",
      base_path: "v1",
    });
    expect(url).toBe("https://api.example.com/v1");
  });
});

describe("on an HTTP API", () => {
  // GIVEN an HTTP API, WHEN alarms and a custom domain are added to its stage
  const { json, url } = build(httpApi);

  test("the alarms and the domain are children of the API: HttpApi/Alarms and HttpApi/DomainName", () => {
    expect(idsOf(json, "aws_cloudwatch_metric_alarm").sort()).toEqual(
      [makeUniqueId(["HttpApi", "Alarms", "ServerErrorRate"]), makeUniqueId(["HttpApi", "Alarms", "P99Latency"])].sort(),
    );
    expect(idsOf(json, "aws_apigatewayv2_domain_name")).toEqual([makeUniqueId(["HttpApi", "DomainName"])]);
    expect(idsOf(json, "aws_api_gateway_domain_name")).toEqual([]);
  });

  test("the alarms watch the API by id and stage; the domain maps the stage by id", () => {
    for (const [, alarm] of resourcesOf(json, "aws_cloudwatch_metric_alarm")) {
      expect(alarm.dimensions).toEqual({ ApiId: "h1t2p3", Stage: "$default" });
    }
    expect(resourcesOf(json, "aws_apigatewayv2_api_mapping")[0][1]).toMatchObject({
      api_id: "h1t2p3",
      stage: "stage-id",
      api_mapping_key: "v1",
    });
    expect(url).toBe("https://api.example.com/v1");
  });
});
