/**
 * Setup file of the `unit` Jest project (jest.config.js): starting a child process fails the test,
 * with a message saying where such a test belongs. Every function of node:child_process that
 * starts one is replaced, for the test file's module registry only (the terraform project, in the
 * same worker, keeps the real module).
 *
 * Not covered: esbuild, which bundles the bridge Lambdas during an in-process synth, runs its
 * service binary from a worker thread of its own, with the real module. That process is part of
 * synthesising, which the unit project allows.
 */
const STARTERS = ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const;

function guarded(): typeof import("node:child_process") {
  const real = jest.requireActual<typeof import("node:child_process")>("node:child_process");
  const refuse = (name: string) => () => {
    throw new Error(
      `child_process.${name} called in a unit test. Tests that start processes (terraform, tsx, cdktf, npm) ` +
        "belong in the terraform project: name the file *.process.test.ts (see jest.config.js).",
    );
  };
  return { ...real, ...Object.fromEntries(STARTERS.map((name) => [name, refuse(name)])) };
}

jest.mock("node:child_process", guarded);
jest.mock("child_process", guarded);

// Far below the terraform project's 180 s, with room: the longest unit test, the config fuzzer's
// mutation property, took 22 s on this 2-core machine while other jobs shared it.
jest.setTimeout(60_000);
