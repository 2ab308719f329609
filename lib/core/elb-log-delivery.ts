/**
 * Who writes an Application Load Balancer's access and connection logs into S3, by region: the
 * principal a log bucket's policy must allow to `s3:PutObject`.
 *
 * AWS's "Enable access logs for your Application Load Balancer" (step "Attach a policy to your S3
 * bucket") gives two policies. Regions available before August 2022 grant the region's Elastic
 * Load Balancing account (`arn:aws:iam::<elb-account-id>:root`); every region not in that list
 * grants the log delivery service principal `logdelivery.elasticloadbalancing.amazonaws.com`.
 * Connection logs are delivered the same way, under the same prefix.
 *
 * The table is AWS's list of those accounts, the same values as the hashicorp/aws provider's
 * `aws_elb_service_account` data source (a static map in the provider, which answers only for
 * these regions). It is here, not read from that data source, so that the stack needs no data
 * source and the policy shows the principal as it will be.
 */

/** The Elastic Load Balancing account of each region available before August 2022. */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = Object.freeze({
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-south-1": "718504428378",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "ap-northeast-3": "383597477331",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-southeast-3": "589379963580",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-south-1": "635631232127",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  "us-gov-west-1": "048591011584",
  "us-gov-east-1": "190560391635",
  "cn-north-1": "638102146993",
  "cn-northwest-1": "037604701340",
});

/** The log delivery service principal of the regions not in ELB_LOG_DELIVERY_ACCOUNTS. */
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** A bucket policy principal: `{"AWS": "arn:aws:iam::<account>:root"}` or `{"Service": "<principal>"}`. */
export type LogDeliveryPrincipal = { readonly AWS: string } | { readonly Service: string };

/** Who delivers ALB logs in `region` (of `partition`: `aws`, `aws-cn`, `aws-us-gov`). */
export function elbLogDeliveryPrincipal(region: string, partition: string): LogDeliveryPrincipal {
  const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
  return account !== undefined ? { AWS: `arn:${partition}:iam::${account}:root` } : { Service: ELB_LOG_DELIVERY_SERVICE };
}
