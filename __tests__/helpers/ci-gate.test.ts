/**
 * The CI gate (ci-gate.ts) that the Terraform, deploy and package suites share.
 */
import { ciVerdict } from "./ci-gate";

describe("ciVerdict", () => {
  test("runs when nothing is missing, fails under CI=true when something is, and skips otherwise", () => {
    // GIVEN / WHEN / THEN
    expect(ciVerdict(undefined, { CI: "true" })).toBe("run");
    expect(ciVerdict(undefined, {})).toBe("run");
    expect(ciVerdict("moto is not importable", { CI: "true" })).toBe("fail");
    expect(ciVerdict("moto is not importable", { CI: "1" })).toBe("fail");
    expect(ciVerdict("moto is not importable", {})).toBe("skip");
    expect(ciVerdict("moto is not importable", { CI: "false" })).toBe("skip");
  });
});
