/**
 * The entry point as users run it: `npm run synth` (tsx main.ts) and `cdktf synth`, in a scratch
 * directory. A bad config must print one message and write nothing.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "./helpers/fixtures";

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
  const out = JSON.parse(readFileSync(join(run.cwd, "cdktf.out", "stacks", "private-api", "cdk.tf.json"), "utf8"));
  expect(Object.keys(out.resource.aws_lb_listener)).toHaveLength(2);
  // The topology diagram is written beside the stack.
  expect(readFileSync(join(run.cwd, "cdktf.out", "stacks", "private-api", "diagram.md"), "utf8")).toMatch(/^```mermaid\nflowchart LR\n/);
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
