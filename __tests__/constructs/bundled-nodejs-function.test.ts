/** BundledNodejsFunction bundles a handler at synth, in process, into a file Node loads as Lambda does. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { BundledNodejsFunction } from "../../lib/constructs/bundled-nodejs-function";

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
