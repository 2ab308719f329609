/**
 * The iam-least-privilege rule in detail: which actions count as wildcards or read-only, and the
 * policy forms it reads (a JSON string with `${...}` references, and `${jsonencode(...)}` as CDKTF
 * really writes it).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, Fn, TerraformStack } from "cdktf";
import { checkSynth, type SynthJson } from "../../lib/policy";
import { readJsonencode } from "../../lib/policy/hcl";
import { isReadOnly, wildcardProblem } from "../../lib/core/iam-statement";
import { readPolicyDocument, reviewPolicyDocument } from "../../lib/policy/iam";

const review = (...statements: unknown[]) => reviewPolicyDocument({ Version: "2012-10-17", Statement: statements });

describe("actions", () => {
  test.each(["*", "s3:*", "s3:Put*", "ec2:*Instances", "iam:G*", "ec2:?erminateInstances"])("%s is too wide a wildcard", (action) => {
    expect(wildcardProblem(action)).toBeDefined();
  });

  test.each(["ec2:Describe*", "s3:Get*Acl", "s3:List*", "dynamodb:BatchGet*", "s3:GetObject"])("%s is not a wide wildcard", (action) => {
    expect(wildcardProblem(action)).toBeUndefined();
  });

  test("read-only means Describe, List, Get or BatchGet, in any case", () => {
    expect(["ec2:DescribeInstances", "s3:listbucket", "ssm:GetParameter", "dynamodb:BatchGetItem"].every(isReadOnly)).toBe(true);
    expect(["ssm:PutParameter", "ec2:AuthorizeSecurityGroupIngress", "dynamodb:BatchWriteItem", "s3:*"].some(isReadOnly)).toBe(false);
  });
});

describe("statements", () => {
  test("a mutating action on Resource * is a problem; the same on an ARN, or a read on *, is not", () => {
    expect(
      review({ Effect: "Allow", Action: ["ec2:DescribeNetworkInterfaces", "ec2:AuthorizeSecurityGroupIngress"], Resource: "*" }),
    ).toEqual({
      problems: ['statement 1 allows ec2:AuthorizeSecurityGroupIngress on Resource "*" (only Describe/List/Get/BatchGet actions may be)'],
      unreadable: [],
    });
    expect(
      review({ Effect: "Allow", Action: "ec2:AuthorizeSecurityGroupIngress", Resource: ["arn:aws:ec2:eu-west-2:*:security-group/sg-1"] })
        .problems,
    ).toEqual([]);
    expect(review({ Effect: "Allow", Action: "ec2:DescribeSecurityGroupRules", Resource: ["*"] }).problems).toEqual([]);
  });

  test("wildcards, NotAction and NotResource are named by Sid", () => {
    expect(review({ Sid: "All", Effect: "Allow", Action: "*", NotResource: "arn:aws:s3:::b", NotAction: "iam:*" }).problems).toEqual([
      'statement "All" uses NotAction: it allows every action but the ones listed',
      'statement "All" uses NotResource: it allows every resource but the ones listed',
      'statement "All" allows every action ("*")',
    ]);
  });

  test("Deny statements are not judged", () => {
    expect(review({ Effect: "Deny", NotAction: "*", Resource: "*" }, { Effect: "Deny", Action: "*", NotResource: "*" }).problems).toEqual(
      [],
    );
  });

  test("an action that is an expression cannot be judged", () => {
    expect(review({ Effect: "Allow", Action: "${var.action}", Resource: "*" })).toEqual({
      problems: [],
      unreadable: ['statement 1: the action "${var.action}" is an expression'],
    });
  });
});

describe("policy forms", () => {
  test("a JSON string with ${...} references, as JSON.stringify writes it (BundledNodejsFunction)", () => {
    const text = JSON.stringify({
      Statement: [{ Effect: "Allow", Action: ["ssm:PutParameter"], Resource: '${aws_ssm_parameter.State["a"].arn}' }],
    });
    const read = readPolicyDocument(text);
    expect(read.ok && reviewPolicyDocument(read.document).problems).toEqual([]);
  });

  test("an expression other than jsonencode cannot be read", () => {
    expect(readPolicyDocument("${data.aws_iam_policy_document.x.json}")).toEqual({
      ok: false,
      reason: 'the policy is the expression "${data.aws_iam_policy_document.x.json}"',
    });
    expect(readPolicyDocument("{not json")).toEqual({ ok: false, reason: "the policy is not valid JSON" });
  });

  test("jsonencode arguments: bare references, numbers, booleans, and quotes CDKTF leaves unescaped", () => {
    const read = readJsonencode(
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Action" = ["s3:GetObject"], "Resource" = "arn:aws:s3:::b/"q" $${x}", "N" = 3, "B" = true, "R" = aws_lb.x["k"].arn, "F" = format("%s", var.y)}]})}',
    );
    expect(read).toEqual({
      ok: true,
      value: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: 'arn:aws:s3:::b/"q" ${x}',
            N: 3,
            B: true,
            R: '${aws_lb.x["k"].arn}',
            F: '${format("%s", var.y)}',
          },
        ],
      },
    });
    expect(readJsonencode("${jsonencode({")).toMatchObject({ ok: false });
  });

  test("Fn.jsonencode as CDKTF 0.21 writes it into cdk.tf.json is checked like JSON", () => {
    // GIVEN a stack whose policies are built with Fn.jsonencode, holding references
    const outdir = mkdtempSync(join(tmpdir(), "policy-jsonencode-"));
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "jsonencode");
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const logs = new CloudwatchLogGroup(stack, "Logs", { name: "logs", retentionInDays: 7 });
    const statement = (action: string[], resource: string) => ({ Effect: "Allow", Action: action, Resource: resource });
    new IamRolePolicy(stack, "Good", {
      role: "r",
      policy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [statement(["logs:PutLogEvents"], `${logs.arn}:*`), statement(["ec2:Describe*"], "*")],
      }),
    });
    new IamRolePolicy(stack, "Bad", {
      role: "r",
      policy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [statement(["logs:*"], logs.arn), statement(["logs:DeleteLogGroup"], "*")],
      }),
    });
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, "stacks", "jsonencode", "cdk.tf.json"), "utf8")) as SynthJson & {
      resource: { aws_iam_role_policy: Record<string, { policy: string }> };
    };
    expect(String(Object.values(json.resource.aws_iam_role_policy)[0].policy)).toMatch(/^\$\{jsonencode\(\{/);
    // WHEN
    const result = checkSynth(json);
    // THEN the bad one is reported, statement by statement, and nothing is left unread
    expect(result.unchecked).toEqual([]);
    expect(result.findings.map((f) => [f.address.replace(/_[0-9A-F]{8}$/, ""), f.message])).toEqual([
      ["aws_iam_role_policy.Bad", 'statement 1 allows every logs action ("logs:*")'],
      [
        "aws_iam_role_policy.Bad",
        'statement 2 allows logs:DeleteLogGroup on Resource "*" (only Describe/List/Get/BatchGet actions may be)',
      ],
    ]);
  });
});
