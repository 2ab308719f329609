/**
 * `npm run upgrade-notes`: regenerates the README's upgrade-notes table (between the
 * upgrade-notes:start and upgrade-notes:end markers) from offline plans of this tree's code
 * against the previous release's state (__tests__/upgrade/previous-release/), the computation
 * previous-release.process.test.ts checks the README against. Run it after changing a default.
 * `npm run upgrade-notes -- --check` changes nothing and exits 1 when the README is out of date.
 *
 * It also refuses to write notes for an upgrade that is not safe (upgradeBreaks: a load balancer,
 * listener, VPC link, API, stage, cluster or ECS service replaced, or anything destroyed): that is
 * a change to fix, not to document.
 *
 * Needs Terraform and the provider mirror (TERRAFORM_BIN, TF_PROVIDER_MIRROR), about a minute.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { locateTerraform } from "./tooling/terraform";
import { readUpgradeNotesBlock, upgradeBreaks, writeUpgradeNotesBlock, exampleName } from "../__tests__/upgrade/previous-release/notes";
import { fixtureRoots, planAgainstPreviousRelease, upgradeNotesOf } from "../__tests__/upgrade/previous-release/plan";

function main(argv: readonly string[]): number {
  const check = argv.includes("--check");
  const tf = locateTerraform();
  if (typeof tf === "string") {
    process.stderr.write(`${tf}\n`);
    return 1;
  }
  const planned = fixtureRoots().map((root) => {
    const result = planAgainstPreviousRelease(tf, root);
    process.stderr.write(`${root}: planned against the previous release's state in ${result.seconds.toFixed(0)} s\n`);
    return result;
  });
  const breaks = planned.flatMap((r) => r.stacks.flatMap((s) => upgradeBreaks(s.plan).map((b) => `${exampleName(s.key)}: ${b}`)));
  if (breaks.length > 0) {
    process.stderr.write(`The upgrade from the previous release is not safe:\n${breaks.join("\n")}\n`);
    return 1;
  }
  const notes = upgradeNotesOf(planned);
  const readmePath = join(__dirname, "..", "README.md");
  const readme = readFileSync(readmePath, "utf8");
  if (check) {
    if (readUpgradeNotesBlock(readme) === notes) return 0;
    process.stderr.write("README.md: the upgrade-notes block is out of date; run `npm run upgrade-notes`\n");
    return 1;
  }
  const updated = writeUpgradeNotesBlock(readme, notes);
  if (updated !== readme) writeFileSync(readmePath, updated);
  process.stderr.write(`README.md: upgrade-notes block ${updated === readme ? "already up to date" : "updated"}\n${notes}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
