/**
 * Which internal NLB each listener port lives on, once the ports outgrow one NLB.
 *
 * A listener cannot move between load balancers: moving one replaces it, and the API methods that
 * use it. So the assignment must be stable: adding a service never moves an existing port. No
 * rule that looks only at the config can promise that (a port's NLB would have to depend on the
 * port alone, which takes an NLB for every 50-port block of the port space). The assignment is
 * therefore recorded, like a package lock, in a ledger file kept next to the config and committed
 * with it. Given the ledger, ports already in it stay where they are; new ports fill the
 * lowest-numbered NLB with room, in ascending port order; removed ports leave a gap that a later
 * port may fill. Without a ledger the same rule starts from empty NLBs.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { ConfigError, formatPath } from "./load";
import type { PrivateApiConfig } from "./schema";
import { MAX_LISTENERS_PER_NLB } from "../model/limits";

/** The recorded assignment: `nlbs[i]` holds the listener ports of NLB number i (0 is the first). */
export interface NlbShardLedger {
  readonly version: 1;
  readonly nlbs: readonly (readonly number[])[];
}

const ledgerSchema = z.strictObject({
  version: z.literal(1),
  comment: z.string().optional(),
  nlbs: z.array(z.array(z.number().int().min(1).max(65535)).max(MAX_LISTENERS_PER_NLB)).min(1),
});

/**
 * Places `ports` on NLBs, keeping every port the previous ledger already places. The result lists
 * each port once, no NLB over the listener quota, ports ascending within an NLB, and no empty NLB
 * at the end (an emptied NLB in the middle stays, as `[]`, so later ones keep their numbers).
 */
export function assignNlbShards(ports: readonly number[], previous?: NlbShardLedger): NlbShardLedger {
  const wanted = new Set(ports);
  const nlbs: number[][] = (previous?.nlbs ?? [[]]).map((onNlb) => onNlb.filter((p) => wanted.has(p)));
  const placed = new Set(nlbs.flat());
  for (const port of [...wanted].filter((p) => !placed.has(p)).sort((a, b) => a - b)) {
    let target = nlbs.find((onNlb) => onNlb.length < MAX_LISTENERS_PER_NLB);
    if (!target) {
      target = [];
      nlbs.push(target);
    }
    target.push(port);
    placed.add(port);
  }
  while (nlbs.length > 1 && nlbs[nlbs.length - 1].length === 0) nlbs.pop();
  return { version: 1, nlbs: nlbs.map((onNlb) => [...onNlb].sort((a, b) => a - b)) };
}

/** Whether two ledgers place the same ports on the same NLBs. */
export function sameLedger(a: NlbShardLedger | undefined, b: NlbShardLedger | undefined): boolean {
  return JSON.stringify(a?.nlbs) === JSON.stringify(b?.nlbs);
}

/** Index of the NLB that carries `port`; throws if the ledger does not place it. */
export function nlbIndexOf(ledger: NlbShardLedger, port: number): number {
  const index = ledger.nlbs.findIndex((onNlb) => onNlb.includes(port));
  if (index < 0) throw new Error(`NLB shard ledger does not place port ${port}`);
  return index;
}

/**
 * Problems with a ledger for this config, as `field: message` lines: more NLBs (each with a REST VPC link) than the quotas allow.
 */
export function ledgerProblems(cfg: PrivateApiConfig, ledger: NlbShardLedger): string[] {
  const problems: string[] = [];
  const count = ledger.nlbs.filter((onNlb, i) => i === 0 || onNlb.length > 0).length;
  if (count > cfg.quotas.networkLoadBalancers) {
    problems.push(
      `quotas.networkLoadBalancers: the ports need ${count} NLBs, over the quota "Network Load Balancers per Region" of ${cfg.quotas.networkLoadBalancers} (AWS default 50)`,
    );
  }
  if (cfg.api.type === "rest" && count > cfg.quotas.vpcLinks) {
    problems.push(
      `quotas.vpcLinks: the ports need ${count} NLBs, each with its own VPC link, over the quota "REST API VPC links per account per Region" of ${cfg.quotas.vpcLinks} (AWS default 20)`,
    );
  }
  return problems;
}

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

/** Reads the ledger next to a config file and places the config's ports. Writes nothing. */
export function planLedgerUpdate(configPath: string, ports: readonly number[]): LedgerUpdate {
  const path = ledgerPathFor(configPath);
  const previous = readLedger(path);
  const next = assignNlbShards(ports, previous);
  return { path, previous, next, changed: !previous || !sameLedger(previous, next) };
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

/** The ledger recorded next to a config file, for tools that read it but never write it (plan, HCL export). */
export function recordedLedger(configPath: string | undefined): NlbShardLedger | undefined {
  return configPath !== undefined ? readLedger(ledgerPathFor(configPath)) : undefined;
}
