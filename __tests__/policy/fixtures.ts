/** Inputs the policy tests share. */
import type { PlanJson } from "../../lib/plan/plan-json";

/**
 * A plan that creates one REST stage and no web ACL association, as `terraform show -json` gives it:
 * the stage's `arn` and `web_acl_arn` known only after apply, its configuration with no references.
 */
export function stagePlanWithoutWebAcl(stageId: string): PlanJson {
  const address = `aws_api_gateway_stage.${stageId}`;
  return {
    format_version: "1.2",
    terraform_version: "1.11.4",
    resource_changes: [
      {
        address,
        mode: "managed",
        type: "aws_api_gateway_stage",
        name: stageId,
        change: { actions: ["create"], after: { stage_name: "v1" }, after_unknown: { arn: true, web_acl_arn: true } },
      },
    ],
    configuration: { root_module: { resources: [{ address, mode: "managed", expressions: {} }] } },
  };
}
