import {
  DescribeNetworkInterfacesCommand,
  type DescribeNetworkInterfacesCommandOutput,
  type EC2Client,
  type NetworkInterface,
} from "@aws-sdk/client-ec2";
import {
  DeregisterTargetsCommand,
  type DeregisterTargetsCommandInput,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type RegisterTargetsCommandInput,
  type TargetHealthDescription,
  type TargetHealthStateEnum,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  GetParameterCommand,
  ParameterNotFound,
  type PutParameterCommandInput,
  PutParameterCommand,
  type SSMClient,
  SSMServiceException,
} from "@aws-sdk/client-ssm";
import type { AwsClientStub } from "aws-sdk-client-mock";
import type { SyncConfig } from "../../../lambdas/nlb-target-sync/config";
import { parseState } from "../../../lambdas/nlb-target-sync/state";

export const TARGET_GROUP_ARN = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/private-api-alb/0123456789abcdef";
export const ALB_ENI_DESCRIPTION = "ELB app/private-api/fedcba9876543210";
export const STATE_PARAMETER_NAME = "/private-api/nlb-target-sync/state";
export const TARGET_PORT = 80;

export const CONFIG: SyncConfig = {
  targetGroupArn: TARGET_GROUP_ARN,
  albEniDescription: ALB_ENI_DESCRIPTION,
  targetPort: TARGET_PORT,
  stateParameterName: STATE_PARAMETER_NAME,
  antiFlapRuns: 3,
  metricNamespace: "PrivateEcsApi/AlbBridge",
};

/** The environment the handler module expects, matching {@link CONFIG}. */
export const ENV: Record<string, string> = {
  TARGET_GROUP_ARN,
  ALB_ENI_DESCRIPTION,
  TARGET_PORT: String(TARGET_PORT),
  STATE_PARAMETER_NAME,
};

export type Ec2Stub = AwsClientStub<EC2Client>;
export type ElbStub = AwsClientStub<ElasticLoadBalancingV2Client>;
export type SsmStub = AwsClientStub<SSMClient>;
export type AnyStub = Ec2Stub | ElbStub | SsmStub;

/** `count` distinct private IPs, from 10.0.0.10 on. */
export function albIps(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return `10.0.${Math.floor(i / 200)}.${(i % 200) + 10}`;
  });
}

/** An in-use ALB network interface with one private IP. */
export function eni(ip: string, description = ALB_ENI_DESCRIPTION): NetworkInterface {
  return {
    Description: description,
    Status: "in-use",
    PrivateIpAddress: ip,
    PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }],
  };
}

/** DescribeNetworkInterfaces answers with one interface per IP, `perPage` to a page, chained with NextToken. */
export function eniPages(ips: readonly string[], perPage: number): DescribeNetworkInterfacesCommandOutput[] {
  const pages: DescribeNetworkInterfacesCommandOutput[] = [];
  for (let i = 0; i === 0 || i < ips.length; i += perPage) {
    const last = i + perPage >= ips.length;
    pages.push({
      $metadata: {},
      NetworkInterfaces: ips.slice(i, i + perPage).map((ip) => eni(ip)),
      NextToken: last ? undefined : `page-${pages.length + 1}`,
    });
  }
  return pages;
}

/**
 * Makes the next DescribeNetworkInterfaces calls answer with `ips` over pages of `perPage` (chained `resolvesOnce`);
 * returns the page count. Once per reset of the mock: sinon numbers the answers from the mock's first call.
 */
export function mockEniPages(ec2: Ec2Stub, ips: readonly string[], perPage = 1000): number {
  const pages = eniPages(ips, perPage);
  let behaviour = ec2.on(DescribeNetworkInterfacesCommand);
  for (const page of pages) behaviour = behaviour.resolvesOnce(page);
  return pages.length;
}

/** A DescribeTargetHealth entry. */
export function targetHealth(ip: string, state: TargetHealthStateEnum = "healthy", port = TARGET_PORT): TargetHealthDescription {
  return { Target: { Id: ip, Port: port }, TargetHealth: { State: state } };
}

/**
 * An NLB target group behind the ELB mock: DescribeTargetHealth lists what RegisterTargets added, and DeregisterTargets
 * puts targets into `draining`, as ELB does, until {@link FakeTargetGroup.settle} removes them.
 */
export class FakeTargetGroup {
  readonly targets = new Map<string, TargetHealthStateEnum>();

