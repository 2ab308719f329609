/**
 * The plan of a stack (lib/model/stack-plan.ts): every decision, made before the app exists. These
 * tests ask the plan, which is pure, rather than a synthesised stack.
 */
import { join } from "node:path";
import { parseConfig } from "../../lib/config/load";
import type { PrivateApiConfigInput } from "../../lib/config/schema";
import { albIngressFunctionName, nlbTargetSyncFunctionName } from "../../lib/model/names";
import { planStack, type StackPlan } from "../../lib/model/stack-plan";
import { recordedLedger } from "../../lib/entry/ledger-file";
import { defaultConfig, exampleConfig, ROOT } from "../helpers/fixtures";

const planOf = (input: unknown): StackPlan => planStack(parseConfig(input));

describe("planStack", () => {
  test("is deterministic and read-only all the way down", () => {
    // GIVEN
    const config = parseConfig(defaultConfig());
    // WHEN
    const plan = planStack(config);
    // THEN
    expect(planStack(config)).toEqual(plan);
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.services[0].props)).toBe(true);
    expect(Object.isFrozen(plan.topology.securityGroupRules)).toBe(true);
    expect(() => {
      (plan.services[0].props as { image: string }).image = "other";
    }).toThrow(TypeError);
  });

  test("does not change the config it is given", () => {
    const config = parseConfig(defaultConfig());
    const before = structuredClone(config);
    planStack(config);
    expect(config).toEqual(before);
    // The plan is frozen; the config it was made from is not.
    expect(Object.isFrozen(config.services[0])).toBe(false);
    expect(Object.isFrozen(config.network)).toBe(false);
  });

  test("holds free text as Terraform literals, and names as they are", () => {
    // GIVEN an environment value and a description with template syntax
    const input = defaultConfig();
    input.services[0].environment = { DB_URL: "postgres://${HOST}:5432/%{db}" };
    input.api = { ...input.api, description: "orders ${stage}" };
    // WHEN
    const plan = planOf(input);
    // THEN
    expect(plan.services[0].props.environment).toEqual({ DB_URL: "postgres://$${HOST}:5432/%%{db}" });
    expect(plan.api.props.description).toBe("orders $${stage}");
    expect(plan.services[0].name).toBe(input.services[0].name);
  });

  test("gives each construct its id, and every service its own", () => {
    const plan = planOf(defaultConfig());
    expect([plan.network.constructId, plan.cluster.constructId, plan.api.constructId]).toEqual(["Network", "Cluster", "Api"]);
    expect(plan.nlbs.map((n) => n.constructId)).toEqual(["Nlb"]);
    expect(plan.services.map((s) => s.constructId)).toEqual(plan.services.map((s) => `Service-${s.name}`));
  });

  test("an HTTP API is HttpApi, with no CloudWatch role or usage plans", () => {
    const plan = planOf(exampleConfig("http-api"));
    expect(plan.api.kind).toBe("http");
    expect(plan.api.constructId).toBe("HttpApi");
    expect(plan.api).not.toHaveProperty("cloudWatchRole");
  });

  describe("the REST API's CloudWatch role", () => {
    const withApi = (api: Record<string, unknown>) => {
      const input = defaultConfig();
      input.api = { ...input.api, ...api };
      const plan = planOf(input);
      if (plan.api.kind !== "rest") throw new Error("expected a REST API");
      return plan.api;
    };

    test("is created when the stage writes access logs", () => {
      expect(withApi({ accessLogs: { enabled: true } }).cloudWatchRole?.constructId).toBe("ApiGatewayCloudWatchRole");
    });

    test("is created when execution logging is on, even without access logs", () => {
      expect(withApi({ accessLogs: { enabled: false }, executionLogLevel: "ERROR" }).cloudWatchRole).toBeDefined();
    });

    test("is not created when nothing logs, or the account has one", () => {
      expect(withApi({ accessLogs: { enabled: false }, executionLogLevel: "OFF" }).cloudWatchRole).toBeUndefined();
      expect(withApi({ accessLogs: { enabled: true }, cloudWatchRole: "existing" }).cloudWatchRole).toBeUndefined();
    });

    test("is created without access logs too, since execution logging is on by default (ERROR)", () => {
      const api = withApi({ accessLogs: { enabled: false } });
      expect(api.props.executionLogLevel).toBeUndefined();
      expect(api.cloudWatchRole).toBeDefined();
    });
  });

  describe("the REST stage's web ACL", () => {
    const webAclOf = (webAcl?: NonNullable<PrivateApiConfigInput["api"]>["webAcl"]) => {
      const input = defaultConfig();
      input.api = { ...input.api, ...(webAcl === undefined ? {} : { webAcl }) };
      const plan = planOf(input);
      if (plan.api.kind !== "rest") throw new Error("expected a REST API");
      return plan.api.props.webAcl;
    };

    test("is one of the stack's own, rate limit 2000, when the config has none", () => {
      expect(webAclOf()).toEqual({ mode: "create", rateLimit: 2000 });
    });

    test.each<NonNullable<Parameters<typeof webAclOf>[0]>>([
      { mode: "create", rateLimit: 300, countRules: { AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY"] } },
      { mode: "existing", arn: "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/central/a1b2c3d4-5678-90ab-cdef-111122223333" },
      { mode: "none" },
    ])("is the config's: %j", (webAcl) => {
      expect(webAclOf(webAcl)).toEqual(webAcl);
    });

    test("an HTTP API has none", () => {
      expect(planOf(exampleConfig("http-api")).api.props).not.toHaveProperty("webAcl");
    });
  });

  describe("the bridge", () => {
    test("in lambda mode: its settings and the functions' AWS names from the names module", () => {
      const plan = planOf(exampleConfig("alb-bridge-lambda"));
      expect(plan.bridge?.props.mode).toBe("lambda");
      expect(plan.bridge?.props.syncSchedule).toMatch(/^(rate|cron)\(/);
      expect(plan.bridge?.functionNames).toEqual({
        nlbTargetSync: nlbTargetSyncFunctionName(plan.name),
        albIngress: albIngressFunctionName(plan.name),
      });
      expect(plan.outputs.bridgeNlbIps).toBe(true);
    });

    test("in native mode: no Lambda settings at all (AlbBridge refuses them)", () => {
      const plan = planOf(exampleConfig("alb-bridge-native"));
      expect(plan.bridge?.props.mode).toBe("native");
      expect(Object.keys(plan.bridge?.props ?? {})).not.toEqual(expect.arrayContaining(["syncSchedule"]));
      expect(plan.bridge?.functionNames).toBeUndefined();
      expect(plan.outputs.bridgeNlbIps).toBe(false);
    });
  });

  describe("log groups: the config's KMS key and retentions", () => {
    const keyIn = (region: string) => `arn:aws:kms:${region}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

    test("logs.kmsKeyArn reaches every service's log group and the HTTP API's access logs", () => {
      const input = exampleConfig("fargate-http-api");
      input.logs = { kmsKeyArn: keyIn(input.region) };
      const plan = planOf(input);
      expect(plan.services.map((s) => [s.compute, s.props.logKmsKeyArn])).toEqual([
        ["fargate", keyIn(input.region)],
        ["fargate", keyIn(input.region)],
      ]);
      expect(plan.api.kind).toBe("http");
      expect(plan.api.props.accessLogs).toEqual({ retentionDays: 30, kmsKeyArn: keyIn(input.region) });
    });

    test("in lambda mode the bridge's functions get logs.retentionDays and logs.kmsKeyArn", () => {
      const input = exampleConfig("alb-bridge-lambda");
      input.logs = { kmsKeyArn: keyIn(input.region), retentionDays: 90 };
      const plan = planOf(input);
      expect(plan.bridge?.props).toEqual(expect.objectContaining({ logRetentionDays: 90, logKmsKeyArn: keyIn(input.region) }));
      expect(plan.services.length).toBeGreaterThan(0);
      for (const s of plan.services) expect(s.props.logKmsKeyArn).toBe(keyIn(input.region));
      // Retention of the services' groups stays their own.
      expect(plan.services.map((s) => s.props.logRetentionDays)).toEqual(input.services.map((s) => s.logRetentionDays ?? 30));
    });

    test("by default no key anywhere, and the bridge's functions keep 30 days", () => {
      const plan = planOf(exampleConfig("alb-bridge-lambda"));
      expect(plan.logs).toEqual({ kmsKeyArn: undefined, retentionDays: 30 });
      expect(plan.bridge?.props.logRetentionDays).toBe(30);
      expect(plan.bridge?.props.logKmsKeyArn).toBeUndefined();
      expect(plan.services.filter((s) => s.props.logKmsKeyArn !== undefined)).toEqual([]);
      expect(planOf(exampleConfig("http-api")).api.props.accessLogs).toEqual({ retentionDays: 30, kmsKeyArn: undefined });
    });

    test("native mode runs no functions: the bridge gets no log settings", () => {
      const input = exampleConfig("alb-bridge-native");
      input.logs = { kmsKeyArn: keyIn(input.region) };
      const props = planOf(input).bridge?.props ?? {};
      expect(Object.keys(props)).not.toEqual(expect.arrayContaining(["logRetentionDays"]));
      expect(Object.keys(props)).not.toEqual(expect.arrayContaining(["logKmsKeyArn"]));
    });
  });

  test("a service's user reaches its props as given, and each service knows its config path for warnings", () => {
    const input = defaultConfig();
    input.services[1] = { ...input.services[1], user: "1000:1000" };
    const plan = planOf(input);
    expect(plan.services.map((s) => [s.props.user, s.props.configPath])).toEqual([
      [undefined, "services[0]"],
      ["1000:1000", "services[1]"],
    ]);
  });

  test("an existing cluster gets no sizes; a new one gets them with their defaults", () => {
    const existing = planOf(exampleConfig("adopt-existing")).cluster.props;
    expect(existing.existing?.clusterName).toBe("shared-ec2");
    expect(existing.instanceType).toBeUndefined();
    const created = planOf(defaultConfig()).cluster.props;
    expect(created.existing).toBeUndefined();
    expect(created).toMatchObject({ instanceType: "t3.medium", minSize: 2, maxSize: 4 });
  });

  test("a service with several ports: the first on the service's own ids, each further one on its listener's", () => {
    const plan = planOf(exampleConfig("production-service"));
    const twoPorts = plan.services.find((s) => s.furtherPorts.length > 0);
    expect(twoPorts).toBeDefined();
    for (const p of twoPorts?.furtherPorts ?? []) {
      expect(p.portId).toMatch(new RegExp(`^${twoPorts?.name}-Port-`));
      const nlb = plan.nlbs.find((n) => n.index === p.nlbIndex);
      expect(nlb?.props.ports.map((q) => q.id)).toContain(p.portId);
    }
  });

  test("several NLBs: the per-NLB outputs, and each route on the NLB of its port", () => {
    const name = "examples/200-services.json";
    const plan = planStack(parseConfig(exampleConfig("200-services")), recordedLedger(join(ROOT, name)));
    expect(plan.nlbs.length).toBeGreaterThan(1);
    expect(plan.outputs.perNlb).toBe(true);
    if (plan.api.kind !== "rest") throw new Error("expected a REST API");
    for (const route of plan.api.routes) {
      expect(plan.nlbs.find((n) => n.index === route.nlb)?.props.ports.map((p) => p.port)).toContain(route.port);
    }
  });

  describe("load balancers", () => {
    const shards = () => planStack(parseConfig(exampleConfig("200-services")), recordedLedger(join(ROOT, "examples/200-services.json")));

    test("every NLB, shards included, and a created ALB have deletion protection by default", () => {
      for (const plan of [shards(), planOf(exampleConfig("alb-bridge-native"))]) {
        expect(plan.deletionProtection).toBe(true);
        expect(plan.nlbs.length).toBeGreaterThan(0);
        for (const nlb of plan.nlbs) expect(nlb.props.deletionProtection).toBe(true);
      }
      expect(shards().nlbs.length).toBeGreaterThan(1);
      expect(planOf(exampleConfig("alb-bridge-native")).alb?.props.deletionProtection).toBe(true);
    });

    test('"deletionProtection": false turns it off on each of them, and says so stack-wide', () => {
      const input = exampleConfig("alb-bridge-native");
      const plan = planOf({ ...input, deletionProtection: false });
      expect(plan.deletionProtection).toBe(false);
      expect(plan.nlbs.map((n) => n.props.deletionProtection)).toEqual([false]);
      expect(plan.alb?.props.deletionProtection).toBe(false);
    });

    test("an existing ALB is not the stack's: no deletion protection and no logs for it", () => {
      const plan = planOf(exampleConfig("existing-alb"));
      expect(plan.alb?.props.existing).toBeDefined();
      expect(plan.alb?.props).not.toHaveProperty("deletionProtection");
      expect(plan.alb?.props).not.toHaveProperty("logs");
    });

    test("ALB logs: none unless configured; configured, every default filled in, the prefix the ALB's name", () => {
      const input = exampleConfig("alb-bridge-native");
      expect(planOf(input).alb?.props.logs).toBeUndefined();
      const plan = planOf({ ...input, alb: { logs: {} } });
      expect(plan.alb?.props.logs).toEqual({
        access: true,
        connection: true,
        bucket: { type: "create", expireAfterDays: 90 },
        prefix: plan.alb?.props.loadBalancerName,
      });
      expect(plan.alb?.props.region).toBe(input.region);
    });
  });

  describe("state", () => {
    test("an S3 backend has its key and region filled in, and S3-native locking by default", () => {
      const input = defaultConfig();
      input.backend = { type: "s3", bucket: "tf-state-bucket" };
      expect(planOf(input).state.backend).toEqual({
        type: "s3",
        bucket: "tf-state-bucket",
        key: `env/${input.name}/terraform.tfstate`,
        region: input.region,
        kmsKeyId: undefined,
        dynamodbTable: undefined,
        useLockfile: true,
      });
    });

    test("an adoption keeps its id as written for messages, and escapes it for the import block", () => {
      const input = exampleConfig("adopt-existing");
      const plan = planOf(input);
      expect(plan.state.adoptions.map((a) => a.resource)).toEqual(["Nlb", "Api/VpcLink"]);
      for (const a of plan.state.adoptions) expect(a.importId).toBe(a.id.replace(/([$%])\{/g, "$1$1{"));
    });

    test("renames: the plan before them has the old names, on the same NLB placement", () => {
      // GIVEN "orders" was called "shop-orders" at the last apply
      const input = defaultConfig();
      const renamed = input.services[0].name;
      input.renames = { services: { "shop-orders": renamed } };
      // WHEN
      const plan = planOf(input);
      // THEN
      expect(plan.state.renames).toEqual([["shop-orders", renamed]]);
      const before = plan.state.beforeRenames;
      expect(before?.services.map((s) => s.name)).toContain("shop-orders");
      expect(before?.services.map((s) => s.name)).not.toContain(renamed);
      expect(before?.topology.placement).toEqual(plan.topology.placement);
      expect(before?.state.renames).toEqual([]);
    });
  });
});

describe("planStack: the log groups' keeping and the VPC's flow log", () => {
  const KEY = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  test("a created VPC gets a REJECT flow log kept as logs says, by default 30 days without a KMS key", () => {
    expect(planOf(defaultConfig()).logs).toEqual({ retentionDays: 30, kmsKeyArn: undefined });
    expect(planOf(defaultConfig()).network.props.flowLogs).toEqual({ trafficType: "REJECT", retentionDays: 30, kmsKeyArn: undefined });
    const config = defaultConfig();
    const plan = planOf({ ...config, logs: { kmsKeyArn: KEY, retentionDays: 365 }, network: { ...config.network, flowLogs: "ALL" } });
    expect(plan.logs).toEqual({ retentionDays: 365, kmsKeyArn: KEY });
    expect(plan.network.props.flowLogs).toEqual({ trafficType: "ALL", retentionDays: 365, kmsKeyArn: KEY });
  });

  test('"none" is no flow log; an existing VPC has none of ours', () => {
    const config = defaultConfig();
    expect(planOf({ ...config, network: { ...config.network, flowLogs: "none" } }).network.props.flowLogs).toBe(false);
    expect(planOf(exampleConfig("existing-vpc")).network.props.flowLogs).toBeUndefined();
  });
});
