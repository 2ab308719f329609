import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { AlbLogBucket, type AlbLogBucketProps } from "../../lib/constructs/alb-log-bucket";
import { readPolicyDocument } from "../../lib/policy/iam";
import { objectContaining } from "../helpers/expect";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const PROPS: AlbLogBucketProps = { bucketPrefix: "shop-alb-logs-", region: "eu-west-2", accountId: "123456789012", logPrefix: "shop-alb" };

/** Synthesises one AlbLogBucket, with an output of its name. */
function build(props: Partial<AlbLogBucketProps> = {}): TerraformJson {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: props.region ?? PROPS.region });
  const bucket = new AlbLogBucket(stack, "LogBucket", { ...PROPS, ...props });
  new TerraformOutput(stack, "bucket", { value: bucket.bucketName });
  return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
}

/** The one resource of a type. */
function only(json: TerraformJson, type: string): [string, Record<string, unknown>] {
  const found = resourcesOf(json, type);
  expect(found).toHaveLength(1);
  return found[0];
}

interface Statement {
  Sid: string;
  Effect: string;
  Principal: unknown;
  Action: string;
  Resource: string | string[];
  Condition?: unknown;
}

function statementsOf(json: TerraformJson): Statement[] {
  const [, policy] = only(json, "aws_s3_bucket_policy");
  const read = readPolicyDocument(policy.policy);
  if (!read.ok) throw new Error(read.reason);
  return (read.document as { Statement: Statement[] }).Statement;
}

test("a bucket named by its prefix (S3 names are global), without force_destroy", () => {
  const json = build();
  const [id, bucket] = only(json, "aws_s3_bucket");
  expect(bucket).toEqual(objectContaining({ bucket_prefix: "shop-alb-logs-" }));
  expect(bucket).not.toHaveProperty("bucket");
  expect(bucket).not.toHaveProperty("force_destroy");
  expect(json.output?.bucket.value).toBe(`\${aws_s3_bucket.${id}.bucket}`);
});

test("public access is blocked in all four ways, ACLs are off, and objects are encrypted with SSE-S3", () => {
  const json = build();
  const [id] = only(json, "aws_s3_bucket");
  const ofBucket = { bucket: `\${aws_s3_bucket.${id}.id}` };
  expect(only(json, "aws_s3_bucket_public_access_block")[1]).toEqual(
    objectContaining({
      ...ofBucket,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    }),
  );
  expect(only(json, "aws_s3_bucket_ownership_controls")[1]).toEqual(
    objectContaining({ ...ofBucket, rule: { object_ownership: "BucketOwnerEnforced" } }),
  );
  // ELB log delivery supports SSE-S3 only: no KMS key.
  expect(only(json, "aws_s3_bucket_server_side_encryption_configuration")[1]).toEqual(
    objectContaining({ ...ofBucket, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] }),
  );
});

test("logs expire after 90 days by default, or as given, and incomplete uploads are cleaned up after 7", () => {
  const rule = (json: TerraformJson) => (only(json, "aws_s3_bucket_lifecycle_configuration")[1].rule as Record<string, unknown>[])[0];
  expect(rule(build())).toEqual({
    id: "expire-logs",
    status: "Enabled",
    filter: [{}],
    expiration: [{ days: 90 }],
    abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
  });
  expect(rule(build({ expireAfterDays: 365 })).expiration).toEqual([{ days: 365 }]);
});

test("the policy refuses any request without TLS, on the bucket and its objects", () => {
  const json = build();
  const [id] = only(json, "aws_s3_bucket");
  const deny = statementsOf(json).filter((s) => s.Effect === "Deny");
  expect(deny).toEqual([
    {
      Sid: "DenyRequestsWithoutTls",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [`\${aws_s3_bucket.${id}.arn}`, `\${aws_s3_bucket.${id}.arn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ]);
});

test("the policy lets only the region's ELB log delivery put objects, under the prefix and the account", () => {
  const json = build();
  const [id] = only(json, "aws_s3_bucket");
  const allow = statementsOf(json).filter((s) => s.Effect === "Allow");
  expect(allow).toEqual([
    {
      Sid: "ElbLogDelivery",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::652711504416:root" },
      Action: "s3:PutObject",
      Resource: `\${aws_s3_bucket.${id}.arn}/shop-alb/AWSLogs/123456789012/*`,
    },
  ]);
});

test.each([
  ["us-east-1", { AWS: "arn:aws:iam::127311923021:root" }],
  ["cn-north-1", { AWS: "arn:aws-cn:iam::638102146993:root" }],
  ["us-gov-west-1", { AWS: "arn:aws-us-gov:iam::048591011584:root" }],
  // Regions that opened from August 2022 on use the log delivery service principal.
  ["eu-central-2", { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }],
  ["me-central-1", { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }],
])("in %s log delivery is %j", (region, principal) => {
  const [allow] = statementsOf(build({ region })).filter((s) => s.Effect === "Allow");
  expect(allow.Principal).toEqual(principal);
});

test("the policy is put after the public access block (S3 refuses both at once)", () => {
  const json = build();
  const [blockId] = only(json, "aws_s3_bucket_public_access_block");
  expect(only(json, "aws_s3_bucket_policy")[1].depends_on).toEqual([`aws_s3_bucket_public_access_block.${blockId}`]);
});
