import "./handler-env";
import {
  AuthorizeSecurityGroupIngressCommand,
  type AuthorizeSecurityGroupIngressCommandInput,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  EC2ServiceException,
  type NetworkInterface,
  RevokeSecurityGroupIngressCommand,
  type RevokeSecurityGroupIngressCommandInput,
  type SecurityGroupRule,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import type { AlbIngressConfig } from "../../../lambdas/alb-ingress-from-nlb/config";
import type { CrudInvocationEvent, TerraformAction } from "../../../lambdas/alb-ingress-from-nlb/event";
import { handler } from "../../../lambdas/alb-ingress-from-nlb/handler";
import { NLB, ownedRule, PREFIX, SG } from "./fixtures";
import { type InvocationLogEntry, runInvocation } from "../../../lambdas/alb-ingress-from-nlb/run";
import { objectContaining, stringMatching } from "../../helpers/expect";

const ec2 = mockClient(EC2Client);
const client = new EC2Client({ region: "eu-west-2" });

const CONFIG: AlbIngressConfig = { nlbEniDescription: NLB, securityGroupId: SG, ports: [80], ruleDescriptionPrefix: PREFIX };

let logged: InvocationLogEntry[];
beforeEach(() => {
  ec2.reset();
  logged = [];
});

/** Runs one invocation against the mocked client, collecting the log lines. */
function run(event: unknown, config: AlbIngressConfig = CONFIG) {
  return runInvocation(event, { ec2: client, config, log: (entry) => logged.push(entry) });
}

/** The input `aws_lambda_invocation` sends with lifecycle_scope = "CRUD" (the user's input plus the `tf` key). */
function crudEvent(action: TerraformAction, input: Record<string, unknown> = { nlb: "api-nlb" }): CrudInvocationEvent {
  const prev = action === "create" ? null : action === "update" ? { nlb: "api-nlb-previous" } : input;
  return { ...input, tf: { action, prev_input: prev } };
}

function eni(ip: string): NetworkInterface {
  return { Description: NLB, Status: "in-use", PrivateIpAddress: ip, PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }] };
}

function nlbIps(...ips: string[]) {
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: ips.map(eni) });
}

function groupRules(...rules: SecurityGroupRule[]) {
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: rules });
}

function ec2Error(name: string, message = `${name} (mocked)`): EC2ServiceException {
  return new EC2ServiceException({ name, $fault: "client", $metadata: {}, message });
}

/** Names of the commands sent, in order. */
function sentCommands(): string[] {
  return ec2.calls().map((call) => call.args[0].constructor.name);
}

