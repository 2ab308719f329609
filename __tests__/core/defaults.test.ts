/**
 * Each default is defined once, in lib/core/defaults.ts: the constructs apply it when a prop
 * is left out, and the config schema fills it in. A config that leaves every field out gets the
 * constants, so the two cannot drift apart.
 */
import { portsOf } from "../../lib/config/ports";
import { configShape } from "../../lib/config/schema";
import * as defaults from "../../lib/core/defaults";

/** A config that gives only what has no default, and opens every object that has defaults inside. */
const MINIMAL = {
  name: "shop",
  region: "eu-west-2",
  network: { type: "create", vpcCidr: "10.0.0.0/16", availabilityZones: ["eu-west-2a"], privateSubnetCidrs: ["10.0.0.0/20"] },
  services: [
    { name: "orders", image: "orders:1", containerPort: 8080, hostPort: 10000 },
    { name: "billing", image: "billing:1", ports: [{ name: "http", containerPort: 8080, hostPort: 10001 }] },
  ],
  routes: [{ path: "/orders", methods: ["GET"], service: "orders" }],
  api: {
    authorizers: { partners: { type: "lambda", functionArn: "arn:aws:lambda:eu-west-2:123456789012:function:authorize" } },
    cache: {},
    apiKeys: [{ name: "partner" }],
  },
  alb: {},
  bridge: { mode: "lambda" },
};

describe("the config schema's defaults are the constructs' constants", () => {
  // GIVEN a config that leaves every defaulted field out
  // WHEN its shape is parsed (phase 1, which fills in the defaults)
  const cfg = configShape.parse(MINIMAL);

  test("cluster", () => {
    expect(cfg.cluster).toEqual({
      instanceType: defaults.DEFAULT_INSTANCE_TYPE,
      minSize: defaults.DEFAULT_CLUSTER_MIN_SIZE,
      maxSize: defaults.DEFAULT_CLUSTER_MAX_SIZE,
      desiredCapacity: defaults.DEFAULT_CLUSTER_DESIRED_CAPACITY,
      capacity: { type: "launchTemplate", amiSsmParameter: defaults.DEFAULT_ECS_AMI_SSM_PARAMETER },
      rootVolumeSizeGiB: defaults.DEFAULT_ROOT_VOLUME_SIZE_GIB,
      capacityProvider: { targetCapacityPercent: defaults.DEFAULT_TARGET_CAPACITY_PERCENT },
    });
  });

  test("network", () => {
    expect(cfg.network).toMatchObject({ vpcEndpoints: defaults.DEFAULT_VPC_ENDPOINTS });
  });

  test("service and its health check", () => {
    const [svc] = cfg.services;
    expect(svc).toMatchObject({
      cpu: defaults.DEFAULT_CONTAINER_CPU,
      memory: defaults.DEFAULT_CONTAINER_MEMORY_MIB,
      desiredCount: defaults.DEFAULT_DESIRED_COUNT,
      logRetentionDays: defaults.DEFAULT_SERVICE_LOG_RETENTION_DAYS,
      capacity: defaults.DEFAULT_SERVICE_CAPACITY,
    });
    // The one port of the single-port form, and each entry of ports, get the same health check.
    expect(portsOf(svc)[0].healthCheck).toEqual(defaults.DEFAULT_HEALTH_CHECK);
    expect(portsOf(cfg.services[1])[0].healthCheck).toEqual(defaults.DEFAULT_HEALTH_CHECK);
    expect(defaults.healthCheckWithDefaults()).toEqual({ ...defaults.DEFAULT_HEALTH_CHECK, path: undefined });
  });

  test("routes and API", () => {
    expect(cfg.routes[0].authorization).toBe(defaults.DEFAULT_ROUTE_AUTHORIZATION);
    expect(cfg.api.stageName).toBe(defaults.DEFAULT_STAGE_NAME);
    expect(cfg.api.authorizers.partners).toMatchObject({ resultTtlSeconds: defaults.DEFAULT_AUTHORIZER_RESULT_TTL_SECONDS });
    expect(cfg.api.accessLogs).toEqual({ enabled: true, retentionDays: defaults.DEFAULT_ACCESS_LOG_RETENTION_DAYS });
    expect(cfg.api.cache).toEqual({ sizeGb: defaults.DEFAULT_CACHE_SIZE_GB, ttlSeconds: defaults.DEFAULT_CACHE_TTL_SECONDS });
    expect(cfg.api.alarms).toEqual({
      serverErrorRatePercent: defaults.DEFAULT_SERVER_ERROR_RATE_PERCENT,
      p99LatencyMs: defaults.DEFAULT_P99_LATENCY_MS,
      evaluationMinutes: defaults.DEFAULT_ALARM_EVALUATION_MINUTES,
    });
    expect(cfg.api.apiKeys).toEqual([{ name: "partner", value: defaults.DEFAULT_API_KEY_VALUE }]);
  });

  test("ALB and bridge", () => {
    expect(cfg.alb?.sslPolicy).toBe(defaults.DEFAULT_SSL_POLICY);
    expect(cfg.bridge).toMatchObject({ syncSchedule: defaults.DEFAULT_SYNC_SCHEDULE, antiFlapRuns: defaults.DEFAULT_ANTI_FLAP_RUNS });
  });
});

test("the constants keep their values", () => {
  expect(defaults.DEFAULT_SSL_POLICY).toBe("ELBSecurityPolicy-TLS13-1-2-Res-2021-06");
  expect(defaults.DEFAULT_ANTI_FLAP_RUNS).toBe(3);
  expect(defaults.DEFAULT_SYNC_SCHEDULE).toBe("rate(1 minute)");
  expect(defaults.BRIDGE_METRIC_NAMESPACE).toBe("PrivateEcsApi/AlbBridge");
  expect(defaults.DEFAULT_STAGE_NAME).toBe("v1");
  expect(defaults.DEFAULT_ECS_AMI_SSM_PARAMETER).toBe("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id");
  expect(defaults.DEFAULT_REST_IDENTITY_SOURCE).toBe("method.request.header.Authorization");
  expect(defaults.DEFAULT_HTTP_IDENTITY_SOURCE).toBe("$request.header.Authorization");
  expect(defaults.DEFAULT_EXECUTION_LOG_LEVEL).toBe("ERROR");
  expect(defaults.DEFAULT_WEB_ACL_RATE_LIMIT).toBe(2000);
  expect([...defaults.WEB_ACL_MANAGED_RULE_GROUPS]).toEqual([
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
  ]);
  expect(defaults.DEFAULT_TARGET_CAPACITY_PERCENT).toBe(100);
  // An existing service switched to a capacity provider strategy is replaced: the default must stay the launch type.
  expect(defaults.DEFAULT_SERVICE_CAPACITY).toBe("launchType");
});
