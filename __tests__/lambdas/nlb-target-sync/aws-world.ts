import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The run a call belongs to. One storage for every world: each enabled AsyncLocalStorage adds work
 * to every promise the process creates afterwards, so one per world (hundreds in the property
 * tests) made the fault tests several times slower.
 */
const RUN_CONTEXT = new AsyncLocalStorage<RunRecord>();
import {
  DescribeNetworkInterfacesCommand,
  type DescribeNetworkInterfacesCommandInput,
  EC2Client,
  EC2ServiceException,
  type NetworkInterface,
} from "@aws-sdk/client-ec2";
import {
  DeregisterTargetsCommand,
  type DeregisterTargetsCommandInput,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  RegisterTargetsCommand,
  type RegisterTargetsCommandInput,
  type TargetHealthStateEnum,
  TooManyTargetsException,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  type PutParameterCommandInput,
  SSMClient,
  SSMServiceException,
} from "@aws-sdk/client-ssm";
import type { ScheduledEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import type { SyncStep } from "../../../lambdas/nlb-target-sync/sync";
import { ALB_ENI_DESCRIPTION, ENV, SSM_STANDARD_MAX_CHARS, STATE_PARAMETER_NAME, TARGET_PORT, valueTooLong } from "./helpers";

/** The AWS calls nlb-target-sync makes (the names its errors use). */
export type Operation = SyncStep;

/**
 * What goes wrong with one AWS call. The SDK clients are mocked above their retry middleware, so each fault is what
 * the handler sees once the SDK has given up (sdk-retries.test.ts shows the retries themselves):
 * - `throttle`: the service's throttling error (RequestLimitExceeded, Throttling, ThrottlingException), retries run out;
 * - `denied`: AccessDenied (a policy that lacks the action), never retried;
 * - `timeout`: the request timed out before AWS applied it;
 * - `lostReply`: AWS applied the request, and the reply was lost (a timeout or a dropped connection);
 * - `killed`: the call never returns: Lambda's timeout ends the run there; the request is not applied;
 * - `killedAfterApply`: the same, but the request reaches AWS and is applied (when overlapping, whenever the schedule
 *   lets it: after the next run has started, say).
 */
export type Fault = "throttle" | "denied" | "timeout" | "lostReply" | "killed" | "killedAfterApply";
export const FAULTS: readonly Fault[] = ["throttle", "denied", "timeout", "lostReply", "killed", "killedAfterApply"];

/** Which fault, if any, the `index`-th call of a run (from 0) meets; `occurrence` counts calls of that operation. */
export type FaultPlan = (call: { readonly operation: Operation; readonly index: number; readonly occurrence: number }) => Fault | undefined;

/** ENI statuses EC2 reports; only `in-use` interfaces carry an ALB node's traffic. */
export type EniStatus = "in-use" | "available" | "attaching" | "detaching";

/** One ALB (or other) network interface, as the fake EC2 lists it. */
export interface FakeEni {
  readonly ip: string;
  readonly status: EniStatus;
  readonly description?: string;
  /** Secondary private IPs of the interface. */
  readonly secondary?: readonly string[];
}

/** Everything that happened to AWS during one run, in the order AWS applied it. */
export interface RunRecord {
  readonly id: number;
  /** The interfaces this run's DescribeNetworkInterfaces saw. */
  readonly enis: readonly FakeEni[];
  /** The ALB's IPs this run's discovery returns: in-use interfaces with the ALB's description. */
  readonly albIps: ReadonlySet<string>;
  /** Whether discovery got its last page. */
  discovered: boolean;
  /** The event number at which AWS answered this run's GetParameter, and the version it answered with (0: none). */
  read?: { readonly seq: number; readonly version: number };
  /** The event number at which AWS applied this run's PutParameter, and the version the write created. */
  wrote?: { readonly seq: number; readonly version: number };
  /** Targets whose DeregisterTargets AWS applied, with the event number. */
  readonly deregistered: { readonly seq: number; readonly ips: readonly string[] }[];
  /** Targets whose RegisterTargets AWS applied. */
  readonly registered: string[];
  /** How the handler ended: resolved, rejected (with the error), or never (a `killed` call). */
  outcome: "pending" | "completed" | "failed" | "killed";
  error?: unknown;
  calls: number;
  readonly occurrences: Map<Operation, number>;
  readonly faults: FaultPlan;
}

export interface WorldOptions {
  /** Targets the target group takes before RegisterTargets fails with TooManyTargets (AWS: 1,000). */
  readonly quota?: number;
  /** Interfaces EC2 puts on one page at most, below the MaxResults asked for (it filters after paging). */
  readonly serverPageSize?: number;
  /** EC2 ignores the description and status filters: the "odd answer" the handler checks again for. */
  readonly ignoreFilters?: boolean;
  /** Runs (steps) a deregistered target stays draining before it leaves the group. @default 2 */
  readonly drainSteps?: number;
  /** The parameter's value before the first run; undefined: no parameter yet. */
  readonly parameter?: string;
  /** IPs registered (healthy) before the first run. */
  readonly registered?: readonly string[];
}

interface Target {
  state: TargetHealthStateEnum;
  readonly port: number;
  /** Step at which it started draining. */
  drainingSince?: number;
}

const SSM_ERRORS = { throttle: "ThrottlingException", denied: "AccessDeniedException" };
const ELB_ERRORS = { throttle: "Throttling", denied: "AccessDenied" };
const EC2_ERRORS = { throttle: "RequestLimitExceeded", denied: "UnauthorizedOperation" };

/**
 * EC2, ELBv2 and SSM as one stateful fake behind aws-sdk-client-mock: the ALB's interfaces (paged with NextToken,
 * filtered after paging as EC2 does, so pages come short or empty), the NLB target group (health states, draining, a
 * quota), and the state parameter (versions, the 4,096-character limit of a Standard-tier value). Every call first
 * meets the fault its run's plan gives it. Runs are told apart with AsyncLocalStorage, so that the handler's own
 * module-level clients can be used, and two runs can overlap: with a `gate`, every call waits for the gate (a
 * fast-check scheduler) before AWS applies it, so that the calls of two runs interleave in any order.
 */
export class AwsWorld {
  readonly targets = new Map<string, Target>();
  parameter: { value: string | undefined; version: number };
  readonly runs: RunRecord[] = [];
  /** Interfaces of other load balancers and instances, listed with the ALB's on every page. */
  foreignEnis: FakeEni[] = [];
  gate?: (label: string) => Promise<unknown>;
  step = 0;
  private seq = 0;
  private readonly kills = new Map<RunRecord, () => void>();

  constructor(readonly options: WorldOptions = {}) {
    for (const ip of options.registered ?? []) this.targets.set(ip, { state: "healthy", port: TARGET_PORT });
    this.parameter = { value: options.parameter, version: options.parameter === undefined ? 0 : 1 };
    installStubs();
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- not an alias: the stubs send every call to the world created last
    current = this;
  }

  /** The fake's answer to one call; the stubs send every call here, to the world created last. */
  handle(operation: Operation, input: never): Promise<unknown> {
    switch (operation) {
      case "DescribeNetworkInterfaces":
        return this.call(operation, (run) => this.enis(input, run));
      case "DescribeTargetHealth":
        return this.call(operation, () => this.health());
      case "RegisterTargets":
        return this.call(operation, (run) => this.register(input, run));
      case "DeregisterTargets":
        return this.call(operation, (run, seq) => this.deregister(input, run, seq));
      case "GetParameter":
        return this.call(operation, (run, seq) => this.get(run, seq));
      case "PutParameter":
        return this.call(operation, (run, seq) => this.put(input, run, seq));
    }
  }

  /**
   * Starts one run of `handler` seeing `enis`, with `faults`. Resolves when the run ends or is killed; a killed run's
   * promise never settles, so the returned promise races it against the kill.
   */
  start(handler: Handler, enis: readonly FakeEni[], faults: FaultPlan = () => undefined): { record: RunRecord; done: Promise<void> } {
    const record: RunRecord = {
      id: this.runs.length + 1,
      enis,
      albIps: new Set(albIpsOf(enis)),
      discovered: false,
      deregistered: [],
      registered: [],
      outcome: "pending",
      calls: 0,
      occurrences: new Map(),
      faults,
    };
    this.runs.push(record);
    const kill = new Promise<void>((resolve) =>
      this.kills.set(record, () => {
        record.outcome = "killed";
        resolve();
      }),
    );
    const run = RUN_CONTEXT.run(record, () => handler(SCHEDULED_EVENT)).then(
      () => {
        record.outcome = "completed";
      },
      (err: unknown) => {
        record.outcome = "failed";
        record.error = err;
      },
    );
    return { record, done: Promise.race([run, kill]) };
  }

  /** One run, on its own: started, and waited for. */
  async run(handler: Handler, enis: readonly FakeEni[], faults?: FaultPlan): Promise<RunRecord> {
    const { record, done } = this.start(handler, enis, faults);
    await done;
    this.settle();
    return record;
  }

  /** Time passes between runs: draining targets leave once drained, new ones pass their health checks. */
  settle(): void {
    this.step += 1;
    const drainSteps = this.options.drainSteps ?? 2;
    for (const [ip, t] of this.targets) {
      if (t.state === "draining" && this.step - (t.drainingSince ?? 0) >= drainSteps) this.targets.delete(ip);
      else if (t.state === "initial") t.state = "healthy";
    }
  }

  /** Registered targets on the bridge's port that are not draining, sorted: what the NLB can send to. */
  active(): string[] {
    return [...this.targets]
      .filter(([, t]) => t.port === TARGET_PORT && t.state !== "draining")
      .map(([ip]) => ip)
      .sort();
  }

  private async call<T>(operation: Operation, apply: (run: RunRecord, seq: number) => T): Promise<T> {
    const run = RUN_CONTEXT.getStore();
    if (!run || !this.runs.includes(run)) throw new Error(`fake AWS: ${operation} outside a run of this world`);
    const index = run.calls++;
    const occurrence = (run.occurrences.get(operation) ?? 0) + 1;
    run.occurrences.set(operation, occurrence);
    const fault = run.faults({ operation, index, occurrence });
    const label = `run ${run.id}: ${operation} #${occurrence}${fault ? ` (${fault})` : ""}`;
    const kill = this.kills.get(run)!;
    if (fault === "killed") {
      kill();
      return new Promise<T>(() => undefined);
    }
    if (fault === "killedAfterApply") {
      kill();
      if (this.gate) void this.gate(label).then(() => this.applyQuietly((seq) => apply(run, seq)));
      else this.applyQuietly((seq) => apply(run, seq));
      return new Promise<T>(() => undefined);
    }
    if (this.gate) await this.gate(label);
    if (fault === "throttle" || fault === "denied") throw serviceError(operation, fault);
    if (fault === "timeout") throw timeoutError();
    this.seq += 1;
    const result = apply(run, this.seq);
    if (fault === "lostReply") throw timeoutError();
    return result;
  }

  /** Applies a request nobody waits for; AWS errors (a full group, an oversized value) change nothing. */
  private applyQuietly(apply: (seq: number) => unknown): void {
    this.seq += 1;
    try {
      apply(this.seq);
    } catch {
      // AWS rejected the request; the caller is gone.
    }
  }

  private enis(input: DescribeNetworkInterfacesCommandInput, run: RunRecord) {
    const max = input.MaxResults ?? 1000;
    if (max < 5 || max > 1000) throw ec2Error("InvalidParameterValue", `MaxResults must be from 5 to 1000, got ${max}`);
    const all = [...this.foreignEnis, ...run.enis];
    const start = input.NextToken === undefined ? 0 : Number(input.NextToken.replace("page-", ""));
    const end = Math.min(start + Math.min(max, this.options.serverPageSize ?? max), all.length);
    const filters = input.Filters ?? [];
    const page = all
      .slice(start, end)
      .filter(
        (eni) =>
          this.options.ignoreFilters ||
          filters.every((f) => (f.Values ?? []).includes(f.Name === "status" ? eni.status : (eni.description ?? ALB_ENI_DESCRIPTION))),
      );
    if (end >= all.length) run.discovered = true;
    return { NetworkInterfaces: page.map(toNetworkInterface), NextToken: end < all.length ? `page-${end}` : undefined };
  }

  private health() {
    return {
      TargetHealthDescriptions: [...this.targets].map(([ip, t]) => ({
        Target: { Id: ip, Port: t.port },
        TargetHealth: { State: t.state },
      })),
    };
  }

  private register(input: RegisterTargetsCommandInput, run: RunRecord) {
    const fresh = (input.Targets ?? []).filter((t) => t.Id && !this.targets.has(t.Id));
    const quota = this.options.quota ?? 1000;
    if (this.targets.size + fresh.length > quota) {
      throw new TooManyTargetsException({
        $metadata: { httpStatusCode: 400 },
        message: "You've reached the limit on the number of targets.",
      });
    }
    for (const t of input.Targets ?? []) {
      if (!t.Id) continue;
      const existing = this.targets.get(t.Id);
      // Registering a draining target registers it again.
      if (!existing || existing.state === "draining") this.targets.set(t.Id, { state: "initial", port: t.Port ?? TARGET_PORT });
      run.registered.push(t.Id);
    }
    return {};
  }

  private deregister(input: DeregisterTargetsCommandInput, run: RunRecord, seq: number) {
    const ips: string[] = [];
    for (const t of input.Targets ?? []) {
      const target = t.Id === undefined ? undefined : this.targets.get(t.Id);
      if (!target || !t.Id) continue;
      if (target.state !== "draining") Object.assign(target, { state: "draining", drainingSince: this.step });
      ips.push(t.Id);
    }
    run.deregistered.push({ seq, ips });
    return {};
  }

  private get(run: RunRecord, seq: number) {
    run.read = { seq, version: this.parameter.version };
    if (this.parameter.value === undefined) throw new ParameterNotFound({ $metadata: { httpStatusCode: 400 }, message: "" });
    return { Parameter: { Name: STATE_PARAMETER_NAME, Type: "String", Value: this.parameter.value, Version: this.parameter.version } };
  }

  private put(input: PutParameterCommandInput, run: RunRecord, seq: number) {
    const value = input.Value ?? "";
    if (value.length > SSM_STANDARD_MAX_CHARS) throw valueTooLong(value.length);
    this.parameter = { value, version: this.parameter.version + 1 };
    run.wrote = { seq, version: this.parameter.version };
    return { Version: this.parameter.version, Tier: "Standard" };
  }
}

export type Handler = (event: ScheduledEvent) => Promise<unknown>;

const SCHEDULED_EVENT = { "detail-type": "Scheduled Event", source: "aws.events", detail: {} } as ScheduledEvent;

/**
 * Loads the nlb-target-sync handler with `env`, as a new Lambda execution environment would: its configuration is read
 * and its SDK clients are created at load time. The module is loaded in isolation (jest.isolateModules), so that each
 * environment gets its own copy, but the SDK it requires is this registry's: loading the EC2 client afresh for every
 * copy would cost about 100 MB each, and one set of mocks then covers every copy's clients.
 */
export function loadHandler(env: Record<string, string> = {}): Handler {
  shareSdkWithIsolatedModules();
  let handler: Handler | undefined;
  const saved = process.env;
  process.env = { ...saved, ...ENV, AWS_REGION: "eu-west-2", ...env };
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy inside isolateModules, loaded with the env above
      handler = (require("../../../lambdas/nlb-target-sync/handler") as typeof import("../../../lambdas/nlb-target-sync/handler")).handler;
    });
  } finally {
    process.env = saved;
  }
  if (!handler) throw new Error("handler did not load");
  return handler;
}

