import { ConfigError, parseConfig } from "../lib/config/load";
import { synthesize } from "../lib/synth";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
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

// The format is an argument: cdktf 0.21 listens only to SYNTH_HCL_OUTPUT, which synthesize() sets
// while it builds and puts back, so a value left in the environment decides nothing.
test.each([
  ["json", "true", "cdk.tf.json", "cdk.tf"],
  ["hcl", undefined, "cdk.tf", "cdk.tf.json"],
] as const)(
  "format %s writes its own file whatever SYNTH_HCL_OUTPUT says (%s), removes the other, and leaves the variable as it was",
  (format, inEnv, written, removed) => {
    const saved = process.env.SYNTH_HCL_OUTPUT;
    if (inEnv === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = inEnv;
    try {
      // GIVEN a stack directory holding the other format from an earlier synth
      const cfg = parseConfig(defaultConfig());
      const outdir = mkdtempSync(join(tmpdir(), "synth-format-"));
      mkdirSync(join(outdir, "stacks", cfg.name), { recursive: true });
      writeFileSync(join(outdir, "stacks", cfg.name, removed), "stale");
      // WHEN
      synthesize(cfg, outdir, { format });
      // THEN
      expect(existsSync(join(outdir, "stacks", cfg.name, written))).toBe(true);
      expect(existsSync(join(outdir, "stacks", cfg.name, removed))).toBe(false);
      expect(process.env.SYNTH_HCL_OUTPUT).toBe(inEnv);
    } finally {
      if (saved === undefined) delete process.env.SYNTH_HCL_OUTPUT;
      else process.env.SYNTH_HCL_OUTPUT = saved;
    }
  },
);
