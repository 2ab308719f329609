/**
 * Stacks applied to the emulator together: each config is synthesised (with the emulator's ids in
 * place of the placeholders it names) into a directory of its own, which becomes a child module
 * of one generated root. One `terraform apply` then starts the provider once for all of them, and
 * the load balancers' waits (about 60 s each against moto) run side by side.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../lib/config/load";
import type { PrivateApiConfig } from "../../lib/config/schema";
import type { NlbShardLedger } from "../../lib/model/shards";
import { synthesize } from "../../lib/synth";
import type { TerraformJson } from "../helpers/synth";
import { OFFLINE_OVERRIDE_FILE, TerraformError, dummyVarArgs, dummyVariables, type TerraformEnv } from "../../scripts/tooling/terraform";
import type { ResourceChange, TerraformShowJson } from "../../lib/review/plan-review";
import { writeEmulatorOverride, type Emulator } from "./emulator";

/** Placeholder in a config (an id or ARN of something outside the stack) -> the emulator's own. */
export type WorldMapping = Record<string, string>;

/** Every string in `value` that is a key of `mapping`, replaced by its value (a deep copy). */
export function substitute<T>(value: T, mapping: WorldMapping): T {
  const swap = (v: unknown): unknown => {
    if (typeof v === "string") return mapping[v] ?? v;
    if (Array.isArray(v)) return v.map(swap);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    return v;
  };
  return swap(value) as T;
}

/** One config made ready to apply: its outside world created, synthesised with the emulator's ids. */
export interface EmulatedStack {
  readonly key: string;
  /** The module name in the root. */
  readonly module: string;
  /** The config as applied (placeholders replaced). */
  readonly config: PrivateApiConfig;
  /** The config input as applied, to derive upgrades from (updated when a test applies a change). */
  input: Record<string, unknown>;
  readonly stackDir: string;
  readonly world: WorldMapping;
  readonly ledger?: NlbShardLedger;
  /** The emulator account the stack applies in (its access key). */
  readonly account: string;
}

/** The stack's Terraform JSON as its module holds it now (the applied synth, or a resynth of it). */
export function stackJsonOf(stack: EmulatedStack): TerraformJson {
  return JSON.parse(readFileSync(join(stack.stackDir, "cdk.tf.json"), "utf8")) as TerraformJson;
}

/**
 * An account for each config: the one its ARNs name (the examples are each meant for an account of
 * their own), or a made-up one. Two stacks in one account and region would share account-wide
 * settings (the API Gateway CloudWatch role), which the examples do not.
 */
export function accountsFor(inputs: readonly unknown[]): string[] {
  const taken = new Set<string>();
  return inputs.map((input, i) => {
    const named = /arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(JSON.stringify(input))?.[1];
    const account = named !== undefined && !taken.has(named) ? named : `2000000000${String(i).padStart(2, "0")}`;
    taken.add(account);
    return account;
  });
}

/**
 * The config as this tier applies it: `"deletionProtection": false`, the one place the tier opts
 * out. Every config it applies it also destroys, and AWS refuses to delete a load balancer with
 * deletion protection; moto 5.2.1 does not (its DeleteLoadBalancer ignores the attribute), so with
 * the protection on the tier's destroy would pass where a real one fails. A team that means to
 * destroy a stack sets the same (docs/load-balancers.md). That the protection is planned by default
 * is shown by __tests__/terraform/examples.process.test.ts.
 */
export function forTheEmulator<T extends object>(input: T): T & { deletionProtection: false } {
  return { ...input, deletionProtection: false };
}

/** Synthesises `input` into `stackDir`'s parent outdir and points its provider at the emulator. */
export function synthForEmulator(
  emulator: Emulator,
  account: string,
  input: Record<string, unknown>,
  outdir: string,
  ledger?: NlbShardLedger,
): string {
  const config = parseConfig(forTheEmulator(input));
  synthesize(config, outdir, { nlbShards: ledger });
  const stackDir = join(outdir, "stacks", config.name);
  rmSync(join(stackDir, OFFLINE_OVERRIDE_FILE), { force: true });
  writeEmulatorOverride(stackDir, config.region, emulator.endpoint, account);
  return stackDir;
}

/**
 * Creates each config's outside world in the emulator (emulator/world.py), replaces the
 * placeholders in a copy of the config, and synthesises it for the emulator.
 */
export function prepareStacks(
  emulator: Emulator,
  configs: readonly { key: string; input: unknown; ledger?: NlbShardLedger }[],
): EmulatedStack[] {
  const accounts = accountsFor(configs.map((c) => c.input));
  return configs.map(({ key, input, ledger }, i) => {
    const account = accounts[i];
    const world = emulator.world<WorldMapping>("create", { account, config: input });
    // The input the stack keeps carries the opt-out too: upgrades derived from it are synthesised like it.
    const applied = forTheEmulator(substitute(input as Record<string, unknown>, world));
    const outdir = mkdtempSync(join(tmpdir(), "deploy-out-"));
    const stackDir = synthForEmulator(emulator, account, applied, outdir, ledger);
    return {
      key,
      module: `stack${i}_${key.replace(/[^A-Za-z0-9_-]+/g, "_")}`,
      config: parseConfig(applied),
      input: applied,
      stackDir,
      world,
      ledger,
      account,
    };
  });
}

/** A terraform run's exit status and output. */
export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/**
 * A Terraform root in which emulated stacks are applied, with its own local state: several stacks
 * as child modules of a generated root (together), or one stack's directory as the root itself
 * (alone: import blocks are allowed only in a root module).
 */
export class DeployRoot {
  private constructor(
    private readonly tf: TerraformEnv,
    readonly stacks: readonly EmulatedStack[],
    readonly dir: string,
    /** Address prefix of each stack's resources, by key. */
    private readonly prefixes: ReadonlyMap<string, string>,
  ) {}

