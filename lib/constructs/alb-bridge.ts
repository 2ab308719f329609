import { join } from "node:path";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { LbTargetGroupAttachment } from "@cdktf/provider-aws/lib/lb-target-group-attachment";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import {
  alarmName,
  albIngressFunctionName,
  bridgeTargetGroupName,
  nlbTargetSyncFunctionName,
  partitionOf,
  syncScheduleRuleName,
  syncStateParameterName,
} from "../model/names";
import { BundledNodejsFunction } from "./bundled-nodejs-function";
import { BRIDGE_METRIC_NAMESPACE, DEFAULT_ANTI_FLAP_RUNS, DEFAULT_SYNC_SCHEDULE } from "../core/defaults";
import type { InternalApplicationLoadBalancer } from "./internal-application-load-balancer";
import type { InternalNetworkLoadBalancer } from "./internal-network-load-balancer";

/**
 * Where the Lambda handlers' TypeScript sources live: two levels up, then lambdas/. That is the repo
 * root from lib/constructs/ (tsx, Jest) and the package root from dist/constructs/ (an installed
 * package, which ships lambdas/ as sources; tsconfig.build.json keeps this depth with rootDir lib).
 */
const LAMBDAS_DIR = join(__dirname, "..", "..", "lambdas");

export interface AlbBridgeProps {
  /** Prefix of the names. */
  readonly name: string;
  readonly region: string;
  readonly vpcId: string;
  readonly nlb: InternalNetworkLoadBalancer;
  readonly alb: InternalApplicationLoadBalancer;
  /**
   * `native`: an NLB target group of type `alb`. `lambda`: an IP target group kept in step with the
   * ALB's addresses by two Lambda functions, as in the original AWS design.
   */
  readonly mode: "native" | "lambda";
  /**
   * Name of the bridge's NLB target group.
   * @default - `<name>-bridge`, shortened with a hash past 32 characters (lib/model/names.ts)
   */
  readonly targetGroupName?: string;
  /**
   * `lambda` mode: how often the sync function runs (an EventBridge rate or cron expression).
   * @default "rate(1 minute)"
   */
  readonly syncSchedule?: string;
  /**
   * `lambda` mode: consecutive runs an ALB IP must be missing before it is deregistered.
   * @default 3
   */
  readonly antiFlapRuns?: number;
  /**
   * `lambda` mode: SNS topic the bridge's alarms notify.
   * @default - alarms without actions
   */
  readonly alarmTopicArn?: string;
  /**
   * `lambda` mode: retention of the two functions' log groups, days.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * `lambda` mode: a customer-managed KMS key that encrypts the two functions' log groups (its key
   * policy must let CloudWatch Logs use it: docs/logging.md).
   * @default - CloudWatch Logs' own encryption
   */
  readonly logKmsKeyArn?: string;
}

/** The props that only `lambda` mode reads. */
const LAMBDA_MODE_PROPS = ["syncSchedule", "antiFlapRuns", "alarmTopicArn", "logRetentionDays", "logKmsKeyArn"] as const;

/**
 * The NLB-to-ALB bridge: a listener on the NLB (on the ALB listener's port) whose target group
 * reaches the internal ALB, so that a REST API VPC Link, which can only target an NLB, reaches
 * services routed by the ALB.
 *
 * - `native`: the target group has `target_type = "alb"` and the ALB registered as its target. The
 *   ALB's security group admits the NLB's security group on the listener port. No code runs.
 * - `lambda`: the target group has `target_type = "ip"`. A scheduled function registers the ALB's
 *   current private IPs and deregisters vanished ones (after an anti-flap threshold, never down to
 *   zero); a second function, invoked by Terraform on create, update and delete, keeps the ALB's
 *   security group open to exactly the NLB's private IPs. Alarms fire on function errors, when the
 *   sync finds no ALB address, and when the target group has no healthy target.
 *
 * The security group rules of the bridge (the NLB's egress to the ALB on the port and, in native
 * mode, the ALB's ingress from the NLB, which this construct holds) are part of the stack's
 * connections (lib/model/connections.ts), created with the other rules by `applySecurityGroupRules`.
 */
