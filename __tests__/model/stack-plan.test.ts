/**
 * The plan of a stack (lib/model/stack-plan.ts): every decision, made before the app exists. These
 * tests ask the plan, which is pure, rather than a synthesised stack.
 */
import { join } from "node:path";
import { parseConfig } from "../../lib/config/load";
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
