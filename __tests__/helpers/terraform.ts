/**
 * Runs the real Terraform CLI against synthesised stacks, offline, with the hashicorp/aws provider
 * from a local filesystem mirror. Test-only: the override written here (dummy credentials, no
 * account-id lookup, no metadata API, state in a temp dir) never goes into the product's provider.
 *
 * Environment:
 * - TERRAFORM_BIN: the terraform binary (default: `terraform` on PATH)
 * - TF_PROVIDER_MIRROR: a filesystem mirror holding registry.terraform.io/hashicorp/aws/<version>
 *   (default: the first of /opt/tf-plugins, ~/.terraform.d/plugins, /usr/share/terraform/plugins that has it)
 * Under CI=true a missing binary or provider fails the tests instead of skipping them.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { AWS_PROVIDER_VERSION } from "../../lib/stacks/private-api-stack";

const PROVIDER_DIR = `registry.terraform.io/hashicorp/aws/${AWS_PROVIDER_VERSION}`;
const MIRROR_CANDIDATES = ["/opt/tf-plugins", join(homedir(), ".terraform.d/plugins"), "/usr/share/terraform/plugins"];

export interface TerraformEnv {
  readonly bin: string;
  readonly mirror: string;
  /** Environment for every terraform call: the generated CLI config, no colour, no prompts. */
  readonly env: NodeJS.ProcessEnv;
}

/** Finds terraform and the provider mirror, or says what is missing. */
export function locateTerraform(): TerraformEnv | string {
  const bin = process.env.TERRAFORM_BIN ?? "terraform";
  const version = spawnSync(bin, ["version", "-json"], { encoding: "utf8", env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" } });
  if (version.status !== 0) return `terraform binary "${bin}" did not run (set TERRAFORM_BIN)`;
  const mirror = process.env.TF_PROVIDER_MIRROR ?? MIRROR_CANDIDATES.find((dir) => existsSync(join(dir, PROVIDER_DIR)));
  if (!mirror || !existsSync(join(mirror, PROVIDER_DIR))) {
    return `no filesystem mirror with ${PROVIDER_DIR} (looked in ${process.env.TF_PROVIDER_MIRROR ?? MIRROR_CANDIDATES.join(", ")}; set TF_PROVIDER_MIRROR)`;
  }
  const cliConfig = join(mkdtempSync(join(tmpdir(), "tf-cli-")), "terraformrc");
  writeFileSync(
    cliConfig,
    [
      "provider_installation {",
      `  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }`,
      `  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }`,
      "}",
      "",
    ].join("\n"),
  );
  return {
    bin,
    mirror,
    env: { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" },
  };
}

/**
 * `describe` for suites that need Terraform: skipped with a visible reason on a developer machine
 * without it, and failing under CI=true.
 */
export function describeWithTerraform(name: string, body: (tf: TerraformEnv) => void): void {
  const tf = locateTerraform();
  if (typeof tf !== "string") {
    describe(name, () => body(tf));
    return;
  }
  if (process.env.CI === "true") {
    describe(name, () => {
      test("terraform and the provider mirror are available", () => {
        throw new Error(`CI=true, and ${tf}`);
      });
    });
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`Skipping "${name}": ${tf}`);
  describe.skip(name, () => body(tf as unknown as TerraformEnv));
}

/** Writes the test-only override into a stack directory: dummy credentials and state in a temp dir. */
export function writeOfflineOverride(stackDir: string, region: string): void {
  const statePath = join(mkdtempSync(join(tmpdir(), "tf-state-")), "terraform.tfstate");
  writeFileSync(
    join(stackDir, "offline_override.tf.json"),
    JSON.stringify(
      {
        terraform: { backend: { local: { path: statePath } } },
        provider: {
          aws: [
            {
              region,
              access_key: "offline-test",
              secret_key: "offline-test",
              skip_credentials_validation: true,
              skip_requesting_account_id: true,
              skip_metadata_api_check: true,
            },
          ],
        },
      },
      null,
      2,
    ),
  );
}

export interface PlanResult {
  /** `terraform show -json` of the saved plan. */
  readonly plan: TerraformPlanJson;
  readonly stdout: string;
}

export interface TerraformPlanJson {
  readonly resource_changes?: { address: string; type: string; change: { actions: string[]; after?: Record<string, unknown> } }[];
}

function run(tf: TerraformEnv, cwd: string, args: string[]): string {
  try {
    return execFileSync(tf.bin, args, {
      cwd,
      env: tf.env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`terraform ${args.join(" ")} failed in ${cwd}:\n${e.stderr ?? ""}\n${e.stdout ?? ""}`);
  }
}

/**
 * init, validate and plan a synthesised stack directory; returns the plan as JSON. Input variables
 * the stack declares (API key values) get a dummy value of the right length.
 */
export function initValidatePlan(tf: TerraformEnv, stackDir: string, region: string): PlanResult {
  writeOfflineOverride(stackDir, region);
  const declared =
    (JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { variable?: Record<string, unknown> }).variable ?? {};
  const vars = Object.keys(declared).flatMap((name) => ["-var", `${name}=offline-test-value-0123456789`]);
  run(tf, stackDir, ["init", "-input=false", "-no-color"]);
  run(tf, stackDir, ["validate", "-no-color"]);
  const stdout = run(tf, stackDir, ["plan", "-input=false", "-lock=false", "-refresh=false", "-no-color", ...vars, "-out=tfplan"]);
  const plan = JSON.parse(run(tf, stackDir, ["show", "-json", "tfplan"])) as TerraformPlanJson;
  return { plan, stdout };
}