  constructor(elb: ElbStub, initial: readonly string[] = []) {
    for (const ip of initial) this.targets.set(ip, "healthy");
    elb.on(DescribeTargetHealthCommand).callsFake(() => ({
      TargetHealthDescriptions: [...this.targets].map(([ip, state]) => targetHealth(ip, state)),
    }));
    elb.on(RegisterTargetsCommand).callsFake((input: RegisterTargetsCommandInput) => {
      for (const t of input.Targets ?? []) if (t.Id) this.targets.set(t.Id, "initial");
      return {};
    });
    elb.on(DeregisterTargetsCommand).callsFake((input: DeregisterTargetsCommandInput) => {
      for (const t of input.Targets ?? []) if (t.Id && this.targets.has(t.Id)) this.targets.set(t.Id, "draining");
      return {};
    });
  }

  /** IPs in service: registered and not draining, sorted. */
  active(): string[] {
    return [...this.targets]
      .filter(([, state]) => state !== "draining")
      .map(([ip]) => ip)
      .sort();
  }

  /** Deregistration delay over: draining targets are gone. */
  settle(): void {
    for (const [ip, state] of this.targets) if (state === "draining") this.targets.delete(ip);
  }
}

/** The error SSM answers a PutParameter with when the value is over the tier's limit (Standard: 4,096 characters). */
export function valueTooLong(length: number): SSMServiceException {
  return new SSMServiceException({
    name: "ValidationException",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
    message:
      `Standard tier parameters support a maximum parameter value of ${SSM_STANDARD_MAX_CHARS} characters (got ${length}). ` +
      "To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.",
  });
}

/** SSM's limit on a Standard-tier parameter value. */
export const SSM_STANDARD_MAX_CHARS = 4096;

/**
 * An SSM Standard-tier String parameter behind the SSM mock: GetParameter returns what PutParameter stored, with its
 * version (1 for the first value, one more per write, as SSM counts); ParameterNotFound before the first. Like SSM,
 * rejects a value longer than 4,096 characters, and stores nothing then.
 */
export class FakeParameter {
  version: number;

  constructor(
    ssm: SsmStub,
    public value: string | undefined = undefined,
  ) {
    this.version = value === undefined ? 0 : 1;
    ssm.on(GetParameterCommand).callsFake(() => {
      if (this.value === undefined) throw new ParameterNotFound({ $metadata: {}, message: "" });
      return { Parameter: { Name: STATE_PARAMETER_NAME, Type: "String", Value: this.value, Version: this.version } };
    });
    ssm.on(PutParameterCommand).callsFake((input: PutParameterCommandInput) => {
      const value = input.Value ?? "";
      if (value.length > SSM_STANDARD_MAX_CHARS) throw valueTooLong(value.length);
      this.value = value;
      this.version += 1;
      return { Version: this.version, Tier: "Standard" };
    });
  }

  /** The missing counts the stored value holds, read as the function reads them (at the current version). */
  counts(): Readonly<Record<string, number>> {
    return parseState(this.value, { version: this.version }).state.missing;
  }
}

/** AWS API calls made through the given mocks, in all and by command name (`DescribeTargetHealthCommand`, ...). */
export interface AwsCallCount {
  readonly total: number;
  readonly byCommand: Readonly<Record<string, number>>;
}

/** Counts the AWS API calls recorded by the given client mocks since their last reset. Reused by benchmarks. */
export function countAwsCalls(...stubs: readonly AnyStub[]): AwsCallCount {
  const byCommand: Record<string, number> = {};
  let total = 0;
  for (const stub of stubs) {
    for (const call of stub.calls()) {
      const name = call.args[0].constructor.name;
      byCommand[name] = (byCommand[name] ?? 0) + 1;
      total += 1;
    }
  }
  return { total, byCommand };
}

/** One call recorded by a client mock: its command, and sinon's record of when it happened. */
interface RecordedCall {
  readonly args: readonly [object];
  calledBefore(other: RecordedCall): boolean;
}

/** The command names the given mocks received, in the order they were sent across all of them. */
export function commandOrder(...stubs: readonly AnyStub[]): string[] {
  const calls: RecordedCall[] = [];
  for (const stub of stubs) calls.push(...stub.calls());
  calls.sort((a, b) => (a === b ? 0 : a.calledBefore(b) ? -1 : 1));
  return calls.map((call) => call.args[0].constructor.name);
}
