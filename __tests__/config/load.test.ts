import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfigFile, loadConfigFromEnv, parseConfig } from "../../lib/config/load";
import { portsOf } from "../../lib/config/ports";
import { configErrorOf, configWithServices, defaultConfig } from "../helpers/fixtures";

describe("valid configs", () => {
  test("the embedded default is valid and fills in defaults", () => {
    // WHEN
    const cfg = loadConfigFromEnv({});
    // THEN
    expect(cfg.cluster.capacity).toEqual({
      type: "launchTemplate",
      amiSsmParameter: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
    });
    expect(cfg.routes.every((r) => r.authorization === "AWS_IAM")).toBe(true);
    expect(portsOf(cfg.services[1])[0].healthCheck).toEqual({
      protocol: "TCP",
      matcher: "200-399",
      intervalSeconds: 30,
      healthyThreshold: 3,
      unhealthyThreshold: 3,
    });
    expect(cfg.api.stageName).toBe("v1");
  });

  test("50 services fit on one NLB", () => {
    expect(parseConfig(configWithServices(50)).services).toHaveLength(50);
  });
});

describe("bad input names the field and the value", () => {
  const cases: [string, (cfg: ReturnType<typeof defaultConfig>) => void, RegExp][] = [
    [
      "duplicate host port",
      (c) => (c.services[1].hostPort = 10000),
      /services\[1\]\.hostPort: hostPort 10000 is used twice \(also by service "orders"\)/,
    ],
    ["port above 65535", (c) => (c.services[0].hostPort = 70000), /services\[0\]\.hostPort: .*65535.* \(got 70000\)/],
    ["port 0", (c) => (c.services[0].containerPort = 0), /services\[0\]\.containerPort: .* \(got 0\)/],
    [
      "port reserved by the ECS agent",
      (c) => (c.services[0].hostPort = 51678),
      /services\[0\]\.hostPort: hostPort 51678 is reserved by the ECS agent/,
    ],
    [
      "duplicate path and method",
      (c) => c.routes.push({ path: "/orders", methods: ["POST"], service: "inventory" }),
      /routes\[3\]\.methods\[0\]: POST \/orders is defined twice \(also routes\[0\]\)/,
    ],
    [
      "route to an unknown service",
      (c) => (c.routes[0].service = "billing"),
      /routes\[0\]\.service: unknown service "billing"; services are "orders", "inventory"/,
    ],
    [
      "invalid VPC CIDR",
      (c) => (c.network = { ...(c.network as object), vpcCidr: "10.40.0.0/33" } as never),
      /network\.vpcCidr: "10\.40\.0\.0\/33" is not a valid IPv4 CIDR/,
    ],
    [
      "unknown flow log traffic type",
      (c) => (c.network = { ...(c.network as object), flowLogs: "ACCEPT" } as never),
      /network\.flowLogs: .*"REJECT"\|"ALL"\|"none".* \(got "ACCEPT"\)/,
    ],
    [
      "a KMS key that is not a key ARN",
      (c) => (c.logs = { kmsKeyArn: "alias/logs" }),
      /logs\.kmsKeyArn: must be a KMS key ARN .* \(got "alias\/logs"\)/,
    ],
    ["a retention CloudWatch Logs does not offer", (c) => (c.logs = { retentionDays: 31 as never }), /logs\.retentionDays: .* \(got 31\)/],
    [
      "CIDR with host bits",
      (c) => (c.network = { ...(c.network as object), vpcCidr: "10.40.0.1/16" } as never),
      /network\.vpcCidr: "10\.40\.0\.1\/16" is not a valid/,
    ],
    [
      "subnet outside the VPC",
      (c) => (c.network = { ...(c.network as object), privateSubnetCidrs: ["10.40.0.0/20", "10.41.0.0/20"] } as never),
      /network\.privateSubnetCidrs\[1\]: subnet "10\.41\.0\.0\/20" is outside the VPC CIDR "10\.40\.0\.0\/16"/,
    ],
    [
      "overlapping subnets",
      (c) => (c.network = { ...(c.network as object), privateSubnetCidrs: ["10.40.0.0/20", "10.40.8.0/21"] } as never),
      /network\.privateSubnetCidrs\[1\]: subnet "10\.40\.8\.0\/21" overlaps subnet "10\.40\.0\.0\/20"/,
    ],
    [
      "AZ in another region",
      (c) => (c.network = { ...(c.network as object), availabilityZones: ["eu-west-2a", "us-east-1b"] } as never),
      /network\.availabilityZones\[1\]: availability zone "us-east-1b" is not in region "eu-west-2"/,
    ],
    ["upper-case name", (c) => (c.name = "Orders"), /name: name must be lower-case .* \(got "Orders"\)/],
    ["empty service list", (c) => (c.services = []), /services: at least one service is required/],
    ["empty route list", (c) => (c.routes = []), /routes: at least one route is required/],
    [
      "greedy segment not last",
      (c) => (c.routes[1].path = "/orders/{proxy+}/items"),
      /routes\[1\]\.path: path "\/orders\/\{proxy\+\}\/items" greedy segment \{proxy\+\} must be the last segment/,
    ],
    ["path without leading slash", (c) => (c.routes[0].path = "orders"), /routes\[0\]\.path: path "orders" must start with \//],
    [
      "two parameter names at one level",
      (c) => c.routes.push({ path: "/orders/{id}", methods: ["GET"], service: "orders" }),
      /routes\[3\]\.path: .*uses \{id\} under "\/orders", where routes\[1\] already uses \{proxy\+\}/,
    ],
    ["unknown HTTP method", (c) => (c.routes[0].methods = ["FETCH" as never]), /routes\[0\]\.methods\[0\]: .* \(got "FETCH"\)/],
    [
      "unknown field (typo)",
      (c) => (c.services[0] = { ...c.services[0], hostport: 1 } as never),
      /services\[0\]: unknown field\(s\) "hostport"/,
    ],
    ["missing required field", (c) => delete (c as Record<string, unknown>).region, /region: is required/],
    [
      "launch configuration without AMI",
      (c) => (c.cluster = { capacity: { type: "launchConfiguration" } as never }),
      /cluster\.capacity\.imageId: is required/,
    ],
    [
      "desired count above the cluster size",
      (c) => (c.services[0].desiredCount = 9),
      /services\[0\]\.desiredCount: desiredCount 9 is more than cluster\.maxSize 4/,
    ],
    [
      "HTTP health check without a path",
      (c) => (c.services[1].healthCheck = { protocol: "HTTP" }),
      /services\[1\]\.healthCheck\.path: a HTTP health check needs a path/,
    ],
    [
      "cluster sizes out of order",
      (c) => (c.cluster = { minSize: 3, maxSize: 2, desiredCapacity: 2 }),
      /cluster\.minSize: minSize 3 is larger than maxSize 2/,
    ],
    [
      "existing VPC with a malformed id",
      (c) => (c.network = { type: "existing", vpcId: "vpc-xyz", vpcCidr: "10.0.0.0/16", privateSubnetIds: ["subnet-0123456789abcdef0"] }),
      /network\.vpcId: must look like vpc-0123456789abcdef0 \(got "vpc-xyz"\)/,
    ],
    ["unknown network type", (c) => (c.network = { type: "peered" } as never), /network\.type: .* \(got "peered"\)/],
    // Found by the config fuzzer: the stack name is a construct id, and CDKTF's App crashed on this one.
    ["a name every object has", (c) => (c.name = "constructor"), /name: name "constructor" cannot be a CDKTF stack name/],
  ];

  test.each(cases)("%s", (_what, mutate, expected) => {
    // GIVEN
    const cfg = defaultConfig();
    // WHEN
    mutate(cfg);
    // THEN
    expect(configErrorOf(() => parseConfig(cfg))).toMatch(expected);
  });

  test("more listeners than one NLB allows is accepted: the ports are spread over several NLBs", () => {
    expect(() => parseConfig(configWithServices(51))).not.toThrow();
  });

  test("every problem is listed in one message", () => {
    // GIVEN
    const cfg = defaultConfig();
    cfg.services[1].hostPort = 10000;
    cfg.routes[0].service = "billing";
    // WHEN
    const message = configErrorOf(() => parseConfig(cfg));
    // THEN
    expect(message).toMatch(/^Invalid config \(2 problems\):\n/);
    expect(message.split("\n")).toHaveLength(3);
  });
});

// Found by the config fuzzer (__tests__/fuzz): each of these broke the promise that every problem
// is one line, `field.path: message (got value)`.
describe("every problem is one line that names the field and shows the value", () => {
  const problemsOf = (cfg: unknown): readonly string[] => {
    try {
      parseConfig(cfg);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      // The header, then one line per problem.
      expect((err as Error).message.split("\n")).toHaveLength(problems.length + 1);
      return problems;
    }
    throw new Error("expected a ConfigError, but the config was accepted");
  };

  test("a line break in an unknown field's name or in a quoted value is escaped", () => {
    const unknownField = defaultConfig();
    unknownField["x\ny"] = 1;
    expect(problemsOf(unknownField)).toEqual(['(config): unknown field(s) "x\\ny"']);
    const quotedValue = defaultConfig();
    quotedValue.routes[0].service = "a\nb";
    expect(problemsOf(quotedValue)).toEqual(['routes[0].service: unknown service "a\\nb"; services are "orders", "inventory"']);
  });

  test("a key that breaks its record's rule is shown as the key, with the rule, at the record's path", () => {
    const cfg = defaultConfig();
    cfg.services[1].environment = { "1_LEVEL": "info" };
    cfg.tags = { "": "x" };
    expect(problemsOf(cfg)).toEqual([
      'tags: Too small: expected string to have >=1 characters (got key "")',
      'services[1].environment: environment variable names must match [A-Za-z_][A-Za-z0-9_]* (got key "1_LEVEL")',
    ]);
  });

  test("a key that is not a plain word is quoted in the path", () => {
    const cfg = defaultConfig();
    cfg.tags = { "cost center": "x".repeat(257) };
    expect(problemsOf(cfg)).toEqual([expect.stringMatching(/^tags\["cost center"\]: Too big: .* \(got "xxx/)]);
  });

  test("a cross-field problem about a value shows it, even an empty one", () => {
    const cfg = defaultConfig();
    cfg.services[0].healthCheck = { protocol: "HTTP", path: "" };
    expect(problemsOf(cfg)).toContain('services[0].healthCheck.path: a HTTP health check needs a path, such as "/health" (got "")');
  });

  test("a section without its type says the type is required", () => {
    const cfg = defaultConfig();
    cfg.network = {} as never;
    expect(problemsOf(cfg)).toEqual(["network.type: is required"]);
  });
});

describe("config files", () => {
  const dir = mkdtempSync(join(tmpdir(), "config-files-"));

  test("a missing file is reported by path", () => {
    const path = join(dir, "missing.json");
    expect(configErrorOf(() => loadConfigFile(path))).toBe(`Cannot read config file "${path}" (PRIVATE_API_CONFIG): no such file`);
  });

  test("a file that is not JSON is reported with the parser's reason", () => {
    const path = join(dir, "broken.json");
    writeFileSync(path, '{ "name": "x", }');
    expect(configErrorOf(() => loadConfigFile(path))).toMatch(new RegExp(`^Config file ".*broken\\.json" is not valid JSON: `));
  });

  test("a directory is unreadable as a config", () => {
    expect(configErrorOf(() => loadConfigFile(dir))).toMatch(/^Cannot read config file ".*" \(PRIVATE_API_CONFIG\): EISDIR/);
  });

  test("PRIVATE_API_CONFIG selects the file", () => {
    const path = join(dir, "ok.json");
    const cfg = defaultConfig();
    cfg.name = "from-file";
    writeFileSync(path, JSON.stringify(cfg));
    expect(loadConfigFromEnv({ PRIVATE_API_CONFIG: path }).name).toBe("from-file");
  });

  test("JSON that is not an object says so", () => {
    const path = join(dir, "array.json");
    writeFileSync(path, "[1, 2]");
    expect(configErrorOf(() => loadConfigFile(path))).toMatch(/\(config\): .*expected object/);
  });
});
