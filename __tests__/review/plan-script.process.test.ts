/**
 * `npm run plan` (scripts/plan.ts) as users run it, in a scratch working directory: offline plans
 * of the default config, one against a hand-written state in which the NLB has another name, so
 * Terraform itself plans its replacement.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../../lib/config/default-config";
import { configWithServices } from "../helpers/fixtures";
import { describeWithTerraform } from "../helpers/terraform";
import { resourcesOf, synthToTemp } from "../helpers/synth";
import { stringContaining } from "../helpers/expect";

const root = join(__dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
const script = join(root, "scripts", "plan.ts");
const stack = synthToTemp(DEFAULT_CONFIG);

function runPlan(args: string[], env: NodeJS.ProcessEnv = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "plan-cwd-"));
  const outdir = mkdtempSync(join(tmpdir(), "plan-out-"));
  const { PRIVATE_API_CONFIG: _ignored, ...inherited } = process.env;
  const result = spawnSync(tsx, [script, ...args], { cwd, env: { ...inherited, CDKTF_OUTDIR: outdir, ...env }, encoding: "utf8" });
  const stackDir = join(outdir, "stacks", stack.config.name);
  const reviewPath = join(stackDir, "plan-review.md");
  return { ...result, cwd, outdir, stackDir, review: existsSync(reviewPath) ? readFileSync(reviewPath, "utf8") : undefined };
}

/** A Terraform state (format version 4) holding only the default config's NLB, under another name. */
function stateWithRenamedNlb(): { path: string; address: string } {
  const [[id, nlb]] = resourcesOf(stack.json, "aws_lb");
  const name = `${String(nlb.name)}-old`;
  const arn = `arn:aws:elasticloadbalancing:${stack.config.region}:123456789012:loadbalancer/net/${name}/0123456789abcdef`;
  const state = {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "6d3c8f7e-2b1a-4c5d-9e8f-0a1b2c3d4e5f",
    outputs: {},
    resources: [
      {
        mode: "managed",
        type: "aws_lb",
        name: id,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            schema_version: 0,
            attributes: {
              id: arn,
              arn,
              name,
              internal: nlb.internal,
              load_balancer_type: nlb.load_balancer_type,
              ip_address_type: "ipv4",
              subnets: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
              security_groups: ["sg-0123456789abcdef0"],
              enable_cross_zone_load_balancing: nlb.enable_cross_zone_load_balancing,
              enable_deletion_protection: false,
              tags: { Name: name },
              tags_all: { Name: name },
            },
            sensitive_attributes: [],
          },
        ],
      },
    ],
  };
  const path = join(mkdtempSync(join(tmpdir(), "nlb-state-")), "terraform.tfstate");
  writeFileSync(path, JSON.stringify(state, null, 2));
  return { path, address: `aws_lb.${id}` };
}

test("a bad config prints its message and exits 1 without a stack trace", () => {
  const run = runPlan(["--offline"], { PRIVATE_API_CONFIG: "/nonexistent/config.json" });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('Cannot read config file "/nonexistent/config.json" (PRIVATE_API_CONFIG): no such file');
  expect(run.stderr).not.toMatch(/^\s+at /m);
});

test("with CI set, a config that needs two NLBs but has no ledger stops the plan before anything is written (the bootstrap's CI rule)", () => {
  const configPath = join(mkdtempSync(join(tmpdir(), "plan-cfg-")), "big.json");
  writeFileSync(configPath, JSON.stringify(configWithServices(51)));
  const run = runPlan(["--offline"], { PRIVATE_API_CONFIG: configPath, CI: "true" });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(
    /NLB shard ledger ".*big\.nlb-shards\.lock" is missing, and the ports need more than one NLB\. Run the synth outside CI/,
  );
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(readdirSync(run.outdir)).toEqual([]);
  expect(existsSync(configPath.replace(/\.json$/, ".nlb-shards.lock"))).toBe(false);
});

test("an unknown option, or --state without --offline, is a usage error (exit 1)", () => {
  expect(runPlan(["--frobnicate"])).toMatchObject({ status: 1, stderr: stringContaining("Usage: npm run plan") });
  expect(runPlan(["--state", "x.tfstate"])).toMatchObject({ status: 1, stderr: stringContaining("--state needs --offline") });
});

test("without --offline the offline override is never written, and a leftover one is removed; terraform errors exit 1", () => {
  // GIVEN a terraform that runs but cannot init (as without network), and a leftover override
  const bin = join(mkdtempSync(join(tmpdir(), "fake-tf-")), "terraform");
  writeFileSync(
    bin,
    '#!/bin/sh\nif [ "$1" = version ]; then echo "{}"; exit 0; fi\necho "Error: Failed to query available provider packages" >&2\nexit 1\n',
  );
  chmodSync(bin, 0o755);
  const outdir = mkdtempSync(join(tmpdir(), "plan-out-"));
  const stackDir = join(outdir, "stacks", stack.config.name);
  mkdirSync(stackDir, { recursive: true });
  writeFileSync(join(stackDir, "offline_override.tf.json"), "{}");
  // WHEN
  const run = runPlan([], { TERRAFORM_BIN: bin, CDKTF_OUTDIR: outdir });
  // THEN
  expect(run.status).toBe(1);
  expect(run.stderr).toContain("terraform init -input=false -no-color failed");
  expect(run.stderr).toContain("Failed to query available provider packages");
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(existsSync(join(stackDir, "cdk.tf.json"))).toBe(true);
  expect(existsSync(join(stackDir, "offline_override.tf.json"))).toBe(false);
});

describeWithTerraform("npm run plan -- --offline, against the real provider", () => {
  test("the default config plans offline: exit 0 and a review saying how many resources it adds", () => {
    // GIVEN
    const resources = Object.values(stack.json.resource).reduce((n, byId) => n + Object.keys(byId).length, 0);
    // WHEN
    const run = runPlan(["--offline"]);
    // THEN
    expect(run.stderr).not.toMatch(/failed/);
    expect(run.status).toBe(0);
    expect(run.review).toContain(`**Plan: ${resources} to add, 0 to change, 0 to replace, 0 to destroy.**`);
    expect(run.review).not.toContain("Downtime");
    expect(run.review).toContain("### Not judged");
    expect(run.stdout).toContain(run.review);
    expect(existsSync(join(run.stackDir, "tfplan"))).toBe(true);
    // Nothing is written to the working directory: the state lives in a throw-away path.
    expect(existsSync(join(run.cwd, `terraform.${stack.config.name}.tfstate`))).toBe(false);
  });

  test("done when: a state whose NLB has another name gives a review flagging the NLB replacement, exit 2", () => {
    // GIVEN
    const state = stateWithRenamedNlb();
    const before = readFileSync(state.path, "utf8");
    // WHEN
    const run = runPlan(["--offline", "--state", state.path]);
    // THEN
    expect(run.stderr).not.toMatch(/failed/);
    expect(run.status).toBe(2);
    const review = run.review ?? "";
    expect(review).toMatch(/### ⚠️ Downtime/);
    expect(review).toContain(`**REPLACE** \`${state.address}\` (load balancer, forced by \`name\`)`);
    expect(review).toContain("| `aws_lb` | 0 | 0 | 1 | 0 |");
    expect(review).toMatch(/\*\*Plan: \d+ to add, 0 to change, 1 to replace, 0 to destroy\.\*\*/);
    // The given state is only read.
    expect(readFileSync(state.path, "utf8")).toBe(before);
  });
});
