import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { allowAuthorizerInvoke, lambdaAuthorizerUri, type LambdaAuthorizerPermissionProps } from "../../lib/constructs/lambda-authorizer";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const FUNCTION = "arn:aws:lambda:eu-west-2:123456789012:function:authorize";

describe("lambdaAuthorizerUri", () => {
  test("is the Lambda invocation path of API Gateway in the region", () => {
    expect(lambdaAuthorizerUri("eu-west-2", FUNCTION)).toBe(
      `arn:aws:apigateway:eu-west-2:lambda:path/2015-03-31/functions/${FUNCTION}/invocations`,
    );
  });

  test.each([
    ["cn-north-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
  ])("in %s it is in the %s partition", (region, partition) => {
    expect(lambdaAuthorizerUri(region, "f")).toBe(`arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/f/invocations`);
  });
});

describe("allowAuthorizerInvoke", () => {
  function build(props: Partial<LambdaAuthorizerPermissionProps> = {}): { synth: string; json: TerraformJson } {
    const stack = new TerraformStack(Testing.app(), "test");
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    allowAuthorizerInvoke(stack, "AuthorizerInvoke-partners", {
      functionArn: FUNCTION,
      apiExecutionArn: "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5",
      authorizerId: "abc123",
      ...props,
    });
    const synth = Testing.synth(stack, true);
    return { synth, json: JSON.parse(synth) as TerraformJson };
  }

  test("lets API Gateway invoke the function through that one authorizer of that API only", () => {
    // WHEN
    const { synth, json } = build();
    // THEN
    expect(synth).toHaveResourceWithProperties(LambdaPermission, {
      action: "lambda:InvokeFunction",
      function_name: FUNCTION,
      principal: "apigateway.amazonaws.com",
      source_arn: "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5/authorizers/abc123",
    });
    // Terraform generates the statement id unless one is given.
    expect(resourcesOf(json, "aws_lambda_permission")[0][1]).not.toHaveProperty("statement_id");
  });

  test("uses the statement id given", () => {
    // WHEN
    const { synth } = build({ statementId: "AllowPartnersAuthorizer" });
    // THEN
    expect(synth).toHaveResourceWithProperties(LambdaPermission, { statement_id: "AllowPartnersAuthorizer" });
  });
});
