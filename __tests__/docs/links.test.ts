/**
 * The documentation is split over the README, docs/ and a few READMEs beside the code: every
 * relative link between them must reach a file, and every #anchor a heading of that file (as
 * GitHub makes heading anchors), so that moving a section cannot leave a dead link behind.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const root = join(__dirname, "..", "..");
const files = [
  "README.md",
  "SECURITY.md",
  "BENCHMARKS.md",
  "lambdas/README.md",
  "__tests__/deploy/README.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** The text outside fenced code blocks, where links and headings are Markdown. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, "");
}

/** GitHub's anchor for a heading: lower case, punctuation but hyphens dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, "")
    .replace(/ /g, "-");
}

function anchors(file: string): Set<string> {
  const headings = [...prose(readFileSync(file, "utf8")).matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]));
  return new Set(headings);
}

test("slug makes GitHub's anchors", () => {
  expect(slug("Many services: several NLBs")).toBe("many-services-several-nlbs");
  expect(slug("Measured: the examples against the previous release's state")).toBe(
    "measured-the-examples-against-the-previous-releases-state",
  );
  expect(slug("The deploy tier: an AWS emulator")).toBe("the-deploy-tier-an-aws-emulator");
});

test.each(files)("%s: every relative link reaches a file, and every anchor a heading in it", (file) => {
  const path = join(root, file);
  const links = [...prose(readFileSync(path, "utf8")).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  const broken = links
    .filter((l) => !/^[a-z]+:/.test(l))
    .filter((link) => {
      const [target, anchor] = link.split("#");
      const targetPath = target === "" ? path : join(dirname(path), target);
      if (!existsSync(targetPath)) return true;
      return anchor !== undefined && targetPath.endsWith(".md") && !anchors(targetPath).has(anchor);
    });
  expect({ file: relative(root, path), broken }).toEqual({ file, broken: [] });
});

test("the docs index links every page of docs/", () => {
  const index = readFileSync(join(root, "docs", "README.md"), "utf8");
  const pages = readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md") && f !== "README.md");
  expect(pages.filter((p) => !index.includes(`](${p})`))).toEqual([]);
});
