/**
 * lib/entry/bootstrap.ts: the environment in, one frozen description of the run out, for every
 * entry point. Each field, the overrides the scripts pass, format selection, bad configs, and the
 * CI ledger rule in the mode of each entry point.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ConfigError } from "../../lib/config/load";
import { nlbPorts } from "../../lib/config/implied";
import { assignNlbShards } from "../../lib/model/shards";
import { bootstrap, DEFAULT_OUTDIR, type BootstrapOptions } from "../../lib/entry/bootstrap";
import { ledgerPathFor, readLedger, renderLedger } from "../../lib/entry/ledger-file";
import { synthesize } from "../../lib/synth";
import { configErrorOf, configWithServices, defaultConfig, ROOT } from "../helpers/fixtures";

function writeConfig(value: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), "boot-cfg-")), "config.json");
  writeFileSync(path, JSON.stringify(value));
  return path;
}

const twoServices = join(ROOT, "examples", "two-services.json");

describe("with an empty environment", () => {
  const boot = bootstrap({});

  test("the embedded default config, JSON into cdktf.out, not CI, no file and no ledger", () => {
    expect(boot.config.name).toBe("private-api");
    expect(boot).toMatchObject({ outdir: "cdktf.out", format: "json", ci: false });
    expect(DEFAULT_OUTDIR).toBe("cdktf.out");
    expect(boot.configPath).toBeUndefined();
    expect(boot.placement).toBeUndefined();
    expect(boot.ledgerUpdate).toBeUndefined();
  });

  test("the result is frozen", () => {
    expect(Object.isFrozen(boot)).toBe(true);
    expect(() => {
      (boot as { outdir: string }).outdir = "elsewhere";
    }).toThrow(TypeError);
  });
});

describe("each field from the environment", () => {
  test("PRIVATE_API_CONFIG selects the config file; its committed ledger is the placement, and is up to date", () => {
    const boot = bootstrap({ PRIVATE_API_CONFIG: twoServices });
    expect(boot.config.name).toBe("shop");
    expect(boot.configPath).toBe(twoServices);
    expect(boot.placement).toEqual(readLedger(ledgerPathFor(twoServices)));
    expect(boot.ledgerUpdate).toMatchObject({ path: ledgerPathFor(twoServices), changed: false, previous: boot.placement });
    expect(Object.isFrozen(boot.ledgerUpdate)).toBe(true);
  });

  test("a blank PRIVATE_API_CONFIG means the embedded default", () => {
    const boot = bootstrap({ PRIVATE_API_CONFIG: "  " });
    expect(boot.config.name).toBe("private-api");
    expect(boot.configPath).toBeUndefined();
  });

  test("CDKTF_OUTDIR sets the output directory; an override wins", () => {
    expect(bootstrap({ CDKTF_OUTDIR: "/tmp/out" }).outdir).toBe("/tmp/out");
    expect(bootstrap({ CDKTF_OUTDIR: "/tmp/out" }, { outdir: "/tmp/scratch" }).outdir).toBe("/tmp/scratch");
    expect(bootstrap({}, { outdir: "/tmp/scratch" }).outdir).toBe("/tmp/scratch");
  });

  test.each([
    ["unset", {}, "json"],
    ["true (cdktf synth --hcl)", { SYNTH_HCL_OUTPUT: "true" }, "hcl"],
    ["false (cdktf synth)", { SYNTH_HCL_OUTPUT: "false" }, "json"],
    ["anything else", { SYNTH_HCL_OUTPUT: "yes" }, "json"],
  ])("SYNTH_HCL_OUTPUT %s", (_what, env, format) => {
    expect(bootstrap(env).format).toBe(format);
  });

  test("an explicit format wins over SYNTH_HCL_OUTPUT, either way", () => {
    expect(bootstrap({ SYNTH_HCL_OUTPUT: "true" }, { format: "json" }).format).toBe("json");
    expect(bootstrap({ SYNTH_HCL_OUTPUT: "false" }, { format: "hcl" }).format).toBe("hcl");
  });

  test.each([
    ["true", true],
    ["1", true],
    ["yes", true],
    ["", false],
    ["0", false],
    ["false", false],
    [" FALSE ", false],
  ])("CI=%j is ci %j", (ci, expected) => {
    expect(bootstrap({ CI: ci }).ci).toBe(expected);
  });

  test("a config path given by the entry point (check --config) wins over PRIVATE_API_CONFIG", () => {
    const boot = bootstrap({ PRIVATE_API_CONFIG: join(ROOT, "examples", "existing-vpc.json") }, { configPath: twoServices });
    expect(boot).toMatchObject({ configPath: twoServices, config: { name: "shop" } });
  });

  test("without an argument it reads process.env", () => {
    const saved = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = "/tmp/from-process-env";
    try {
      expect(bootstrap().outdir).toBe("/tmp/from-process-env");
      // ... and only then: a given environment is all it reads.
      expect(bootstrap({}).outdir).toBe("cdktf.out");
    } finally {
      if (saved === undefined) delete process.env.CDKTF_OUTDIR;
      else process.env.CDKTF_OUTDIR = saved;
    }
  });
});

describe("a bad config is a ConfigError whose message names the field", () => {
  const duplicatePorts = { ...defaultConfig(), services: defaultConfig().services.map((s) => ({ ...s, hostPort: 10000 })) };

  test.each<[string, NodeJS.ProcessEnv, BootstrapOptions]>([
    ["from PRIVATE_API_CONFIG", { PRIVATE_API_CONFIG: writeConfig(duplicatePorts) }, {}],
    ["given by the entry point", {}, { configPath: writeConfig(duplicatePorts) }],
  ])("%s", (_what, env, options) => {
    const message = configErrorOf(() => bootstrap(env, options));
    expect(message).toMatch(/^Invalid config file ".*config\.json":/);
    expect(message).toMatch(/services\[1\]\.hostPort: hostPort 10000 is used twice/);
  });

  test("a file that does not exist", () => {
    expect(configErrorOf(() => bootstrap({ PRIVATE_API_CONFIG: "/nonexistent/config.json" }))).toBe(
      'Cannot read config file "/nonexistent/config.json" (PRIVATE_API_CONFIG): no such file',
    );
  });

  test("a malformed ledger, in CI or not, names the file and the field", () => {
    const configPath = writeConfig(configWithServices(3));
    writeFileSync(ledgerPathFor(configPath), JSON.stringify({ version: 1, nlbs: [[10000], [10000]] }));
    for (const CI of ["", "true"]) {
      expect(configErrorOf(() => bootstrap({ PRIVATE_API_CONFIG: configPath, CI }))).toMatch(
        /Invalid NLB shard ledger ".*config\.nlb-shards\.lock":\n {2}- nlbs\[1\]\[0\]: port 10000 is also on nlbs\[0\]/,
      );
    }
  });
});

describe("the CI ledger rule, in the mode of every entry point", () => {
  /** How each entry point calls the bootstrap, given the environment the user set. */
  const modes: [string, (env: NodeJS.ProcessEnv, configPath: string) => ReturnType<typeof bootstrap>][] = [
    ["npm run synth / cdktf synth (main.ts)", (env, configPath) => bootstrap({ ...env, PRIVATE_API_CONFIG: configPath })],
    ["cdktf synth --hcl (main.ts)", (env, configPath) => bootstrap({ ...env, PRIVATE_API_CONFIG: configPath, SYNTH_HCL_OUTPUT: "true" })],
    ["npm run plan", (env, configPath) => bootstrap({ ...env, PRIVATE_API_CONFIG: configPath, CDKTF_OUTDIR: "/tmp/plan-out" })],
    [
      "npm run synth:hcl",
      (env, configPath) => bootstrap({ ...env, PRIVATE_API_CONFIG: configPath }, { outdir: "/tmp/hcl-out", format: "hcl" }),
    ],
    [
      "synth:hcl --repair",
      (env, configPath) => bootstrap({ ...env, PRIVATE_API_CONFIG: configPath, SYNTH_HCL_OUTPUT: "true", CDKTF_OUTDIR: "/tmp/hcl-out" }),
    ],
    ["npm run check -- --config", (env, configPath) => bootstrap(env, { configPath })],
  ];

  /** A config needing two NLBs (51 ports), without a ledger. */
  function missingLedger(): string {
    return writeConfig(configWithServices(51));
  }

  /** A config whose ledger records 51 ports, then grown by a port the ledger does not place. */
  function staleLedger(): string {
    const config = configWithServices(52);
    const configPath = writeConfig(config);
    writeFileSync(ledgerPathFor(configPath), renderLedger(assignNlbShards(config.services.slice(0, 51).map((s) => s.hostPort))));
    return configPath;
  }

  describe.each(modes)("%s", (_mode, run) => {
    test.each([
      ["missing", missingLedger, /NLB shard ledger ".*config\.nlb-shards\.lock" is missing, and the ports need more than one NLB\./],
      ["stale", staleLedger, /NLB shard ledger ".*config\.nlb-shards\.lock" does not match the config's NLB ports\./],
    ])("a %s ledger is a ConfigError in CI, and fine outside it; nothing is written either way", (_what, makeConfig, message) => {
      const configPath = makeConfig();
      const dir = dirname(configPath);
      const before = readdirSync(dir).sort();

      const error = (() => {
        try {
          run({ CI: "true" }, configPath);
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toMatch(/Run the synth outside CI \(CI unset\), review the file and commit it with the config\.$/);

      const local = run({ CI: "" }, configPath);
      expect(local.ci).toBe(false);
      expect(local.ledgerUpdate?.changed).toBe(true);
      // The placement is what is recorded; the update is what a synth would write.
      expect(local.placement).toEqual(local.ledgerUpdate?.previous);
      expect(local.ledgerUpdate?.next).toEqual(assignNlbShards(nlbPorts(local.config), local.placement));
      expect(readdirSync(dir).sort()).toEqual(before);
    });
  });

  test("a missing ledger is accepted in CI while the ports fit one NLB", () => {
    const configPath = writeConfig(configWithServices(3));
    const boot = bootstrap({ PRIVATE_API_CONFIG: configPath, CI: "true" });
    expect(boot).toMatchObject({ ci: true, placement: undefined, ledgerUpdate: { changed: true, previous: undefined } });
    expect(existsSync(ledgerPathFor(configPath))).toBe(false);
  });

  test("an up-to-date ledger passes in CI", () => {
    expect(bootstrap({ PRIVATE_API_CONFIG: join(ROOT, "examples", "200-services.json"), CI: "true" }).placement?.nlbs).toHaveLength(4);
  });
});

describe("the topology is planned once, at the bootstrap", () => {
  test("it is checked there (a topology-phase problem stops the bootstrap), and the stack builds that very topology", () => {
    // GIVEN the 200-service example, whose placement comes from its ledger
    const boot = bootstrap({ PRIVATE_API_CONFIG: join(ROOT, "examples", "200-services.json") });
    expect(boot.plan.topology.placement).toEqual(boot.ledgerUpdate?.next);
    expect(boot.plan.nlbs.length).toBeGreaterThan(1);
    // WHEN the entry point synthesises from it
    const { stack } = synthesize(boot.config, mkdtempSync(join(tmpdir(), "boot-synth-")), { plan: boot.plan });
    // THEN nothing was planned again
    expect(stack.plan).toBe(boot.plan);
    // AND a config whose topology breaks a quota is refused by the bootstrap itself
    const dir = mkdtempSync(join(tmpdir(), "boot-quota-"));
    const configPath = join(dir, "quota.json");
    writeFileSync(configPath, JSON.stringify({ ...configWithServices(4), quotas: { targetGroups: 3 } }));
    expect(configErrorOf(() => bootstrap({ PRIVATE_API_CONFIG: configPath }))).toMatch(/services: the stack needs 4 target groups/);
  });
});
