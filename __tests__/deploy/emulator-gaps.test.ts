/**
 * The deploy tier's own logic, in-process (unit project): how a plan's changes are sorted into the
 * emulator's listed gaps and the rest, and how a config's placeholders and accounts are mapped.
 */
import type { ResourceChange } from "../../lib/plan/plan-json";
import { changedPaths, EMULATOR_GAPS, explainChanges, unusedGaps, type EmulatorGap } from "./emulator-gaps";
import { accountsFor, substitute } from "./root";

const update = (type: string, before: Record<string, unknown>, after: Record<string, unknown>, unknown = {}): ResourceChange => ({
  address: `${type}.X`,
  type,
  change: { actions: ["update"], before, after, after_unknown: unknown },
});

describe("changedPaths", () => {
  test("names each differing leaf, list indices as *", () => {
    const paths = changedPaths(
      update(
        "aws_autoscaling_group",
        { launch_template: [{ id: "lt-1", version: "1" }], max_size: 3, tags: { a: "1" } },
        { launch_template: [{ id: "lt-1" }], max_size: 3, tags: { a: "2" } },
        { launch_template: [{ version: true }] },
      ).change,
    );
    expect(paths).toEqual(["launch_template.*.version", "tags.a"]);
  });

  test("a list of another length differs as a whole", () => {
    expect(
      changedPaths(update("aws_ecs_service", { placement_constraints: [] }, { placement_constraints: [{ type: "x" }] }).change),
    ).toEqual(["placement_constraints"]);
  });
});

describe("explainChanges", () => {
  test("an update of listed attributes only is explained, and the gap is recorded as seen", () => {
    const seen = new Set<EmulatorGap>();
    const { unexplained, explained } = explainChanges(
      [
        update(
          "aws_lb",
          { enforce_security_group_inbound_rules_on_private_link_traffic: "" },
          { enforce_security_group_inbound_rules_on_private_link_traffic: "off" },
        ),
      ],
      seen,
    );
    expect(unexplained).toEqual([]);
    expect(explained).toEqual(["aws_lb.X"]);
    expect([...seen].map((g) => g.attribute)).toEqual(["enforce_security_group_inbound_rules_on_private_link_traffic"]);
  });

  test("one unlisted attribute makes the whole change unexplained, and names that attribute", () => {
    const { unexplained } = explainChanges([
      update(
        "aws_lb",
        { internal: true, enforce_security_group_inbound_rules_on_private_link_traffic: "" },
        { internal: false, enforce_security_group_inbound_rules_on_private_link_traffic: "off" },
      ),
    ]);
    expect(unexplained).toEqual([{ address: "aws_lb.X", actions: "update", paths: ["internal"] }]);
  });

  test("a listed attribute of another type is not explained", () => {
    expect(explainChanges([update("aws_lb_target_group", { description: null }, { description: "x" })]).unexplained).toHaveLength(1);
  });

  test("creates, deletes and replacements are never explained, whatever they change", () => {
    const replace: ResourceChange = { ...update("aws_lb", {}, {}), change: { actions: ["delete", "create"], before: {}, after: {} } };
    const create: ResourceChange = { ...update("aws_lb", {}, {}), change: { actions: ["create"], before: null, after: {} } };
    expect(explainChanges([replace, create]).unexplained.map((c) => c.actions)).toEqual(["delete,create", "create"]);
  });

  test("no-op and read changes are left out", () => {
    const noop: ResourceChange = { ...update("aws_lb", {}, {}), change: { actions: ["no-op"], before: {}, after: {} } };
    expect(explainChanges([noop])).toEqual({ unexplained: [], explained: [] });
  });

  test("unusedGaps lists every entry not seen, of the types applied", () => {
    const first = EMULATOR_GAPS.find((g) => !g.onlyWhereSet)!;
    const others = new Set(EMULATOR_GAPS.filter((g) => g !== first));
    expect(unusedGaps(others)).toEqual([`${first.type}.${first.attribute}`]);
    expect(unusedGaps(others, [{ type: first.type, attrs: {} }])).toEqual([`${first.type}.${first.attribute}`]);
    expect(unusedGaps(new Set(), [{ type: "aws_s3_bucket", attrs: {} }])).toEqual([]);
  });

  test("an onlyWhereSet entry is expected only of resources that set the attribute", () => {
    const gap = EMULATOR_GAPS.find((g) => g.onlyWhereSet)!;
    const name = `${gap.type}.${gap.attribute}`;
    expect(unusedGaps(new Set(), [{ type: gap.type, attrs: { [gap.attribute]: [] } }])).not.toContain(name);
    expect(unusedGaps(new Set(), [{ type: gap.type, attrs: { [gap.attribute]: [{ type: "distinctInstance" }] } }])).toContain(name);
  });

  test("an onlyWhereSet flag set to false is not expected (moto's missing answer reads as false)", () => {
    const gap = EMULATOR_GAPS.find((g) => g.attribute === "enable_execute_command")!;
    const name = `${gap.type}.${gap.attribute}`;
    expect(unusedGaps(new Set(), [{ type: gap.type, attrs: { enable_execute_command: false } }])).not.toContain(name);
    expect(unusedGaps(new Set(), [{ type: gap.type, attrs: { enable_execute_command: true } }])).toContain(name);
  });

  test("every entry says why", () => {
    for (const gap of EMULATOR_GAPS) expect(gap.why.length).toBeGreaterThan(20);
  });
});

describe("substitute and accountsFor", () => {
  test("replaces whole strings only, deep, without changing the input", () => {
    const input = { vpcId: "vpc-1", list: ["subnet-1", "subnet-10"], nested: { arn: "arn:x:vpc-1" } };
    const out = substitute(input, { "vpc-1": "vpc-a", "subnet-1": "subnet-b" });
    expect(out).toEqual({ vpcId: "vpc-a", list: ["subnet-b", "subnet-10"], nested: { arn: "arn:x:vpc-1" } });
    expect(input.vpcId).toBe("vpc-1");
  });

  test("each config gets the account its ARNs name, or a made-up one, never one twice", () => {
    const named = { sns: "arn:aws:sns:eu-west-1:111122223333:topic" };
    expect(accountsFor([named, {}, named])).toEqual(["111122223333", "200000000001", "200000000002"]);
  });
});
