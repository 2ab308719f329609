/**
 * Bench driver: the AWS API calls nlb-target-sync makes per run, counted on mocked SDK clients (aws-sdk-client-mock),
 * by driving the real handler (lambdas/nlb-target-sync/handler.ts, loaded with its environment as in Lambda). The
 * fakes are the unit tests' (__tests__/lambdas/nlb-target-sync/helpers.ts): a target group and an SSM parameter that
 * keep state between runs; like SSM's Standard tier, the parameter refuses a value over 4,096 characters, so a run
 * whose state would not fit fails here as it would in AWS. EC2 is faked here so that DescribeNetworkInterfaces pages
 * the way EC2 does: at most MaxResults interfaces per page (at most `serverPageSize` when set), chained with NextToken.
 * For 2, 50 and 500 ALB interfaces (one private IP each), reports:
 *  - steady: targets already registered, one run;
 *  - steady, 20 per page: the same with EC2 answering 20 interfaces per page, as if it returned short pages;
 *  - all IPs change: every ALB IP is new; runs until a run changes nothing (anti-flap: old IPs go on the 3rd run).
 * Usage: node --import tsx scripts/bench/sync-api-calls.ts
 */
import { DescribeNetworkInterfacesCommand, type DescribeNetworkInterfacesCommandInput, EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { ScheduledEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { albIps, countAwsCalls, ENV, eni, FakeParameter, FakeTargetGroup } from "../../__tests__/lambdas/nlb-target-sync/helpers";
import { emit } from "./result";

export const ENI_COUNTS = [2, 50, 500] as const;
export type ScenarioKind = "steady" | "steady, 20 per page" | "all IPs change";

export interface RunCalls {
  /** 1-based run number within the scenario. */
  readonly run: number;
  /** Calls by API operation (`DescribeNetworkInterfaces`, ...). */
  readonly byOperation: Readonly<Record<string, number>>;
  readonly total: number;
  /** DescribeNetworkInterfaces pages read. */
  readonly pages: number;
  /** Characters of the state the run wrote with PutParameter, if it wrote any. */
  readonly stateChars?: number;
}

export interface Scenario {
  readonly enis: number;
  readonly kind: ScenarioKind;
  /** MaxResults the code asked DescribeNetworkInterfaces for. */
  readonly maxResults?: number;
  readonly runs: readonly RunCalls[];
}

const WRITES = ["RegisterTargets", "DeregisterTargets", "PutParameter"];
const EVENT = { "detail-type": "Scheduled Event", source: "aws.events", detail: {} } as ScheduledEvent;

const ec2 = mockClient(EC2Client);
const elb = mockClient(ElasticLoadBalancingV2Client);
const ssm = mockClient(SSMClient);

/** EC2 answering DescribeNetworkInterfaces for `ips`, paged by MaxResults (and by `serverPageSize` when given). */
function fakeEc2(ips: readonly string[], serverPageSize?: number): { maxResults?: number } {
  const seen: { maxResults?: number } = {};
  ec2.on(DescribeNetworkInterfacesCommand).callsFake((input: DescribeNetworkInterfacesCommandInput) => {
    seen.maxResults = input.MaxResults;
    const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
    const size = Math.min(input.MaxResults ?? ips.length, serverPageSize ?? Number.MAX_SAFE_INTEGER);
    const end = Math.min(start + size, ips.length);
    return { NetworkInterfaces: ips.slice(start, end).map((ip) => eni(ip)), NextToken: end < ips.length ? String(end) : undefined };
  });
  return seen;
}

async function main(): Promise<void> {
  process.env = { ...process.env, ...ENV, AWS_REGION: "eu-west-2" };
  delete process.env.ANTI_FLAP_RUNS; // the default, 3, as deployed
  console.log = () => undefined; // the handler's one JSON line per run
  console.warn = () => undefined;
  const { handler } = require("../../lambdas/nlb-target-sync/handler") as typeof import("../../lambdas/nlb-target-sync/handler");

  async function run(n: number, parameter: FakeParameter): Promise<RunCalls> {
    for (const stub of [ec2, elb, ssm]) stub.resetHistory();
    const before = parameter.value;
    await handler(EVENT);
    const { total, byCommand } = countAwsCalls(ec2, elb, ssm);
    const byOperation = Object.fromEntries(Object.entries(byCommand).map(([name, count]) => [name.replace(/Command$/, ""), count]));
    const wrote = parameter.value !== before && parameter.value !== undefined;
    return {
      run: n,
      byOperation,
      total,
      pages: byOperation.DescribeNetworkInterfaces ?? 0,
      ...(wrote ? { stateChars: parameter.value?.length } : {}),
    };
  }

  const scenarios: Scenario[] = [];
  for (const enis of ENI_COUNTS) {
    const ips = albIps(enis);
    for (const kind of ["steady", "steady, 20 per page", "all IPs change"] as const) {
      for (const stub of [ec2, elb, ssm]) stub.reset();
      const discovered = kind === "all IPs change" ? albIps(enis, 5000) : ips;
      const seen = fakeEc2(discovered, kind === "steady, 20 per page" ? 20 : undefined);
      const group = new FakeTargetGroup(elb, ips);
      const parameter = new FakeParameter(ssm, '{"missing":{}}');
      const runs: RunCalls[] = [];
      for (let n = 1; n <= 10; n++) {
        const calls = await run(n, parameter);
        if (n > 1 && WRITES.every((op) => calls.byOperation[op] === undefined)) break; // settled: nothing left to do
        runs.push(calls);
        if (kind !== "all IPs change") break;
      }
      if (group.active().join() !== [...discovered].sort().join()) throw new Error(`${kind}, ${enis} ENIs: target group did not converge`);
      scenarios.push({ enis, kind, maxResults: seen.maxResults, runs });
    }
  }
  emit({ scenarios });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
