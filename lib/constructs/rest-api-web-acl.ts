import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Wafv2WebAcl, type Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { DEFAULT_LOG_RETENTION_DAYS, DEFAULT_WEB_ACL_RATE_LIMIT, WEB_ACL_MANAGED_RULE_GROUPS } from "../core/defaults";
import type { LogGroupOptions, WebAclManagedRuleGroup, WebAclOptions } from "../core/types";
import { webAclLogGroupName, webAclName } from "../model/names";

export { DEFAULT_WEB_ACL_RATE_LIMIT, WEB_ACL_MANAGED_RULE_GROUPS } from "../core/defaults";

/**
 * Request headers the web ACL's logs never hold: SigV4 signatures and bearer tokens
 * (`authorization`) and API keys (`x-api-key`). AWS WAF takes header names in lower case.
 */
export const WEB_ACL_REDACTED_HEADERS = ["authorization", "x-api-key"] as const;

/** Name of the web ACL's rate-based rule (and of its CloudWatch metric). */
export const RATE_LIMIT_RULE_NAME = "RateLimitPerClientIp";

export interface RestApiWebAclProps {
  /** Prefix of the web ACL's name (`<name>-api`) and of its log group's (`aws-waf-logs-<name>`). */
  readonly name: string;
  /** ARN of the REST API stage to protect (`aws_api_gateway_stage.arn`). */
  readonly stageArn: string;
  /**
   * A web ACL of its own, or an existing one by ARN.
   * @default - { mode: "create" }: a web ACL of its own, rate limit 2000 per client IP and 5 minutes
   */
  readonly webAcl?: Exclude<WebAclOptions, { mode: "none" }>;
  /**
   * KMS key and retention of the web ACL's log group (`create` only).
   * @default - CloudWatch Logs' own encryption, 30 days
   */
  readonly logs?: LogGroupOptions;
}

/**
 * AWS WAF in front of a REST API stage. With `create` (the default): a regional web ACL that allows
 * what no rule blocks, with the AWS managed rule groups of WEB_ACL_MANAGED_RULE_GROUPS (IP reputation,
 * core rule set, known bad inputs including Log4j) and a rate-based rule that blocks a client IP past
 * `rateLimit` requests in 5 minutes; metrics and sampled requests for the ACL and each rule; its logs
 * in a log group named as AWS WAF requires (`aws-waf-logs-...`), without the Authorization and
 * X-API-Key headers; and its association with the stage. With `existing`: only the association.
 *
 * Construct ids (Terraform addresses): `Resource` (the web ACL), `Logs`, `Logging`, `Association`.
 */
export class RestApiWebAcl extends Construct {
  /** ARN of the web ACL the stage is associated with. */
  public readonly webAclArn: string;
  /** The web ACL, with `create`. */
  public readonly webAcl?: Wafv2WebAcl;
  /** Its log group, with `create`. */
  public readonly logGroup?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: RestApiWebAclProps) {
    super(scope, id);
    const options = props.webAcl ?? { mode: "create" };
    if (options.mode === "existing") {
      this.webAclArn = options.arn;
    } else {
      const aclName = webAclName(props.name);
      const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });
      const managed = (group: WebAclManagedRuleGroup, priority: number): Wafv2WebAclRule => {
        const count = options.countRules?.[group] ?? [];
        return {
          name: group,
          priority,
          // The group's own actions (block), except the rules listed to count.
          overrideAction: { none: {} },
          // The statement is untyped in the provider bindings: Terraform's own block names.
          statement: {
            managed_rule_group_statement: {
              vendor_name: "AWS",
              name: group,
              ...(count.length > 0 ? { rule_action_override: count.map((rule) => ({ name: rule, action_to_use: { count: {} } })) } : {}),
            },
          },
          visibilityConfig: visibility(group),
        };
      };
      const [ipReputation, commonRuleSet, knownBadInputs] = WEB_ACL_MANAGED_RULE_GROUPS;
      const acl = new Wafv2WebAcl(this, "Resource", {
        name: aclName,
        description: `Baseline for the ${props.name} REST API: AWS managed rules and a rate limit per client IP`,
        scope: "REGIONAL",
        defaultAction: { allow: {} },
        rule: [
          managed(ipReputation, 0),
          {
            name: RATE_LIMIT_RULE_NAME,
            priority: 1,
            action: { block: {} },
            statement: {
              rate_based_statement: {
                limit: options.rateLimit ?? DEFAULT_WEB_ACL_RATE_LIMIT,
                aggregate_key_type: "IP",
                evaluation_window_sec: 300,
              },
            },
            visibilityConfig: visibility(RATE_LIMIT_RULE_NAME),
          },
          managed(commonRuleSet, 2),
          managed(knownBadInputs, 3),
        ],
        visibilityConfig: visibility(aclName),
      });
      const logGroup = new CloudwatchLogGroup(this, "Logs", {
        name: webAclLogGroupName(props.name),
        retentionInDays: props.logs?.retentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
        kmsKeyId: props.logs?.kmsKeyArn,
      });
      new Wafv2WebAclLoggingConfiguration(this, "Logging", {
        resourceArn: acl.arn,
        logDestinationConfigs: [logGroup.arn],
        redactedFields: WEB_ACL_REDACTED_HEADERS.map((name) => ({ singleHeader: { name } })),
      });
      const counting = Object.entries(options.countRules ?? {}).flatMap(([group, rules]) => rules.map((rule) => `${group}/${rule}`));
      if (counting.length > 0) {
        Annotations.of(acl).addWarning(
          `Web ACL ${aclName}: ${counting.join(", ")} only count what they match and let it through (countRules). This was chosen explicitly in the config.`,
        );
      }
      this.webAcl = acl;
      this.logGroup = logGroup;
      this.webAclArn = acl.arn;
    }
    new Wafv2WebAclAssociation(this, "Association", { resourceArn: props.stageArn, webAclArn: this.webAclArn });
  }
}
