/**
 * Runs the Terraform CLI against synthesised stacks: locating the binary and the provider mirror,
 * writing a CLI config for the mirror, and running init / validate / plan / show.
 *
 * Offline mode (tests, `npm run plan -- --offline`) adds `offline_override.tf.json` to a stack
 * directory: dummy credentials, no credential validation, no account-id lookup, no metadata API
 * and a throw-away state path. It is written only when offline mode is asked for, and never goes
 * into the product's provider block.
 *
 * Environment:
 * - TERRAFORM_BIN: the terraform binary (default: `terraform` on PATH)
 * - TF_PROVIDER_MIRROR: a filesystem mirror holding registry.terraform.io/hashicorp/aws/<version>
 *   (default: the first of /opt/tf-plugins, ~/.terraform.d/plugins, /usr/share/terraform/plugins that has it)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import type { TerraformShowJson } from "../review/plan-review";
import { AWS_PROVIDER_VERSION } from "../stacks/private-api-stack";

const PROVIDER_DIR = `registry.terraform.io/hashicorp/aws/${AWS_PROVIDER_VERSION}`;
const MIRROR_CANDIDATES = ["/opt/tf-plugins", join(homedir(), ".terraform.d/plugins"), "/usr/share/terraform/plugins"];

/** File name of the offline override in a stack directory. */
export const OFFLINE_OVERRIDE_FILE = "offline_override.tf.json";

export interface TerraformEnv {
  readonly bin: string;
  /** The provider mirror, when the CLI config points at one. */
  readonly mirror?: string;
  /** Environment for every terraform call: no colour, no prompts, and (with a mirror) the generated CLI config. */
  readonly env: NodeJS.ProcessEnv;
}

/** The terraform binary named by TERRAFORM_BIN (or `terraform`), or a reason it does not run. */
export function findTerraformBinary(env: NodeJS.ProcessEnv = process.env): string | { readonly problem: string } {
  const bin = env.TERRAFORM_BIN ?? "terraform";
  const version = spawnSync(bin, ["version", "-json"], { encoding: "utf8", env: { ...env, TF_CLI_CONFIG_FILE: "/dev/null" } });
  if (version.status !== 0) return { problem: `terraform binary "${bin}" did not run (set TERRAFORM_BIN)` };
  return bin;
}

/** The filesystem mirror that holds the pinned hashicorp/aws provider, or a reason there is none. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | { readonly problem: string } {
  const mirror = env.TF_PROVIDER_MIRROR ?? MIRROR_CANDIDATES.find((dir) => existsSync(join(dir, PROVIDER_DIR)));
  if (!mirror || !existsSync(join(mirror, PROVIDER_DIR))) {
    return {
      problem: `no filesystem mirror with ${PROVIDER_DIR} (looked in ${env.TF_PROVIDER_MIRROR ?? MIRROR_CANDIDATES.join(", ")}; set TF_PROVIDER_MIRROR)`,
    };
  }
  return mirror;
}

/** Writes a Terraform CLI config that installs hashicorp/aws from `mirror` and nothing from the network. Returns its path. */
export function writeMirrorCliConfig(mirror: string): string {
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
  return cliConfig;
}

const AUTOMATION_ENV = { TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" } as const;

/** Finds terraform and the provider mirror (both required: offline use), or says what is missing. */
export function locateTerraform(env: NodeJS.ProcessEnv = process.env): TerraformEnv | string {
  const bin = findTerraformBinary(env);
  if (typeof bin !== "string") return bin.problem;
  const mirror = findProviderMirror(env);
  if (typeof mirror !== "string") return mirror.problem;
  return { bin, mirror, env: { ...env, TF_CLI_CONFIG_FILE: writeMirrorCliConfig(mirror), ...AUTOMATION_ENV } };
}

/** Finds terraform for use with the user's own CLI config, credentials and backend, or says what is missing. */
export function locateUserTerraform(env: NodeJS.ProcessEnv = process.env): TerraformEnv | string {
  const bin = findTerraformBinary(env);
  if (typeof bin !== "string") return bin.problem;
  return { bin, env: { ...env, ...AUTOMATION_ENV } };
}

export interface OfflineOverrideOptions {
  /** A state file to start from (copied, never modified). Without it the plan starts from an empty state. */
  readonly initialState?: string;
}

/**
 * Writes the offline override into a stack directory: dummy credentials and state in a fresh temp
 * dir. Returns the state path. Only for offline use (tests, `--offline` plans).
 */
export function writeOfflineOverride(stackDir: string, region: string, options: OfflineOverrideOptions = {}): string {
  const statePath = join(mkdtempSync(join(tmpdir(), "tf-state-")), "terraform.tfstate");
  if (options.initialState !== undefined) copyFileSync(options.initialState, statePath);
  writeFileSync(
    join(stackDir, OFFLINE_OVERRIDE_FILE),
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
  return statePath;
}

/** Removes a leftover offline override, so a real plan never runs with dummy credentials or throw-away state. */
export function removeOfflineOverride(stackDir: string): void {
  rmSync(join(stackDir, OFFLINE_OVERRIDE_FILE), { force: true });
}

/** A terraform command that failed; the message holds its output (no stack trace needed). */
export class TerraformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TerraformError";
  }
}

