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
import { encodeState, parseState, serialiseState, STATE_MAX_CHARS } from "./state";

/** Targets per RegisterTargets / DeregisterTargets call. The API sets no documented limit; this keeps requests small. */
export const TARGETS_PER_CALL = 100;

/** Log no more than this many IPs in one warning. */
const MAX_LOGGED_IPS = 20;

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
 * decide, then register first and deregister only once registration has succeeded, and store the counts. Logs one
 * JSON line (with the embedded metrics) once it has decided, also when applying the decision then fails, and throws a
 * {@link SyncStepError} on any AWS error so that the function's Errors metric counts it.
 *
 * One exception to "register first": when the target group refuses more targets (TooManyTargets, its quota of
 * targets is reached), the IPs whose anti-flap count is reached are deregistered and the counts stored anyway before
 * the run throws. Waiting for every registration to succeed would otherwise keep the group full of IPs the ALB no
 * longer has, and every later run would fail the same way. A deregistered IP is never one discovered in this run.
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

  let groupFull: unknown;
  try {
    for (const batch of batches(decision.register)) {
      try {
        await elb.send(
          new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: batch.map((ip) => ({ Id: ip, Port: targetPort })) }),
        );
      } catch (err) {
        if (errorName(err) !== "TooManyTargetsException") {
          throw new SyncStepError("RegisterTargets", `${targetGroupArn}, ${batch.length} target(s); nothing was deregistered`, err);
        }
        groupFull = err;
        break;
      }
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
    if (stored.ok) await writeState(ssm, config, stored, decision.missing);
  } catch (err) {
    log();
    throw err;
  }
  const summary = log();
  if (groupFull !== undefined) {
    const left = decision.register.length - done.registered.length;
    const room = stored.ok
      ? `${done.deregistered.length} target(s) missing for ${config.antiFlapRuns} run(s) deregistered, and the counts stored, ` +
        "so that later runs register the rest once room is made"
      : "nothing deregistered, as the anti-flap counts could not be read";
    throw new SyncStepError(
      "RegisterTargets",
      `${targetGroupArn} is full: ${left} of ${decision.register.length} new target(s) not registered; ${room}`,
      groupFull,
    );
  }
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
  | {
      readonly ok: true;
      readonly missing: Readonly<Record<string, number>>;
      /** The parameter's version as read; 0 when it did not exist yet, undefined when SSM did not say. */
      readonly version: number | undefined;
      /** The stored value was malformed or stale: write it again even if the counts come out the same. */
      readonly rewrite: boolean;
    }
  | { readonly ok: false; readonly error: SyncStepError };

/** The anti-flap state. A parameter that does not exist yet is an empty state; other errors are returned, not thrown. */
async function readState(ssm: SSMClient, config: SyncConfig): Promise<StoredState> {
  let raw: string | undefined;
  let version: number | undefined = 0;
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: config.stateParameterName }));
    raw = out.Parameter?.Value;
    version = out.Parameter?.Version;
  } catch (err) {
    if (errorName(err) !== "ParameterNotFound") {
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
  const { state, warning } = parseState(raw, { version });
  if (warning) warn(config, warning);
  return { ok: true, missing: state.missing, version, rewrite: warning !== undefined };
}

/**
 * Stores the counts when they differ from those read (or the value read was unusable), marked with the version the
 * write should create. If SSM reports another version, someone else wrote in between: the value just written then
 * does not match its version, so the next run ignores it, and this run throws so that the overlap is seen.
 */
async function writeState(ssm: SSMClient, config: SyncConfig, stored: StoredState & { ok: true }, missing: Record<string, number>) {
  const expected = stored.version === undefined ? undefined : stored.version + 1;
  const { value, kept, dropped } = encodeState({ missing }, { parameterVersion: expected });
  if (dropped.length > 0) {
    warn(
      config,
      `the missing counts of ${dropped.length} IP(s) do not fit in the parameter's ${STATE_MAX_CHARS} characters and were not ` +
        `stored; they count again from zero, which delays their deregistration: ${listIps(dropped)}`,
    );
  }
  if (!stored.rewrite && serialiseState(kept) === serialiseState({ missing: stored.missing })) return;
  const out = await step("PutParameter", config.stateParameterName, () =>
    ssm.send(new PutParameterCommand({ Name: config.stateParameterName, Value: value, Type: "String", Overwrite: true })),
  );
  if (expected !== undefined && out.Version !== undefined && out.Version !== expected) {
    const conflict = new Error(
      `the write made version ${out.Version}, not ${expected}: the parameter was also written after this run read version ` +
        `${stored.version} (an overlapping run, or this write applied twice by a retry); the next run ignores these counts ` +
        "and starts them over",
    );
    conflict.name = "StateWriteConflict";
    throw new SyncStepError("PutParameter", config.stateParameterName, conflict);
  }
}

function warn(config: SyncConfig, warning: string): void {
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

function listIps(ips: readonly string[]): string {
  const shown = JSON.stringify(ips.slice(0, MAX_LOGGED_IPS));
  return ips.length > MAX_LOGGED_IPS ? `${shown} and ${ips.length - MAX_LOGGED_IPS} more` : shown;
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

/** The AWS error code: the SDK puts it in `name`. */
function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (!err.message) return err.name;
  return err.name && err.name !== "Error" ? `${err.name}: ${err.message}` : err.message;
}
