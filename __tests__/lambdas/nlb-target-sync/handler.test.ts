import { DescribeNetworkInterfacesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client, RegisterTargetsCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { ScheduledEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { albIps, ENV, FakeParameter, FakeTargetGroup, mockEniPages, TARGET_GROUP_ARN } from "./helpers";

type HandlerModule = typeof import("../../../lambdas/nlb-target-sync/handler");
const HANDLER = "../../../lambdas/nlb-target-sync/handler";

const ec2 = mockClient(EC2Client);
const elb = mockClient(ElasticLoadBalancingV2Client);
const ssm = mockClient(SSMClient);

const EVENT: ScheduledEvent = {
  version: "0",
  id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "123456789012",
  time: "2026-11-21T23:00:00Z",
  region: "eu-west-2",
  resources: ["arn:aws:events:eu-west-2:123456789012:rule/nlb-target-sync"],
  detail: {},
};

const savedEnv = process.env;

beforeEach(() => {
  ec2.reset();
  elb.reset();
  ssm.reset();
  const env: NodeJS.ProcessEnv = { ...savedEnv, ...ENV };
  delete env.ANTI_FLAP_RUNS;
  delete env.METRIC_NAMESPACE;
  process.env = env;
  jest.spyOn(console, "log").mockImplementation(() => undefined);
});

afterEach(() => {
  process.env = savedEnv;
  jest.restoreAllMocks();
});

/** Loads the handler module afresh, as a new Lambda execution environment would. */
function loadFresh(): HandlerModule {
  let loaded: HandlerModule | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy inside isolateModules, as a new execution environment loads it
    loaded = require(HANDLER) as HandlerModule;
  });
  if (!loaded) throw new Error("handler module did not load");
  return loaded;
}

describe("handler module", () => {
  test("fails to load without TARGET_GROUP_ARN, naming the variable", () => {
    // GIVEN
    delete process.env.TARGET_GROUP_ARN;
    // THEN
    expect(() => loadFresh()).toThrow(
      /^nlb-target-sync: environment variable TARGET_GROUP_ARN is required \(the ARN of the NLB's ip target group\)$/,
    );
  });

  test.each(["ALB_ENI_DESCRIPTION", "TARGET_PORT", "STATE_PARAMETER_NAME"])("fails to load without %s, naming the variable", (name) => {
    // GIVEN
    delete process.env[name];
    // THEN
    expect(() => loadFresh()).toThrow(new RegExp(`^nlb-target-sync: environment variable ${name} is required`));
  });

  test("fails to load with a metric namespace in AWS/", () => {
    // GIVEN
    process.env.METRIC_NAMESPACE = "AWS/NetworkELB";
    // THEN
    expect(() => loadFresh()).toThrow(/METRIC_NAMESPACE must not start with "AWS\/"/);
  });

  test("loads with the required variables set", () => {
    expect(typeof loadFresh().handler).toBe("function");
  });
});

describe("handler", () => {
  test("runs one sync per invocation with the clients it created once at load", async () => {
    // GIVEN (the module from the test's own registry, so that its SDK clients are the mocked ones)
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded in the test, once beforeEach has set its env; an import would load it first
    const { handler } = require(HANDLER) as HandlerModule;
    const group = new FakeTargetGroup(elb);
    new FakeParameter(ssm, '{"missing":{}}');
    const [a, b] = albIps(2);
    // WHEN
    mockEniPages(ec2, [a]);
    const first = await handler(EVENT);
    ec2.reset();
    mockEniPages(ec2, [a, b]);
    const second = await handler(EVENT);
    // THEN
    expect(first).toEqual({
      targetGroupArn: TARGET_GROUP_ARN,
      found: 1,
      registered: [a],
      deregistered: [],
      pending: [],
      safetyStop: false,
    });
    expect(second.registered).toEqual([b]);
    expect(group.active()).toEqual([a, b]);
    const clientsUsed = elb.commandCalls(RegisterTargetsCommand).map((call) => call.thisValue as unknown);
    expect(clientsUsed).toHaveLength(2);
    expect(clientsUsed[0]).toBeInstanceOf(ElasticLoadBalancingV2Client);
    expect(clientsUsed[1]).toBe(clientsUsed[0]);
    expect(ec2).toHaveReceivedCommand(DescribeNetworkInterfacesCommand);
    // ... configured as lambdas/shared/aws-clients.ts says (sdk-retries.test.ts shows what that does)
    const elbClient = clientsUsed[0] as ElasticLoadBalancingV2Client;
    expect(await elbClient.config.maxAttempts()).toBe(3);
    expect(elbClient.config.retryMode).toBe("standard");
  });
});