/** Runs one terraform command in `cwd` and returns its stdout; throws a TerraformError with its output on failure. */
export function runTerraform(tf: TerraformEnv, cwd: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(tf.bin, args, {
      cwd,
      env: { ...tf.env, ...extraEnv },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    const output = `${e.stderr ?? ""}\n${e.stdout ?? ""}`.trim();
    throw new TerraformError(`terraform ${args.join(" ")} failed in ${cwd}:\n${output || e.message}`);
  }
}

/** `-var name=value` arguments giving every variable the stack declares a dummy value (offline plans only). */
export function dummyVarArgs(stackDir: string): string[] {
  const declared =
    (JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { variable?: Record<string, unknown> }).variable ?? {};
  return Object.keys(declared).flatMap((name) => ["-var", `${name}=offline-test-value-0123456789`]);
}

/** `terraform show -json <planFile>`, parsed. */
export function showPlanJson(tf: TerraformEnv, stackDir: string, planFile: string, extraEnv: NodeJS.ProcessEnv = {}): TerraformShowJson {
  return JSON.parse(runTerraform(tf, stackDir, ["show", "-json", planFile], extraEnv)) as TerraformShowJson;
}

export interface PlanOptions {
  /** Plan offline: write the offline override, give declared variables dummy values, no refresh, no lock. */
  readonly offline: boolean;
  /** Offline only: a state file to plan against (copied into the throw-away state path). */
  readonly initialState?: string;
  /** AWS region for the offline override. Required when offline. */
  readonly region?: string;
  /** Plan file name, relative to the stack directory. */
  readonly planFile?: string;
}

export interface PlanResult {
  /** `terraform show -json` of the saved plan. */
  readonly plan: TerraformShowJson;
  /** The human-readable `terraform plan` output. */
  readonly stdout: string;
  /** Path of the saved plan file. */
  readonly planPath: string;
}

/**
 * `terraform init`, `terraform plan -out <planFile>` and `terraform show -json <planFile>` in a
 * stack directory. Offline plans use a separate TF_DATA_DIR so the stack's own `.terraform`
 * (initialised against the real backend) is left alone.
 */
export function initAndPlan(tf: TerraformEnv, stackDir: string, options: PlanOptions): PlanResult {
  const planFile = options.planFile ?? "tfplan";
  let extraEnv: NodeJS.ProcessEnv = {};
  const planArgs = ["plan", "-input=false", "-no-color", `-out=${planFile}`];
  if (options.offline) {
    if (options.region === undefined) throw new Error("an offline plan needs the stack's region");
    writeOfflineOverride(stackDir, options.region, { initialState: options.initialState });
    extraEnv = { TF_DATA_DIR: join(mkdtempSync(join(tmpdir(), "tf-data-")), ".terraform") };
    planArgs.push("-lock=false", "-refresh=false", ...dummyVarArgs(stackDir));
  } else {
    if (options.initialState !== undefined) throw new Error("an initial state can only be given to an offline plan");
    removeOfflineOverride(stackDir);
  }
  runTerraform(tf, stackDir, ["init", "-input=false", "-no-color"], extraEnv);
  const stdout = runTerraform(tf, stackDir, planArgs, extraEnv);
  const plan = showPlanJson(tf, stackDir, planFile, extraEnv);
  return { plan, stdout, planPath: join(stackDir, planFile) };
}

/**
 * init, validate and plan a synthesised stack directory offline; returns the plan as JSON. Input
 * variables the stack declares (API key values) get a dummy value of the right length.
 */
export function initValidatePlan(tf: TerraformEnv, stackDir: string, region: string): PlanResult {
  writeOfflineOverride(stackDir, region);
  runTerraform(tf, stackDir, ["init", "-input=false", "-no-color"]);
  runTerraform(tf, stackDir, ["validate", "-no-color"]);
  const stdout = runTerraform(tf, stackDir, [
    "plan",
    "-input=false",
    "-lock=false",
    "-refresh=false",
    "-no-color",
    ...dummyVarArgs(stackDir),
    "-out=tfplan",
  ]);
  const plan = showPlanJson(tf, stackDir, "tfplan");
  return { plan, stdout, planPath: join(stackDir, "tfplan") };
}

/**
 * init and validate a synthesised stack directory offline, without planning (for configs whose
 * import blocks would make a plan read from AWS). Returns the validate output.
 */
export function validateOnly(tf: TerraformEnv, stackDir: string, region: string): string {
  writeOfflineOverride(stackDir, region);
  runTerraform(tf, stackDir, ["init", "-input=false", "-no-color"]);
  return runTerraform(tf, stackDir, ["validate", "-no-color"]);
}
