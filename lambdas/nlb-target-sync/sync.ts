import type { EC2Client } from "@aws-sdk/client-ec2";
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  TargetHealthStateEnum,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetParameterCommand, PutParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { eniPrivateIps } from "../shared/eni-ips";
import type { SyncConfig } from "./config";
import { decide } from "./decide";
import { runLogLine, type RunSummary } from "./run-log";
import { parseState, serialiseState } from "./state";

/** Targets per RegisterTargets / DeregisterTargets call. The API sets no documented limit; this keeps requests small. */
export const TARGETS_PER_CALL = 100;

/** The AWS clients a sync uses. */
export interface SyncClients {
  readonly ec2: EC2Client;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly ssm: SSMClient;
}

/** The AWS calls a sync makes, by the name its error messages use. */
export type SyncStep =
  | "DescribeNetworkInterfaces"
  | "DescribeTargetHealth"
  | "GetParameter"
  | "RegisterTargets"
  | "DeregisterTargets"
  | "PutParameter";

/** An AWS call failed; the message names the call, what it was about and the AWS error. */
export class SyncStepError extends Error {
  constructor(
    readonly step: SyncStep,
    subject: string,
    cause: unknown,
  ) {
    super(`nlb-target-sync: ${step} failed: ${describeError(cause)} (${subject})`, { cause });
    this.name = "SyncStepError";
  }
}

/**
 * Runs one sync of the NLB target group with the ALB's IPs: discover, read the target group and the anti-flap state,
 * decide, then register first and deregister only once registration has succeeded. Logs one JSON line (with the
 * embedded metrics) once it has decided, also when applying the decision then fails, and throws a
 * {@link SyncStepError} on any AWS error so that the function's Errors metric counts it.
 */
export async function syncTargets(clients: SyncClients, config: SyncConfig): Promise<RunSummary> {
  const { ec2, elb, ssm } = clients;
  const { targetGroupArn, targetPort } = config;

  const discovered = await step("DescribeNetworkInterfaces", `interfaces described "${config.albEniDescription}"`, () =>
    eniPrivateIps(ec2, config.albEniDescription),
  );
  const registered = await step("DescribeTargetHealth", targetGroupArn, () => registeredIps(elb, targetGroupArn, targetPort));
  const stored = await readState(ssm, config);

  const decision = decide({
    discovered,
    registered,
    missing: stored.ok ? stored.missing : {},
    threshold: config.antiFlapRuns,
  });
  // Without the stored counts there is no telling how long an IP has been missing: register, but deregister nothing.
  const deregister = stored.ok ? decision.deregister : [];
  const pending = stored.ok ? decision.pending : [...decision.pending, ...decision.deregister].sort();

  const done = { registered: [] as string[], deregistered: [] as string[] };
  const log = () => {
    const summary: RunSummary = { targetGroupArn, found: discovered.length, ...done, pending, safetyStop: discovered.length === 0 };
    console.log(runLogLine(summary, config.metricNamespace, Date.now()));
    return summary;
  };

  try {
    for (const batch of batches(decision.register)) {
      await step("RegisterTargets", `${targetGroupArn}, ${batch.length} target(s); nothing was deregistered`, () =>
        elb.send(
          new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: batch.map((ip) => ({ Id: ip, Port: targetPort })) }),
        ),
      );
      done.registered.push(...batch);
    }
    for (const batch of batches(deregister)) {
      await step("DeregisterTargets", `${targetGroupArn}, ${batch.length} target(s)`, () =>
        elb.send(
          new DeregisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: batch.map((ip) => ({ Id: ip, Port: targetPort })) }),
        ),
      );
      done.deregistered.push(...batch);
    }
    if (stored.ok) {
      const value = serialiseState({ missing: decision.missing });
      if (value !== stored.raw) {
        await step("PutParameter", config.stateParameterName, () =>
          ssm.send(new PutParameterCommand({ Name: config.stateParameterName, Value: value, Type: "String", Overwrite: true })),
        );
      }
    }
  } catch (err) {
    log();
    throw err;
  }
  const summary = log();
  if (!stored.ok) throw stored.error;
  return summary;
}

/** IPs registered on `port`; targets that are draining are on their way out and do not count. */
async function registeredIps(elb: ElasticLoadBalancingV2Client, targetGroupArn: string, port: number): Promise<string[]> {
  const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  const ips = new Set<string>();
  for (const description of out.TargetHealthDescriptions ?? []) {
    const target = description.Target;
    if (!target?.Id || description.TargetHealth?.State === TargetHealthStateEnum.DRAINING) continue;
    // Targets on another port are not the bridge's: leave them alone.
    if (target.Port === undefined || target.Port === port) ips.add(target.Id);
  }
  return [...ips];
}

type StoredState =
  | { readonly ok: true; readonly raw: string | undefined; readonly missing: Readonly<Record<string, number>> }
  | { readonly ok: false; readonly error: SyncStepError };

/** The anti-flap state. A parameter that does not exist yet is an empty state; other errors are returned, not thrown. */
async function readState(ssm: SSMClient, config: SyncConfig): Promise<StoredState> {
  let raw: string | undefined;
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: config.stateParameterName }));
    raw = out.Parameter?.Value;
  } catch (err) {
    if (!(err instanceof Error && err.name === "ParameterNotFound")) {
      return {
        ok: false,
        error: new SyncStepError(
          "GetParameter",
          `${config.stateParameterName}; new ALB IPs were still registered, nothing was deregistered`,
          err,
        ),
      };
    }
  }
  const { state, warning } = parseState(raw);
  if (warning) {
    console.warn(
      JSON.stringify({
        action: "nlb-target-sync",
        level: "WARN",
        targetGroupArn: config.targetGroupArn,
        parameter: config.stateParameterName,
        warning,
      }),
    );
  }
  return { ok: true, raw, missing: state.missing };
}

async function step<T>(name: SyncStep, subject: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new SyncStepError(name, subject, err);
  }
}

function batches(ips: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ips.length; i += TARGETS_PER_CALL) out.push(ips.slice(i, i + TARGETS_PER_CALL));
  return out;
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (!err.message) return err.name;
  return err.name && err.name !== "Error" ? `${err.name}: ${err.message}` : err.message;
}
