/**
 * `npm run check` (scripts/check.ts) as users run it: through tsx, in a scratch working directory,
 * on synthesised stacks, a plan file and garbage.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../../lib/config/default-config";
import { assignNlbShards } from "../../lib/model/shards";
import { renderLedger } from "../../lib/entry/ledger-file";
import { RULE_REFERENCES, referencesText } from "../../lib/policy";
import { configWithServices, exampleConfig } from "../helpers/fixtures";
import { resourcesOf, synthToTemp } from "../helpers/synth";
import { stagePlanWithoutWebAcl } from "./fixtures";

const root = join(__dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
const script = join(root, "scripts", "check.ts");

function check(args: string[], cwd = mkdtempSync(join(tmpdir(), "check-cwd-")), extraEnv: NodeJS.ProcessEnv = {}) {
  const { CDKTF_OUTDIR: _ignored, PRIVATE_API_CONFIG: _alsoIgnored, ...env } = process.env;
  const result = spawnSync(tsx, [script, ...args], { cwd, env: { ...env, ...extraEnv }, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Writes `json` as a file in a fresh directory and returns its path. */
function fileWith(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "check-input-")), name);
  writeFileSync(path, content);
  return path;
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m);

describe("a clean stack", () => {
  const stack = synthToTemp(DEFAULT_CONFIG);

  test("exits 0 with a one-line summary, given its directory", () => {
    const run = check([stack.stackDir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^no findings in \d+ resources\n$/);
  });

  test("with no path, checks every stack in cdktf.out", () => {
    const cwd = mkdtempSync(join(tmpdir(), "check-cwd-"));
    for (const name of ["a", "b"]) {
      mkdirSync(join(cwd, "cdktf.out", "stacks", name), { recursive: true });
      writeFileSync(join(cwd, "cdktf.out", "stacks", name, "cdk.tf.json"), JSON.stringify(stack.json));
    }
    const run = check([], cwd);
    expect(run.status).toBe(0);
    const resources = Object.values(stack.json.resource).reduce((n, byId) => n + Object.keys(byId).length, 0);
    expect(run.stdout).toBe(`no findings in ${2 * resources} resources of 2 inputs\n`);
  });
});

describe("a stack with a public ALB", () => {
  // GIVEN the native-bridge example, its ALB made internet-facing
  const { json } = synthToTemp(exampleConfig("alb-bridge-native"));
  const [[albId, alb]] = resourcesOf(json, "aws_lb").filter(([, lb]) => lb.load_balancer_type === "application");
  const publicAlb = { ...json, resource: { ...json.resource, aws_lb: { ...json.resource.aws_lb, [albId]: { ...alb, internal: false } } } };
  const path = fileWith("cdk.tf.json", JSON.stringify(publicAlb));

  test("exits 1 with one line naming the address and the rule", () => {
    const run = check([path]);
    expect(run.status).toBe(1);
    // AND the scanners' ids of the same rule after the message
    const ids = referencesText(RULE_REFERENCES["internal-load-balancers"]);
    expect(ids).not.toBe("");
    expect(run.stdout).toBe(`aws_lb.${albId}: internal-load-balancers: is internet-facing: internal is false, not true [${ids}]\n`);
    expect(run.stderr).toContain("1 finding in");
  });

  test("--json gives the same finding as data", () => {
    const run = check([path, "--json"]);
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout) as { findings: number; inputs: unknown[] };
    expect(out.findings).toBe(1);
    expect(out.inputs[0]).toMatchObject({
      source: path,
      kind: "synth",
      findings: [{ address: `aws_lb.${albId}`, rule: "internal-load-balancers", references: RULE_REFERENCES["internal-load-balancers"] }],
    });
  });
});

describe("authorization NONE", () => {
  const stack = synthToTemp(exampleConfig("two-services"));

  test("is a finding without the config, and allowed with it (--config) or by address (--allow-none)", () => {
    const without = check([stack.stackDir]);
    expect(without.status).toBe(1);
    const [line] = without.stdout.split("\n");
    expect(line).toMatch(/^aws_api_gateway_method\.Api_Method-catalogstatus-GET_[0-9A-F]{8}: authorization: GET has authorization NONE/);

    const withConfig = check([stack.stackDir, "--config", join(root, "examples", "two-services.json")]);
    expect(withConfig.status).toBe(0);
    expect(withConfig.stdout).toMatch(/^no findings in \d+ resources \(1 authorization NONE allowed\)\n$/);
    expect(withConfig.stderr).toContain("allowed by config route GET /catalog/status");

    const byAddress = check([stack.stackDir, "--allow-none", line.split(":")[0]]);
    expect(byAddress.status).toBe(0);
  });

  test("a bad config gets the config loader's message, exit 2", () => {
    const bad = fileWith("bad.json", JSON.stringify({ ...exampleConfig("two-services"), services: [] }));
    const run = check([stack.stackDir, "--config", bad]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^Invalid config file ".*bad\.json"/);
    noStackTrace(run.stderr);
  });
});