/** An in-memory security group that answers Describe, Authorize and Revoke the way EC2 does. */
function fakeGroup(initial: SecurityGroupRule[] = []) {
  const rules = [...initial];
  let nextId = 1;
  ec2.on(DescribeSecurityGroupRulesCommand).callsFake(() => ({ SecurityGroupRules: rules.map((r) => ({ ...r })) }));
  ec2.on(AuthorizeSecurityGroupIngressCommand).callsFake((input: AuthorizeSecurityGroupIngressCommandInput) => {
    const added: SecurityGroupRule[] = [];
    for (const perm of input.IpPermissions ?? []) {
      for (const range of perm.IpRanges ?? []) {
        const same = (r: SecurityGroupRule) =>
          r.CidrIpv4 === range.CidrIp && r.FromPort === perm.FromPort && r.ToPort === perm.ToPort && !r.IsEgress;
        if ([...rules, ...added].some(same)) throw ec2Error("InvalidPermission.Duplicate");
        added.push({
          SecurityGroupRuleId: `sgr-new${nextId++}`,
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
    rules.push(...added);
    return { Return: true };
  });
  ec2.on(RevokeSecurityGroupIngressCommand).callsFake((input: RevokeSecurityGroupIngressCommandInput) => {
    const ids = input.SecurityGroupRuleIds ?? [];
    if (ids.some((id) => !rules.some((r) => r.SecurityGroupRuleId === id))) throw ec2Error("InvalidSecurityGroupRuleId.NotFound");
    for (const id of ids)
      rules.splice(
        rules.findIndex((r) => r.SecurityGroupRuleId === id),
        1,
      );
    return { Return: true };
  });
  return rules;
}

describe("create", () => {
  test("opens the group to every NLB IP on the listener port, described as owned", async () => {
    // GIVEN
    nlbIps("10.0.2.20", "10.0.1.10");
    groupRules();

    // WHEN
    const result = await run(crudEvent("create"));

    // THEN
    expect(ec2).toHaveReceivedCommandWith(DescribeNetworkInterfacesCommand, {
      Filters: expect.arrayContaining([{ Name: "description", Values: [NLB] }]),
    });
    expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupRulesCommand, { Filters: [{ Name: "group-id", Values: [SG] }] });
    expect(ec2).toHaveReceivedCommandTimes(AuthorizeSecurityGroupIngressCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, {
      GroupId: SG,
      IpPermissions: [
        {
          IpProtocol: "tcp",
          FromPort: 80,
          ToPort: 80,
          IpRanges: [
            { CidrIp: "10.0.1.10/32", Description: "alb-ingress-from-nlb: NLB 10.0.1.10" },
            { CidrIp: "10.0.2.20/32", Description: "alb-ingress-from-nlb: NLB 10.0.2.20" },
          ],
        },
      ],
    });
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
    expect(result).toEqual({ ips: ["10.0.1.10", "10.0.2.20"], ports: [80], authorized: 2, revoked: 0 });
  });

  test("one permission per listener port", async () => {
    // GIVEN
    nlbIps("10.0.1.10");
    groupRules();

    // WHEN
    const result = await run(crudEvent("create"), { ...CONFIG, ports: [80, 443] });

    // THEN
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, {
      IpPermissions: [
        objectContaining({ FromPort: 80, ToPort: 80, IpRanges: [objectContaining({ CidrIp: "10.0.1.10/32" })] }),
        objectContaining({ FromPort: 443, ToPort: 443, IpRanges: [objectContaining({ CidrIp: "10.0.1.10/32" })] }),
      ],
    });
    expect(result).toEqual({ ips: ["10.0.1.10"], ports: [80, 443], authorized: 2, revoked: 0 });
  });

  test("follows every page of network interfaces and of security group rules", async () => {
    // GIVEN interfaces over two pages, and the owned rule for the second IP on the second page of rules
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [eni("10.0.1.10")], NextToken: "eni-page-2" })
      .resolvesOnce({ NetworkInterfaces: [eni("10.0.2.20")] });
    ec2
      .on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({ SecurityGroupRules: [], NextToken: "rules-page-2" })
      .resolvesOnce({ SecurityGroupRules: [ownedRule("sgr-2", "10.0.2.20"), ownedRule("sgr-old", "10.0.9.90")] });

    // WHEN
    const result = await run(crudEvent("create"));

    // THEN both pages of both lists were read ...
    expect(ec2).toHaveReceivedNthSpecificCommandWith(2, DescribeNetworkInterfacesCommand, { NextToken: "eni-page-2" });
    expect(ec2).toHaveReceivedNthSpecificCommandWith(2, DescribeSecurityGroupRulesCommand, { NextToken: "rules-page-2" });
    // ... so only the first IP is added, the rule on page two is kept and the stale one on page two goes
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, {
      IpPermissions: [objectContaining({ IpRanges: [objectContaining({ CidrIp: "10.0.1.10/32" })] })],
    });
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupIngressCommand, { GroupId: SG, SecurityGroupRuleIds: ["sgr-old"] });
    expect(result).toEqual({ ips: ["10.0.1.10", "10.0.2.20"], ports: [80], authorized: 1, revoked: 1 });
  });

  test("fails with a clear error and changes nothing when no NLB interface is found", async () => {
    // GIVEN
    nlbIps();
    groupRules(ownedRule("sgr-1", "10.0.1.10"));

    // WHEN
    const result = run(crudEvent("create"));

    // THEN
    await expect(result).rejects.toThrow(
      /found no in-use network interface described "ELB net\/api-nlb\/50dc6c495c0c9188".*No rule was changed/,
    );
    expect(ec2).not.toHaveReceivedCommand(DescribeSecurityGroupRulesCommand);
    expect(ec2).not.toHaveReceivedCommand(AuthorizeSecurityGroupIngressCommand);
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
  });

  test("tolerates a rule that already exists: the batch is retried one rule at a time", async () => {
    // GIVEN a foreign rule already allows 10.0.1.10:80, so EC2 refuses the batch as a duplicate
    nlbIps("10.0.1.10", "10.0.2.20");
    groupRules({ ...ownedRule("sgr-foreign", "10.0.1.10"), Description: "added by hand" });
    ec2
      .on(AuthorizeSecurityGroupIngressCommand)
      .rejectsOnce(ec2Error("InvalidPermission.Duplicate"))
      .rejectsOnce(ec2Error("InvalidPermission.Duplicate"))
      .resolvesOnce({ Return: true });

    // WHEN
    const result = await run(crudEvent("create"));

    // THEN
    expect(ec2).toHaveReceivedCommandTimes(AuthorizeSecurityGroupIngressCommand, 3);
    expect(ec2).toHaveReceivedNthSpecificCommandWith(3, AuthorizeSecurityGroupIngressCommand, {
      IpPermissions: [objectContaining({ IpRanges: [objectContaining({ CidrIp: "10.0.2.20/32" })] })],
    });
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
    expect(result.authorized).toBe(1);
  });
});

