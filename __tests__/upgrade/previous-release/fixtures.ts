/**
 * The previous release's Terraform state, as committed fixtures: what generate.ts saved and what
 * previous-release.process.test.ts (and `npm run upgrade-notes`) plan the code under test against.
 *
 * For each of the deploy tier's roots, `<root>.tfstate.json.gz` (the state after apply, gzipped)
 * and `<root>.world.json` (each stack's module name in the root, its emulator account, and the
 * placeholder -> emulator id map its config was applied with); `manifest.json` says what produced
 * them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { WorldMapping } from "../../deploy/root";

/** The directory of the fixtures (this file's). */
export const FIXTURE_DIR = __dirname;

/** One stack of a root, as the previous release applied it. */
export interface FixtureStack {
  /** The config's key in allConfigs() (`embedded default`, `examples/<file>`). */
  readonly key: string;
  /** Its module name in the root: the state's addresses start with `module.<module>.`. */
  readonly module: string;
  /** The emulator account it was applied in (its provider's access key). */
  readonly account: string;
  /** Placeholder in the config -> the emulator's id or ARN, as world.py returned it. */
  readonly world: WorldMapping;
}

/** `<root>.world.json`. */
export interface FixtureWorld {
  readonly root: string;
  readonly stacks: readonly FixtureStack[];
}

/** `manifest.json`: where the fixtures came from. */
export interface FixtureManifest {
  /** `git rev-parse HEAD` of the code the state was applied from. */
  readonly commit: string;
  /** When (ISO 8601). */
  readonly date: string;
  readonly moto: string;
  readonly terraform: string;
  readonly provider: string;
  /** Root name -> the keys of its stacks and the number of resources in its state. */
  readonly roots: Readonly<Record<string, { readonly stacks: readonly string[]; readonly resources: number }>>;
}

export function stateFile(root: string): string {
  return join(FIXTURE_DIR, `${root}.tfstate.json.gz`);
}

export function worldFile(root: string): string {
  return join(FIXTURE_DIR, `${root}.world.json`);
}

export const MANIFEST_FILE = join(FIXTURE_DIR, "manifest.json");

export function readManifest(): FixtureManifest {
  return JSON.parse(readFileSync(MANIFEST_FILE, "utf8")) as FixtureManifest;
}

export function readWorld(root: string): FixtureWorld {
  return JSON.parse(readFileSync(worldFile(root), "utf8")) as FixtureWorld;
}

/** The saved state of a root, as Terraform wrote it (gunzipped). */
export function readState(root: string): Buffer {
  return gunzipSync(readFileSync(stateFile(root)));
}