test("with CI set, --config with a stale NLB shard ledger is an error, exit 2 (the bootstrap's CI rule)", () => {
  // GIVEN a config whose ledger places 51 ports, grown by one the ledger does not place
  const config = configWithServices(52);
  const configPath = fileWith("grown.json", JSON.stringify(config));
  const ledger = renderLedger(assignNlbShards(config.services.slice(0, 51).map((s) => s.hostPort)));
  writeFileSync(configPath.replace(/\.json$/, ".nlb-shards.lock"), ledger);
  const stack = synthToTemp(DEFAULT_CONFIG);
  // WHEN
  const run = check([stack.stackDir, "--config", configPath], undefined, { CI: "true" });
  // THEN
  expect(run.status).toBe(2);
  expect(run.stdout).toBe("");
  expect(run.stderr).toMatch(
    /^NLB shard ledger ".*grown\.nlb-shards\.lock" does not match the config's NLB ports\. Run the synth outside CI/,
  );
  noStackTrace(run.stderr);
});

describe("a plan", () => {
  const plan = (internal: boolean) =>
    JSON.stringify({
      format_version: "1.2",
      terraform_version: "1.11.4",
      planned_values: {},
      resource_changes: [
        {
          address: "module.edge.aws_lb.public",
          module_address: "module.edge",
          mode: "managed",
          type: "aws_lb",
          name: "public",
          change: {
            actions: ["create"],
            after: { internal, load_balancer_type: "network", enable_deletion_protection: true },
            after_unknown: {},
          },
        },
      ],
    });

  test("is checked with --plan, addresses as the plan has them", () => {
    const bad = check(["--plan", fileWith("plan.json", plan(false))]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe(
      `module.edge.aws_lb.public: internal-load-balancers: is internet-facing: internal is false, not true [${referencesText(RULE_REFERENCES["internal-load-balancers"])}]\n`,
    );
    const good = check(["--plan", fileWith("plan.json", plan(true))]);
    expect(good).toMatchObject({ status: 0, stdout: "no findings in 1 resource\n" });
  });
  test("--config on a plan allows no NONE route (those need --allow-none), and says so", () => {
    const run = check(["--plan", fileWith("plan.json", plan(true)), "--config", join(root, "examples", "two-services.json")]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(
      "note: --config allows the config's NONE routes in synthesised stacks only, through their construct paths; in a plan, allow each address with --allow-none",
    );
  });
});

describe("deletion protection", () => {
  // GIVEN the default config's stack, and the same config opting out of deletion protection
  const protectedStack = synthToTemp(DEFAULT_CONFIG);
  const optedOut = { ...DEFAULT_CONFIG, deletionProtection: false };
  const optedOutConfig = fileWith("opted-out.json", JSON.stringify(optedOut));
  const unprotected = synthToTemp(optedOut);
  const lbs = resourcesOf(unprotected.json, "aws_lb");
  const ids = referencesText(RULE_REFERENCES["lb-deletion-protection"]);
  const line = (address: string, value: string) =>
    `${address}: lb-deletion-protection: enable_deletion_protection is ${value}, not true: a destroy or a replacement deletes the load balancer, and everything routed through it stops [${ids}]`;

  test("a stack whose NLB has it turned off fails without the opt-out, naming the rule and its ids", () => {
    // GIVEN the protected stack with the attribute taken off its NLB, as a hand edit would
    const [[nlbId, nlb]] = resourcesOf(protectedStack.json, "aws_lb");
    const { enable_deletion_protection: _removed, ...bare } = nlb;
    const edited = { ...protectedStack.json, resource: { ...protectedStack.json.resource, aws_lb: { [nlbId]: bare } } };
    // WHEN it is checked, with the config it came from (which does not opt out)
    const run = check([
      fileWith("cdk.tf.json", JSON.stringify(edited)),
      "--config",
      fileWith("default.json", JSON.stringify(DEFAULT_CONFIG)),
    ]);
    // THEN
    expect(ids).toBe("checkov CKV_AWS_150; Security Hub ELB.6");
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(`${line(`aws_lb.${nlbId}`, "not set")}\n`);
  });

  test("a stack synthesised with deletionProtection false fails without its config, and is allowed with it", () => {
    expect(lbs).toHaveLength(1);
    const without = check([unprotected.stackDir]);
    expect(without.status).toBe(1);
    expect(without.stdout).toBe(lbs.map(([id]) => `${line(`aws_lb.${id}`, "false")}\n`).join(""));

    const withConfig = check([unprotected.stackDir, "--config", optedOutConfig]);
    expect(withConfig.status).toBe(0);
    expect(withConfig.stdout).toMatch(/^no findings in \d+ resources \(1 lb-deletion-protection allowed\)\n$/);
    expect(withConfig.stderr).toContain(`allowed: aws_lb.${lbs[0][0]}: lb-deletion-protection: `);
    expect(withConfig.stderr).toContain('allowed by config "deletionProtection": false');
  });

  test("a plan with it off fails, and --config with the opt-out allows it (stack-wide opt-outs work on plans)", () => {
    const planJson = JSON.stringify({
      format_version: "1.2",
      terraform_version: "1.11.4",
      planned_values: {},
      resource_changes: [
        {
          address: "aws_lb.Nlb",
          mode: "managed",
          type: "aws_lb",
          name: "Nlb",
          change: {
            actions: ["update"],
            after: { internal: true, load_balancer_type: "network", enable_deletion_protection: false },
            after_unknown: {},
          },
        },
      ],
    });
    const path = fileWith("plan.json", planJson);
    const without = check(["--plan", path]);
    expect(without.status).toBe(1);
    expect(without.stdout).toBe(`${line("aws_lb.Nlb", "false")}\n`);
    // Nor does a config that keeps the protection allow it.
    expect(check(["--plan", path, "--config", fileWith("default.json", JSON.stringify(DEFAULT_CONFIG))]).status).toBe(1);

    const withConfig = check(["--plan", path, "--config", optedOutConfig]);
    expect(withConfig.status).toBe(0);
    expect(withConfig.stdout).toBe("no findings in 1 resource (1 lb-deletion-protection allowed)\n");
  });
});

describe("a REST stage without a web ACL (rest-stage-web-acl)", () => {
  const ids = referencesText(RULE_REFERENCES["rest-stage-web-acl"]);

  test("the default stack with its web ACL association removed fails, naming the stage, the rule and its ids", () => {
    // GIVEN the default config's stack without the association of its web ACL
    const { json } = synthToTemp(DEFAULT_CONFIG);
    const { aws_wafv2_web_acl_association: associations, ...rest } = json.resource;
    expect(Object.keys(associations)).toHaveLength(1);
    const [[stageId]] = resourcesOf(json, "aws_api_gateway_stage");
    const path = fileWith("cdk.tf.json", JSON.stringify({ ...json, resource: rest }));
    // WHEN
    const run = check([path]);
    // THEN
    expect(ids).toBe("checkov CKV2_AWS_29; Security Hub APIGateway.4");
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      `aws_api_gateway_stage.${stageId}: rest-stage-web-acl: stage v1 has no AWS WAF web ACL: no aws_wafv2_web_acl_association in this input names its arn, so requests reach it unfiltered [${ids}]\n`,
    );
  });

  describe('a config that says "webAcl": {"mode": "none"}', () => {
    const config = { ...DEFAULT_CONFIG, api: { webAcl: { mode: "none" as const } } };
    const configPath = fileWith("no-web-acl.json", JSON.stringify(config));
    const stack = synthToTemp(config);
    const [[stageId]] = resourcesOf(stack.json, "aws_api_gateway_stage");
    // Its plan, as `terraform show -json` writes it for the stage (no association: the stack has none).
    const planPath = fileWith("plan.json", JSON.stringify(stagePlanWithoutWebAcl(stageId)));

    test.each([
      ["its synthesised stack", [stack.stackDir]],
      ["its plan", ["--plan", planPath]],
    ])("%s fails without --config", (_what, args) => {
      const run = check(args);
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(
        new RegExp(`^aws_api_gateway_stage\\.${stageId}: rest-stage-web-acl: .* \\[${ids.replace(/\./g, "\\.")}\\]\\n$`),
      );
    });

    test.each([
      ["its synthesised stack", [stack.stackDir]],
      ["its plan", ["--plan", planPath]],
    ])("%s passes with --config, listing the finding as allowed by the config", (_what, args) => {
      const run = check([...args, "--config", configPath]);
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^no findings in \d+ resources? \(1 rest-stage-web-acl allowed\)\n$/);
      expect(run.stderr).toContain(
        `allowed: aws_api_gateway_stage.${stageId}: rest-stage-web-acl: stage v1 has no AWS WAF web ACL: no aws_wafv2_web_acl_association in this input names its arn, so requests reach it unfiltered; allowed by config api.webAcl {"mode": "none"}`,
      );
    });
  });
});

