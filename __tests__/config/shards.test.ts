import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { ConfigError, parseConfig } from "../../lib/config/load";
import { MAX_LISTENERS_PER_NLB } from "../../lib/core/limits";
import { assignNlbShards, type NlbShardLedger } from "../../lib/model/shards";
import { topologyProblems } from "../../lib/model/checks";
import { planTopology } from "../../lib/model/topology";
import { validateConfig } from "../../lib/validate";

/** The topology phase's problems for a config and a recorded placement. */
const ledgerProblems = (cfg: ReturnType<typeof parseConfig>, ledger: NlbShardLedger): string[] =>
  topologyProblems(cfg, planTopology(cfg, ledger));
import { shardNlbName } from "../../lib/model/names";
import { configErrorOf, configWithServices } from "../helpers/fixtures";

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

describe("quotas name the quota and its AWS default", () => {
  const sparse = (count: number) => {
    const cfg = configWithServices(count);
    // Every other port, so no two NLB ports are adjacent.
    cfg.services.forEach((s, i) => (s.hostPort = 10000 + 2 * i));
    return cfg;
  };

  test("more NLBs than REST VPC links", () => {
    const cfg = configWithServices(1001);
    cfg.quotas = { restApiResources: 5000 };
    expect(configErrorOf(() => validateConfig(cfg))).toMatch(
      /services: 1001 NLB listener ports need 21 Network Load Balancers .* each with its own VPC link, over the quota "REST API VPC links per account per Region" of 20 \(AWS default 20/,
    );
    cfg.quotas = { restApiResources: 5000, vpcLinks: 25 };
    expect(() => validateConfig(cfg)).not.toThrow();
  });

  test("more REST API resources than the quota", () => {
    const cfg = configWithServices(151);
    expect(configErrorOf(() => validateConfig(cfg))).toMatch(
      /routes: the routes need 302 REST API resources .* over the quota "Resources per API" of 300 \(AWS default 300/,
    );
    cfg.quotas = { restApiResources: 302 };
    expect(() => validateConfig(cfg)).not.toThrow();
  });

  test("more HTTP API routes and integrations than the quotas", () => {
    const cfg = configWithServices(301);
    cfg.api = { type: "http" };
    const message = configErrorOf(() => validateConfig(cfg));
    expect(message).toMatch(/routes: the routes need 301 HTTP API routes .* "Routes per API" of 300 \(AWS default 300/);
    expect(message).toMatch(/routes: the routes need 301 HTTP API integrations .* "Integrations per API" of 300, which AWS does not raise/);
  });

  test("more target groups than the quota", () => {
    const cfg = configWithServices(4);
    cfg.quotas = { targetGroups: 3 };
    expect(configErrorOf(() => validateConfig(cfg))).toMatch(
      /services: the stack needs 4 target groups, over the quota "Target groups per Region" of 3 \(AWS default 3000/,
    );
  });

  test("a name that fits the first NLB but not a later NLB's suffix is shortened, not refused", () => {
    const input = configWithServices(3);
    input.name = "a".repeat(26);
    input.services.forEach((svc, i) => (svc.hostPort = 81 + i));
    const cfg = parseConfig(input);
    const spread: NlbShardLedger = { version: 1, nlbs: [[81], [], [], [], [], [], [], [], [], [82, 83]] };
    expect(ledgerProblems(cfg, spread)).toEqual([]);
    expect(shardNlbName(cfg.name, 0)).toBe(`${"a".repeat(26)}-nlb`);
    expect(shardNlbName(cfg.name, 9)).toMatch(/^a{23}-[0-9a-f]{8}$/);
  });

  test("a ledger with more NLBs than the quotas allow is refused after placement", () => {
    const cfg = parseConfig({ ...configWithServices(3), quotas: { vpcLinks: 2 } });
    const holes: NlbShardLedger = { version: 1, nlbs: [[10000], [10001], [10002]] };
    expect(ledgerProblems(cfg, holes)).toEqual([
      expect.stringMatching(
        /^quotas\.vpcLinks: the ports need 3 NLBs as the NLB shard ledger places them, each with its own VPC link, over the quota .* of 2 \(AWS default 20\)/,
      ),
    ]);
  });

  test("security group rules: ports are merged into ranges past the quota, and sparse ports that still do not fit are refused", () => {
    // 61 sparse ports cannot merge: 61 rules on the instances' group, over 60.
    const cfg = parseConfig(sparse(61));
    const { synthesize } = jest.requireActual<typeof import("../../lib/synth")>("../../lib/synth");
    const outdir = mkdtempSync(join(tmpdir(), "sg-quota-"));
    let error: unknown;
    try {
      synthesize(cfg, outdir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /quotas\.securityGroupRules: the ECS instances' security group \(inbound\) needs 61 rules even with adjacent ports merged, over the quota .* of 60 \(AWS default 60/,
    );
    expect(() => synthesize(parseConfig({ ...sparse(61), quotas: { securityGroupRules: 100 } }), outdir)).not.toThrow();
  });
});
