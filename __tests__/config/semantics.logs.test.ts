/**
 * The config's `logs` section: the customer-managed KMS key of every log group the stack creates,
 * and the retention of the groups without their own. One clear error per problem, naming the field
 * and the value.
 */
import { parseConfig } from "../../lib/config/load";
import { configErrorOf, defaultConfig } from "../helpers/fixtures";

const keyIn = (region: string) => `arn:aws:kms:${region}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** The one problem of a refused config, without the list's indentation. */
function onlyProblem(input: unknown): string {
  const problems = configErrorOf(() => parseConfig(input))
    .split("\n")
    .slice(1);
  expect(problems).toHaveLength(1);
  return problems[0].replace(/^ {2}- /, "");
}

describe("logs", () => {
  test("left out: no key, and 30 days for the groups without their own retention", () => {
    expect(parseConfig(defaultConfig()).logs).toEqual({ retentionDays: 30 });
  });

  test("a key in the stack's region and a retention CloudWatch Logs accepts are taken as given", () => {
    const input = { ...defaultConfig(), logs: { kmsKeyArn: keyIn("eu-west-2"), retentionDays: 365 } };
    expect(parseConfig(input).logs).toEqual({ kmsKeyArn: keyIn("eu-west-2"), retentionDays: 365 });
  });

  test("a key in another region is refused: CloudWatch Logs uses only a key of its own region", () => {
    const input = { ...defaultConfig(), logs: { kmsKeyArn: keyIn("us-east-1") } };
    expect(onlyProblem(input)).toBe(
      `logs.kmsKeyArn: ${keyIn("us-east-1")} is a key in us-east-1, but the stack's log groups are in eu-west-2: CloudWatch Logs only uses a KMS key of its own region; give a key in eu-west-2`,
    );
  });

  test.each([
    ["an alias, not a key", "arn:aws:kms:eu-west-2:123456789012:alias/logs"],
    ["a key id without its ARN", "1234abcd-12ab-34cd-56ef-1234567890ab"],
  ])("%s is refused, naming the field and the value", (_label, kmsKeyArn) => {
    expect(onlyProblem({ ...defaultConfig(), logs: { kmsKeyArn } })).toBe(
      `logs.kmsKeyArn: must be a KMS key ARN such as arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (got ${JSON.stringify(kmsKeyArn)})`,
    );
  });

  test("a retention CloudWatch Logs does not accept is refused", () => {
    expect(onlyProblem({ ...defaultConfig(), logs: { retentionDays: 45 } })).toMatch(/^logs\.retentionDays: .* \(got 45\)$/);
  });
});
