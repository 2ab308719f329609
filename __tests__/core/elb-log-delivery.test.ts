import { ELB_LOG_DELIVERY_ACCOUNTS, ELB_LOG_DELIVERY_SERVICE, elbLogDeliveryPrincipal } from "../../lib/core/elb-log-delivery";

test("the regions from before August 2022 have their Elastic Load Balancing account, as AWS lists them", () => {
  // A few of AWS's list ("Attach a policy to your S3 bucket"), read there, not from this table.
  expect(ELB_LOG_DELIVERY_ACCOUNTS).toEqual(
    expect.objectContaining({
      "us-east-1": "127311923021",
      "eu-west-1": "156460612806",
      "eu-west-2": "652711504416",
      "ap-southeast-2": "783225319266",
      "us-gov-west-1": "048591011584",
    }),
  );
  // 26 regions, each a 12-digit account of its own.
  const accounts = Object.values(ELB_LOG_DELIVERY_ACCOUNTS);
  expect(accounts).toHaveLength(26);
  for (const a of accounts) expect(a).toMatch(/^\d{12}$/);
  expect(new Set(accounts).size).toBe(accounts.length);
});

test("an account's root in its partition for those regions, the log delivery service for the others", () => {
  expect(elbLogDeliveryPrincipal("eu-west-2", "aws")).toEqual({ AWS: "arn:aws:iam::652711504416:root" });
  expect(elbLogDeliveryPrincipal("cn-northwest-1", "aws-cn")).toEqual({ AWS: "arn:aws-cn:iam::037604701340:root" });
  expect(elbLogDeliveryPrincipal("ap-southeast-5", "aws")).toEqual({ Service: ELB_LOG_DELIVERY_SERVICE });
  expect(ELB_LOG_DELIVERY_SERVICE).toBe("logdelivery.elasticloadbalancing.amazonaws.com");
});
