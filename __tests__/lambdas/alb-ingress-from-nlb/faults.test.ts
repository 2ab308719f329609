/**
 * Fault injection for alb-ingress-from-nlb: the real run code against a stateful fake of EC2 (the NLB's interfaces,
 * paged and filtered as EC2 does, and the ALB's security group, whose Authorize and Revoke are all-or-nothing as in
 * EC2), with faults injected call by call. The SDK's own retries (standard mode, 3 attempts: see
 * __tests__/lambdas/nlb-target-sync/sdk-retries.test.ts) sit below the mock, so a fault here is what is left once they
 * have run out.
 *
 * Invariants, checked after every invocation by the property at the end:
 * 1. Rules the function does not own are never changed.
 * 2. Create and update add before they remove: whatever fails, no owned rule for a current NLB IP on a listener port
 *    is revoked; and when adding fails, nothing is revoked.
 * 3. A create or update that succeeds leaves exactly one rule per (in-use NLB IP, port), owned or (if one was there
 *    first) someone else's, and no other owned rule; a delete that succeeds leaves no owned rule.
 * 4. Once faults stop, invoking again converges (Terraform re-runs a failed apply).
 * Overlapping invocations do not apply: Terraform invokes the function once per apply, under its state lock.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  type AuthorizeSecurityGroupIngressCommandInput,
  DescribeNetworkInterfacesCommand,
  type DescribeNetworkInterfacesCommandInput,
  DescribeSecurityGroupRulesCommand,
  type DescribeSecurityGroupRulesCommandInput,
  EC2Client,
  EC2ServiceException,
  RevokeSecurityGroupIngressCommand,
  type RevokeSecurityGroupIngressCommandInput,
  type SecurityGroupRule,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import type { AlbIngressConfig } from "../../../lambdas/alb-ingress-from-nlb/config";
import type { TerraformAction } from "../../../lambdas/alb-ingress-from-nlb/event";
import { NLB, ownedRule, PREFIX, SG } from "./fixtures";
import { runInvocation } from "../../../lambdas/alb-ingress-from-nlb/run";
import { objectContaining } from "../../helpers/expect";

const CONFIG: AlbIngressConfig = { nlbEniDescription: NLB, securityGroupId: SG, ports: [80, 443], ruleDescriptionPrefix: PREFIX };

type Operation =
  | "DescribeNetworkInterfaces"
  | "DescribeSecurityGroupRules"
  | "AuthorizeSecurityGroupIngress"
  | "RevokeSecurityGroupIngress";
/** As in nlb-target-sync's aws-world.ts: an AWS error once retries ran out, a timeout before or after EC2 applied it. */
type Fault = "throttle" | "denied" | "timeout" | "lostReply";
const FAULTS: readonly Fault[] = ["throttle", "denied", "timeout", "lostReply"];
type FaultPlan = (call: { operation: Operation; index: number; occurrence: number }) => Fault | undefined;

interface NlbEni {
  readonly ip: string;
  readonly status: "in-use" | "available" | "attaching" | "detaching";
}

/** EC2 as the function sees it: the NLB's interfaces and the ALB's security group. */
class Ec2World {
  readonly rules = new Map<string, SecurityGroupRule>();
  enis: NlbEni[] = [];
  /** Other interfaces in the account, listed before the NLB's. */
  others = 0;
  pageSize = 1000;
  groupGone = false;
  faults: FaultPlan = () => undefined;
  private calls: Operation[] = [];
  private nextId = 1;

  constructor(initial: readonly SecurityGroupRule[] = []) {
    for (const rule of initial) this.rules.set(rule.SecurityGroupRuleId!, { ...rule });
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- not an alias: the module-level stubs answer from the fake created last
    current = this;
  }

  /** One invocation; resolves with its result or its error. */
  async invoke(action: TerraformAction, faults: FaultPlan = () => undefined) {
    this.faults = faults;
    this.calls = [];
    const event = { nlb: "api-nlb", tf: { action, prev_input: action === "create" ? null : { nlb: "api-nlb" } } };
    try {
      return { ok: true as const, result: await runInvocation(event, { ec2: client, config: CONFIG, log: () => undefined }) };
    } catch (error) {
      return { ok: false as const, error: error as Error };
    }
  }

