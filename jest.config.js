/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Transpile only: `npm test` type-checks the whole project once with tsc before jest runs.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  reporters: ["default", "<rootDir>/__tests__/summary-reporter.js"],
  testTimeout: 180000,
  // One worker per core. Jest's default leaves a core to the coordinating process, which on a
  // 2-core machine means running every file in band; but most of the time goes to child processes
  // (terraform and its provider, tsx, cdktf), so a second worker overlaps them with the in-process
  // tests. Measured on 2 cores: about 103 s of Jest instead of 125 s in band.
  maxWorkers: "100%",
};