describe("update", () => {
  test("adds the new IP before revoking the old one", async () => {
    // GIVEN the NLB's second IP changed from 10.0.2.20 to 10.0.3.30
    nlbIps("10.0.1.10", "10.0.3.30");
    groupRules(ownedRule("sgr-1", "10.0.1.10"), ownedRule("sgr-2", "10.0.2.20"));
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({ Return: true });
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });

    // WHEN
    const result = await run(crudEvent("update"));

    // THEN
    expect(sentCommands()).toEqual([
      "DescribeNetworkInterfacesCommand",
      "DescribeSecurityGroupRulesCommand",
      "AuthorizeSecurityGroupIngressCommand",
      "RevokeSecurityGroupIngressCommand",
    ]);
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, {
      IpPermissions: [objectContaining({ IpRanges: [{ CidrIp: "10.0.3.30/32", Description: "alb-ingress-from-nlb: NLB 10.0.3.30" }] })],
    });
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupIngressCommand, { GroupId: SG, SecurityGroupRuleIds: ["sgr-2"] });
    expect(result).toEqual({ ips: ["10.0.1.10", "10.0.3.30"], ports: [80], authorized: 1, revoked: 1 });
  });

  test("a second run with the same IPs sends no Authorize or Revoke", async () => {
    // GIVEN a group that behaves like EC2, reconciled once
    const rules = fakeGroup();
    nlbIps("10.0.1.10", "10.0.2.20");
    await run(crudEvent("create"), { ...CONFIG, ports: [80, 443] });
    expect(rules).toHaveLength(4);
    ec2.resetHistory();

    // WHEN
    const result = await run(crudEvent("update"), { ...CONFIG, ports: [80, 443] });

    // THEN
    expect(ec2).not.toHaveReceivedCommand(AuthorizeSecurityGroupIngressCommand);
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
    expect(result).toEqual({ ips: ["10.0.1.10", "10.0.2.20"], ports: [80, 443], authorized: 0, revoked: 0 });
  });

  test("rules it does not own are left alone, even when they match an NLB IP", async () => {
    // GIVEN foreign rules around one owned rule for an IP the NLB no longer has
    const foreign: SecurityGroupRule[] = [
      { ...ownedRule("sgr-by-hand", "10.0.1.10"), Description: "added by hand" },
      { ...ownedRule("sgr-no-description", "10.0.9.90"), Description: undefined },
      { ...ownedRule("sgr-sibling", "10.0.9.90"), Description: "alb-ingress-from-nlb-2: NLB 10.0.9.90" },
      { ...ownedRule("sgr-sg-ref", "0.0.0.0"), CidrIpv4: undefined, ReferencedGroupInfo: { GroupId: "sg-0fedcba9876543210" } },
      { ...ownedRule("sgr-egress", "10.0.9.90"), IsEgress: true },
    ];
    const rules = fakeGroup([...foreign, ownedRule("sgr-stale", "10.0.9.90")]);
    nlbIps("10.0.1.10");

    // WHEN
    const result = await run(crudEvent("update"));

    // THEN only the owned stale rule went; the hand-made rule for 10.0.1.10 made EC2 refuse ours as a duplicate
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupIngressCommand, { SecurityGroupRuleIds: ["sgr-stale"] });
    expect(rules.map((r) => r.SecurityGroupRuleId)).toEqual(foreign.map((r) => r.SecurityGroupRuleId));
    expect(result).toEqual({ ips: ["10.0.1.10"], ports: [80], authorized: 0, revoked: 1 });
  });

  test("a rule that disappeared before the revoke does not fail the update", async () => {
    // GIVEN two stale rules, one of which is removed by someone else between describe and revoke
    nlbIps("10.0.1.10");
    groupRules(ownedRule("sgr-1", "10.0.1.10"), ownedRule("sgr-gone", "10.0.8.80"), ownedRule("sgr-stale", "10.0.9.90"));
    ec2.on(RevokeSecurityGroupIngressCommand).rejects(ec2Error("InvalidSecurityGroupRuleId.NotFound"));
    ec2.on(RevokeSecurityGroupIngressCommand, { SecurityGroupRuleIds: ["sgr-stale"] }).resolves({ Return: true });

    // WHEN
    const result = await run(crudEvent("update"));

    // THEN
    expect(ec2).toHaveReceivedCommandTimes(RevokeSecurityGroupIngressCommand, 3);
    expect(result).toEqual({ ips: ["10.0.1.10"], ports: [80], authorized: 0, revoked: 1 });
  });
});

