import type { SecurityGroupRule } from "@aws-sdk/client-ec2";
import {
  type OwnedRule,
  type ReconcileInput,
  type ReconcilePlan,
  reconcile,
  ruleDescription,
  selectOwnedRules,
} from "../../../lambdas/alb-ingress-from-nlb/reconcile";

const SG = "sg-0123456789abcdef0";
const PREFIX = "alb-ingress-from-nlb";

function owned(ruleId: string, cidr: string, fromPort: number, toPort = fromPort, protocol = "tcp"): OwnedRule {
  return { ruleId, cidr, fromPort, toPort, protocol };
}

describe("reconcile", () => {
  test.each<[string, ReconcileInput, ReconcilePlan]>([
    [
      "new IPs on a group with no owned rules: add every (ip, port)",
      { desiredIps: ["10.0.2.20", "10.0.1.10"], ports: [80], ownedRules: [] },
      {
        authorize: [
          { ip: "10.0.1.10", port: 80 },
          { ip: "10.0.2.20", port: 80 },
        ],
        revoke: [],
      },
    ],
    [
      "an IP changed: add the new one, revoke the old one",
      {
        desiredIps: ["10.0.1.10", "10.0.3.30"],
        ports: [80],
        ownedRules: [owned("sgr-a", "10.0.1.10/32", 80), owned("sgr-b", "10.0.2.20/32", 80)],
      },
      { authorize: [{ ip: "10.0.3.30", port: 80 }], revoke: ["sgr-b"] },
    ],
    [
      "a port added: add that port for every IP",
      {
        desiredIps: ["10.0.1.10", "10.0.2.20"],
        ports: [443, 80],
        ownedRules: [owned("sgr-a", "10.0.1.10/32", 80), owned("sgr-b", "10.0.2.20/32", 80)],
      },
      {
        authorize: [
          { ip: "10.0.1.10", port: 443 },
          { ip: "10.0.2.20", port: 443 },
        ],
        revoke: [],
      },
    ],
    [
      "a port removed: revoke that port's rules",
      { desiredIps: ["10.0.1.10"], ports: [443], ownedRules: [owned("sgr-80", "10.0.1.10/32", 80), owned("sgr-443", "10.0.1.10/32", 443)] },
      { authorize: [], revoke: ["sgr-80"] },
    ],
    [
      "nothing to do: every desired rule is there",
      {
        desiredIps: ["10.0.1.10", "10.0.2.20"],
        ports: [80, 443],
        ownedRules: [
          owned("sgr-1", "10.0.1.10/32", 80),
          owned("sgr-2", "10.0.1.10/32", 443),
          owned("sgr-3", "10.0.2.20/32", 80),
          owned("sgr-4", "10.0.2.20/32", 443, 443, "6"),
        ],
      },
      { authorize: [], revoke: [] },
    ],
    [
      "owned rules that are not exactly tcp, one port, ip/32 are replaced",
      {
        desiredIps: ["10.0.1.10"],
        ports: [80],
        ownedRules: [
          owned("sgr-range", "10.0.1.10/32", 80, 443),
          owned("sgr-udp", "10.0.1.10/32", 80, 80, "udp"),
          owned("sgr-wide", "10.0.1.0/24", 80),
        ],
      },
      { authorize: [{ ip: "10.0.1.10", port: 80 }], revoke: ["sgr-range", "sgr-udp", "sgr-wide"] },
    ],
    [
      "a second owned rule for the same pair is revoked",
      { desiredIps: ["10.0.1.10"], ports: [80], ownedRules: [owned("sgr-a", "10.0.1.10/32", 80), owned("sgr-a2", "10.0.1.10/32", 80)] },
      { authorize: [], revoke: ["sgr-a2"] },
    ],
    [
      "no desired IPs (delete): revoke everything owned",
      { desiredIps: [], ports: [80], ownedRules: [owned("sgr-a", "10.0.1.10/32", 80), owned("sgr-b", "10.0.2.20/32", 443)] },
      { authorize: [], revoke: ["sgr-a", "sgr-b"] },
    ],
    [
      "duplicate IPs and ports in the input count once",
      { desiredIps: ["10.0.1.10", "10.0.1.10"], ports: [80, 80], ownedRules: [] },
      { authorize: [{ ip: "10.0.1.10", port: 80 }], revoke: [] },
    ],
  ])("%s", (_name, input, expected) => {
    // WHEN
    const plan = reconcile(input);

    // THEN
    expect(plan).toEqual(expected);
  });

  test("foreign rules never reach the plan: only selectOwnedRules' output is reconciled", () => {
    // GIVEN a foreign rule for an NLB IP that the function would otherwise keep, and an owned rule for an old IP
    const rules: SecurityGroupRule[] = [
      rule({ SecurityGroupRuleId: "sgr-foreign", CidrIpv4: "10.0.1.10/32", Description: "allow the bastion" }),
      rule({ SecurityGroupRuleId: "sgr-old", CidrIpv4: "10.0.9.90/32", Description: ruleDescription(PREFIX, "10.0.9.90") }),
    ];

    // WHEN
    const plan = reconcile({ desiredIps: ["10.0.1.10"], ports: [80], ownedRules: selectOwnedRules(rules, SG, PREFIX) });

    // THEN the foreign rule is neither kept nor revoked: the function adds its own rule and removes only its old one
    expect(plan).toEqual({ authorize: [{ ip: "10.0.1.10", port: 80 }], revoke: ["sgr-old"] });
  });
});

