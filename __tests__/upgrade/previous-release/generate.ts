/**
 * Writes the previous release's state fixtures (fixtures.ts) that
 * previous-release.process.test.ts plans the code under test against.
 *
 * Regenerate on each release, from the released commit, and commit the result with the release:
 *
 *   git checkout <release tag> && npx tsx __tests__/upgrade/previous-release/generate.ts
 *
 * Then `npm run upgrade-notes` on the next release's code lists what upgrading from that release
 * changes. Needs Terraform with the provider mirror and moto (as the deploy tier:
 * __tests__/deploy/README.md); refuses to run from a tree whose product code or examples have
 * uncommitted changes, as the manifest's commit would then not be the code that was applied.
 *
 * For each of the deploy tier's roots (the default config and the examples applied together,
 * `two-services`, `alb-bridge-lambda`), one at a time and each with a moto of its own: starts moto,
 * creates the world the configs refer to, synthesises them with this tree's code, applies them
 * with the deploy tier's own functions, refreshes the state (so it holds what the emulator answers,
 * as a state does after any plan), checks that a plan of the same code against it changes nothing
 * but the emulator's known gaps, and saves the state (gzipped), each stack's world mapping and
 * account, and the manifest. Then destroys the root and stops moto.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { AWS_PROVIDER_VERSION } from "../../../lib/stacks/private-api-stack";
import { locateTerraform, type TerraformEnv } from "../../../scripts/tooling/terraform";
import { allConfigs, ledgerOf, ROOT } from "../../helpers/fixtures";
import { Emulator, locateMoto } from "../../deploy/emulator";
import { DeployRoot, prepareStacks } from "../../deploy/root";
import { examplesAppliedTogether, NOT_APPLIED_TOGETHER, UPGRADED } from "../../deploy/suite";
import { MANIFEST_FILE, stateFile, worldFile, type FixtureManifest, type FixtureWorld } from "./fixtures";
import { upgradeChanges } from "./notes";

/** The example bridge-lambdas.deploy.test.ts applies in a root of its own. */
const BRIDGE_EXAMPLE = "examples/alb-bridge-lambda.json";

/** The deploy tier's roots, by fixture name: the configs each applies together. */
function deployRoots(): { readonly name: string; readonly keys: readonly string[] }[] {
  if (!(BRIDGE_EXAMPLE in NOT_APPLIED_TOGETHER)) throw new Error(`${BRIDGE_EXAMPLE} is no longer applied in a root of its own`);
  return [
    { name: "examples", keys: examplesAppliedTogether() },
    { name: "two-services", keys: [UPGRADED] },
    { name: "alb-bridge-lambda", keys: [BRIDGE_EXAMPLE] },
  ];
}

function git(args: readonly string[]): string {
  return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
}

function terraformVersion(tf: TerraformEnv): string {
  const out = spawnSync(tf.bin, ["version", "-json"], { env: tf.env, encoding: "utf8" });
  return (JSON.parse(out.stdout) as { terraform_version: string }).terraform_version;
}

async function generateRoot(tf: TerraformEnv, python: string, name: string, keys: readonly string[]): Promise<number> {
  const inputs = new Map(allConfigs());
  const emulator = await Emulator.start(python);
  try {
    const stacks = prepareStacks(
      emulator,
      keys.map((key) => ({ key, input: inputs.get(key), ledger: ledgerOf(key) })),
    );
    const root = DeployRoot.together(tf, stacks);
    process.stderr.write(`${name}: applying ${keys.length} config(s) in ${root.dir}\n`);
    root.init();
    root.apply();
    root.run(["apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"]);
    // The test's check, with the code that applied the state: nothing but the gaps may show (upgradeChanges).
    const { plan } = root.plan(["-refresh=false"]);
    const unexplained = stacks.flatMap((s) => upgradeChanges(s.key, root.changesOf(plan, s)));
    if (unexplained.length > 0) {
      throw new Error(`${name}: the plan against the saved state shows more than the gaps:\n${JSON.stringify(unexplained, null, 2)}`);
    }
    const resources = root.stateList().length;
    writeFileSync(stateFile(name), gzipSync(readFileSync(join(root.dir, "terraform.tfstate")), { level: 9 }));
    const world: FixtureWorld = {
      root: name,
      stacks: stacks.map((s) => ({ key: s.key, module: s.module, account: s.account, world: s.world })),
    };
    writeFileSync(worldFile(name), `${JSON.stringify(world, null, 2)}\n`);
    root.destroy();
    process.stderr.write(`${name}: ${resources} resources saved, and destroyed\n`);
    rmSync(root.dir, { recursive: true, force: true });
    for (const s of stacks) rmSync(dirname(dirname(s.stackDir)), { recursive: true, force: true });
    return resources;
  } finally {
    await emulator.stop();
  }
}

async function main(): Promise<void> {
  const dirty = git(["status", "--porcelain", "--", "lib", "lambdas", "examples", "main.ts", "package.json"]);
  if (dirty !== "") throw new Error(`uncommitted changes to the product code or examples:\n${dirty}`);
  const tf = locateTerraform();
  if (typeof tf === "string") throw new Error(tf);
  const moto = locateMoto();
  if (typeof moto === "string") throw new Error(moto);
  const roots: Record<string, { stacks: readonly string[]; resources: number }> = {};
  for (const { name, keys } of deployRoots()) {
    roots[name] = { stacks: keys, resources: await generateRoot(tf, moto.python, name, keys) };
  }
  const manifest: FixtureManifest = {
    commit: git(["rev-parse", "HEAD"]),
    date: new Date().toISOString(),
    moto: moto.version,
    terraform: terraformVersion(tf),
    provider: AWS_PROVIDER_VERSION,
    roots,
  };
  writeFileSync(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
