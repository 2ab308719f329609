/**
 * The one rule for suites that need something from outside the repo (Terraform and the provider
 * mirror, moto, packages in the npm cache): where it is missing, the suite is skipped with the
 * reason printed, except under CI=true, where it fails with one test that says what is missing and
 * how to provide it (TERRAFORM_BIN, TF_PROVIDER_MIRROR, MOTO_PYTHON, `npm ci`). A CI run never
 * passes by skipping.
 */
import { isCi } from "../../lib/config/load";

/** What a suite does, given what is missing (if anything): run, fail (under CI=true) or skip. */
export function ciVerdict(problem: string | undefined, env: NodeJS.ProcessEnv = process.env): "run" | "fail" | "skip" {
  if (problem === undefined) return "run";
  return isCi(env) ? "fail" : "skip";
}

/**
 * The `describe` for a suite that needs something: plain `describe` when `problem` is undefined.
 * Otherwise, under CI=true, a suite of one failing test named `need` whose error is `problem`;
 * elsewhere `describe.skip`, with `problem` printed. `need` says what the suite needs:
 * "terraform and the provider mirror are available".
 */
export function describeIfAvailable(need: string, problem: string | undefined): (name: string, body: () => void) => void {
  switch (ciVerdict(problem)) {
    case "run":
      return describe;
    case "fail":
      return (name) =>
        describe(name, () => {
          test(need, () => {
            throw new Error(`CI=true, so this fails instead of being skipped: ${problem}`);
          });
        });
    case "skip":
      return (name, body) => {
        console.warn(`Skipping "${name}": ${problem}`);
        // The body still runs, to list the skipped tests; the tests themselves do not.
        describe.skip(name, body);
      };
  }
}
