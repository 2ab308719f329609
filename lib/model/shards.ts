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
 * port may fill. Without a ledger the same rule starts from empty NLBs. Reading and writing the
 * ledger file is the entry side's: lib/entry/ledger-file.ts.
 */
import { MAX_LISTENERS_PER_NLB } from "../core/limits";

/** The recorded assignment: `nlbs[i]` holds the listener ports of NLB number i (0 is the first). */
export interface NlbShardLedger {
  readonly version: 1;
  readonly nlbs: readonly (readonly number[])[];
}

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