  /** Owned rules, as `ip:port`, sorted. */
  owned(): string[] {
    return [...this.rules.values()]
      .filter((r) => r.Description?.startsWith(`${PREFIX}:`))
      .map((r) => `${r.CidrIpv4!.replace("/32", "")}:${r.FromPort}`)
      .sort();
  }

  /** Rules someone else wrote, as they are. */
  foreign(): SecurityGroupRule[] {
    return [...this.rules.values()].filter((r) => !r.Description?.startsWith(`${PREFIX}:`));
  }

  handle(operation: Operation, input: never): unknown {
    const occurrence = this.calls.filter((c) => c === operation).length + 1;
    const fault = this.faults({ operation, index: this.calls.length, occurrence });
    this.calls.push(operation);
    if (fault === "throttle") throw ec2Error("RequestLimitExceeded", "Request limit exceeded.");
    if (fault === "denied") throw ec2Error("UnauthorizedOperation", "You are not authorized to perform this operation.");
    if (fault === "timeout") throw Object.assign(new Error("request timed out"), { name: "TimeoutError" });
    const result = this.apply(operation, input);
    if (fault === "lostReply") throw Object.assign(new Error("request timed out"), { name: "TimeoutError" });
    return result;
  }

  private apply(operation: Operation, input: never): unknown {
    switch (operation) {
      case "DescribeNetworkInterfaces":
        return this.describeEnis(input);
      case "DescribeSecurityGroupRules":
        return this.describeRules(input);
      case "AuthorizeSecurityGroupIngress":
        return this.authorize(input);
      case "RevokeSecurityGroupIngress":
        return this.revoke(input);
    }
  }

  private describeEnis(input: DescribeNetworkInterfacesCommandInput) {
    const all = [
      ...Array.from({ length: this.others }, (_, i) => ({
        ip: `10.8.${Math.floor(i / 250)}.${i % 250}`,
        status: "in-use",
        description: "other",
      })),
      ...this.enis.map((e) => ({ ...e, description: NLB })),
    ];
    const { page, next } = paginate(all, input.NextToken, Math.min(input.MaxResults ?? 1000, this.pageSize));
    const filters = input.Filters ?? [];
    const matching = page.filter((e) => filters.every((f) => (f.Values ?? []).includes(f.Name === "status" ? e.status : e.description)));
    return {
      NetworkInterfaces: matching.map((e) => ({ Description: e.description, Status: e.status, PrivateIpAddress: e.ip })),
      NextToken: next,
    };
  }

  private describeRules(input: DescribeSecurityGroupRulesCommandInput) {
    if (this.groupGone) throw ec2Error("InvalidGroup.NotFound", `The security group '${SG}' does not exist`);
    const { page, next } = paginate([...this.rules.values()], input.NextToken, Math.min(input.MaxResults ?? 1000, this.pageSize));
    return { SecurityGroupRules: page.map((r) => ({ ...r })), NextToken: next };
  }

  private authorize(input: AuthorizeSecurityGroupIngressCommandInput) {
    if (this.groupGone) throw ec2Error("InvalidGroup.NotFound", `The security group '${SG}' does not exist`);
    const added: SecurityGroupRule[] = [];
    for (const perm of input.IpPermissions ?? []) {
      for (const range of perm.IpRanges ?? []) {
        const same = (r: SecurityGroupRule) =>
          !r.IsEgress &&
          r.CidrIpv4 === range.CidrIp &&
          r.IpProtocol === perm.IpProtocol &&
          r.FromPort === perm.FromPort &&
          r.ToPort === perm.ToPort;
        // All or nothing, and the description does not count, as in EC2.
        if ([...this.rules.values(), ...added].some(same))
          throw ec2Error("InvalidPermission.Duplicate", "the specified rule already exists");
        added.push({
          SecurityGroupRuleId: `sgr-${this.nextId++}`,
          GroupId: SG,
          IsEgress: false,
          IpProtocol: perm.IpProtocol,
          FromPort: perm.FromPort,
          ToPort: perm.ToPort,
          CidrIpv4: range.CidrIp,
          Description: range.Description,
        });
      }
    }
    for (const rule of added) this.rules.set(rule.SecurityGroupRuleId!, rule);
    return { Return: true };
  }