const SDK_PACKAGES = ["@aws-sdk/client-ec2", "@aws-sdk/client-elastic-load-balancing-v2", "@aws-sdk/client-ssm"];
let shared = false;
function shareSdkWithIsolatedModules(): void {
  if (shared) return;
  for (const name of SDK_PACKAGES) {
    const actual: unknown = jest.requireActual(name);
    jest.doMock(name, () => actual);
  }
  shared = true;
}

let current: AwsWorld | undefined;
let stubs: { resetHistory(): void }[] = [];
/**
 * Mocks the three SDK clients once, sending every call to the current world. Once: each `on(Command)` adds a sinon
 * fake that `reset()` does not remove, which would keep every earlier world alive and slow every call down.
 */
function installStubs(): void {
  // sinon keeps every call (and a stack trace for each): forget those of the previous world.
  for (const stub of stubs) stub.resetHistory();
  if (stubs.length > 0) return;
  const world = () => {
    if (!current) throw new Error("fake AWS: no world");
    return current;
  };
  const fake = (operation: Operation) => (input: unknown) => world().handle(operation, input as never);
  const ec2 = mockClient(EC2Client);
  const elb = mockClient(ElasticLoadBalancingV2Client);
  const ssm = mockClient(SSMClient);
  ec2.on(DescribeNetworkInterfacesCommand).callsFake(fake("DescribeNetworkInterfaces"));
  elb.on(DescribeTargetHealthCommand).callsFake(fake("DescribeTargetHealth"));
  elb.on(RegisterTargetsCommand).callsFake(fake("RegisterTargets"));
  elb.on(DeregisterTargetsCommand).callsFake(fake("DeregisterTargets"));
  ssm.on(GetParameterCommand).callsFake(fake("GetParameter"));
  ssm.on(PutParameterCommand).callsFake(fake("PutParameter"));
  stubs = [ec2, elb, ssm];
}

