/**
 * Every AWS name the stack gives a resource, in one place. A name that fits its AWS limit is used
 * exactly as it has always been built, so no deployed resource is renamed (and replaced). A name
 * that would not fit is shortened the way aws-cdk's `Names.uniqueResourceName` does it: as much of
 * the readable name as fits, a hyphen, and a stable 8-character hash of the whole name. The same
 * config therefore always gives the same names, two names that differ only past the cut still
 * differ, and a user never has to count characters.
 */
import { createHash } from "node:crypto";
import { shardSuffix } from "./ids";

/** AWS's length limits for the names the stack sets (characters). */
export const AWS_NAME_LIMITS = {
  loadBalancer: 32,
  targetGroup: 32,
  iamRole: 64,
  instanceProfile: 128,
  lambdaFunction: 64,
  eventRule: 64,
  securityGroup: 255,
  alarm: 255,
  logGroup: 512,
  ssmParameter: 1011,
  autoscalingGroup: 255,
  launchTemplatePrefix: 99,
  taskFamily: 255,
  vpcLink: 128,
  apiName: 128,
  capacityProvider: 255,
  scalingPolicy: 256,
  apiKey: 1024,
  /** AWS documents no limit for a usage plan's name; taken as the API key name's. */
  usagePlan: 1024,
  /** An S3 bucket name has at most 63; Terraform appends 26 characters to a `bucket_prefix`. */
  s3BucketPrefix: 37,
  webAcl: 128,
} as const;

/** Characters of the hash a shortened name ends with. */
const HASH_LENGTH = 8;

/**
 * `full` when it fits in `limit` characters; otherwise its head and a hash of all of it, `limit`
 * characters long. The head never ends in a hyphen, so the result keeps AWS's character rules for
 * every name made of letters, digits and hyphens.
 */
export function fitName(full: string, limit: number): string {
  if (full.length <= limit) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, HASH_LENGTH);
  const head = full.slice(0, limit - HASH_LENGTH - 1).replace(/[-_/.]+$/, "");
  return `${head}-${hash}`;
}

const L = AWS_NAME_LIMITS;

/** Name of NLB number `index` (0-based): the first keeps the unsharded name, so growing past one NLB renames nothing. */
export const shardNlbName = (name: string, index: number): string => fitName(`${name}-nlb${shardSuffix(index)}`, L.loadBalancer);
export const nlbName = (name: string): string => shardNlbName(name, 0);
export const targetGroupName = (name: string, hostPort: number): string => fitName(`${name}-tg-${hostPort}`, L.targetGroup);
export const albName = (name: string): string => fitName(`${name}-alb`, L.loadBalancer);
/** Prefix of the name of the bucket an ALB's logs go to: S3 names are global, so Terraform completes it with a unique suffix. */
export const albLogBucketPrefix = (name: string): string => fitName(`${name}-alb-logs-`, L.s3BucketPrefix);
export const albTargetGroupName = (name: string, service: string): string => fitName(`${name}-alb-${service}`, L.targetGroup);
/**
 * Target groups of Fargate tasks (type ip). Named apart from the instance groups of the same port
 * or service, so a service moving from EC2 to Fargate gets a new group beside the old one (the
 * type cannot change in place) while its listener moves over.
 */