describe("delete", () => {
  test("revokes every owned rule, nothing else, without looking for the NLB", async () => {
    // GIVEN
    groupRules(
      ownedRule("sgr-1", "10.0.1.10"),
      ownedRule("sgr-2", "10.0.2.20", 443),
      { ...ownedRule("sgr-foreign", "10.0.1.10", 8080), Description: "added by hand" },
      { ...ownedRule("sgr-sg-ref", "0.0.0.0"), CidrIpv4: undefined, ReferencedGroupInfo: { GroupId: "sg-0fedcba9876543210" } },
    );
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });

    // WHEN
    const result = await run(crudEvent("delete"));

    // THEN
    expect(ec2).not.toHaveReceivedCommand(DescribeNetworkInterfacesCommand);
    expect(ec2).not.toHaveReceivedCommand(AuthorizeSecurityGroupIngressCommand);
    expect(ec2).toHaveReceivedCommandTimes(RevokeSecurityGroupIngressCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupIngressCommand, { GroupId: SG, SecurityGroupRuleIds: ["sgr-1", "sgr-2"] });
    expect(result).toEqual({ ips: [], ports: [80], authorized: 0, revoked: 2 });
  });

  test("sends nothing when it owns no rule", async () => {
    // GIVEN
    groupRules({ ...ownedRule("sgr-foreign", "10.0.1.10"), Description: "added by hand" });

    // WHEN
    const result = await run(crudEvent("delete"));

    // THEN
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
    expect(result).toEqual({ ips: [], ports: [80], authorized: 0, revoked: 0 });
  });

  test("succeeds when the security group is already gone", async () => {
    // GIVEN
    ec2.on(DescribeSecurityGroupRulesCommand).rejects(ec2Error("InvalidGroup.NotFound", `The security group '${SG}' does not exist`));

    // WHEN
    const result = await run(crudEvent("delete"));

    // THEN
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
    expect(result).toEqual({ ips: [], ports: [80], authorized: 0, revoked: 0 });
  });

  test("succeeds when the group goes between describe and revoke", async () => {
    // GIVEN
    groupRules(ownedRule("sgr-1", "10.0.1.10"));
    ec2.on(RevokeSecurityGroupIngressCommand).rejects(ec2Error("InvalidGroup.NotFound"));

    // WHEN
    const result = await run(crudEvent("delete"));

    // THEN
    expect(result).toEqual({ ips: [], ports: [80], authorized: 0, revoked: 0 });
  });

  test("succeeds when some rules are already gone, and still revokes the rest", async () => {
    // GIVEN
    groupRules(ownedRule("sgr-gone", "10.0.1.10"), ownedRule("sgr-2", "10.0.2.20"));
    ec2.on(RevokeSecurityGroupIngressCommand).rejects(ec2Error("InvalidPermission.NotFound"));
    ec2.on(RevokeSecurityGroupIngressCommand, { SecurityGroupRuleIds: ["sgr-2"] }).resolves({ Return: true });

    // WHEN
    const result = await run(crudEvent("delete"));

    // THEN
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupIngressCommand, { SecurityGroupRuleIds: ["sgr-2"] });
    expect(result).toEqual({ ips: [], ports: [80], authorized: 0, revoked: 1 });
  });

  test("after create, delete leaves the group as it was", async () => {
    // GIVEN
    const foreign = { ...ownedRule("sgr-foreign", "10.0.1.10", 8080), Description: "added by hand" };
    const rules = fakeGroup([foreign]);
    nlbIps("10.0.1.10", "10.0.2.20");
    await run(crudEvent("create"));

    // WHEN
    const result = await run(crudEvent("delete"));

    // THEN
    expect(rules).toEqual([foreign]);
    expect(result.revoked).toBe(2);
  });
});

