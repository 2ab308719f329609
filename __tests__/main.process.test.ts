/**
 * The entry point as users run it: `npm run synth` (tsx main.ts) and `cdktf synth`, in a scratch
 * directory. A bad config must print one message and write nothing.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configWithServices, defaultConfig } from "./helpers/fixtures";
import type { TerraformJson } from "./helpers/synth";

const root = join(__dirname, "..");
const tsx = join(root, "node_modules", ".bin", "tsx");

function runMain(env: NodeJS.ProcessEnv = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "main-"));
  const { PRIVATE_API_CONFIG: _ignored, ...inherited } = process.env;
  const result = spawnSync(tsx, [join(root, "main.ts")], { cwd, env: { ...inherited, ...env }, encoding: "utf8" });
  return { ...result, cwd };
}

function writeConfig(value: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), "cfg-")), "config.json");
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

test("with no arguments it synthesises the embedded default", () => {
  // WHEN
  const run = runMain();
  // THEN
  expect(run.status).toBe(0);
  const out = JSON.parse(readFileSync(join(run.cwd, "cdktf.out", "stacks", "private-api", "cdk.tf.json"), "utf8")) as TerraformJson;
  expect(Object.keys(out.resource.aws_lb_listener)).toHaveLength(2);
  // The topology diagram is written beside the stack.
  expect(readFileSync(join(run.cwd, "cdktf.out", "stacks", "private-api", "diagram.md"), "utf8")).toMatch(/^```mermaid\nflowchart LR\n/);
});

test("a synth with the Lambda bridge and renames leaves nothing in the temp directory, and its Lambda archives in the output", () => {
  // GIVEN an empty temp directory of its own, and a config whose synth bundles Lambdas and plans a rename
  const tmp = mkdtempSync(join(tmpdir(), "main-tmp-"));
  const config = JSON.parse(readFileSync(join(root, "examples", "alb-bridge-lambda.json"), "utf8")) as { services: { name: string }[] };
  const renamed = { ...config, renames: { services: { "old-name": config.services[0].name } } };
  // WHEN
  const run = runMain({ PRIVATE_API_CONFIG: writeConfig(renamed), TMPDIR: tmp });
  // THEN
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.status).toBe(0);
  // tsx keeps its compile cache there (tsx-<uid>): not the synth's.
  expect(readdirSync(tmp).filter((name) => !/^tsx-\d+$/.test(name))).toEqual([]);
  const assets = join(run.cwd, "cdktf.out", "stacks", "claims", "assets");
  expect(readdirSync(assets)).toHaveLength(2);
});

test("PRIVATE_API_CONFIG selects another file", () => {
  const run = runMain({ PRIVATE_API_CONFIG: join(root, "examples", "existing-vpc.json") });
  expect(run.status).toBe(0);
  expect(existsSync(join(run.cwd, "cdktf.out", "stacks", "payments", "cdk.tf.json"))).toBe(true);
});

test("a route with authorization NONE is reported as a warning", () => {
  const run = runMain({ PRIVATE_API_CONFIG: join(root, "examples", "two-services.json") });
  expect(run.status).toBe(0);
  expect(run.stderr).toMatch(/warning: GET \/catalog\/status has authorization NONE: anyone on the internet can call it/);
});

test("deletionProtection false is reported as a warning on each load balancer, saying what it risks", () => {
  const run = runMain({ PRIVATE_API_CONFIG: writeConfig({ ...defaultConfig(), deletionProtection: false }) });
  expect(run.status).toBe(0);
  const warnings = run.stderr.split("\n").filter((l) => l.includes("no deletion protection"));
  expect(warnings).toEqual([
    "warning: NLB private-api-nlb has no deletion protection (deletionProtection false): a destroy, or a change that replaces it, deletes it at once, and with it the VPC link's target: every route of the API fails until a new NLB and VPC link are up. [private-api/Nlb/Resource]",
  ]);
  // AND the default config, which keeps it, prints no such warning
  expect(runMain().stderr).not.toContain("deletion protection");
});

describe.each([
  [
    "duplicate host ports",
    () => writeConfig({ ...defaultConfig(), services: defaultConfig().services.map((s) => ({ ...s, hostPort: 10000 })) }),
    /services\[1\]\.hostPort: hostPort 10000 is used twice/,
  ],
  ["a file that is not JSON", () => writeConfig("name: yaml-is-not-json"), /is not valid JSON/],
  [
    "a file that does not exist",
    () => "/nonexistent/config.json",
    /Cannot read config file "\/nonexistent\/config\.json" \(PRIVATE_API_CONFIG\): no such file/,
  ],
])("%s", (_what, makePath, message) => {
  const run = runMain({ PRIVATE_API_CONFIG: makePath() });

  test("exits 1 with one clear message and no stack trace", () => {
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test("writes nothing", () => {
    expect(existsSync(join(run.cwd, "cdktf.out"))).toBe(false);
  });
});

describe("the NLB shard ledger next to a config file", () => {
  const configPath = writeConfig(configWithServices(51));
  const ledgerPath = configPath.replace(/\.json$/, ".nlb-shards.lock");
  const nlbLines = () =>
    readFileSync(ledgerPath, "utf8")
      .split("\n")
      .filter((l) => l.trim().startsWith("["));

  test("is written by a local synth, one line per NLB", () => {
    const run = runMain({ PRIVATE_API_CONFIG: configPath, CI: "" });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/Recorded which NLB each listener port is on in .*config\.nlb-shards\.lock: commit it with the config/);
    expect(nlbLines()).toHaveLength(2);
    expect(nlbLines()[1].trim()).toBe("[10050]");
  });

  test("with CI set, a ledger that no longer matches stops the synth before anything is written, and is left alone", () => {
    const grown = configWithServices(52);
    grown.services[51].hostPort = 9000;
    writeFileSync(configPath, JSON.stringify(grown));
    const before = readFileSync(ledgerPath, "utf8");
    const run = runMain({ PRIVATE_API_CONFIG: configPath, CI: "true" });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /NLB shard ledger ".*config\.nlb-shards\.lock" does not match the config's NLB ports\. Run the synth outside CI/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(run.cwd, "cdktf.out"))).toBe(false);
    expect(readFileSync(ledgerPath, "utf8")).toBe(before);
  });

  test("a local synth then places the new port without moving a recorded one, and CI accepts the result", () => {
    const local = runMain({ PRIVATE_API_CONFIG: configPath, CI: "" });
    expect(local.status).toBe(0);
    expect(nlbLines()[0]).toContain("10049");
    expect(nlbLines()[1].trim()).toBe("[9000,10050]");
    const ci = runMain({ PRIVATE_API_CONFIG: configPath, CI: "true" });
    expect(ci.status).toBe(0);
    expect(ci.stderr).not.toMatch(/Recorded/);
  });

  test("a malformed ledger is one message naming the file and the field", () => {
    writeFileSync(ledgerPath, JSON.stringify({ version: 1, nlbs: [[10000], [10000]] }));
    const run = runMain({ PRIVATE_API_CONFIG: configPath, CI: "" });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /Invalid NLB shard ledger ".*config\.nlb-shards\.lock":\n {2}- nlbs\[1\]\[0\]: port 10000 is also on nlbs\[0\]/,
    );
    expect(existsSync(join(run.cwd, "cdktf.out"))).toBe(false);
  });
});

test("`cdktf synth` runs the app from cdktf.json", () => {
  // GIVEN a scratch copy of the project files cdktf needs, sharing node_modules
  const cwd = mkdtempSync(join(tmpdir(), "cdktf-cli-"));
  for (const f of ["cdktf.json", "main.ts", "lib", "package.json", "tsconfig.json"])
    cpSync(join(root, f), join(cwd, f), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(cwd, "node_modules"), "dir");
  // WHEN
  const run = spawnSync(join(root, "node_modules", ".bin", "cdktf"), ["synth"], {
    cwd,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "true" },
    encoding: "utf8",
  });
  // THEN
  expect(run.status).toBe(0);
  expect(existsSync(join(cwd, "cdktf.out", "stacks", "private-api", "cdk.tf.json"))).toBe(true);
});
