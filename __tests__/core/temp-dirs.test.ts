/**
 * Temporary directories that live as long as the process (lib/core/temp-dirs.ts). That they are
 * gone after the process exits is shown end to end in __tests__/main.process.test.ts (a synth leaves
 * nothing in its temp directory); here, what can be seen inside one process.
 */
import { existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname } from "node:path";
import { processTempDir } from "../../lib/core/temp-dirs";

test("makes a new directory under the temp directory, named by the prefix, and one exit listener for all of them", () => {
  const before = process.listenerCount("exit");
  const first = processTempDir("temp-dirs-test-");
  const second = processTempDir("temp-dirs-test-");
  expect(first).not.toBe(second);
  for (const dir of [first, second]) {
    expect(dirname(dir)).toBe(tmpdir());
    expect(basename(dir)).toMatch(/^temp-dirs-test-.{6}$/);
    expect(existsSync(dir) && statSync(dir).isDirectory()).toBe(true);
  }
  expect(process.listenerCount("exit")).toBeLessThanOrEqual(before + 1);
});
