/**
 * Bench driver: sizes of the Lambda bundles as synth builds them. Each `lambdas/<name>/handler.ts` goes through
 * `bundleOnce`, the function BundledNodejsFunction uses: esbuild with `lambdaBundleOptions` (AWS SDK external), then
 * the zip synth ships (fflate, deflate level 9). Reports the bundle's bytes and the archive's bytes.
 * Usage: node --import tsx scripts/bench/lambda-bundles.ts
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { bundleOnce } from "../../lib/constructs/bundled-nodejs-function";
import { emit } from "./result";

export interface LambdaBundleSize {
  /** Directory under lambdas/. */
  readonly name: string;
  /** Bytes of the files the archive holds (the bundled index.js). */
  readonly unzippedBytes: number;
  /** Bytes of archive.zip. */
  readonly zippedBytes: number;
}

const lambdasDir = join(__dirname, "..", "..", "lambdas");
const names = readdirSync(lambdasDir)
  .filter((name) => existsSync(join(lambdasDir, name, "handler.ts")))
  .sort();

const sizes: LambdaBundleSize[] = names.map((name) => {
  const bundle = bundleOnce(join(lambdasDir, name, "handler.ts"), false);
  const dir = dirname(bundle.file);
  return {
    name,
    unzippedBytes: readdirSync(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0),
    zippedBytes: statSync(bundle.archive).size,
  };
});
emit({ bundles: sizes });
