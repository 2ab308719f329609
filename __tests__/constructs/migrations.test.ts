import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { moveFromOldId, moveFromRenamed } from "../../lib/constructs/migrations";
import type { TerraformJson } from "../helpers/synth";

interface MovedJson extends TerraformJson {
  readonly moved?: { readonly from: string; readonly to: string }[];
}

const newStack = (): TerraformStack => {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  return stack;
};
const synth = (stack: TerraformStack): MovedJson => JSON.parse(Testing.synth(stack, true)) as MovedJson;
const address = (stack: TerraformStack, group: CloudwatchLogGroup): string => `aws_cloudwatch_log_group.${stack.getLogicalId(group)}`;

describe("moveFromOldId", () => {
  test("moves the resource from the address its old construct id had under the same holder", () => {
    // GIVEN the address of `Holder/Old`
    const before = newStack();
    const old = new CloudwatchLogGroup(new Construct(before, "Holder"), "Old", { name: "/shop/orders" });
    // WHEN the resource is `Holder/New` now
    const stack = newStack();
    const holder = new Construct(stack, "Holder");
    const group = new CloudwatchLogGroup(holder, "New", { name: "/shop/orders" });
    moveFromOldId(group, holder, "Old");
    // THEN
    expect(synth(stack).moved).toEqual([{ from: address(before, old), to: address(stack, group) }]);
  });
});

describe("moveFromRenamed", () => {
  test("moves the resource from its address in the stack before the rename, replacing a move planned for an id change", () => {
    // GIVEN
    const before = newStack();
    const old = new CloudwatchLogGroup(before, "Service-orders", { name: "/shop/orders" });
    const stack = newStack();
    const group = new CloudwatchLogGroup(stack, "Service-sales", { name: "/shop/orders" });
    moveFromOldId(group, stack, "Service-older");
    // WHEN
    moveFromRenamed(group, old, before);
    // THEN
    expect(synth(stack).moved).toEqual([{ from: address(before, old), to: address(stack, group) }]);
  });
});
