/**
 * The previous-release upgrade check's pure parts (previous-release/notes.ts) on fabricated plans:
 * the verdict fails on what an upgrade must not do, the emulator's gaps are left out of the notes,
 * and the notes table says where each change occurs. The fixtures are checked to be complete.
 * previous-release.process.test.ts plans the real state.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { allConfigs, ROOT } from "../helpers/fixtures";
import { change, plan } from "../helpers/plans";
import { readManifest, readState, readWorld, stateFile } from "./previous-release/fixtures";
import {
  readUpgradeNotesBlock,
  renderUpgradeNotes,
  upgradeBreaks,
  upgradeChanges,
  UPGRADE_NOTES_FILE,
  writeUpgradeNotesBlock,
  type UpgradeChange,
} from "./previous-release/notes";

const NLB = { name: "shop-nlb", internal: true, load_balancer_type: "network" };

describe("upgradeBreaks, the plan review's verdict on an upgrade", () => {
  test("a replaced NLB fails it, naming the address", () => {
    // GIVEN a plan that replaces the NLB, as a renamed NLB does
    const p = plan(change("aws_lb", "Nlb_BCDB97FE", ["delete", "create"], { ...NLB, name: "old" }, NLB, { replace_paths: [["name"]] }));
    // WHEN / THEN
    expect(upgradeBreaks(p)).toEqual(["replaces aws_lb: aws_lb.Nlb_BCDB97FE"]);
  });

  test.each([
    ["aws_lb_listener", ["create", "delete"]],
    ["aws_api_gateway_vpc_link", ["delete", "create"]],
    ["aws_apigatewayv2_api", ["delete", "create"]],
    ["aws_api_gateway_stage", ["delete", "create"]],
    ["aws_ecs_cluster", ["delete", "create"]],
    ["aws_ecs_service", ["delete", "create"]],
  ])("a replaced %s fails it", (type, actions) => {
    expect(upgradeBreaks(plan(change(type, "X", actions, { a: 1 }, { a: 2 })))).toEqual([`replaces ${type}: ${type}.X`]);
  });

  test("a destroyed resource of any type fails it", () => {
    const p = plan(
      change("aws_iam_role_policy", "Old", ["delete"], { policy: "{}" }, null),
      change("aws_ecs_service", "S", ["delete"], {}, null),
    );
    expect(upgradeBreaks(p)).toEqual([
      "destroys aws_ecs_service: aws_ecs_service.S",
      "destroys aws_iam_role_policy: aws_iam_role_policy.Old",
    ]);
  });

  test("creates, updates in place, and replacements of what carries no traffic pass it", () => {
    const p = plan(
      change("aws_iam_role", "TaskRole", ["create"], null, { name: "r" }),
      change("aws_lb", "Nlb", ["update"], NLB, { ...NLB, idle_timeout: 60 }),
      change("aws_ecs_service", "S", ["update"], { task_definition: "a:1" }, { task_definition: "a:2" }),
      change("aws_ecs_task_definition", "T", ["delete", "create"], { family: "a" }, { family: "a" }),
      change("aws_lb", "Same", ["no-op"], NLB, NLB),
    );
    expect(upgradeBreaks(p)).toEqual([]);
  });
});

describe("upgradeChanges, what the notes list", () => {
  test("an update of the emulator's gaps alone is left out; beside another change, the other change is listed", () => {
    // GIVEN a service whose placement strategy moto does not return (a gap), and one whose task definition also changes
    const gapOnly = change(
      "aws_ecs_service",
      "A",
      ["update"],
      { ordered_placement_strategy: [] },
      { ordered_placement_strategy: [{ type: "spread" }] },
    );
    const both = change(
      "aws_ecs_service",
      "B",
      ["update"],
      { ordered_placement_strategy: [], task_definition: "b:1" },
      { ordered_placement_strategy: [{ type: "spread" }], task_definition: "b:2" },
    );
    // WHEN
    const changes = upgradeChanges("examples/two-services.json", [gapOnly, both]);
    // THEN
    expect(changes).toEqual([
      {
        example: "examples/two-services.json",
        address: "aws_ecs_service.B",
        type: "aws_ecs_service",
        kind: "update",
        attributes: ["task_definition"],
      },
    ]);
  });

  test("a replacement lists what forces it, list indices as *; a create lists nothing; no-ops are left out", () => {
    const changes = upgradeChanges("embedded default", [
      change(
        "aws_launch_configuration",
        "Lc",
        ["create", "delete"],
        { metadata_options: [{ http_put_response_hop_limit: 2 }] },
        { metadata_options: [{ http_put_response_hop_limit: 1 }] },
        { replace_paths: [["metadata_options", 0, "http_put_response_hop_limit"]] },
      ),
      change("aws_iam_role", "Exec", ["create"], null, { name: "x" }),
      change("aws_lb", "Nlb", ["no-op"], NLB, NLB),
    ]);
    expect(changes.map((c) => [c.address, c.kind, c.attributes])).toEqual([
      ["aws_launch_configuration.Lc", "replace", ["metadata_options.*.http_put_response_hop_limit"]],
      ["aws_iam_role.Exec", "create", []],
    ]);
  });
});

describe("upgradeChanges and the launch template's version", () => {
  // The group's version follows the template's latest_version, which moto's tag_specifications gap makes unknown.
  const asg = change(
    "aws_autoscaling_group",
    "Asg",
    ["update"],
    { launch_template: [{ id: "lt-1", version: "1" }] },
    { launch_template: [{ id: "lt-1" }] },
    { after_unknown: { launch_template: [{ version: true }] } },
  );
  const template = (after: Record<string, unknown>) =>
    change(
      "aws_launch_template",
      "Lt",
      ["update"],
      { tag_specifications: [], metadata_options: [{ http_put_response_hop_limit: 2 }] },
      after,
      {
        after_unknown: { latest_version: true },
      },
    );

  test("with the template changed by the gaps alone, the group's new version is the gap's", () => {
    const gapsOnly = template({
      tag_specifications: [{ resource_type: "instance" }],
      metadata_options: [{ http_put_response_hop_limit: 2 }],
    });
    expect(upgradeChanges("embedded default", [gapsOnly, asg])).toEqual([]);
  });

  test("with the template changed for real, the group is updated to its new version", () => {
    const real = template({ tag_specifications: [{ resource_type: "instance" }], metadata_options: [{ http_put_response_hop_limit: 1 }] });
    expect(upgradeChanges("embedded default", [real, asg]).map((c) => [c.address, c.kind, c.attributes])).toEqual([
      ["aws_launch_template.Lt", "update", ["metadata_options.*.http_put_response_hop_limit"]],
      ["aws_autoscaling_group.Asg", "update", ["launch_template.*.version"]],
    ]);
  });
});

describe("renderUpgradeNotes", () => {
  const source = { commit: "0123456789abcdef", examples: ["embedded default", "examples/two-services.json", "examples/http-api.json"] };
  const at = (example: string, type: string, kind: UpgradeChange["kind"], attributes: string[] = [], name = "X"): UpgradeChange => ({
    example,
    address: `${type}.${name}`,
    type,
    kind,
    attributes,
  });

  test("no changes says so, under the commit and the examples planned", () => {
    expect(renderUpgradeNotes([], source)).toBe(
      "Planned against the state the previous release (commit `0123456`) applied for `default`, `two-services`, `http-api`.\n\nNo changes.",
    );
  });

  test("one row per resource type and change, saying where, sorted by type", () => {
    // GIVEN a role in every example (two in two-services), hop limit in two of three, a task definition and a parameter in one
    const changes = [
      at("embedded default", "aws_launch_template", "update", ["metadata_options.*.http_put_response_hop_limit"]),
      at("examples/two-services.json", "aws_launch_template", "update", ["metadata_options.*.http_put_response_hop_limit"]),
      at("embedded default", "aws_iam_role", "create"),
      at("examples/two-services.json", "aws_iam_role", "create", [], "A"),
      at("examples/two-services.json", "aws_iam_role", "create", [], "B"),
      at("examples/http-api.json", "aws_iam_role", "create"),
      at("examples/http-api.json", "aws_ecs_task_definition", "replace", ["execution_role_arn"]),
      at("examples/http-api.json", "aws_ecs_task_definition", "update", ["tags.x"]),
      at("examples/two-services.json", "aws_ssm_parameter", "create"),
    ];
    // WHEN
    const notes = renderUpgradeNotes(changes, source);
    // THEN
    expect(notes.split("\n").slice(2)).toEqual([
      "| Resource type | Change | Where | Attributes |",
      "| --- | --- | --- | --- |",
      "| `aws_ecs_task_definition` | update in place | http-api ×1 | `tags.x` |",
      "| `aws_ecs_task_definition` | replace | http-api ×1 | `execution_role_arn` |",
      "| `aws_iam_role` | create | every example ×1, but two-services ×2 | - |",
      "| `aws_launch_template` | update in place | every example ×1, but http-api ×0 | `metadata_options.*.http_put_response_hop_limit` |",
      "| `aws_ssm_parameter` | create | two-services ×1 | - |",
    ]);
  });
});

describe("the upgrade-notes block of docs/upgrading.md", () => {
  const doc = readFileSync(join(ROOT, UPGRADE_NOTES_FILE), "utf8");

  test("is there, and is replaced by what is written into it, the rest kept", () => {
    expect(readUpgradeNotesBlock(doc)).toBeDefined();
    const written = writeUpgradeNotesBlock(doc, "No changes.\nat all");
    expect(readUpgradeNotesBlock(written)).toBe("No changes.\nat all");
    expect(writeUpgradeNotesBlock(written, readUpgradeNotesBlock(doc)!)).toBe(doc);
  });

  test("the README has no upgrade-notes block left: the notes have one home", () => {
    expect(readUpgradeNotesBlock(readFileSync(join(ROOT, "README.md"), "utf8"))).toBeUndefined();
  });

  test("a document without the markers is refused", () => {
    expect(readUpgradeNotesBlock("# x\n")).toBeUndefined();
    expect(() => writeUpgradeNotesBlock("# x\n", "")).toThrow(/upgrade-notes:start/);
  });
});

describe("the previous release's fixtures", () => {
  test.each(Object.keys(readManifest().roots))("%s: its state and world are there, for configs that exist", (root) => {
    // GIVEN the manifest's root
    const { stacks } = readManifest().roots[root];
    // THEN its world lists the same configs, each a config of this tree, and its state holds their modules
    const world = readWorld(root);
    expect(world.stacks.map((s) => s.key)).toEqual(stacks);
    const keys = new Set(allConfigs().map(([key]) => key));
    expect(stacks.filter((k) => !keys.has(k))).toEqual([]);
    expect(existsSync(stateFile(root))).toBe(true);
    const modules = new Set(
      (JSON.parse(readState(root).toString("utf8")) as { resources: { module: string }[] }).resources.map((r) => r.module),
    );
    expect([...modules].sort()).toEqual(world.stacks.map((s) => `module.${s.module}`).sort());
  });
});