  private revoke(input: RevokeSecurityGroupIngressCommandInput) {
    if (this.groupGone) throw ec2Error("InvalidGroup.NotFound", `The security group '${SG}' does not exist`);
    const ids = input.SecurityGroupRuleIds ?? [];
    const missing = ids.filter((id) => !this.rules.has(id));
    if (missing.length) throw ec2Error("InvalidSecurityGroupRuleId.NotFound", `The security group rule ID '${missing[0]}' does not exist`);
    for (const id of ids) this.rules.delete(id);
    return { Return: true };
  }
}

function paginate<T>(all: readonly T[], token: string | undefined, size: number): { page: T[]; next?: string } {
  const start = token === undefined ? 0 : Number(token);
  const end = Math.min(start + size, all.length);
  return { page: all.slice(start, end), next: end < all.length ? String(end) : undefined };
}

function ec2Error(name: string, message: string): EC2ServiceException {
  return new EC2ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: 400 }, message });
}

let current: Ec2World | undefined;
const ec2 = mockClient(EC2Client);
const client = new EC2Client({ region: "eu-west-2" });
const send = (operation: Operation) => (input: unknown) => current!.handle(operation, input as never);
ec2.on(DescribeNetworkInterfacesCommand).callsFake(send("DescribeNetworkInterfaces"));
ec2.on(DescribeSecurityGroupRulesCommand).callsFake(send("DescribeSecurityGroupRules"));
ec2.on(AuthorizeSecurityGroupIngressCommand).callsFake(send("AuthorizeSecurityGroupIngress"));
ec2.on(RevokeSecurityGroupIngressCommand).callsFake(send("RevokeSecurityGroupIngress"));
beforeEach(() => ec2.resetHistory());

function faultOn(operation: Operation, occurrence: number, fault: Fault): FaultPlan {
  return (call) => (call.operation === operation && call.occurrence === occurrence ? fault : undefined);
}

function foreignRule(id: string, cidr: string, port: number, description = "office VPN"): SecurityGroupRule {
  return { ...ownedRule(id, "0.0.0.0", port), CidrIpv4: cidr, Description: description };
}

const [N1, N2, N3] = ["10.0.1.10", "10.0.2.20", "10.0.3.30"];
const pairs = (...ips: string[]) => ips.flatMap((ip) => CONFIG.ports.map((port) => `${ip}:${port}`)).sort();

