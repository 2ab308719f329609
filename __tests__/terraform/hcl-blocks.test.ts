/**
 * The HCL export's repair of untyped attributes (scripts/tooling/hcl-blocks.ts): CDKTF renders the
 * `statement` of a web ACL rule as an HCL object, which Terraform refuses; the repair writes it as
 * the nested blocks the provider's schema has. hcl.process.test.ts plans a whole REST stack's HCL
 * against the JSON synth; this one pins the rewriting itself, on a web ACL with rules that count.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { RestApiWebAcl } from "../../lib/constructs/rest-api-web-acl";
import { reblockUntypedAttributes } from "../../scripts/tooling/hcl-blocks";

function webAclHcl(): string {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  new RestApiWebAcl(stack, "WebAcl", {
    name: "shop",
    stageArn: "arn:aws:apigateway:eu-west-2::/restapis/a1b2c3d4e5/stages/v1",
    webAcl: { mode: "create", countRules: { AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY", "NoUserAgent_HEADER"] } },
  });
  return String(Testing.synthHcl(stack));
}

/** The HCL without indentation or blank lines, one line per statement. */
const lines = (hcl: string) =>
  hcl
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");

test("CDKTF writes each rule's statement as an object, after its warning comment", () => {
  const hcl = webAclHcl();
  expect(hcl.match(/^\s*statement = \{$/gm)).toHaveLength(4);
  expect(hcl.match(/# Warning: The following attribute is of an unexpected type\./g)).toHaveLength(4);
});

test("the repair writes the four statements as nested blocks, lists of objects as repeated blocks", () => {
  // WHEN
  const { hcl, rewritten } = reblockUntypedAttributes(webAclHcl());
  // THEN
  expect(rewritten).toBe(4);
  expect(hcl).not.toContain("# Warning: The following attribute is of an unexpected type");
  expect(hcl).not.toMatch(/^\s*statement = /m);
  const text = lines(hcl).join("\n");
  expect(text).toContain(
    [
      "statement {",
      "managed_rule_group_statement {",
      'vendor_name = "AWS"',
      'name = "AWSManagedRulesCommonRuleSet"',
      "rule_action_override {",
      'name = "SizeRestrictions_BODY"',
      "action_to_use {",
      "count {",
      "}",
      "}",
      "}",
      "rule_action_override {",
      'name = "NoUserAgent_HEADER"',
      "action_to_use {",
      "count {",
      "}",
      "}",
      "}",
      "}",
      "}",
    ].join("\n"),
  );
  expect(text).toContain(
    ["statement {", "rate_based_statement {", "limit = 2000", 'aggregate_key_type = "IP"', "evaluation_window_sec = 300", "}", "}"].join(
      "\n",
    ),
  );
  // Every block that opens closes.
  expect(hcl.split("{").length).toBe(hcl.split("}").length);
});

test("lists of scalars stay attributes, and attributes it does not know stay as CDKTF wrote them", () => {
  const warning = "# Warning: The following attribute is of an unexpected type. Either there's a problem with the provider";
  const input = [
    'resource "x" "y" {',
    warning,
    "",
    "statement = {",
    "geo_match_statement = {",
    'country_codes = ["DE", "FR", ]',
    "}",
    "}",
    warning,
    "",
    "settings = {",
    "a = 1",
    "}",
    "}",
  ].join("\n");
  const { hcl, rewritten } = reblockUntypedAttributes(input);
  expect(rewritten).toBe(1);
  expect(lines(hcl)).toEqual([
    'resource "x" "y" {',
    "statement {",
    "geo_match_statement {",
    'country_codes = ["DE", "FR"]',
    "}",
    "}",
    warning,
    "settings = {",
    "a = 1",
    "}",
    "}",
  ]);
});
