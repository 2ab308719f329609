import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { ALB_LOG_ABORT_INCOMPLETE_UPLOAD_DAYS, DEFAULT_ALB_LOG_EXPIRATION_DAYS } from "../core/defaults";
import { elbLogDeliveryPrincipal } from "../core/elb-log-delivery";
import { partitionOf } from "../model/names";

export { ALB_LOG_ABORT_INCOMPLETE_UPLOAD_DAYS, DEFAULT_ALB_LOG_EXPIRATION_DAYS } from "../core/defaults";

export interface AlbLogBucketProps {
  /**
   * Start of the bucket's name (at most 37 characters): bucket names are global, so Terraform
   * completes it with a unique suffix, and nothing has to look the account up.
   */
  readonly bucketPrefix: string;
  /** The region of the bucket and of the load balancers that write to it: it decides who delivers the logs. */
  readonly region: string;
  /** The account whose load balancers write here: the `AWSLogs/<account>/` part of every log file's key. */
  readonly accountId: string;
  /** The load balancers' log prefix (their `access_logs` and `connection_logs` prefix), without slashes at either end. */
  readonly logPrefix: string;
  /**
   * Days a log file is kept.
   * @default 90
   */
  readonly expireAfterDays?: number;
}

/**
 * An S3 bucket for Application Load Balancer access and connection logs, hardened as a security
 * reviewer asks: public access blocked (all four settings), ACLs off (BucketOwnerEnforced),
 * encrypted with S3-managed keys (SSE-S3: the only encryption ELB log delivery supports, so no
 * KMS key), a policy that refuses any request without TLS and lets only the region's Elastic Load
 * Balancing log delivery put objects, and only under `<logPrefix>/AWSLogs/<accountId>/`, and a
 * lifecycle that expires the logs and cleans up uploads that never completed.
 *
 * No `force_destroy`: a bucket that holds logs is not deleted with them by a destroy. Empty it
 * first (docs/load-balancers.md). Load balancers that log here should depend on `policy`: ELB
 * checks that it may write when logging is turned on.
 */
export class AlbLogBucket extends Construct {
  /** The bucket's name (known after apply), for the load balancers' `access_logs` and `connection_logs`. */
  public readonly bucketName: string;
  public readonly bucketArn: string;
  /** The bucket policy that lets log delivery write: a load balancer that logs here must be created after it. */
  public readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: AlbLogBucketProps) {
    super(scope, id);
    const bucket = new S3Bucket(this, "Resource", { bucketPrefix: props.bucketPrefix });
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;

    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "OwnershipControls", {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: bucket.id,
      rule: [
        {
          id: "expire-logs",
          status: "Enabled",
          filter: [{}],
          expiration: [{ days: props.expireAfterDays ?? DEFAULT_ALB_LOG_EXPIRATION_DAYS }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ALB_LOG_ABORT_INCOMPLETE_UPLOAD_DAYS }],
        },
      ],
    });
    this.policy = new S3BucketPolicy(this, "Policy", {
      bucket: bucket.id,
      // jsonencode, not a JSON string: the account is an expression (a split of an ARN), with quotes of its own.
      policy: Fn.jsonencode(albLogBucketPolicy(bucket.arn, props)),
      // S3 refuses a policy put while the public access block is being set on the same bucket.
      dependsOn: [publicAccessBlock],
    });
  }
}

/**
 * The log bucket's policy: no request without TLS, from anyone; `s3:PutObject` for the region's
 * ELB log delivery, under the prefix and the account only (AWS's "Attach a policy to your S3
 * bucket" for Application Load Balancer access logs, which connection logs share).
 */
export function albLogBucketPolicy(
  bucketArn: string,
  props: Pick<AlbLogBucketProps, "region" | "accountId" | "logPrefix">,
): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyRequestsWithoutTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "ElbLogDelivery",
        Effect: "Allow",
        Principal: elbLogDeliveryPrincipal(props.region, partitionOf(props.region)),
        Action: "s3:PutObject",
        Resource: `${bucketArn}/${props.logPrefix}/AWSLogs/${props.accountId}/*`,
      },
    ],
  };
}
