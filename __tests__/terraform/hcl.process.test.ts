/**
 * The HCL export (`npm run synth:hcl`) is the way off CDKTF: it must describe exactly the same
 * infrastructure as the JSON synth. For the default config and the lambda bridge example (which
 * has assets), both are planned offline against the real provider and their resource addresses
 * compared. The HCL synth runs the real script and `cdktf synth --hcl` in a scratch copy of the
 * project, into a temp output directory, so nothing is written into the repository.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configWithServices } from "../helpers/fixtures";
import { describeWithTerraform, plansTogether, type TerraformPlanJson } from "../helpers/terraform";
import { synthToTemp } from "../helpers/synth";

const root = join(__dirname, "..", "..");

/** A scratch copy of what `cdktf synth` needs (main.ts, lib, the Lambda sources, cdktf.json, the HCL repair), sharing node_modules. */
function scratchProject(): string {
  const cwd = mkdtempSync(join(tmpdir(), "cdktf-hcl-"));
  for (const f of ["cdktf.json", "main.ts", "lib", "lambdas", "package.json", "tsconfig.json"])
    cpSync(join(root, f), join(cwd, f), { recursive: true });
  mkdirSync(join(cwd, "scripts", "tooling"), { recursive: true });
  for (const f of ["synth-hcl.ts", "tooling/hcl-blocks.ts"]) cpSync(join(root, "scripts", f), join(cwd, "scripts", f));
  symlinkSync(join(root, "node_modules"), join(cwd, "node_modules"), "dir");
  return cwd;
}

function addresses(plan: TerraformPlanJson): string[] {
  return (plan.resource_changes ?? []).map((c) => c.address).sort();
}

function plannedValues(plan: TerraformPlanJson): Record<string, unknown> {
  return Object.fromEntries((plan.resource_changes ?? []).map((c) => [c.address, c.change.after]));
}

// One config, the one that exercises most of the HCL rendering: Lambda assets, IAM policy
// documents holding references (which CDKTF 0.21 renders unescaped) and lifecycle blocks. Each
// case costs an HCL synth and a plan of both outputs, so the default config is not repeated here.
const cases: [string, string | undefined, unknown][] = [
  [
    "examples/alb-bridge-lambda.json",
    join(root, "examples", "alb-bridge-lambda.json"),
    JSON.parse(readFileSync(join(root, "examples", "alb-bridge-lambda.json"), "utf8")),
  ],
];

describeWithTerraform("HCL export: same plan as the JSON synth", (tf) => {
  let project: string;
  beforeAll(() => {
    project = scratchProject();
  });

  test.each(cases)("%s", (_name, configPath, input) => {
    // GIVEN the JSON synth of the config
    const json = synthToTemp(input);
    expect(json.json.variable).toBeUndefined(); // so the placeholder below hides no input variable

    // ... and an output directory holding a stale cdk.tf.json from an earlier JSON synth
    const outdir = mkdtempSync(join(tmpdir(), "cdktf-hcl-out-"));
    const stackDir = join(outdir, "stacks", json.config.name);
    mkdirSync(stackDir, { recursive: true });
    cpSync(join(json.stackDir, "cdk.tf.json"), join(stackDir, "cdk.tf.json"));

    // WHEN the HCL export runs
    const { PRIVATE_API_CONFIG: _ignored, ...inherited } = process.env;
    const run = spawnSync(join(root, "node_modules", ".bin", "tsx"), [join("scripts", "synth-hcl.ts"), "--output", outdir], {
      cwd: project,
      env: { ...inherited, ...(configPath ? { PRIVATE_API_CONFIG: configPath } : {}), CI: "true" },
      encoding: "utf8",
    });

    // THEN the stack directory has cdk.tf and no stale cdk.tf.json
    expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
    expect(existsSync(join(stackDir, "cdk.tf"))).toBe(true);
    expect(existsSync(join(stackDir, "cdk.tf.json"))).toBe(false);
    const hcl = readFileSync(join(stackDir, "cdk.tf"), "utf8");
    expect(hcl).toMatch(/^terraform \{/);
    // Assets are referenced by paths relative to the stack directory, and are there.
    const assets = [...hcl.matchAll(/filename\s+=\s+"(assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBe(Object.keys(json.json.resource.aws_lambda_function ?? {}).length);
    for (const asset of assets) expect(existsSync(join(stackDir, asset))).toBe(true);

    // AND both are planned (in one Terraform run, each as a child module). The plan helpers read
    // input variables from cdk.tf.json; an empty one (a comment only) adds nothing.
    writeFileSync(join(stackDir, "cdk.tf.json"), JSON.stringify({ "//": "test placeholder for the plan helpers" }));
    const planOf = plansTogether(tf, [
      { key: "JSON synth", stackDir: json.stackDir, region: json.config.region },
      { key: "HCL synth", stackDir, region: json.config.region },
    ]);
    const jsonPlan = planOf("JSON synth");
    const hclPlan = planOf("HCL synth");
    expect(addresses(hclPlan.plan).length).toBeGreaterThan(0);
    expect(addresses(hclPlan.plan)).toEqual(addresses(jsonPlan.plan));
    // Beyond the addresses: every planned value is the same (catches a string escaped wrongly in HCL).
    expect(plannedValues(hclPlan.plan)).toEqual(plannedValues(jsonPlan.plan));
  });
});

// No Terraform needed: the bootstrap stops the script before cdktf starts.
test("with CI set, a config that needs two NLBs but has no ledger stops npm run synth:hcl before anything is written", () => {
  const configPath = join(mkdtempSync(join(tmpdir(), "hcl-cfg-")), "big.json");
  writeFileSync(configPath, JSON.stringify(configWithServices(51)));
  const outdir = join(mkdtempSync(join(tmpdir(), "cdktf-hcl-out-")), "out");
  const run = spawnSync(join(root, "node_modules", ".bin", "tsx"), [join(root, "scripts", "synth-hcl.ts"), "--output", outdir], {
    cwd: mkdtempSync(join(tmpdir(), "hcl-cwd-")),
    env: { ...process.env, PRIVATE_API_CONFIG: configPath, CI: "true" },
    encoding: "utf8",
  });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(
    /^NLB shard ledger ".*big\.nlb-shards\.lock" is missing, and the ports need more than one NLB\. Run the synth outside CI/,
  );
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(outdir)).toBe(false);
  expect(existsSync(configPath.replace(/\.json$/, ".nlb-shards.lock"))).toBe(false);
});
