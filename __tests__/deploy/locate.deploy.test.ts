/**
 * Finding moto: a python without it is reported with what to install, never run.
 * (What the tier then does, run, skip or fail under CI=true, is ciVerdict's: helpers/ci-gate.test.ts.)
 */
import { locateMoto, MOTO_VERSION } from "./emulator";

test("a python that does not exist is reported with the install command and MOTO_PYTHON", () => {
  const found = locateMoto({ ...process.env, MOTO_PYTHON: "/nonexistent/python3" });
  expect(found).toBe(`moto is not importable by "/nonexistent/python3" (pip install "moto[server]==${MOTO_VERSION}", or set MOTO_PYTHON)`);
});
