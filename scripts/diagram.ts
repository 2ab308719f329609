/**
 * `npm run diagram`: regenerates the README's Mermaid block (between the diagram:start and
 * diagram:end markers) from the embedded default config. `npm run diagram -- --check` changes
 * nothing and exits 1 when the README is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfigFromEnv } from "../lib/config/load";
import { planStack } from "../lib/model/stack-plan";
import { readDiagramBlock, renderMermaid, writeDiagramBlock } from "../lib/diagram";

function main(argv: readonly string[]): number {
  const check = argv.includes("--check");
  const readmePath = join(__dirname, "..", "README.md");
  const readme = readFileSync(readmePath, "utf8");
  // An empty environment: always the embedded default, whatever PRIVATE_API_CONFIG says.
  const mermaid = renderMermaid(planStack(loadConfigFromEnv({})));
  if (check) {
    if (readDiagramBlock(readme) === mermaid) return 0;
    process.stderr.write("README.md: the diagram block is out of date; run `npm run diagram`\n");
    return 1;
  }
  const updated = writeDiagramBlock(readme, mermaid);
  if (updated !== readme) writeFileSync(readmePath, updated);
  process.stderr.write(`README.md: diagram block ${updated === readme ? "already up to date" : "updated"}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