/** The IPs discovery returns for these interfaces: in-use, with the ALB's description, primary and secondary. */
export function albIpsOf(enis: readonly FakeEni[]): string[] {
  const ips = enis.filter((e) => e.status === "in-use" && (e.description ?? ALB_ENI_DESCRIPTION) === ALB_ENI_DESCRIPTION);
  return [...new Set(ips.flatMap((e) => [e.ip, ...(e.secondary ?? [])]))].sort();
}

/** In-use ALB interfaces with these IPs. */
export function inUse(ips: readonly string[]): FakeEni[] {
  return ips.map((ip) => ({ ip, status: "in-use" }));
}

function toNetworkInterface(eni: FakeEni): NetworkInterface {
  return {
    Description: eni.description ?? ALB_ENI_DESCRIPTION,
    Status: eni.status,
    PrivateIpAddress: eni.ip,
    PrivateIpAddresses: [eni.ip, ...(eni.secondary ?? [])].map((ip, i) => ({ PrivateIpAddress: ip, Primary: i === 0 })),
  };
}

/** A plan that gives `fault` to the `occurrence`-th call of `operation` (from 1), and no fault elsewhere. */
export function faultOn(operation: Operation, occurrence: number, fault: Fault): FaultPlan {
  return (call) => (call.operation === operation && call.occurrence === occurrence ? fault : undefined);
}

