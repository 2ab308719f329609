/**
 * Every AWS name derived from the config, in one place: the constructs use these, and the
 * validation checks their lengths against AWS limits before anything is synthesised.
 */

export const AWS_NAME_LIMITS = {
  loadBalancer: 32,
  targetGroup: 32,
  iamRole: 64,
} as const;

export const nlbName = (name: string): string => `${name}-nlb`;
/** Name of NLB number `index` (0-based): the first keeps the unsharded name, so growing past one NLB renames nothing. */
export const shardNlbName = (name: string, index: number): string => (index === 0 ? nlbName(name) : `${nlbName(name)}-${index + 1}`);
export const targetGroupName = (name: string, hostPort: number): string => `${name}-tg-${hostPort}`;
export const albName = (name: string): string => `${name}-alb`;
export const albTargetGroupName = (name: string, service: string): string => `${name}-alb-${service}`;
export const bridgeTargetGroupName = (name: string): string => `${name}-bridge`;
export const instanceRoleName = (name: string): string => `${name}-ecs-instance`;
export const serviceLogGroupName = (name: string, service: string): string => `/ecs/${name}/${service}`;

/** AWS partition of a region, for ARNs of AWS-managed policies. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}
