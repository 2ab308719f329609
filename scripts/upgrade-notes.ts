/**
 * `npm run upgrade-notes`: regenerates the upgrade-notes table of docs/upgrading.md (between the
 * upgrade-notes:start and upgrade-notes:end markers) from offline plans of this tree's code
 * against the previous release's state (__tests__/upgrade/previous-release/), the computation
 * previous-release.process.test.ts checks docs/upgrading.md against. Run it after changing a default.
 * `npm run upgrade-notes -- --check` changes nothing and exits 1 when docs/upgrading.md is out of date.
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
import {
  readUpgradeNotesBlock,
  upgradeBreaks,
  writeUpgradeNotesBlock,
  exampleName,
  UPGRADE_NOTES_FILE,
} from "../__tests__/upgrade/previous-release/notes";
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
  const docPath = join(__dirname, "..", UPGRADE_NOTES_FILE);
  const doc = readFileSync(docPath, "utf8");
  if (check) {
    if (readUpgradeNotesBlock(doc) === notes) return 0;
    process.stderr.write(`${UPGRADE_NOTES_FILE}: the upgrade-notes block is out of date; run \`npm run upgrade-notes\`\n`);
    return 1;
  }
  const updated = writeUpgradeNotesBlock(doc, notes);
  if (updated !== doc) writeFileSync(docPath, updated);
  process.stderr.write(`${UPGRADE_NOTES_FILE}: upgrade-notes block ${updated === doc ? "already up to date" : "updated"}\n${notes}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
