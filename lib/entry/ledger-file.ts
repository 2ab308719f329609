/**
 * The NLB shard ledger as a file next to a config (see lib/model/shards.ts for what it records
 * and why): where it lives, reading, rendering and writing it, and the CI rule. This is the entry
 * side's business (lib/entry/bootstrap.ts and main.ts); lib/config only places ports.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { ConfigError, formatPath } from "../config/load";
import { MAX_LISTENERS_PER_NLB } from "../core/limits";
import { assignNlbShards, sameLedger, type NlbShardLedger } from "../model/shards";

const ledgerSchema = z.strictObject({
  version: z.literal(1),
  comment: z.string().optional(),
  nlbs: z.array(z.array(z.number().int().min(1).max(65535)).max(MAX_LISTENERS_PER_NLB)).min(1),
});

/** Where the ledger of a config file lives: `examples/big.json` -> `examples/big.nlb-shards.lock`. */
export function ledgerPathFor(configPath: string): string {
  return join(dirname(configPath), `${basename(configPath).replace(/\.json$/i, "")}.nlb-shards.lock`);
}

/** Reads a ledger file; undefined when there is none. A malformed one is a ConfigError naming the field. */
export function readLedger(path: string): NlbShardLedger | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigError(`Cannot read NLB shard ledger "${path}": ${(err as NodeJS.ErrnoException).code ?? "read error"}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`NLB shard ledger "${path}" is not valid JSON: ${(err as Error).message}`);
  }
  const result = ledgerSchema.safeParse(json);
  const problems = result.success ? [] : result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  if (result.success) {
    const seen = new Map<number, number>();
    result.data.nlbs.forEach((onNlb, i) =>
      onNlb.forEach((port, j) => {
        const first = seen.get(port);
        if (first !== undefined) problems.push(`nlbs[${i}][${j}]: port ${port} is also on nlbs[${first}]`);
        else seen.set(port, i);
      }),
    );
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid NLB shard ledger "${path}":\n${problems.map((p) => `  - ${p}`).join("\n")}`, problems);
  }
  return { version: 1, nlbs: (result.data as z.output<typeof ledgerSchema>).nlbs };
}

/** The ledger as written to disk: one line per NLB, so a review shows which ports moved or arrived. */
export function renderLedger(ledger: NlbShardLedger): string {
  const lines = ledger.nlbs.map((onNlb, i) => `    ${JSON.stringify(onNlb)}${i < ledger.nlbs.length - 1 ? "," : ""}`);
  return [
    "{",
    '  "version": 1,',
    `  "comment": "Which internal NLB each listener port is on (nlbs[0] is the first). Written by synth; commit it with the config. Moving a port replaces its listener.",`,
    '  "nlbs": [',
    ...lines,
    "  ]",
    "}",
    "",
  ].join("\n");
}

/** What a synth of a config file does to its ledger. */
export interface LedgerUpdate {
  readonly path: string;
  /** The ledger on disk, if any. */
  readonly previous?: NlbShardLedger;
  /** The ledger after the config's ports are placed. */
  readonly next: NlbShardLedger;
  /** Whether the file must be (re)written. */
  readonly changed: boolean;
}

/**
 * Reads the ledger next to a config file and places the config's ports with `place` (given the
 * recorded ledger, if any). Writes nothing. The bootstrap passes its own placement here.
 */
export function planLedgerUpdateWith(configPath: string, place: (previous: NlbShardLedger | undefined) => NlbShardLedger): LedgerUpdate {
  const path = ledgerPathFor(configPath);
  const previous = readLedger(path);
  const next = place(previous);
  return { path, previous, next, changed: !previous || !sameLedger(previous, next) };
}

/** Reads the ledger next to a config file and places `ports` (assignNlbShards). Writes nothing. */
export function planLedgerUpdate(configPath: string, ports: readonly number[]): LedgerUpdate {
  return planLedgerUpdateWith(configPath, (previous) => assignNlbShards(ports, previous));
}

/**
 * In CI the ledger is read, never written (like `npm ci` with package-lock.json): a ledger that
 * does not match the config would let two pipelines place the same new port differently. A
 * missing ledger is only an error once the ports need more than one NLB.
 */
export function ledgerProblemInCi(update: LedgerUpdate): string | undefined {
  if (!update.changed || (!update.previous && update.next.nlbs.length === 1)) return undefined;
  const what = update.previous ? "does not match the config's NLB ports" : "is missing, and the ports need more than one NLB";
  return `NLB shard ledger "${update.path}" ${what}. Run the synth outside CI (CI unset), review the file and commit it with the config.`;
}

/** Writes the ledger atomically (a temp file renamed over it), so a failed write leaves the old one. */
export function writeLedger(update: LedgerUpdate): void {
  const temp = `${update.path}.${process.pid}.tmp`;
  writeFileSync(temp, renderLedger(update.next));
  renameSync(temp, update.path);
}

/** The ledger recorded next to a config file, for tools that read it but never write it. */
export function recordedLedger(configPath: string | undefined): NlbShardLedger | undefined {
  return configPath !== undefined ? readLedger(ledgerPathFor(configPath)) : undefined;
}
