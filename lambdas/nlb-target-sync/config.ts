import { DEFAULT_ANTI_FLAP_RUNS } from "./decide";

/** The default CloudWatch namespace of the sync's metrics. */
export const DEFAULT_METRIC_NAMESPACE = "PrivateEcsApi/AlbBridge";

/** Everything one sync needs to know, read from the environment once at load time. */
export interface SyncConfig {
  /** ARN of the NLB's target group of type `ip` (TARGET_GROUP_ARN). */
  readonly targetGroupArn: string;
  /** Description of the ALB's network interfaces, `ELB app/<name>/<id>` (ALB_ENI_DESCRIPTION). */
  readonly albEniDescription: string;
  /** Port the targets are registered on: the ALB listener's port (TARGET_PORT). */
  readonly targetPort: number;
  /** Name of the SSM String parameter that keeps the anti-flap state (STATE_PARAMETER_NAME). */
  readonly stateParameterName: string;
  /** Consecutive runs an IP must be missing before it is deregistered (ANTI_FLAP_RUNS, default 3). */
  readonly antiFlapRuns: number;
  /** CloudWatch namespace of the embedded metrics (METRIC_NAMESPACE, default `PrivateEcsApi/AlbBridge`). */
  readonly metricNamespace: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const TARGET_GROUP_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[^/]+\/[0-9a-f]+$/;
const ALB_ENI_DESCRIPTION = /^ELB app\/[^/]+\/[0-9a-f]+$/;

/** Reads and checks the environment; throws an error naming the first variable that is missing or wrong. */
export function loadConfig(env: Env): SyncConfig {
  const targetGroupArn = required(env, "TARGET_GROUP_ARN", "the ARN of the NLB's ip target group");
  if (!TARGET_GROUP_ARN.test(targetGroupArn)) {
    fail(
      `TARGET_GROUP_ARN must be a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>), got "${targetGroupArn}"`,
    );
  }
  const albEniDescription = required(env, "ALB_ENI_DESCRIPTION", 'the ALB\'s network interface description, "ELB app/<name>/<id>"');
  if (!ALB_ENI_DESCRIPTION.test(albEniDescription)) {
    // Anything else matches no interface, and an empty discovery only ever triggers the safety stop: fail loudly instead.
    fail(`ALB_ENI_DESCRIPTION must be "ELB " followed by the ALB's ARN suffix (ELB app/<name>/<id>), got "${albEniDescription}"`);
  }
  const targetPort = integer(required(env, "TARGET_PORT", "the ALB listener port"), "TARGET_PORT", 1, 65535);
  const stateParameterName = required(env, "STATE_PARAMETER_NAME", "the name of the SSM parameter holding the anti-flap state");
  const antiFlapRuns = env.ANTI_FLAP_RUNS?.trim() ? integer(env.ANTI_FLAP_RUNS, "ANTI_FLAP_RUNS", 1, 1440) : DEFAULT_ANTI_FLAP_RUNS;
  const metricNamespace = env.METRIC_NAMESPACE?.trim() || DEFAULT_METRIC_NAMESPACE;
  if (/^aws\//i.test(metricNamespace)) {
    fail(`METRIC_NAMESPACE must not start with "AWS/", which CloudWatch reserves for AWS services, got "${metricNamespace}"`);
  }
  if (metricNamespace.length > 255) fail(`METRIC_NAMESPACE must be at most 255 characters, got ${metricNamespace.length}`);
  return { targetGroupArn, albEniDescription, targetPort, stateParameterName, antiFlapRuns, metricNamespace };
}

function required(env: Env, name: string, what: string): string {
  const value = env[name]?.trim();
  if (!value) fail(`environment variable ${name} is required (${what})`);
  return value;
}

function integer(value: string, name: string, min: number, max: number): number {
  const n = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) fail(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

function fail(message: string): never {
  throw new Error(`nlb-target-sync: ${message}`);
}
