import fc from "fast-check";
import { MAX_LISTENERS_PER_NLB } from "../../lib/core/limits";
import { assignNlbShards, type NlbShardLedger } from "../../lib/model/shards";

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);
const nlbOf = (ledger: NlbShardLedger, port: number): number => ledger.nlbs.findIndex((ports) => ports.includes(port));

describe("assignNlbShards", () => {
  test("up to 50 ports share the first NLB; the 51st opens a second", () => {
    expect(assignNlbShards(range(10000, 50)).nlbs).toEqual([range(10000, 50)]);
    expect(assignNlbShards(range(10000, 51)).nlbs).toEqual([range(10000, 50), [10050]]);
    expect(assignNlbShards([]).nlbs).toEqual([[]]);
  });

  test("a new port lower than every recorded one does not push a recorded port to another NLB", () => {
    // GIVEN 50 ports on the first NLB
    const before = assignNlbShards(range(10000, 50));
    // WHEN a lower port arrives
    const after = assignNlbShards([9000, ...range(10000, 50)], before);
    // THEN it opens the second NLB; without the ledger, 10049 would have moved instead
    expect(after.nlbs).toEqual([range(10000, 50), [9000]]);
    expect(nlbOf(assignNlbShards([9000, ...range(10000, 50)]), 10049)).toBe(1);
  });

  test("a removed port leaves a gap that the next new port fills; an emptied NLB keeps the numbers of later ones", () => {
    const before = assignNlbShards(range(10000, 120));
    const removed = assignNlbShards(
      range(10000, 120).filter((p) => p !== 10007),
      before,
    );
    expect(removed.nlbs[0]).not.toContain(10007);
    expect(assignNlbShards([...removed.nlbs.flat(), 20000], removed).nlbs[0]).toContain(20000);
    const middleGone = assignNlbShards([...range(10000, 50), ...range(10100, 20)], before);
    expect(middleGone.nlbs).toEqual([range(10000, 50), [], range(10100, 20)]);
  });

  test("property: over any sequence of additions and removals, a port never changes NLB while it exists, and no NLB passes 50", () => {
    const port = fc.integer({ min: 1024, max: 1400 });
    const step = fc.record({ add: fc.uniqueArray(port, { maxLength: 60 }), remove: fc.uniqueArray(port, { maxLength: 30 }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        let ports = new Set<number>();
        let ledger: NlbShardLedger | undefined;
        for (const { add, remove } of steps) {
          const next = new Set([...ports, ...add].filter((p) => !remove.includes(p)));
          const assigned = assignNlbShards([...next], ledger);
          for (const p of next) {
            if (ledger && ports.has(p)) expect(nlbOf(assigned, p)).toBe(nlbOf(ledger, p));
          }
          expect(assigned.nlbs.flat().sort((a, b) => a - b)).toEqual([...next].sort((a, b) => a - b));
          for (const onNlb of assigned.nlbs) expect(onNlb.length).toBeLessThanOrEqual(MAX_LISTENERS_PER_NLB);
          // Re-placing the same ports changes nothing.
          expect(assignNlbShards([...next], assigned)).toEqual(assigned);
          ports = next;
          ledger = assigned;
        }
      }),
      { numRuns: 300, seed: 6 },
    );
  });
});