describe("unusable input exits 2 with one clear message and no stack trace", () => {
  test.each([
    ["garbage", () => [fileWith("cdk.tf.json", "this is not JSON {")], /^".*cdk\.tf\.json" is not JSON: /],
    [
      "JSON that is neither",
      () => [fileWith("x.json", '{"hello": "world"}')],
      /^".*x\.json" is neither a synthesised stack \(cdk\.tf\.json\) nor a plan/,
    ],
    ["a missing file", () => ["/nonexistent/cdk.tf.json"], /^Cannot read "\/nonexistent\/cdk\.tf\.json": no such file\n$/],
    [
      "a directory without stacks",
      () => [mkdtempSync(join(tmpdir(), "check-empty-"))],
      /holds no cdk\.tf\.json and no stacks\/\*\/cdk\.tf\.json/,
    ],
    ["a stack given as --plan", () => ["--plan", fileWith("cdk.tf.json", '{"resource": {}}')], /is a synthesised stack, not a plan/],
    ["an unknown option", () => ["--frobnicate"], /^Unknown option '--frobnicate'/],
    ["nothing to check", () => [], /^Nothing to check: there is no cdktf\.out directory here/],
  ])("%s", (_name, args, message) => {
    const run = check(args());
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
    noStackTrace(run.stderr);
  });
});