  /** The stacks as child modules of one generated root. */
  static together(tf: TerraformEnv, stacks: readonly EmulatedStack[]): DeployRoot {
    const dir = mkdtempSync(join(tmpdir(), "deploy-root-"));
    const modules = Object.fromEntries(stacks.map((s) => [s.module, { source: s.stackDir, ...dummyVariables(s.stackDir) }]));
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ module: modules }, null, 2));
    // A Lambda's `filename` (assets/<asset>/<hash>/archive.zip) is read relative to the working
    // directory, which is this root, not the module: each stack's assets are linked in here. The
    // same asset in two stacks has the same hash and the same content.
    for (const stack of stacks) {
      const assets = join(stack.stackDir, "assets");
      if (!existsSync(assets)) continue;
      mkdirSync(join(dir, "assets"), { recursive: true });
      for (const asset of readdirSync(assets)) {
        if (!existsSync(join(dir, "assets", asset))) symlinkSync(join(assets, asset), join(dir, "assets", asset));
      }
    }
    return new DeployRoot(tf, stacks, dir, new Map(stacks.map((s) => [s.key, `module.${s.module}.`])));
  }

  /** One stack's own directory as the root, its backend replaced by a local state in a temp dir. */
  static alone(tf: TerraformEnv, stack: EmulatedStack): DeployRoot {
    const statePath = join(mkdtempSync(join(tmpdir(), "deploy-state-")), "terraform.tfstate");
    writeFileSync(
      join(stack.stackDir, "emulator_backend_override.tf.json"),
      JSON.stringify({ terraform: { backend: { local: { path: statePath } } } }, null, 2),
    );
    return new DeployRoot(tf, [stack], stack.stackDir, new Map([[stack.key, ""]]));
  }

  /** A stack's own changes in a plan of this root, with its addresses as in the stack (no module prefix). */
  changesOf(plan: TerraformShowJson, stack: EmulatedStack): ResourceChange[] {
    const prefix = this.prefixes.get(stack.key) ?? "";
    return (plan.resource_changes ?? [])
      .filter((c) => c.address.startsWith(prefix))
      .map((c) => ({ ...c, address: c.address.slice(prefix.length) }));
  }

  /** A stack's resource address (as in the stack) as Terraform names it in this root. */
  addressOf(stack: EmulatedStack, address: string): string {
    return `${this.prefixes.get(stack.key) ?? ""}${address}`;
  }

  /** Terraform's `-target` for a whole stack of this root (nothing for a stack alone in its root). */
  targetOf(stack: EmulatedStack): string[] {
    const prefix = this.prefixes.get(stack.key) ?? "";
    return prefix === "" ? [] : [`-target=${prefix.slice(0, -1)}`];
  }

  /** Runs terraform in the root; `allowed` exit statuses do not throw (plan -detailed-exitcode exits 2 for changes). */
  run(args: readonly string[], allowed: readonly number[] = [0]): RunResult {
    const started = Date.now();
    const result = spawnSync(this.tf.bin, args, {
      cwd: this.dir,
      env: this.tf.env,
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
    });
    const run = { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, seconds: (Date.now() - started) / 1000 };
    if (!allowed.includes(run.status)) {
      throw new TerraformError(
        `terraform ${args.join(" ")} exited ${run.status} in ${this.dir}:\n${tail(run.stderr)}\n${tail(run.stdout)}`,
      );
    }
    return run;
  }

  init(): RunResult {
    return this.run(["init", "-input=false", "-no-color"]);
  }

  /** A stack alone in its root is given its variables here; in a generated root, its module block has them. */
  private variableArgs(): string[] {
    return this.prefixes.get(this.stacks[0].key) === "" ? dummyVarArgs(this.dir) : [];
  }

  apply(extra: readonly string[] = []): RunResult {
    return this.run(["apply", "-input=false", "-no-color", "-auto-approve", "-parallelism=30", ...this.variableArgs(), ...extra]);
  }

  /** `terraform plan -detailed-exitcode` saved to a file, and the saved plan as JSON. */
  plan(extra: readonly string[] = []): { run: RunResult; plan: TerraformShowJson } {
    const planFile = `plan-${Date.now()}.tfplan`;
    const run = this.run(
      ["plan", "-input=false", "-no-color", "-detailed-exitcode", `-out=${planFile}`, ...this.variableArgs(), ...extra],
      [0, 2],
    );
    const plan = JSON.parse(this.run(["show", "-json", planFile]).stdout) as TerraformShowJson;
    return { run, plan };
  }

  /** Destroys everything in the root, from the state as it is (the tests plan, and so refresh, before). */
  destroy(): RunResult {
    return this.run(["destroy", "-refresh=false", "-input=false", "-no-color", "-auto-approve", "-parallelism=30", ...this.variableArgs()]);
  }

  /** The addresses in state, as `terraform state list` prints them. */
  stateList(): string[] {
    return this.run(["state", "list"])
      .stdout.split("\n")
      .filter((l) => l.length > 0);
  }

  /** Replaces a stack's synthesised JSON (the module's source) with another synth of the same stack. */
  resynth(emulator: Emulator, stack: EmulatedStack, input: Record<string, unknown>, ledger = stack.ledger): void {
    const outdir = mkdtempSync(join(tmpdir(), "deploy-out-"));
    const stackDir = synthForEmulator(emulator, stack.account, input, outdir, ledger);
    writeFileSync(join(stack.stackDir, "cdk.tf.json"), readFileSync(join(stackDir, "cdk.tf.json")));
    rmSync(outdir, { recursive: true, force: true });
  }
}

function tail(text: string, lines = 80): string {
  return text.split("\n").slice(-lines).join("\n");
}
