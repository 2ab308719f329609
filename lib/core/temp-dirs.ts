/**
 * Temporary directories that live as long as the process: made with mkdtemp under the OS temp dir
 * and removed when the process exits. For files a synth or a Terraform run needs while it runs and
 * nobody needs after it (CDKTF copies a Lambda archive into the stack's output at synth), so that
 * `npm run synth`, `npm run plan` and the other scripts leave nothing behind in /tmp.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made = new Set<string>();

function removeAll(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}

/** A new directory `<tmpdir>/<prefix>XXXXXX`, removed with everything in it when the process exits. */
export function processTempDir(prefix: string): string {
  if (made.size === 0) process.once("exit", removeAll);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}
