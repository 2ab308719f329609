/**
 * Bench driver: sizes of the Lambda bundles as synth builds them. Each `lambdas/<name>/handler.ts` is bundled with
 * `lambdaBundleOptions` (the options BundledNodejsFunction passes to esbuild; AWS SDK external) and packed as synth
 * packs it, as a cdktf TerraformAsset of type ARCHIVE (cdktf's zip, deflate level 9). Reports every file's bytes
 * before zipping and the archive's bytes.
 * Usage: node --import tsx scripts/bench/lambda-bundles.ts <work dir>
 */
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { App, AssetType, TerraformAsset, TerraformStack } from "cdktf";
import { buildSync } from "esbuild";
import { lambdaBundleOptions } from "../../lib/constructs/bundled-nodejs-function";
import { emit } from "./result";

export interface LambdaBundleSize {
  /** Directory under lambdas/. */
  readonly name: string;
  /** Bytes of the files the archive holds (the bundled index.js). */
  readonly unzippedBytes: number;
  /** Bytes of archive.zip. */
  readonly zippedBytes: number;
}

const work = process.argv[2];
if (work === undefined) throw new Error("usage: lambda-bundles.ts <work dir>");
const lambdasDir = join(__dirname, "..", "..", "lambdas");
const names = readdirSync(lambdasDir)
  .filter((name) => existsSync(join(lambdasDir, name, "handler.ts")))
  .sort();

mkdirSync(join(work, "out"), { recursive: true });
const app = new App({ outdir: join(work, "out") });
const stack = new TerraformStack(app, "bundles");
const assets = names.map((name) => {
  const dir = join(work, "bundles", name);
  mkdirSync(dir, { recursive: true });
  buildSync(lambdaBundleOptions(join(lambdasDir, name, "handler.ts"), join(dir, "index.js"), false));
  const unzippedBytes = readdirSync(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
  return { name, unzippedBytes, asset: new TerraformAsset(stack, name, { path: dir, type: AssetType.ARCHIVE }) };
});
app.synth();

const sizes: LambdaBundleSize[] = assets.map(({ name, unzippedBytes, asset }) => ({
  name,
  unzippedBytes,
  zippedBytes: statSync(join(app.outdir, "stacks", "bundles", asset.path)).size,
}));
emit({ bundles: sizes });
