import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { apiGatewayCloudWatchRoleName, partitionOf } from "../model/names";

export interface ApiGatewayCloudWatchRoleProps {
  /** Prefix of the role name. */
  readonly name: string;
  readonly region: string;
}

/**
 * The region's API Gateway account setting that REST API access and execution logging require: a
 * role API Gateway assumes to write to CloudWatch Logs. It is one setting per account and region,
 * so only one stack in a region should own it (set `api.cloudWatchRole` to `existing` elsewhere).
 */
export class ApiGatewayCloudWatchRole extends Construct {
  /** The account setting; stages that log must wait for it. */
  public readonly account: ApiGatewayAccount;

  constructor(scope: Construct, id: string, props: ApiGatewayCloudWatchRoleProps) {
    super(scope, id);
    const role = new IamRole(this, "Role", {
      name: apiGatewayCloudWatchRoleName(props.name),
      description: "API Gateway writes REST API access and execution logs to CloudWatch Logs",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    const attachment = new IamRolePolicyAttachment(this, "Policy", {
      role: role.name,
      policyArn: `arn:${partitionOf(props.region)}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
    });
    this.account = new ApiGatewayAccount(this, "Resource", { cloudwatchRoleArn: role.arn, dependsOn: [attachment] });
  }
}
