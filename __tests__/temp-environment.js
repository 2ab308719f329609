/**
 * Jest's test environment for every project (jest.config.js): Node's, with a temp folder of the
 * test file's own. While the file runs, TMPDIR points there, so os.tmpdir() in the tests, in lib/
 * (the Lambda bundles, the rename check's old stack), in CDKTF (every Testing.app() makes a
 * `cdktf.outdir.*`) and in the child processes the file starts (terraform, tsx, npm, moto) all
 * write inside it; when the file is done the folder is removed. One `npm run test:unit` used to
 * leave 493 folders in /tmp.
 *
 * A worker runs one test file at a time, so setting TMPDIR in the worker's own process is safe.
 * KEEP_TEST_TMP=1 keeps the folders (their paths are printed) to look at.
 */
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { basename, join } = require("node:path");
const { TestEnvironment } = require("jest-environment-node");

class TempDirEnvironment extends TestEnvironment {
  constructor(config, context) {
    const previous = process.env.TMPDIR;
    const dir = mkdtempSync(join(tmpdir(), `jest-${basename(context.testPath).replace(/\.test\.ts$/, "")}-`));
    // Before super(): the test's own process.env is copied from this process's there.
    process.env.TMPDIR = dir;
    super(config, context);
    this.tempDir = dir;
    this.previousTmpdir = previous;
  }

  async teardown() {
    await super.teardown();
    if (this.previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = this.previousTmpdir;
    if (process.env.KEEP_TEST_TMP) {
      process.stderr.write(`KEEP_TEST_TMP: kept ${this.tempDir}\n`);
      return;
    }
    // Retries: a child process the file stopped may still be closing a file in it.
    rmSync(this.tempDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

module.exports = TempDirEnvironment;
