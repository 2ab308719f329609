import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import type { Construct } from "constructs";
import { partitionOf } from "../model/names";

/**
 * The invocation URI API Gateway calls a Lambda authorizer function by, the same for REST and
 * HTTP APIs.
 */
export function lambdaAuthorizerUri(region: string, functionArn: string): string {
  return `arn:${partitionOf(region)}:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}

export interface LambdaAuthorizerPermissionProps {
  /** ARN of the authorizer function. */
  readonly functionArn: string;
  /** Execution ARN of the API (REST or HTTP). */
  readonly apiExecutionArn: string;
  /** Id of the API's authorizer that invokes the function. */
  readonly authorizerId: string;
  /**
   * Statement id of the permission in the function's policy.
   * @default - one Terraform generates
   */
  readonly statementId?: string;
}

/**
 * Lets API Gateway invoke a Lambda authorizer function, and only through that one authorizer of
 * that API. Both APIs call this, each with its own construct id (part of the Terraform address):
 * `AuthorizerInvoke-<name>` (REST), `AuthorizerPermission-<name>` (HTTP).
 */
export function allowAuthorizerInvoke(scope: Construct, id: string, props: LambdaAuthorizerPermissionProps): LambdaPermission {
  return new LambdaPermission(scope, id, {
    statementId: props.statementId,
    action: "lambda:InvokeFunction",
    functionName: props.functionArn,
    principal: "apigateway.amazonaws.com",
    sourceArn: `${props.apiExecutionArn}/authorizers/${props.authorizerId}`,
  });
}