describe("errors", () => {
  test.each<[string, () => void, RegExp]>([
    [
      "throttled while finding the NLB's IPs",
      () => ec2.on(DescribeNetworkInterfacesCommand).rejects(ec2Error("RequestLimitExceeded", "Request limit exceeded.")),
      /^alb-ingress-from-nlb create on sg-0123456789abcdef0: DescribeNetworkInterfaces \(finding the IPs of .*\) failed: RequestLimitExceeded: Request limit exceeded\.$/,
    ],
    [
      "not allowed to read the group's rules",
      () => {
        nlbIps("10.0.1.10");
        ec2
          .on(DescribeSecurityGroupRulesCommand)
          .rejects(ec2Error("UnauthorizedOperation", "You are not authorized to perform this operation."));
      },
      /DescribeSecurityGroupRules \(reading the group's rules\) failed: UnauthorizedOperation: You are not authorized/,
    ],
    [
      "access denied when adding rules",
      () => {
        nlbIps("10.0.1.10");
        groupRules(ownedRule("sgr-stale", "10.0.9.90"));
        ec2.on(AuthorizeSecurityGroupIngressCommand).rejects(ec2Error("AccessDenied", "User is not authorized"));
      },
      /AuthorizeSecurityGroupIngress \(adding rules for the NLB's IPs\) failed: AccessDenied: User is not authorized/,
    ],
    [
      "throttled when removing rules",
      () => {
        nlbIps("10.0.1.10");
        groupRules(ownedRule("sgr-1", "10.0.1.10"), ownedRule("sgr-stale", "10.0.9.90"));
        ec2.on(RevokeSecurityGroupIngressCommand).rejects(ec2Error("Throttling", "Rate exceeded"));
      },
      /RevokeSecurityGroupIngress \(removing rules for IPs the NLB no longer has\) failed: Throttling: Rate exceeded/,
    ],
  ])("%s: rejects naming the step", async (_name, arrange, message) => {
    // GIVEN
    arrange();

    // WHEN
    const result = run(crudEvent("create"));

    // THEN
    await expect(result).rejects.toThrow(message);
    expect(logged).toEqual([objectContaining({ tfAction: "create", error: stringMatching(message) })]);
  });

  test("a failed Authorize stops before any Revoke", async () => {
    // GIVEN
    nlbIps("10.0.1.10");
    groupRules(ownedRule("sgr-stale", "10.0.9.90"));
    ec2.on(AuthorizeSecurityGroupIngressCommand).rejects(ec2Error("UnauthorizedOperation"));

    // WHEN
    const result = run(crudEvent("update"));

    // THEN
    await expect(result).rejects.toThrow(/AuthorizeSecurityGroupIngress/);
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
  });

  test("a missing group fails create and update", async () => {
    // GIVEN
    nlbIps("10.0.1.10");
    groupRules();
    ec2.on(AuthorizeSecurityGroupIngressCommand).rejects(ec2Error("InvalidGroup.NotFound", `The security group '${SG}' does not exist`));

    // WHEN
    const result = run(crudEvent("update"));

    // THEN
    await expect(result).rejects.toThrow(
      /^alb-ingress-from-nlb update on sg-0123456789abcdef0: AuthorizeSecurityGroupIngress .* InvalidGroup\.NotFound/,
    );
  });

  test.each<[string, unknown, RegExp]>([
    ["not an object", "create", /the event is not a JSON object \(got "create"\)/],
    ["lifecycle_scope left at CREATE_ONLY (no tf key)", { nlb: "api-nlb" }, /lifecycle_scope = "CRUD".*event\.tf is missing/],
    [
      "an unknown action",
      { tf: { action: "read", prev_input: null } },
      /event\.tf\.action must be "create", "update" or "delete" \(got "read"\)/,
    ],
  ])("an event that is %s is refused before any AWS call", async (_name, event, message) => {
    // WHEN
    const result = run(event);

    // THEN
    await expect(result).rejects.toThrow(message);
    expect(ec2).not.toHaveReceivedAnyCommand();
    expect(logged).toEqual([objectContaining({ tfAction: null, error: stringMatching(message) })]);
  });
});

describe("logging", () => {
  test("one JSON line per invocation with stable keys", async () => {
    // GIVEN
    const lines: string[] = [];
    const spy = jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    nlbIps("10.0.1.10");
    groupRules();

    // WHEN
    try {
      await runInvocation(crudEvent("create"), { ec2: client, config: CONFIG });
    } finally {
      spy.mockRestore();
    }

    // THEN
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({
      action: "alb-ingress-from-nlb",
      tfAction: "create",
      securityGroupId: SG,
      ips: ["10.0.1.10"],
      ports: [80],
      authorized: 1,
      revoked: 0,
    });
  });
});

describe("handler", () => {
  test("runs with the settings from its environment and returns the IPs", async () => {
    // GIVEN the environment set in ./handler-env
    nlbIps("10.0.1.10", "10.0.2.20");
    groupRules();
    jest.spyOn(console, "log").mockImplementation(() => undefined);

    // WHEN
    const result = await handler(crudEvent("create"));

    // THEN
    expect(ec2).toHaveReceivedCommandWith(DescribeNetworkInterfacesCommand, {
      Filters: expect.arrayContaining([{ Name: "description", Values: ["ELB net/api-nlb/50dc6c495c0c9188"] }]),
    });
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, { GroupId: "sg-0123456789abcdef0" });
    expect(result).toEqual({ ips: ["10.0.1.10", "10.0.2.20"], ports: [80], authorized: 2, revoked: 0 });
    jest.restoreAllMocks();
  });
});