export class AlbBridge extends Construct {
  /** The NLB listener of the bridge. */
  public readonly listener: LbListener;
  /** The NLB target group that reaches the ALB. */
  public readonly targetGroup: LbTargetGroup;
  /** `lambda` mode: the NLB private IPs the ingress function admitted (an expression, known after apply). */
  public readonly admittedNlbIps?: string;

  constructor(scope: Construct, id: string, props: AlbBridgeProps) {
    super(scope, id);
    if (props.mode === "native") {
      const given = LAMBDA_MODE_PROPS.filter((p) => props[p] !== undefined);
      if (given.length > 0) {
        throw new Error(`AlbBridge "${props.name}": native mode runs no code. Don't supply ${given.join(", ")} unless mode is "lambda".`);
      }
    }
    const { nlb, alb } = props;
    const port = alb.listenerPort;
    const healthCheckProtocol = alb.https ? "HTTPS" : "HTTP";

    const tgName = props.targetGroupName ?? bridgeTargetGroupName(props.name);
    this.targetGroup = new LbTargetGroup(this, "TargetGroup", {
      name: tgName,
      port,
      protocol: "TCP",
      targetType: props.mode === "native" ? "alb" : "ip",
      vpcId: props.vpcId,
      // Any answer from the ALB means it is up: a path no rule matches gets the listener's 404.
      healthCheck: { enabled: true, protocol: healthCheckProtocol, port: "traffic-port", path: "/", matcher: "200-499", interval: 30 },
      tags: { Name: tgName },
    });
    this.listener = new LbListener(this, "Listener", {
      loadBalancerArn: nlb.loadBalancerArn,
      port,
      protocol: "TCP",
      defaultAction: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
      tags: { Service: "alb-bridge" },
    });
    if (props.mode === "native") {
      new LbTargetGroupAttachment(this, "AlbTarget", {
        targetGroupArn: this.targetGroup.arn,
        targetId: alb.loadBalancerArn,
        port,
        // An alb-type target must already have a listener on that port.
        dependsOn: alb.listenerDependables,
      });
      return;
    }
    this.admittedNlbIps = this.lambdaMode(props, port);
  }

