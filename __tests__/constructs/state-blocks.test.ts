import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { ImportBlock, MovedBlock } from "../../lib/constructs/state-blocks";
import { resourcesOf, type TerraformJson } from "../helpers/synth";
import { objectContaining, stringMatching } from "../helpers/expect";

interface StateBlocksJson extends TerraformJson {
  readonly import?: { readonly id: string; readonly to: string }[];
}

/** A stack with one log group, and what `add` puts on it. */
function build(add: (group: CloudwatchLogGroup) => void): { json: StateBlocksJson; group: CloudwatchLogGroup } {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const group = new CloudwatchLogGroup(stack, "LogGroup", { name: "/shop/orders" });
  add(group);
  // `true` runs the stack's validations: with CDKTF's own moveFromId or importFrom, one of them
  // would start `terraform version`, which the unit project's setup forbids.
  return { json: JSON.parse(Testing.synth(stack, true)) as StateBlocksJson, group };
}

describe("MovedBlock", () => {
  test("moves the resource from the older address given, to its address in the stack", () => {
    // WHEN
    const { json } = build((group) => new MovedBlock(group, "aws_cloudwatch_log_group.Old_1234ABCD"));
    // THEN
    const [[id]] = resourcesOf(json, "aws_cloudwatch_log_group");
    expect(json.moved).toEqual([{ from: "aws_cloudwatch_log_group.Old_1234ABCD", to: `aws_cloudwatch_log_group.${id}` }]);
  });

  test("in HCL, both ends are references, not strings", () => {
    // GIVEN
    let block: MovedBlock | undefined;
    build((group) => (block = new MovedBlock(group, "aws_cloudwatch_log_group.Old_1234ABCD")));
    // WHEN
    const hcl = block?.toHclTerraform();
    // THEN
    expect(hcl).toEqual({
      moved: [
        {
          to: objectContaining({
            value: stringMatching(/^aws_cloudwatch_log_group\.LogGroup/),
            storageClassType: "reference",
          }),
          from: objectContaining({ value: "aws_cloudwatch_log_group.Old_1234ABCD", storageClassType: "reference" }),
        },
      ],
    });
  });
});

describe("ImportBlock", () => {
  test("imports the existing resource by its import id, taken literally", () => {
    // WHEN
    const { json } = build((group) => new ImportBlock(group, "/shop/orders"));
    // THEN
    const [[id]] = resourcesOf(json, "aws_cloudwatch_log_group");
    expect(json.import).toEqual([{ id: "/shop/orders", to: `aws_cloudwatch_log_group.${id}` }]);
  });

  test("in HCL, the id is a string and the target a reference", () => {
    // GIVEN
    let block: ImportBlock | undefined;
    build((group) => (block = new ImportBlock(group, "/shop/orders")));
    // WHEN
    const hcl = block?.toHclTerraform();
    // THEN
    expect(hcl).toEqual({
      import: [
        {
          to: objectContaining({ storageClassType: "reference" }),
          id: objectContaining({ value: "/shop/orders", storageClassType: "string" }),
        },
      ],
    });
  });
});
