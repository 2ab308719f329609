/** The NLB shard ledger as a file next to a config (lib/entry/ledger-file.ts). */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assignNlbShards } from "../../lib/model/shards";
import { ledgerPathFor, ledgerProblemInCi, planLedgerUpdate, readLedger, renderLedger } from "../../lib/entry/ledger-file";
import { configErrorOf } from "../helpers/fixtures";

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

describe("the ledger file", () => {
  const dir = mkdtempSync(join(tmpdir(), "ledger-"));

  test("sits next to the config, round-trips, and is written one line per NLB", () => {
    expect(ledgerPathFor("examples/big.json")).toBe(join("examples", "big.nlb-shards.lock"));
    const ledger = assignNlbShards(range(10000, 60));
    const path = join(dir, "round-trip.nlb-shards.lock");
    writeFileSync(path, renderLedger(ledger));
    expect(readLedger(path)).toEqual(ledger);
    expect(
      readFileSync(path, "utf8")
        .split("\n")
        .filter((l) => l.trim().startsWith("[")),
    ).toHaveLength(2);
    expect(readLedger(join(dir, "missing.nlb-shards.lock"))).toBeUndefined();
  });

  test.each([
    ["not JSON", "{", /is not valid JSON/],
    ["a port on two NLBs", JSON.stringify({ version: 1, nlbs: [[10000], [10000]] }), /nlbs\[1\]\[0\]: port 10000 is also on nlbs\[0\]/],
    ["an NLB over 50 listeners", JSON.stringify({ version: 1, nlbs: [range(10000, 51)] }), /nlbs\[0\]: Too big/],
    ["an unknown version", JSON.stringify({ version: 2, nlbs: [[]] }), /version: /],
    ["a port out of range", JSON.stringify({ version: 1, nlbs: [[70000]] }), /nlbs\[0\]\[0\]: Too big/],
  ])("a ledger with %s is a ConfigError naming the file and field", (_what, text, expected) => {
    const path = join(dir, "bad.nlb-shards.lock");
    writeFileSync(path, text);
    const message = configErrorOf(() => readLedger(path));
    expect(message).toContain(path);
    expect(message).toMatch(expected);
  });

  test("planLedgerUpdate reports a change only when the placement changes; CI accepts a missing ledger for one NLB only", () => {
    const configPath = join(dir, "plan.json");
    const first = planLedgerUpdate(configPath, range(10000, 3));
    expect(first).toMatchObject({ changed: true, previous: undefined });
    expect(ledgerProblemInCi(first)).toBeUndefined();
    writeFileSync(first.path, renderLedger(first.next));
    expect(planLedgerUpdate(configPath, range(10000, 3)).changed).toBe(false);
    const grown = planLedgerUpdate(configPath, range(10000, 4));
    expect(grown.changed).toBe(true);
    expect(ledgerProblemInCi(grown)).toMatch(/plan\.nlb-shards\.lock" does not match the config's NLB ports/);
    const sharded = planLedgerUpdate(join(dir, "fresh.json"), range(10000, 51));
    expect(ledgerProblemInCi(sharded)).toMatch(/is missing, and the ports need more than one NLB/);
  });
});
