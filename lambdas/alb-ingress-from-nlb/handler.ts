import { EC2Client } from "@aws-sdk/client-ec2";
import { AWS_CLIENT_CONFIG } from "../shared/aws-clients";
import { loadConfig } from "./config";
import { type AlbIngressResult, runInvocation } from "./run";

// Checked once at load: a bad setting fails the first invocation with a message naming the variable.
const config = loadConfig(process.env);
const ec2 = new EC2Client(AWS_CLIENT_CONFIG);

/**
 * Entry point for `aws_lambda_invocation` with `lifecycle_scope = "CRUD"`: keeps the ALB's security group open to
 * exactly the NLB's private IPs on the listener ports, and closes what it opened when the resource is destroyed.
 */
export async function handler(event: unknown): Promise<AlbIngressResult> {
  return runInvocation(event, { ec2, config });
}