function rule(overrides: SecurityGroupRule): SecurityGroupRule {
  return { GroupId: SG, IsEgress: false, IpProtocol: "tcp", FromPort: 80, ToPort: 80, ...overrides };
}

describe("selectOwnedRules", () => {
  test("keeps IPv4 CIDR ingress rules of the group whose description starts with '<prefix>:'", () => {
    // GIVEN
    const rules: SecurityGroupRule[] = [
      rule({ SecurityGroupRuleId: "sgr-mine", CidrIpv4: "10.0.1.10/32", Description: "alb-ingress-from-nlb: NLB 10.0.1.10" }),
      rule({ SecurityGroupRuleId: "sgr-other-text", CidrIpv4: "10.0.1.10/32", Description: "managed by hand" }),
      rule({ SecurityGroupRuleId: "sgr-no-desc", CidrIpv4: "10.0.1.10/32" }),
      rule({ SecurityGroupRuleId: "sgr-sibling", CidrIpv4: "10.0.1.10/32", Description: "alb-ingress-from-nlb-2: NLB 10.0.1.10" }),
      rule({
        SecurityGroupRuleId: "sgr-egress",
        IsEgress: true,
        CidrIpv4: "10.0.1.10/32",
        Description: "alb-ingress-from-nlb: NLB 10.0.1.10",
      }),
      rule({
        SecurityGroupRuleId: "sgr-sg-ref",
        ReferencedGroupInfo: { GroupId: "sg-0fedcba9876543210" },
        Description: "alb-ingress-from-nlb: NLB x",
      }),
      rule({ SecurityGroupRuleId: "sgr-pl", PrefixListId: "pl-0123456789abcdef0", Description: "alb-ingress-from-nlb: NLB x" }),
      rule({ SecurityGroupRuleId: "sgr-v6", CidrIpv6: "fd00::1/128", Description: "alb-ingress-from-nlb: NLB fd00::1" }),
      rule({
        SecurityGroupRuleId: "sgr-elsewhere",
        GroupId: "sg-0fedcba9876543210",
        CidrIpv4: "10.0.1.10/32",
        Description: "alb-ingress-from-nlb: NLB 10.0.1.10",
      }),
    ];

    // WHEN
    const result = selectOwnedRules(rules, SG, PREFIX);

    // THEN
    expect(result).toEqual([{ ruleId: "sgr-mine", cidr: "10.0.1.10/32", fromPort: 80, toPort: 80, protocol: "tcp" }]);
  });

  test("ruleDescription writes the form selectOwnedRules recognises", () => {
    // GIVEN
    const description = ruleDescription("custom-prefix", "10.0.1.10");

    // WHEN
    const result = selectOwnedRules(
      [rule({ SecurityGroupRuleId: "sgr-1", CidrIpv4: "10.0.1.10/32", Description: description })],
      SG,
      "custom-prefix",
    );

    // THEN
    expect(description).toBe("custom-prefix: NLB 10.0.1.10");
    expect(result.map((r) => r.ruleId)).toEqual(["sgr-1"]);
  });
});
