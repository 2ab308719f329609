import { DescribeNetworkInterfacesCommand, EC2Client, EC2ServiceException } from "@aws-sdk/client-ec2";
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  RegisterTargetsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetParameterCommand, PutParameterCommand, SSMClient, SSMServiceException } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import type { RunSummary } from "../../../lambdas/nlb-target-sync/run-log";
import { syncTargets, type SyncClients, SyncStepError, TARGETS_PER_CALL } from "../../../lambdas/nlb-target-sync/sync";
import {
  ALB_ENI_DESCRIPTION,
  albIps,
  commandOrder,
  CONFIG,
  FakeParameter,
  FakeTargetGroup,
  mockEniPages,
  STATE_PARAMETER_NAME,
  TARGET_GROUP_ARN,
  targetHealth,
} from "./helpers";
import { anyOf, objectContaining, stringMatching } from "../../helpers/expect";

const ec2 = mockClient(EC2Client);
const elb = mockClient(ElasticLoadBalancingV2Client);
const ssm = mockClient(SSMClient);

const clients: SyncClients = {
  ec2: new EC2Client({ region: "eu-west-2" }),
  elb: new ElasticLoadBalancingV2Client({ region: "eu-west-2" }),
  ssm: new SSMClient({ region: "eu-west-2" }),
};

const [A, B, C, D] = albIps(4);

let log: jest.SpyInstance<void, Parameters<typeof console.log>>;
let warn: jest.SpyInstance<void, Parameters<typeof console.warn>>;

