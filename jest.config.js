/**
 * Two Jest projects:
 * - `unit`: everything in-process (CDKTF synth included), no child processes. The edit loop:
 *   `npm run test:unit`. A setup file (__tests__/no-child-processes.ts) makes node:child_process
 *   throw, so a unit test that starts a process fails and says where it belongs.
 * - `terraform`: the test files named `*.process.test.ts`. They start child processes: terraform and
 *   its provider (most of them, hence the name), tsx, cdktf-cli or npm. `npm run test:terraform`.
 * - `deploy`: the test files named `*.deploy.test.ts`. They apply stacks to moto, an AWS emulator
 *   they start on 127.0.0.1, and destroy them (__tests__/deploy/README.md). `npm run test:deploy`.
 * A test file that needs both keeps its in-process tests in `name.test.ts` and moves the rest to
 * `name.process.test.ts`, next to it. `npm test` runs both projects.
 */
const shared = {
  // Node's environment, with a temp folder per test file that is removed after it (temp-environment.js).
  testEnvironment: "<rootDir>/__tests__/temp-environment.js",
  roots: ["<rootDir>/__tests__"],
  // Transpile only: `npm test` type-checks the whole project once with tsc before jest runs.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: "unit",
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "\\.process\\.test\\.ts$", "\\.deploy\\.test\\.ts$"],
      // testTimeout is a global option, so this project sets its own, 60 s, in no-child-processes.ts.
      setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts", "<rootDir>/__tests__/no-child-processes.ts"],
    },
    {
      ...shared,
      displayName: "terraform",
      testMatch: ["**/*.process.test.ts"],
      setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
    },
    {
      ...shared,
      displayName: "deploy",
      testMatch: ["**/*.deploy.test.ts"],
      setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
    },
  ],
  // The deploy tier's files first (__tests__/sequencer.js): without a timing cache Jest would start
  // them last.
  testSequencer: "<rootDir>/__tests__/sequencer.js",
  // Reporters are global, so the summary line is printed once per run, whichever projects ran.
  reporters: ["default", "<rootDir>/__tests__/summary-reporter.js"],
  // For the terraform project: a plan of every example in one Terraform run takes a while.
  testTimeout: 180000,
  // At least 4 workers, and one per core past that. Most of the time goes to child processes
  // (terraform and its provider, tsx, cdktf) and to waiting: the deploy tier's files spend about a
  // minute each in the provider's load balancer waiters, sleeping. Measured on 2 cores: the
  // deploy tier in 252 s with 4 workers, 312 s with 2 (Jest's default there is 1, in band).
  maxWorkers: Math.max(4, require("node:os").availableParallelism()),
};