  private lambdaMode(props: AlbBridgeProps, port: number): string {
    const { nlb, alb } = props;
    const partition = partitionOf(props.region);

    // Anti-flap counts survive between runs here; Terraform creates it and then leaves it alone.
    const state = new SsmParameter(this, "SyncState", {
      name: syncStateParameterName(props.name),
      description: "nlb-target-sync: consecutive runs each registered ALB IP has been missing",
      type: "String",
      value: JSON.stringify({ missing: {} }),
      lifecycle: { ignoreChanges: ["value"] },
    });

    const logs = { logRetentionDays: props.logRetentionDays, logKmsKeyArn: props.logKmsKeyArn };
    const sync = new BundledNodejsFunction(this, "SyncFunction", {
      ...logs,
      functionName: nlbTargetSyncFunctionName(props.name),
      description: "Keeps the NLB bridge target group equal to the internal ALB's private IPs",
      entry: join(LAMBDAS_DIR, "nlb-target-sync", "handler.ts"),
      environment: {
        TARGET_GROUP_ARN: this.targetGroup.arn,
        ALB_ENI_DESCRIPTION: `ELB ${alb.loadBalancerArnSuffix}`,
        TARGET_PORT: String(port),
        STATE_PARAMETER_NAME: state.name,
        ANTI_FLAP_RUNS: String(props.antiFlapRuns ?? DEFAULT_ANTI_FLAP_RUNS),
        METRIC_NAMESPACE: BRIDGE_METRIC_NAMESPACE,
      },
      // Runs must never overlap: two at once could both act on a stale view.
      reservedConcurrency: 1,
      timeoutSeconds: 50,
      statements: [
        {
          Sid: "DiscoverAndRead",
          Effect: "Allow",
          // Describe calls cannot be scoped to a resource.
          Action: ["ec2:DescribeNetworkInterfaces", "elasticloadbalancing:DescribeTargetHealth"],
          Resource: "*",
        },
        {
          Sid: "ManageBridgeTargets",
          Effect: "Allow",
          Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
          Resource: this.targetGroup.arn,
        },
        { Sid: "AntiFlapState", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:PutParameter"], Resource: state.arn },
      ],
    });
    // A failed run is not retried: the next scheduled one starts from fresh state a minute later,
    // and a retry would count as an extra anti-flap run.
    new LambdaFunctionEventInvokeConfig(this, "SyncNoRetries", { functionName: sync.functionName, maximumRetryAttempts: 0 });
    const schedule = new CloudwatchEventRule(this, "SyncSchedule", {
      name: syncScheduleRuleName(props.name),
      description: "Runs nlb-target-sync",
      scheduleExpression: props.syncSchedule ?? DEFAULT_SYNC_SCHEDULE,
    });
    new CloudwatchEventTarget(this, "SyncScheduleTarget", { rule: schedule.name, arn: sync.functionArn });
    new LambdaPermission(this, "SyncSchedulePermission", {
      statementId: "AllowEventBridgeSchedule",
      action: "lambda:InvokeFunction",
      functionName: sync.functionName,
      principal: "events.amazonaws.com",
      sourceArn: schedule.arn,
    });

    const ingress = new BundledNodejsFunction(this, "IngressFunction", {
      ...logs,
      functionName: albIngressFunctionName(props.name),
      description: "Keeps the internal ALB's security group open to exactly the NLB's private IPs",
      entry: join(LAMBDAS_DIR, "alb-ingress-from-nlb", "handler.ts"),
      environment: {
        NLB_ENI_DESCRIPTION: `ELB ${nlb.loadBalancerArnSuffix}`,
        SECURITY_GROUP_ID: alb.securityGroupId,
        PORTS: String(port),
      },
      timeoutSeconds: 60,
      statements: [
        {
          Sid: "Discover",
          Effect: "Allow",
          Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroupRules"],
          Resource: "*",
        },
        {
          Sid: "ManageAlbIngress",
          Effect: "Allow",
          Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
          Resource: `arn:${partition}:ec2:${props.region}:*:security-group/${alb.securityGroupId}`,
        },
      ],
    });
    const invocation = new LambdaInvocation(this, "IngressReconcile", {
      functionName: ingress.functionName,
      // Changing any of these re-runs the reconciliation; delete revokes what it added.
      input: Fn.jsonencode({ securityGroupId: alb.securityGroupId, ports: [port], nlb: nlb.loadBalancerArnSuffix }),
      lifecycleScope: "CRUD",
      // On destroy its delete (revoke) runs first, while the function still has its permissions.
      // Never create_before_destroy: a replacement's delete would then revoke the new rules.
      dependsOn: [ingress.resource, ingress.policy],
    });

    // Every alarm looks at one-minute periods and notifies the same topic, if any.
    const alarmActions = props.alarmTopicArn ? [props.alarmTopicArn] : undefined;
    const alarm = (id: string, config: Omit<CloudwatchMetricAlarmConfig, "period" | "threshold" | "alarmActions" | "okActions">) =>
      new CloudwatchMetricAlarm(this, id, { ...config, period: 60, threshold: 1, alarmActions, okActions: alarmActions });
    alarm("SyncErrorsAlarm", {
      alarmName: alarmName(props.name, "nlb-target-sync-errors"),
      alarmDescription: "nlb-target-sync failed: the bridge target group may be going stale",
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: sync.functionName },
      statistic: "Sum",
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
    alarm("NoHealthyTargetsAlarm", {
      alarmName: alarmName(props.name, "alb-bridge-no-healthy-targets"),
      alarmDescription: "The NLB bridge target group has no healthy ALB address: routes behind the ALB are down",
      namespace: "AWS/NetworkELB",
      metricName: "HealthyHostCount",
      dimensions: { TargetGroup: this.targetGroup.arnSuffix, LoadBalancer: nlb.loadBalancerArnSuffix },
      statistic: "Minimum",
      evaluationPeriods: 3,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
    });
    alarm("NoAlbIpsAlarm", {
      alarmName: alarmName(props.name, "alb-bridge-no-alb-ips"),
      alarmDescription: "nlb-target-sync finds no ALB address (safety stop: nothing is deregistered, nothing new registered)",
      namespace: BRIDGE_METRIC_NAMESPACE,
      metricName: "AlbIpsFound",
      dimensions: { TargetGroup: this.targetGroup.arnSuffix },
      statistic: "Minimum",
      evaluationPeriods: 3,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
    });
    return Token.asString(Fn.lookup(Fn.jsondecode(invocation.result), "ips", []));
  }
}
