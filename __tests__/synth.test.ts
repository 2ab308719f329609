import { ConfigError, parseConfig } from "../lib/config/load";
import { synthesize } from "../lib/synth";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "./helpers/fixtures";

// synthesize() blanks the stack traces cdktf captures for every token, for speed; nothing else may notice.
test("synthesize leaves Error.prepareStackTrace as it found it, and an error raised while building keeps its trace", () => {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- a hook V8 calls, only compared here, never called
  const before = Error.prepareStackTrace;
  // GIVEN a config that the stack rejects while it is being built (an adopt entry naming no resource)
  const cfg = parseConfig({ ...defaultConfig(), adopt: [{ resource: "NoSuchThing", id: "x" }] });
  // WHEN
  let error: unknown;
  try {
    synthesize(cfg, mkdtempSync(join(tmpdir(), "synth-")));
  } catch (err) {
    error = err;
  }
  // THEN
  // eslint-disable-next-line @typescript-eslint/unbound-method -- as above: compared, not called
  expect(Error.prepareStackTrace).toBe(before);
  expect(error).toBeInstanceOf(ConfigError);
  expect(String((error as Error).stack).split("\n").length).toBeGreaterThan(2);
  expect(new Error("after").stack).toMatch(/\n\s+at /);
});