beforeEach(() => {
  ec2.reset();
  elb.reset();
  ssm.reset();
  log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

/** The one JSON line the run logged. */
function logLine(): Record<string, unknown> {
  expect(log).toHaveBeenCalledTimes(1);
  return JSON.parse(log.mock.calls[0][0] as string) as Record<string, unknown>;
}

function throttling(): ElasticLoadBalancingV2ServiceException {
  return new ElasticLoadBalancingV2ServiceException({
    name: "ThrottlingException",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
    message: "Rate exceeded",
  });
}

function accessDenied<T>(make: new (opts: { name: string; $fault: "client"; $metadata: object; message: string }) => T, action: string): T {
  return new make({
    name: "AccessDenied",
    $fault: "client",
    $metadata: { httpStatusCode: 403 },
    message: `User: arn:aws:sts::123456789012:assumed-role/nlb-target-sync/fn is not authorized to perform: ${action}`,
  });
}

describe("syncTargets", () => {
  test("discovers IPs over several DescribeNetworkInterfaces pages and registers them all", async () => {
    // GIVEN
    const ips = albIps(5);
    const pages = mockEniPages(ec2, ips, 2);
    const group = new FakeTargetGroup(elb);
    new FakeParameter(ssm, '{"missing":{}}');
    // WHEN
    const summary = await syncTargets(clients, CONFIG);
    // THEN
    expect(pages).toBe(3);
    expect(ec2).toHaveReceivedCommandTimes(DescribeNetworkInterfacesCommand, 3);
    expect(ec2).toHaveReceivedCommandWith(DescribeNetworkInterfacesCommand, {
      Filters: [
        { Name: "description", Values: [ALB_ENI_DESCRIPTION] },
        { Name: "status", Values: ["in-use"] },
      ],
    });
    expect(elb).toHaveReceivedCommandTimes(RegisterTargetsCommand, 1);
    expect(elb).toHaveReceivedCommandWith(RegisterTargetsCommand, {
      TargetGroupArn: TARGET_GROUP_ARN,
      Targets: ips.map((ip) => ({ Id: ip, Port: 80 })),
    });
    expect(group.active()).toEqual([...ips].sort());
    expect(summary).toEqual({
      targetGroupArn: TARGET_GROUP_ARN,
      found: 5,
      registered: [...ips].sort(),
      deregistered: [],
      pending: [],
      safetyStop: false,
    });
  });

  test("SAFETY STOP: with zero IPs found it neither registers nor deregisters, and keeps the counts", async () => {
    // GIVEN
    mockEniPages(ec2, []);
    new FakeTargetGroup(elb, [A, B]);
    const parameter = new FakeParameter(ssm, '{"missing":{"10.0.0.11":2}}');
    // WHEN
    const summary = await syncTargets(clients, CONFIG);
    // THEN
    expect(elb).not.toHaveReceivedCommand(RegisterTargetsCommand);
    expect(elb).not.toHaveReceivedCommand(DeregisterTargetsCommand);
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    expect(parameter.value).toBe('{"missing":{"10.0.0.11":2}}');
    expect(summary).toEqual(objectContaining({ found: 0, safetyStop: true, registered: [], deregistered: [] }));
    expect(logLine()).toEqual(objectContaining({ safetyStop: true, found: 0, AlbIpsFound: 0 }));
  });

  test("anti-flap: an IP missing for three consecutive runs is deregistered on the third, with the counts carried in SSM", async () => {
    // GIVEN the ALB had A and B; then B's node goes and C's comes
    const group = new FakeTargetGroup(elb, [A, B]);
    const parameter = new FakeParameter(ssm, '{"missing":{}}');
    const runs: (RunSummary & { state: Readonly<Record<string, number>>; deregisterCalls: number })[] = [];
    // WHEN
    for (let run = 1; run <= 3; run += 1) {
      ec2.reset();
      mockEniPages(ec2, [A, C]);
      const summary = await syncTargets(clients, CONFIG);
      runs.push({ ...summary, state: parameter.counts(), deregisterCalls: elb.commandCalls(DeregisterTargetsCommand).length });
    }
    // THEN
    expect(runs).toEqual([
      objectContaining({
        registered: [C],
        deregistered: [],
        pending: [B],
        state: { [B]: 1 },
        deregisterCalls: 0,
      }),
      objectContaining({ registered: [], deregistered: [], pending: [B], state: { [B]: 2 }, deregisterCalls: 0 }),
      objectContaining({ registered: [], deregistered: [B], pending: [], state: {}, deregisterCalls: 1 }),
    ]);
    expect(elb).toHaveReceivedCommandWith(DeregisterTargetsCommand, { TargetGroupArn: TARGET_GROUP_ARN, Targets: [{ Id: B, Port: 80 }] });
    expect(group.active()).toEqual([A, C]);
    expect(group.targets.get(B)).toBe("draining");
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, { Name: STATE_PARAMETER_NAME, Type: "String", Overwrite: true });
  });

  test("anti-flap: an IP that comes back before the third run is kept and its count reset", async () => {
    // GIVEN
    const group = new FakeTargetGroup(elb, [A, B]);
    const parameter = new FakeParameter(ssm, '{"missing":{}}');
    // WHEN B is missing twice, then back
    for (const found of [[A], [A], [A, B], [A]]) {
      ec2.reset();
      mockEniPages(ec2, found);
      await syncTargets(clients, CONFIG);
    }
    // THEN the fourth run counts B's absence from one again
    expect(elb).not.toHaveReceivedCommand(DeregisterTargetsCommand);
    expect(group.active()).toEqual([A, B]);
    expect(parameter.counts()).toEqual({ [B]: 1 });
  });

  test("a draining target counts as not registered: it is registered again if the ALB still has it, and its count dropped", async () => {
    // GIVEN
    mockEniPages(ec2, [A, B]);
    elb
      .on(DescribeTargetHealthCommand)
      .resolves({ TargetHealthDescriptions: [targetHealth(A), targetHealth(B, "draining"), targetHealth(C, "draining")] });
    const parameter = new FakeParameter(ssm, '{"missing":{"10.0.0.12":2}}');
    // WHEN
    const summary = await syncTargets(clients, CONFIG);
    // THEN
    expect(elb).toHaveReceivedCommandWith(RegisterTargetsCommand, { Targets: [{ Id: B, Port: 80 }] });
    expect(elb).not.toHaveReceivedCommand(DeregisterTargetsCommand);
    expect(summary.pending).toEqual([]);
    expect(parameter.counts()).toEqual({});
  });

  test("targets on another port are left alone", async () => {
    // GIVEN
    mockEniPages(ec2, [A]);
    elb
      .on(DescribeTargetHealthCommand)
      .resolves({ TargetHealthDescriptions: [targetHealth(A), targetHealth(B, "healthy", 8080), targetHealth(A, "healthy", 8080)] });
    new FakeParameter(ssm, '{"missing":{}}');
    // WHEN
    const summary = await syncTargets(clients, { ...CONFIG, antiFlapRuns: 1 });
    // THEN
    expect(elb).not.toHaveReceivedCommand(RegisterTargetsCommand);
    expect(elb).not.toHaveReceivedCommand(DeregisterTargetsCommand);
    expect(summary.pending).toEqual([]);
  });

  test("registers before it deregisters", async () => {
    // GIVEN B has been missing twice; C is new
    mockEniPages(ec2, [A, C]);
    new FakeTargetGroup(elb, [A, B]);
    new FakeParameter(ssm, '{"missing":{"10.0.0.11":2}}');
    // WHEN
    await syncTargets(clients, CONFIG);
    // THEN
    const register = elb.commandCalls(RegisterTargetsCommand);
    const deregister = elb.commandCalls(DeregisterTargetsCommand);
    expect(register).toHaveLength(1);
    expect(deregister).toHaveLength(1);
    expect(register[0].calledBefore(deregister[0])).toBe(true);
    expect(commandOrder(ec2, elb, ssm)).toEqual([
      "DescribeNetworkInterfacesCommand",
      "DescribeTargetHealthCommand",
      "GetParameterCommand",
      "RegisterTargetsCommand",
      "DeregisterTargetsCommand",
      "PutParameterCommand",
    ]);
  });

  test(`registers and deregisters in batches of ${TARGETS_PER_CALL}`, async () => {
    // GIVEN 250 IPs replace 230 others that have been missing twice
    const fresh = albIps(250, 1000);
    const old = albIps(230);
    mockEniPages(ec2, fresh);
    const group = new FakeTargetGroup(elb, old);
    new FakeParameter(ssm, JSON.stringify({ missing: Object.fromEntries(old.map((ip) => [ip, 2])) }));
    // WHEN
    const summary = await syncTargets(clients, CONFIG);
    // THEN
    const registerBatches = elb.commandCalls(RegisterTargetsCommand).map((call) => call.args[0].input.Targets ?? []);
    const deregisterBatches = elb.commandCalls(DeregisterTargetsCommand).map((call) => call.args[0].input.Targets ?? []);
    expect(registerBatches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(deregisterBatches.map((b) => b.length)).toEqual([100, 100, 30]);
    expect(registerBatches.flat().every((t) => t.Port === 80)).toBe(true);
    expect(new Set(registerBatches.flat().map((t) => t.Id))).toEqual(new Set(fresh));
    expect(group.active()).toEqual([...fresh].sort());
    expect(summary.registered).toHaveLength(250);
    expect(summary.deregistered).toHaveLength(230);
  });

  test("throttling on RegisterTargets rejects with the step named, and nothing is deregistered or saved", async () => {
    // GIVEN
    mockEniPages(ec2, [A, C]);
    elb.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [targetHealth(A), targetHealth(B)] });
    elb.on(RegisterTargetsCommand).rejects(throttling());
    new FakeParameter(ssm, '{"missing":{"10.0.0.11":2}}');
    // WHEN
    const run = syncTargets(clients, CONFIG);
    // THEN
    await expect(run).rejects.toThrow(
      /^nlb-target-sync: RegisterTargets failed: ThrottlingException: Rate exceeded \(arn:aws:elasticloadbalancing:.*nothing was deregistered\)$/,
    );
    await expect(run).rejects.toBeInstanceOf(SyncStepError);
    expect(elb).not.toHaveReceivedCommand(DeregisterTargetsCommand);
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    // The run still logs what it did: nothing.
    expect(logLine()).toEqual(objectContaining({ registered: [], deregistered: [], TargetsRegistered: 0 }));
  });

  test("a failure in a later RegisterTargets batch still stops all deregistration", async () => {
    // GIVEN
    mockEniPages(ec2, albIps(150, 1000));
    new FakeTargetGroup(elb, [A]);
    elb.on(RegisterTargetsCommand).resolvesOnce({}).rejects(throttling());
    new FakeParameter(ssm, '{"missing":{"10.0.0.10":2}}');
    // WHEN / THEN
    await expect(syncTargets(clients, CONFIG)).rejects.toThrow(/RegisterTargets failed/);
    expect(elb).toHaveReceivedCommandTimes(RegisterTargetsCommand, 2);
    expect(elb).not.toHaveReceivedCommand(DeregisterTargetsCommand);
    expect(logLine()).toEqual(objectContaining({ TargetsRegistered: 100, TargetsDeregistered: 0 }));
  });

  test("AccessDenied on DescribeTargetHealth rejects, and nothing is registered or deregistered", async () => {
    // GIVEN
    mockEniPages(ec2, [A, B]);
    elb
      .on(DescribeTargetHealthCommand)
      .rejects(accessDenied(ElasticLoadBalancingV2ServiceException, "elasticloadbalancing:DescribeTargetHealth"));
    new FakeParameter(ssm, '{"missing":{}}');
    // WHEN / THEN
    await expect(syncTargets(clients, CONFIG)).rejects.toThrow(
      /^nlb-target-sync: DescribeTargetHealth failed: AccessDenied: User: .* is not authorized to perform: elasticloadbalancing:DescribeTargetHealth/,
    );
    expect(elb).not.toHaveReceivedCommand(RegisterTargetsCommand);
    expect(elb).not.toHaveReceivedCommand(DeregisterTargetsCommand);
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    expect(log).not.toHaveBeenCalled();
  });

  test("an error from DescribeNetworkInterfaces rejects before the target group is touched", async () => {
    // GIVEN
    ec2.on(DescribeNetworkInterfacesCommand).rejects(accessDenied(EC2ServiceException, "ec2:DescribeNetworkInterfaces"));
    // WHEN / THEN
    await expect(syncTargets(clients, CONFIG)).rejects.toThrow(
      /^nlb-target-sync: DescribeNetworkInterfaces failed: AccessDenied: .*ELB app\/private-api/,
    );
    expect(elb).not.toHaveReceivedAnyCommand();
    expect(ssm).not.toHaveReceivedAnyCommand();
  });

  test("when the state cannot be read it still registers, deregisters nothing, saves nothing, and then rejects", async () => {
    // GIVEN B would be deregistered at once with threshold 1
    mockEniPages(ec2, [A, C]);
    const group = new FakeTargetGroup(elb, [A, B]);
    ssm.on(GetParameterCommand).rejects(accessDenied(SSMServiceException, "ssm:GetParameter"));
    // WHEN / THEN
    await expect(syncTargets(clients, { ...CONFIG, antiFlapRuns: 1 })).rejects.toThrow(
      /^nlb-target-sync: GetParameter failed: AccessDenied: .*ssm:GetParameter \(\/private-api\/nlb-target-sync\/state; new ALB IPs were still registered, nothing was deregistered\)$/,
    );
    expect(group.active()).toEqual([A, B, C]);
    expect(elb).not.toHaveReceivedCommand(DeregisterTargetsCommand);
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    expect(logLine()).toEqual(objectContaining({ registered: [C], deregistered: [], pending: [B] }));
  });

  test("a state parameter that does not exist yet is an empty state, and the run creates it", async () => {
    // GIVEN
    mockEniPages(ec2, [A]);
    new FakeTargetGroup(elb, [A, B]);
    const parameter = new FakeParameter(ssm, undefined);
    // WHEN
    await syncTargets(clients, CONFIG);
    // THEN in the current format, marked with the version the write created (1: it created the parameter)
    expect(parameter.value).toBe('{"missing":{},"ipv4":{"1":"i4CAUA"},"parameterVersion":1}');
    expect(parameter.version).toBe(1);
    expect(parameter.counts()).toEqual({ [B]: 1 });
    expect(warn).not.toHaveBeenCalled();
  });

  test("a malformed state logs a warning, does not stop registration, and is overwritten", async () => {
    // GIVEN
    mockEniPages(ec2, [A, C]);
    const group = new FakeTargetGroup(elb, [A]);
    const parameter = new FakeParameter(ssm, "{not json");
    // WHEN
    await syncTargets(clients, CONFIG);
    // THEN
    expect(group.active()).toEqual([A, C]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.parse(warn.mock.calls[0][0] as string)).toEqual(
      objectContaining({
        action: "nlb-target-sync",
        level: "WARN",
        parameter: STATE_PARAMETER_NAME,
        warning: stringMatching(/not valid JSON/),
      }),
    );
    expect(parameter.value).toBe('{"missing":{},"parameterVersion":2}');
  });

  test("counts that do not fit in 4,096 characters: the highest are kept, the rest start over, with a warning", async () => {
    // GIVEN 1,000 registered addresses spread over all of IPv4 (the worst case for the encoding), all gone from the ALB
    let seed = 7;
    const random = () => Math.floor((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 23);
    const spread = [...new Set(Array.from({ length: 1100 }, () => [random(), random(), random(), random()].join(".")))].slice(0, 1000);
    const group = new FakeTargetGroup(elb, [A, ...spread]);
    const parameter = new FakeParameter(ssm, '{"missing":{}}');
    // WHEN
    const runs: RunSummary[] = [];
    for (let run = 1; run <= 3; run += 1) {
      ec2.reset();
      mockEniPages(ec2, [A]);
      runs.push(await syncTargets(clients, CONFIG));
    }
    // THEN the first run stores what fits (SSM would refuse more), and says what it left out
    expect(parameter.value!.length).toBeLessThanOrEqual(4096);
    expect(warn).toHaveBeenCalledWith(stringMatching(/missing counts of \d+ IP\(s\) do not fit in the parameter's 4096 characters/));
    // ... the IPs it kept go on the third run, the others later: never before three missing runs
    const gone = runs[2].deregistered.length;
    expect(gone).toBeGreaterThan(500);
    expect(gone).toBeLessThan(1000);
    expect(runs[0].deregistered).toEqual([]);
    expect(runs[1].deregistered).toEqual([]);
    expect(group.active()).toHaveLength(1001 - gone);
  });

  test("writes the state only when it changed", async () => {
    // GIVEN
    mockEniPages(ec2, [A, B]);
    new FakeTargetGroup(elb, [A, B]);
    new FakeParameter(ssm, '{"missing":{}}');
    // WHEN
    await syncTargets(clients, CONFIG);
    // THEN
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  test("a DeregisterTargets failure rejects after registration, and leaves the counts unsaved so the next run tries again", async () => {
    // GIVEN
    mockEniPages(ec2, [A, C]);
    const group = new FakeTargetGroup(elb, [A, B]);
    elb.on(DeregisterTargetsCommand).rejects(throttling());
    const parameter = new FakeParameter(ssm, '{"missing":{"10.0.0.11":2}}');
    // WHEN / THEN
    await expect(syncTargets(clients, CONFIG)).rejects.toThrow(
      /^nlb-target-sync: DeregisterTargets failed: ThrottlingException: Rate exceeded/,
    );
    expect(group.active()).toEqual([A, B, C]);
    expect(parameter.value).toBe('{"missing":{"10.0.0.11":2}}');
  });

  test("a PutParameter failure rejects with the parameter named", async () => {
    // GIVEN
    mockEniPages(ec2, [A]);
    new FakeTargetGroup(elb, [A, B]);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '{"missing":{}}' } });
    ssm.on(PutParameterCommand).rejects(accessDenied(SSMServiceException, "ssm:PutParameter"));
    // WHEN / THEN
    await expect(syncTargets(clients, CONFIG)).rejects.toThrow(
      /^nlb-target-sync: PutParameter failed: AccessDenied: .* \(\/private-api\/nlb-target-sync\/state\)$/,
    );
  });

  test("logs exactly one JSON line with stable keys and an embedded metric format block", async () => {
    // GIVEN
    mockEniPages(ec2, [A, C, D]);
    new FakeTargetGroup(elb, [A, B]);
    new FakeParameter(ssm, '{"missing":{}}');
    const before = Date.now();
    // WHEN
    await syncTargets(clients, CONFIG);
    // THEN
    const line = logLine();
    expect(Object.keys(line)).toEqual([
      "action",
      "targetGroupArn",
      "found",
      "registered",
      "deregistered",
      "pending",
      "safetyStop",
      "TargetGroup",
      "AlbIpsFound",
      "TargetsRegistered",
      "TargetsDeregistered",
      "TargetsPending",
      "_aws",
    ]);
    expect(line).toEqual({
      action: "nlb-target-sync",
      targetGroupArn: TARGET_GROUP_ARN,
      found: 3,
      registered: [C, D],
      deregistered: [],
      pending: [B],
      safetyStop: false,
      TargetGroup: "targetgroup/private-api-alb/0123456789abcdef",
      AlbIpsFound: 3,
      TargetsRegistered: 2,
      TargetsDeregistered: 0,
      TargetsPending: 1,
      _aws: {
        Timestamp: anyOf(Number),
        CloudWatchMetrics: [
          {
            Namespace: "PrivateEcsApi/AlbBridge",
            Dimensions: [["TargetGroup"]],
            Metrics: [
              { Name: "AlbIpsFound", Unit: "Count" },
              { Name: "TargetsRegistered", Unit: "Count" },
              { Name: "TargetsDeregistered", Unit: "Count" },
              { Name: "TargetsPending", Unit: "Count" },
            ],
          },
        ],
      },
    });
    const timestamp = (line._aws as { Timestamp: number }).Timestamp;
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(Date.now());
    expect(log.mock.calls[0][0]).not.toContain("\n");
  });
});