describe("faults on create and update", () => {
  test.each<Fault>(["throttle", "denied", "timeout"])(
    "%s while reading the NLB's interfaces or the group's rules: nothing changes, and a second try converges",
    async (fault) => {
      for (const operation of ["DescribeNetworkInterfaces", "DescribeSecurityGroupRules"] as const) {
        // GIVEN the NLB moved from N3 to N1
        const world = new Ec2World([ownedRule("sgr-a", N3, 80), ownedRule("sgr-b", N3, 443)]);
        world.enis = [{ ip: N1, status: "in-use" }];
        // WHEN
        const failed = await world.invoke("update", faultOn(operation, 1, fault));
        // THEN
        expect(failed.ok).toBe(false);
        expect(world.owned()).toEqual(pairs(N3));
        expect((await world.invoke("update")).ok).toBe(true);
        expect(world.owned()).toEqual(pairs(N1));
      }
    },
  );

  test.each<Fault>(["throttle", "denied", "timeout"])("%s when adding: nothing is removed, and a second try converges", async (fault) => {
    const world = new Ec2World([ownedRule("sgr-a", N3, 80), ownedRule("sgr-b", N3, 443)]);
    world.enis = [{ ip: N1, status: "in-use" }];
    const failed = await world.invoke("update", faultOn("AuthorizeSecurityGroupIngress", 1, fault));
    expect(failed.ok).toBe(false);
    expect(world.owned()).toEqual(pairs(N3));
    expect((await world.invoke("update")).ok).toBe(true);
    expect(world.owned()).toEqual(pairs(N1));
  });

  test("the reply to adding is lost (EC2 added them): a second try adds nothing twice, and removes the old rules", async () => {
    const world = new Ec2World([ownedRule("sgr-a", N3, 80), ownedRule("sgr-b", N3, 443)]);
    world.enis = [{ ip: N1, status: "in-use" }];
    const failed = await world.invoke("update", faultOn("AuthorizeSecurityGroupIngress", 1, "lostReply"));
    expect(failed.ok).toBe(false);
    expect(world.owned()).toEqual(pairs(N1, N3));
    const retry = await world.invoke("update");
    expect(retry).toEqual({ ok: true, result: objectContaining({ authorized: 0, revoked: 2 }) });
    expect(world.owned()).toEqual(pairs(N1));
  });

  test.each<Fault>(["throttle", "denied", "timeout", "lostReply"])(
    "%s when removing, after adding: the new rules stay, the old ones go on the second try",
    async (fault) => {
      const world = new Ec2World([ownedRule("sgr-a", N3, 80), ownedRule("sgr-b", N3, 443)]);
      world.enis = [{ ip: N1, status: "in-use" }];
      const failed = await world.invoke("update", faultOn("RevokeSecurityGroupIngress", 1, fault));
      expect(failed.ok).toBe(false);
      expect(world.owned()).toEqual(fault === "lostReply" ? pairs(N1) : pairs(N1, N3));
      expect((await world.invoke("update")).ok).toBe(true);
      expect(world.owned()).toEqual(pairs(N1));
    },
  );

  test("a rule someone else wrote for an NLB IP: the batch is retried one rule at a time, and a fault there is retried by the next try", async () => {
    // GIVEN a foreign rule for N1:80 (EC2 refuses a second one whatever its description)
    const foreign = foreignRule("sgr-f", `${N1}/32`, 80, "someone else's");
    const world = new Ec2World([foreign]);
    world.enis = [
      { ip: N1, status: "in-use" },
      { ip: N2, status: "in-use" },
    ];
    // WHEN the second single Authorize is throttled
    const failed = await world.invoke("create", faultOn("AuthorizeSecurityGroupIngress", 3, "throttle"));
    // THEN
    expect(failed.ok).toBe(false);
    expect((await world.invoke("create")).ok).toBe(true);
    expect(world.owned()).toEqual(pairs(N1, N2).filter((p) => p !== `${N1}:80`));
    expect(world.foreign()).toEqual([foreign]);
  });

  test("interfaces in mixed states: only in-use ones are admitted; none in use fails without a change", async () => {
    const world = new Ec2World([ownedRule("sgr-a", N3, 80)]);
    world.enis = [
      { ip: N1, status: "in-use" },
      { ip: N2, status: "attaching" },
      { ip: N3, status: "detaching" },
    ];
    expect((await world.invoke("update")).ok).toBe(true);
    expect(world.owned()).toEqual(pairs(N1));
    world.enis = [{ ip: N1, status: "available" }];
    const none = await world.invoke("update");
    expect(none.ok).toBe(false);
    expect(!none.ok && none.error.message).toMatch(/found no in-use network interface .* No rule was changed/);
    expect(world.owned()).toEqual(pairs(N1));
  });

  test("more than 1,000 interfaces and rules over pages, some empty: every page is read", async () => {
    // GIVEN 2,400 interfaces in the account with the NLB's last, and 1,200 rules, EC2 paging 1,000 at a time
    const many = Array.from({ length: 1200 }, (_, i) => foreignRule(`sgr-x${i}`, `10.7.${Math.floor(i / 250)}.${i % 250}/32`, 8080));
    const world = new Ec2World([...many, ownedRule("sgr-old", N3, 80)]);
    world.others = 2400;
    world.enis = [{ ip: N1, status: "in-use" }];
    // WHEN
    const result = await world.invoke("update");
    // THEN
    expect(result.ok).toBe(true);
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(3);
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(2);
    expect(world.owned()).toEqual(pairs(N1));
    expect(world.foreign()).toHaveLength(1200);
  });
});

describe("faults on delete", () => {
  test.each<[Operation, Fault]>([
    ["DescribeSecurityGroupRules", "throttle"],
    ["RevokeSecurityGroupIngress", "throttle"],
    ["RevokeSecurityGroupIngress", "lostReply"],
  ])("%s %s: the delete fails (Terraform keeps the resource), and a second delete removes what is left", async (operation, fault) => {
    const world = new Ec2World([ownedRule("sgr-a", N1, 80), ownedRule("sgr-b", N1, 443), foreignRule("sgr-f", "10.9.0.0/16", 80)]);
    expect((await world.invoke("delete", faultOn(operation, 1, fault))).ok).toBe(false);
    expect((await world.invoke("delete")).ok).toBe(true);
    expect(world.owned()).toEqual([]);
    expect(world.foreign()).toHaveLength(1);
  });

  test("the group is already gone: the delete succeeds", async () => {
    const world = new Ec2World([ownedRule("sgr-a", N1, 80)]);
    world.groupGone = true;
    expect(await world.invoke("delete")).toEqual({ ok: true, result: objectContaining({ revoked: 0 }) });
  });
});

