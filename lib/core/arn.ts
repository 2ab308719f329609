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

/** The same check for an ARN of a global service, whose region part is empty (IAM: `arn:aws:iam::123456789012:...`). */
export function globalArnPattern(service: string, resource: string): RegExp {
  return new RegExp(`^arn:aws[a-z-]*:${service}::(\\d{12}|aws):${resource}$`);
}

/**
 * A whole Secrets Manager secret ARN: the name and the 6 characters Secrets Manager appends to it
 * (`db-AbCdEf`); a name alone or a partial ARN without them is refused. ECS accepts a JSON key,
 * version stage and version id after it, as `:<json-key>:<version-stage>:<version-id>` (each may
 * be empty, the colons stay): `...:secret:db-AbCdEf:password::`.
 */
export const SECRETS_MANAGER_SECRET_ARN = arnPattern(
  "secretsmanager",
  "secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}(:[^:\\s]*:[^:\\s]*:[^:\\s]*)?",
);
/** A whole SSM parameter ARN: `arn:aws:ssm:eu-west-2:123456789012:parameter/prod/db-password`. */
export const SSM_PARAMETER_ARN = arnPattern("ssm", "parameter/[A-Za-z0-9_.-][A-Za-z0-9_./-]*");
/** A KMS key ARN (not an alias): `arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`. */
export const KMS_KEY_ARN = arnPattern("kms", "key/[A-Za-z0-9-]+");
/**
 * An AWS WAF web ACL ARN of either scope: `regional/webacl/<name>/<id>`, or `global/webacl/...` for
 * CloudFront (always in us-east-1). The config checks the scope and the region apart, to say which is wrong.
 */
export const WAFV2_WEB_ACL_ARN = arnPattern("wafv2", "(regional|global)/webacl/[A-Za-z0-9_-]{1,128}/[A-Za-z0-9-]{1,128}");
/** A managed IAM policy ARN, AWS's (`arn:aws:iam::aws:policy/ReadOnlyAccess`) or an account's, with or without a path. */
export const IAM_POLICY_ARN = globalArnPattern("iam", "policy/([A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]{1,128}");

/**
 * What makes two managed policy ARNs the same policy: its account (`aws` for AWS managed ones) and
 * its name, whatever its path. The config refuses a policy listed twice by this key, and each
 * attachment's construct id is built from it (lib/model/task-permissions.ts).
 */
export function managedPolicyKey(policyArn: string): string {
  const [, , , , account, resource = ""] = policyArn.split(":");
  const name = resource.slice(resource.lastIndexOf("/") + 1);
  return `${account}-${name}`;
}