export const ipTargetGroupName = (name: string, listenerPort: number): string => fitName(`${name}-ip-${listenerPort}`, L.targetGroup);
export const albIpTargetGroupName = (name: string, service: string): string => fitName(`${name}-albip-${service}`, L.targetGroup);
export const serviceSecurityGroupName = (name: string, service: string): string => fitName(`${name}-${service}-tasks`, L.securityGroup);
export const bridgeTargetGroupName = (name: string): string => fitName(`${name}-bridge`, L.targetGroup);
export const instanceRoleName = (name: string): string => fitName(`${name}-ecs-instance`, L.iamRole);
export const instanceSecurityGroupName = (name: string): string => fitName(`${name}-ecs-instances`, L.securityGroup);
export const autoscalingGroupName = (name: string): string => fitName(`${name}-ecs`, L.autoscalingGroup);
export const launchTemplatePrefix = (name: string): string => fitName(`${name}-ecs-`, L.launchTemplatePrefix);
export const serviceLogGroupName = (name: string, service: string): string => fitName(`/ecs/${name}/${service}`, L.logGroup);
export const taskFamilyName = (name: string, service: string): string => fitName(`${name}-${service}`, L.taskFamily);
/** The role the ECS agent uses for a service's tasks: image pull, logs, secrets. */
export const executionRoleName = (name: string, service: string): string => fitName(`${name}-${service}-execution`, L.iamRole);
/** The role the application in a service's tasks uses. */
export const taskRoleName = (name: string, service: string): string => fitName(`${name}-${service}-task`, L.iamRole);
/** The log group of a created VPC's flow log, and the role VPC Flow Logs writes to it with. */
export const flowLogGroupName = (name: string): string => fitName(`/aws/vpc/${name}/flow-logs`, L.logGroup);
export const flowLogRoleName = (name: string): string => fitName(`${name}-vpc-flow-logs`, L.iamRole);
export const apiGatewayCloudWatchRoleName = (name: string): string => fitName(`${name}-apigw-cloudwatch`, L.iamRole);
export const httpVpcLinkSecurityGroupName = (name: string): string => fitName(`${name}-http-vpc-link`, L.securityGroup);
export const endpointSecurityGroupName = (name: string): string => fitName(`${name}-vpc-endpoints`, L.securityGroup);
/** Name of the REST API VPC link to NLB number `index`. */
export const restVpcLinkName = (name: string, index: number): string =>
  fitName(index === 0 ? name : `${name}-nlb${shardSuffix(index)}`, L.vpcLink);
/** The log group of a REST API stage's access logs. */
export const restAccessLogGroupName = (name: string): string => fitName(`/aws/apigateway/${name}/access`, L.logGroup);
/** The web ACL the stack creates for its REST API stage; also the prefix of its CloudWatch metric names. */
export const webAclName = (name: string): string => fitName(`${name}-api`, L.webAcl);
/** The log group of that web ACL: AWS WAF only logs to CloudWatch Logs groups named aws-waf-logs-... */
export const webAclLogGroupName = (name: string): string => fitName(`aws-waf-logs-${name}`, L.logGroup);
/** The log group of an HTTP API stage's access logs. */
export const httpAccessLogGroupName = (name: string): string => fitName(`/aws/apigateway/${name}-http`, L.logGroup);
/** The log group Lambda writes a function's logs to. Never shortened: a function name has at most 64 characters. */
export const lambdaLogGroupName = (functionName: string): string => fitName(`/aws/lambda/${functionName}`, L.logGroup);
/** A REST API key's name: `<name>-<key name>`. */
export const apiKeyName = (name: string, key: string): string => fitName(`${name}-${key}`, L.apiKey);
/** A REST API usage plan's name: `<name>-<plan name>`. */
export const usagePlanName = (name: string, plan: string): string => fitName(`${name}-${plan}`, L.usagePlan);
export const nlbTargetSyncFunctionName = (name: string): string => fitName(`${name}-nlb-target-sync`, L.lambdaFunction);
export const albIngressFunctionName = (name: string): string => fitName(`${name}-alb-ingress-from-nlb`, L.lambdaFunction);
export const syncScheduleRuleName = (name: string): string => fitName(`${name}-nlb-target-sync`, L.eventRule);
export const syncStateParameterName = (name: string): string => fitName(`/${name}/alb-bridge/sync-state`, L.ssmParameter);
export const alarmName = (name: string, what: string): string => fitName(`${name}-${what}`, L.alarm);
/** ECS refuses capacity provider names that start with "aws", "ecs" or "fargate" (any case): those get a "cp-" in front. */
const RESERVED_CAPACITY_PROVIDER_PREFIX = /^(aws|ecs|fargate)/i;
export const capacityProviderName = (name: string): string => {
  const full = `${name}-capacity`;
  return fitName(RESERVED_CAPACITY_PROVIDER_PREFIX.test(full) ? `cp-${full}` : full, L.capacityProvider);
};
/** An Application Auto Scaling policy of a service: `<name>-<service>-cpu`, `-memory` or `-requests`. */
export const scalingPolicyName = (name: string, service: string, metric: string): string =>
  fitName(`${name}-${service}-${metric}`, L.scalingPolicy);

/** AWS partition of a region, for ARNs of AWS-managed policies. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}