describe("property", () => {
  test("for any sequence of invocations and faults: foreign rules untouched, add before remove, convergence", async () => {
    const ips = [N1, N2, N3];
    const view = fc.array(fc.constantFrom<NlbEni["status"]>("in-use", "in-use", "attaching", "detaching", "available"), {
      minLength: 3,
      maxLength: 3,
    });
    const step = fc.record({
      action: fc.constantFrom<TerraformAction>("create", "update", "update", "delete"),
      statuses: view,
      faults: fc.array(fc.tuple(fc.nat(6), fc.constantFrom(...FAULTS)), { maxLength: 2 }),
    });
    let invocations = 0;
    let failures = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.subarray([0, 1, 2]),
        fc.boolean(),
        fc.array(step, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 5, max: 1000 }),
        async (stale, duplicate, steps, pageSize) => {
          // GIVEN owned rules left from before, foreign rules, and perhaps a foreign rule for an NLB IP's pair
          const initial = [
            ...stale.map((i) => ownedRule(`sgr-s${i}`, ips[i], 80)),
            foreignRule("sgr-f1", "10.9.0.0/16", 80),
            foreignRule("sgr-f2", "10.0.0.0/8", 443, `${PREFIX}-2: NLB 10.0.0.0`),
            ...(duplicate ? [foreignRule("sgr-f3", `${N2}/32`, 443, "someone else's")] : []),
          ];
          const world = new Ec2World(initial);
          world.pageSize = pageSize;
          const foreign = JSON.stringify(world.foreign());
          const covered = (ip: string, port: number) =>
            world.owned().includes(`${ip}:${port}`) || world.foreign().some((r) => r.CidrIpv4 === `${ip}/32` && r.FromPort === port);
          let last = steps[0];
          for (const s of steps) {
            last = s;
            world.enis = ips.map((ip, i) => ({ ip, status: s.statuses[i] }));
            const nlb = world.enis.filter((e) => e.status === "in-use").map((e) => e.ip);
            const before = world.owned();
            const outcome = await world.invoke(s.action, ({ index }) => s.faults.find(([i]) => i === index)?.[1]);
            invocations += 1;
            if (!outcome.ok) failures += 1;
            const after = world.owned();
            // 1. foreign rules untouched
            expect(JSON.stringify(world.foreign())).toBe(foreign);
            if (s.action !== "delete") {
              // 2. no owned rule for a current NLB IP on a listener port is revoked
              const kept = before.filter((p) => nlb.some((ip) => p.startsWith(`${ip}:`)));
              expect(after).toEqual(expect.arrayContaining(kept));
              if (!outcome.ok && /AuthorizeSecurityGroupIngress/.test(outcome.error.message))
                expect(after).toEqual(expect.arrayContaining(before));
            }
            // 3. a success leaves exactly what it should
            if (outcome.ok && s.action === "delete") expect(after).toEqual([]);
            if (outcome.ok && s.action !== "delete") {
              for (const ip of nlb) for (const port of CONFIG.ports) expect(covered(ip, port)).toBe(true);
              expect(after.every((p) => nlb.some((ip) => p.startsWith(`${ip}:`)))).toBe(true);
              expect(new Set(after).size).toBe(after.length);
            }
          }
          // 4. once faults stop, a second invocation converges (unless no NLB interface is in use: that fails every time)
          const nlb = world.enis.filter((e) => e.status === "in-use");
          const retry = await world.invoke(last.action);
          expect(retry.ok).toBe(last.action === "delete" || nlb.length > 0);
          if (last.action === "delete") expect(world.owned()).toEqual([]);
        },
      ),
      { seed: 20261121, numRuns: 300 },
    );
    expect(invocations).toBeGreaterThan(1000);
    expect(failures).toBeGreaterThan(200);
  });
});
