import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { ApiGatewayCloudWatchRole } from "../../lib/constructs/api-gateway-cloudwatch-role";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

function build(region: string): { synth: string; json: TerraformJson } {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region });
  new ApiGatewayCloudWatchRole(stack, "ApiGatewayAccount", { name: "shop", region });
  const synth = Testing.synth(stack, true);
  return { synth, json: JSON.parse(synth) as TerraformJson };
}

describe("ApiGatewayCloudWatchRole", () => {
  test("a role only API Gateway may assume, with AWS's push-to-CloudWatch-Logs policy", () => {
    // WHEN
    const { synth, json } = build("eu-west-2");
    // THEN
    const [[, role]] = resourcesOf(json, "aws_iam_role");
    expect(role.name).toBe("shop-apigw-cloudwatch");
    expect(JSON.parse(String(role.assume_role_policy))).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    expect(synth).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
    });
  });

  test("the account setting names the role, and waits for the policy to be attached", () => {
    // WHEN
    const { synth, json } = build("eu-west-2");
    // THEN
    const [[roleId]] = resourcesOf(json, "aws_iam_role");
    const [[attachmentId]] = resourcesOf(json, "aws_iam_role_policy_attachment");
    expect(synth).toHaveResourceWithProperties(ApiGatewayAccount, { cloudwatch_role_arn: `\${aws_iam_role.${roleId}.arn}` });
    const [[, account]] = resourcesOf(json, "aws_api_gateway_account");
    expect(account.depends_on).toEqual([`aws_iam_role_policy_attachment.${attachmentId}`]);
  });

  test("the managed policy is in the region's partition", () => {
    // WHEN
    const { synth } = build("cn-north-1");
    // THEN
    expect(synth).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      policy_arn: "arn:aws-cn:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
    });
  });
});
