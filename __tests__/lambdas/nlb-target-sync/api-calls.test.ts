import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { syncTargets, type SyncClients, TARGETS_PER_CALL } from "../../../lambdas/nlb-target-sync/sync";
import { albIps, CONFIG, countAwsCalls, FakeParameter, FakeTargetGroup, mockEniPages } from "./helpers";

const ec2 = mockClient(EC2Client);
const elb = mockClient(ElasticLoadBalancingV2Client);
const ssm = mockClient(SSMClient);

const clients: SyncClients = {
  ec2: new EC2Client({ region: "eu-west-2" }),
  elb: new ElasticLoadBalancingV2Client({ region: "eu-west-2" }),
  ssm: new SSMClient({ region: "eu-west-2" }),
};

/** Interfaces per DescribeNetworkInterfaces page in these tests (the real pages hold up to 1,000). */
const PER_PAGE = 20;

beforeEach(() => {
  ec2.reset();
  elb.reset();
  ssm.reset();
  jest.spyOn(console, "log").mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe.each([2, 50, 500])("AWS API calls of one run with %i ALB network interfaces", (count) => {
  const ips = albIps(count);

  test("in the steady state: DescribeTargetHealth and GetParameter, plus one call per DescribeNetworkInterfaces page", async () => {
    // GIVEN
    const pages = mockEniPages(ec2, ips, PER_PAGE);
    new FakeTargetGroup(elb, ips);
    new FakeParameter(ssm, '{"missing":{}}');
    // WHEN
    await syncTargets(clients, CONFIG);
    // THEN
    expect(pages).toBe(Math.ceil(count / PER_PAGE));
    expect(countAwsCalls(ec2, elb, ssm)).toEqual({
      total: 2 + pages,
      byCommand: { DescribeNetworkInterfacesCommand: pages, DescribeTargetHealthCommand: 1, GetParameterCommand: 1 },
    });
  });

  test("when one ALB node was replaced: two more, RegisterTargets and PutParameter", async () => {
    // GIVEN
    const [gone, ...staying] = ips;
    const pages = mockEniPages(ec2, [...staying, ...albIps(1, 5000)], PER_PAGE);
    new FakeTargetGroup(elb, [gone, ...staying]);
    new FakeParameter(ssm, '{"missing":{}}');
    // WHEN
    await syncTargets(clients, CONFIG);
    // THEN
    expect(countAwsCalls(ec2, elb, ssm)).toEqual({
      total: 4 + pages,
      byCommand: {
        DescribeNetworkInterfacesCommand: pages,
        DescribeTargetHealthCommand: 1,
        GetParameterCommand: 1,
        RegisterTargetsCommand: 1,
        PutParameterCommand: 1,
      },
    });
  });

  test(`into an empty target group: one RegisterTargets per ${TARGETS_PER_CALL} targets on top`, async () => {
    // GIVEN
    const pages = mockEniPages(ec2, ips, PER_PAGE);
    new FakeTargetGroup(elb);
    new FakeParameter(ssm, '{"missing":{}}');
    // WHEN
    await syncTargets(clients, CONFIG);
    // THEN
    const registerCalls = Math.ceil(count / TARGETS_PER_CALL);
    expect(countAwsCalls(ec2, elb, ssm)).toEqual({
      total: 2 + pages + registerCalls,
      byCommand: {
        DescribeNetworkInterfacesCommand: pages,
        DescribeTargetHealthCommand: 1,
        GetParameterCommand: 1,
        RegisterTargetsCommand: registerCalls,
      },
    });
  });
});
