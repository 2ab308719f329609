import {
  ecrImageOf,
  ecsExecutionTrustPolicy,
  ecsTasksTrustPolicy,
  executionRoleStatements,
  managedPolicyAttachmentId,
  secretSourceOf,
} from "../../lib/model/task-permissions";
import { reviewPolicyDocument, reviewTrustPolicy } from "../../lib/policy/iam";

describe("ecrImageOf", () => {
  test.each([
    ["123456789012.dkr.ecr.eu-west-2.amazonaws.com/orders:1.4.2", "arn:aws:ecr:eu-west-2:123456789012:repository/orders"],
    ["123456789012.dkr.ecr.eu-west-2.amazonaws.com/orders", "arn:aws:ecr:eu-west-2:123456789012:repository/orders"],
    [
      "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/team/orders:v2",
      "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/team/orders",
    ],
    ["123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/orders:1", "arn:aws-cn:ecr:cn-north-1:123456789012:repository/orders"],
    ["123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/orders:1", "arn:aws:ecr:us-east-1:123456789012:repository/orders"],
    [
      `123456789012.dkr.ecr.eu-west-2.amazonaws.com/orders@sha256:${"0".repeat(64)}`,
      "arn:aws:ecr:eu-west-2:123456789012:repository/orders",
    ],
  ])("%s is pulled from %s", (image, arn) => {
    expect(ecrImageOf(image)?.repositoryArn).toBe(arn);
  });

  test.each([
    "nginx:1.27",
    "public.ecr.aws/nginx/nginx:1.27",
    "ghcr.io/acme/orders:1",
    "12345678901.dkr.ecr.eu-west-2.amazonaws.com/orders:1",
    "123456789012.dkr.ecr.eu-west-2.amazonaws.com/Orders:1",
    "123456789012.dkr.ecr.eu-west-2.amazonaws.com.evil.example/orders:1",
    "123456789012.dkr.ecr.eu-west-2.amazonaws.com/orders:1@sha256:abc",
  ])("%s is not an ECR image", (image) => {
    expect(ecrImageOf(image)).toBeUndefined();
  });
});

describe("secretSourceOf", () => {
  const secret = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/db-AbCdEf";
  test.each([
    [secret, { kind: "secretsmanager", arn: secret }],
    [`${secret}:password::`, { kind: "secretsmanager", arn: secret }],
    [`${secret}::AWSPREVIOUS:`, { kind: "secretsmanager", arn: secret }],
    [`${secret}:::0123abcd-0123-4567-89ab-0123456789ab`, { kind: "secretsmanager", arn: secret }],
    ["arn:aws:ssm:eu-west-2:123456789012:parameter/prod/db", { kind: "ssm", arn: "arn:aws:ssm:eu-west-2:123456789012:parameter/prod/db" }],
  ])("%s is read from %o", (valueFrom, source) => {
    expect(secretSourceOf(valueFrom)).toEqual(source);
  });

  test.each([
    "prod/db",
    "/prod/db",
    // A partial ARN: the name without the 6 characters Secrets Manager appends.
    "arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/db",
    `${secret}:password`,
    "arn:aws:ssm:eu-west-2:123456789012:parameter//prod/db",
    "arn:aws:ssm:eu-west-2:1234:parameter/prod/db",
    "arn:aws:s3:::bucket/secret",
  ])("%s is refused", (valueFrom) => {
    expect(secretSourceOf(valueFrom)).toBeUndefined();
  });
});

describe("executionRoleStatements", () => {
  const inputs = {
    logGroupArn: "arn:aws:logs:eu-west-2:123456789012:log-group:/ecs/shop/orders",
    image: "123456789012.dkr.ecr.eu-west-2.amazonaws.com/orders:1",
    secrets: {
      A: "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-AbCdEf:user::",
      B: "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-AbCdEf:password::",
      C: "arn:aws:ssm:eu-west-2:123456789012:parameter/c",
    },
    secretsKmsKeyArn: "arn:aws:kms:eu-west-2:123456789012:key/mrk-1",
  };

  test("pass the iam-least-privilege rule of npm run check", () => {
    expect(reviewPolicyDocument({ Statement: executionRoleStatements(inputs) })).toEqual({ problems: [], unreadable: [] });
  });

  test("name a secret read by two JSON keys once", () => {
    expect(executionRoleStatements(inputs).find((s) => s.Sid === "ReadSecrets")?.Resource).toEqual([
      "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-AbCdEf",
    ]);
  });

  test("refuse a value that is no secret or parameter ARN", () => {
    expect(() => executionRoleStatements({ ...inputs, secrets: { A: "db" } })).toThrow(/secret A: "db" is neither/);
  });
});

test("both trust policies name a service principal, never any principal", () => {
  expect(reviewTrustPolicy(ecsTasksTrustPolicy("eu-west-2", "123456789012"))).toEqual([]);
  expect(reviewTrustPolicy(ecsExecutionTrustPolicy())).toEqual([]);
});

describe("managedPolicyAttachmentId", () => {
  test.each([
    ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "ManagedPolicy-aws-AmazonS3ReadOnlyAccess"],
    ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", "ManagedPolicy-aws-AmazonECSTaskExecutionRolePolicy"],
    ["arn:aws:iam::123456789012:policy/teams/orders-reader", "ManagedPolicy-123456789012-orders-reader"],
  ])("%s is attached as %s", (arn, id) => {
    expect(managedPolicyAttachmentId(arn)).toBe(id);
  });

  test("the same name in two accounts gives two ids", () => {
    expect(managedPolicyAttachmentId("arn:aws:iam::111111111111:policy/x")).not.toBe(
      managedPolicyAttachmentId("arn:aws:iam::222222222222:policy/x"),
    );
  });
});
