/**
 * The topology phase's quota checks (lib/model/checks.ts): each problem names the quota, its value
 * and AWS's default, and a ledger's placement is held to the quotas too.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, parseConfig } from "../../lib/config/load";
import type { NlbShardLedger } from "../../lib/model/shards";
import { topologyProblems } from "../../lib/model/checks";
import { planTopology } from "../../lib/model/topology";
import { validateConfig } from "../../lib/validate";
import { shardNlbName } from "../../lib/model/names";
import { configErrorOf, configWithServices } from "../helpers/fixtures";

/** The topology phase's problems for a config and a recorded placement. */
const ledgerProblems = (cfg: ReturnType<typeof parseConfig>, ledger: NlbShardLedger): string[] =>
  topologyProblems(cfg, planTopology(cfg, ledger));

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
