import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { ScheduledEvent } from "aws-lambda";
import { AWS_CLIENT_CONFIG } from "../shared/aws-clients";
import { loadConfig } from "./config";
import type { RunSummary } from "./run-log";
import { syncTargets } from "./sync";

// Checked at load time: a misconfigured function fails its first invocation with the variable's name, every time.
const config = loadConfig(process.env);
const clients = {
  ec2: new EC2Client(AWS_CLIENT_CONFIG),
  elb: new ElasticLoadBalancingV2Client(AWS_CLIENT_CONFIG),
  ssm: new SSMClient(AWS_CLIENT_CONFIG),
};

/**
 * Keeps the NLB's ip target group in step with the ALB's private IPs. Runs every minute from an EventBridge schedule,
 * with reserved concurrency 1 so that two runs never work on the same target group and anti-flap state at once
 * (lambdas/README.md says what happens if they still do).
 *
 * Environment: TARGET_GROUP_ARN, ALB_ENI_DESCRIPTION, TARGET_PORT, STATE_PARAMETER_NAME (required);
 * ANTI_FLAP_RUNS (default 3), METRIC_NAMESPACE (default PrivateEcsApi/AlbBridge).
 */
export async function handler(_event: ScheduledEvent): Promise<RunSummary> {
  return syncTargets(clients, config);
}
