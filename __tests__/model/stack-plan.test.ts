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