/** Several plans at once: the first that gives a fault wins. */
export function faults(...plans: FaultPlan[]): FaultPlan {
  return (call) => plans.map((plan) => plan(call)).find((fault) => fault !== undefined);
}

function serviceError(operation: Operation, fault: "throttle" | "denied"): Error {
  const $metadata = { httpStatusCode: fault === "throttle" ? 400 : 403 };
  const message = fault === "throttle" ? "Rate exceeded" : `User is not authorized to perform: ${operation}`;
  if (operation === "GetParameter" || operation === "PutParameter") {
    return new SSMServiceException({ name: SSM_ERRORS[fault], $fault: "client", $metadata, message });
  }
  if (operation === "DescribeNetworkInterfaces") return ec2Error(EC2_ERRORS[fault], message);
  return new ElasticLoadBalancingV2ServiceException({ name: ELB_ERRORS[fault], $fault: "client", $metadata, message });
}

function ec2Error(name: string, message: string): EC2ServiceException {
  return new EC2ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: 400 }, message });
}

function timeoutError(): Error {
  return Object.assign(new Error("@smithy/node-http-handler - a request has exceeded the configured 10000 ms requestTimeout."), {
    name: "TimeoutError",
  });
}

/**
 * A gate for {@link AwsWorld.gate} that holds every call until the test lets it through, so that a test can write
 * down one interleaving of two runs: `await gate.release(1, "GetParameter")` lets run 1's next call through, once run 1
 * has made it (and checks it is the call expected).
 */
export class ManualGate {
  private readonly held: { run: number; operation: string; go: () => void }[] = [];

  readonly gate = (label: string): Promise<void> => {
    const [, run, operation] = /^run (\d+): (\w+)/.exec(label) ?? [];
    return new Promise<void>((go) => this.held.push({ run: Number(run), operation, go }));
  };

  /** Lets run `run`'s next call through, which must be `operation`; waits until the run has made it. */
  async release(run: number, operation: Operation, times = 1): Promise<void> {
    for (let n = 0; n < times; n++) {
      let index = -1;
      for (let tries = 0; index === -1 && tries < 100; tries++) {
        await new Promise((resolve) => setImmediate(resolve));
        index = this.held.findIndex((h) => h.run === run);
      }
      if (index === -1) throw new Error(`run ${run} made no call (expected ${operation})`);
      const [call] = this.held.splice(index, 1);
      if (call.operation !== operation) throw new Error(`run ${run}'s next call is ${call.operation}, not ${operation}`);
      call.go();
    }
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Lets every call through from now on, as they come, until `done` settles. */
  async drain(done: Promise<unknown>): Promise<void> {
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished || this.held.length > 0) {
      this.held.splice(0).forEach((h) => h.go());
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
