/**
 * The one ARN check: an ARN of `service` in a region (shaped as AWS's are: `eu-west-2`,
 * `us-gov-west-1`) and an account, whose resource part matches `resource` (a regular expression
 * source). The whole ARN is checked: Terraform refuses a malformed one only at plan time (a Lambda
 * permission's function_name), and AWS at apply time. Config fields (lib/config/schema.ts) and
 * `adopt` import ids (lib/stacks/state-management.ts) both use it.
 */
export function arnPattern(service: string, resource: string): RegExp {
  return new RegExp(`^arn:aws[a-z-]*:${service}:[a-z]{2}(-[a-z]+){1,2}-\\d:\\d{12}:${resource}$`);
}
