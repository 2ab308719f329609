/** BundledNodejsFunction bundles a handler at synth, in process, into a file Node loads as Lambda does. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { BundledNodejsFunction, type BundledNodejsFunctionProps, LAMBDA_RUNTIME } from "../../lib/constructs/bundled-nodejs-function";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const ENTRY = join(__dirname, "..", "..", "lambdas", "nlb-target-sync", "handler.ts");

function build(props: Partial<BundledNodejsFunctionProps> = {}): { synth: string; json: TerraformJson } {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  new BundledNodejsFunction(stack, "Sync", {
    functionName: "shop-sync",
    description: "sync",
    entry: ENTRY,
    statements: [{ Sid: "Read", Effect: "Allow", Action: ["ec2:DescribeNetworkInterfaces"], Resource: "*" }],
    environment: { PORTS: "80" },
    ...props,
  });
  const synth = Testing.synth(stack, true);
  return { synth, json: JSON.parse(synth) as TerraformJson };
}

describe("BundledNodejsFunction", () => {
  test("an arm64 function on the current runtime, whose code hash is the bundle's, logging to its own group", () => {
    // WHEN
    const { synth, json } = build();
    // THEN
    const [[groupId]] = resourcesOf(json, "aws_cloudwatch_log_group");
    expect(synth).toHaveResourceWithProperties(LambdaFunction, {
      function_name: "shop-sync",
      runtime: LAMBDA_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      timeout: 30,
      memory_size: 256,
      environment: { variables: { PORTS: "80" } },
      logging_config: { log_format: "Text", log_group: `\${aws_cloudwatch_log_group.${groupId}.name}` },
      depends_on: [`aws_cloudwatch_log_group.${groupId}`],
    });
    const [[, fn]] = resourcesOf(json, "aws_lambda_function");
    expect(String(fn.source_code_hash)).toMatch(/^[0-9A-F]{32,}$/i);
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/lambda/shop-sync", retention_in_days: 30 });
  });

  test("its role may write its own logs, and do what the statements say, nothing more", () => {
    // WHEN
    const { json } = build();
    // THEN
    const [[groupId]] = resourcesOf(json, "aws_cloudwatch_log_group");
    const [[, policy]] = resourcesOf(json, "aws_iam_role_policy");
    expect(JSON.parse(String(policy.policy))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "OwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `\${aws_cloudwatch_log_group.${groupId}.arn}:*`,
        },
        { Sid: "Read", Effect: "Allow", Action: ["ec2:DescribeNetworkInterfaces"], Resource: "*" },
      ],
    });
    const [[, role]] = resourcesOf(json, "aws_iam_role");
    expect(JSON.parse(String(role.assume_role_policy))).toMatchObject({
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
  });

  test("timeout, memory, reserved concurrency and log retention as given", () => {
    // WHEN
    const { synth } = build({ timeoutSeconds: 60, memoryMiB: 512, reservedConcurrency: 1, logRetentionDays: 90 });
    // THEN
    expect(synth).toHaveResourceWithProperties(LambdaFunction, { timeout: 60, memory_size: 512, reserved_concurrent_executions: 1 });
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 90 });
  });

  test("its log group has CloudWatch Logs' own encryption by default, and logKmsKeyArn's key when given", () => {
    const key = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    expect(resourcesOf(build().json, "aws_cloudwatch_log_group")[0][1]).not.toHaveProperty("kms_key_id");
    expect(build({ logKmsKeyArn: key }).synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/lambda/shop-sync",
      kms_key_id: key,
      retention_in_days: 30,
    });
  });

  test("refuses an entry file that does not exist, naming the path", () => {
    // WHEN / THEN
    expect(() => build({ entry: "/nowhere/handler.ts" })).toThrow(
      /BundledNodejsFunction test\/Sync: no entry file at \/nowhere\/handler\.ts/,
    );
  });
});

describe("the bundles", () => {
  // GIVEN the two handlers bundled as a synth bundles them
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  const bundles = ["nlb-target-sync", "alb-ingress-from-nlb"].map(
    (name) =>
      [
        name,
        new BundledNodejsFunction(stack, name, {
          functionName: name,
          description: name,
          entry: join(__dirname, "..", "..", "lambdas", name, "handler.ts"),
          statements: [],
          environment: {},
        }).bundleFile,
      ] as const,
  );

  test.each(bundles)("%s loads in Node and exports handler, with the AWS SDK left to the runtime", (_name, file) => {
    // WHEN the bundle is evaluated with valid environment variables and the SDK resolvable
    const code = readFileSync(file, "utf8");
    const env = {
      TARGET_GROUP_ARN: "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/shop-bridge/0123456789abcdef",
      ALB_ENI_DESCRIPTION: "ELB app/shop-alb/0123456789abcdef",
      TARGET_PORT: "80",
      STATE_PARAMETER_NAME: "/shop/alb-bridge/sync-state",
      NLB_ENI_DESCRIPTION: "ELB net/shop-nlb/0123456789abcdef",
      SECURITY_GROUP_ID: "sg-0123456789abcdef0",
      PORTS: "80",
      AWS_REGION: "eu-west-2",
    };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const mod = { exports: {} as Record<string, unknown> };
    try {
      // The bundle as Node runs a CommonJS module: a function of require, module and exports, here
      // compiled in the test's own context so that it reads the process.env set above.
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluating the built bundle is what this test is for
      const run = new Function("require", "module", "exports", code) as (req: NodeJS.Require, m: typeof mod, e: typeof mod.exports) => void;
      run(createRequire(join(__dirname, "..", "..", "package.json")), mod, mod.exports);
    } finally {
      process.env = saved;
    }
    // THEN
    expect(typeof mod.exports.handler).toBe("function");
    expect(code).toMatch(/require\("@aws-sdk\/client-ec2"\)/);
    expect(code.length).toBeLessThan(50_000);
  });
});
