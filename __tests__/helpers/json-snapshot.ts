import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

/** The checkout's root: the local backend's state path is absolute, and differs between clones. */
const REPO_ROOT = resolve(__dirname, "../..");

/**
 * Whole synthesised stacks, committed as JSON files and compared byte for byte: the contract that a
 * refactor changes no output. Volatile values are blanked first: the Lambda bundles' asset hashes,
 * which change with any edit to lambdas/ and are covered by the bundling tests instead, and the
 * checkout's own path (the local backend's state file), which differs between clones.
 *
 * `UPDATE_SYNTH_SNAPSHOTS=1 npx jest __tests__/terraform/examples.test.ts` rewrites the files; the
 * diff is then reviewed like code and the change noted in CHANGELOG.md. Under CI a missing file
 * fails, it is never written.
 */
function stableStackJson(json: unknown): string {
  const text = JSON.stringify(json, null, 2);
  return (
    text
      // assets/<construct id>/<hash>/archive.zip
      .replace(/("assets\/[^"/]+\/)[0-9A-F]{32}(\/)/g, "$1<asset-hash>$2")
      .replace(/("source_code_hash": ")[0-9A-F]{32}"/g, '$1<asset-hash>"')
      .split(`"${REPO_ROOT}/`)
      .join('"<repo>/') + "\n"
  );
}

/** Fails, showing where in a few lines a reviewer can read, unless `json` is exactly the committed file. */
export function expectCommittedJson(file: string, json: unknown): void {
  const diff = jsonSnapshotDiff(file, stableStackJson(json));
  if (diff !== undefined) throw new Error(diff);
}

function jsonSnapshotDiff(file: string, actual: string): string | undefined {
  if (process.env.UPDATE_SYNTH_SNAPSHOTS === "1" && process.env.CI !== "true") {
    writeFileSync(file, actual);
    return undefined;
  }
  if (!existsSync(file)) return `${file} is missing: write it with UPDATE_SYNTH_SNAPSHOTS=1 and review it`;
  const expected = readFileSync(file, "utf8");
  if (expected === actual) return undefined;
  const a = expected.split("\n");
  const b = actual.split("\n");
  let first = 0;
  while (first < a.length && a[first] === b[first]) first++;
  const context = (lines: string[]) =>
    lines
      .slice(Math.max(0, first - 3), first + 4)
      .map((l, i) => `${Math.max(0, first - 3) + i + 1}: ${l}`)
      .join("\n");
  return `${file} differs from the synthesised stack from line ${first + 1}\n--- committed\n${context(a)}\n+++ synthesised\n${context(b)}`;
}
