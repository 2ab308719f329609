import { AWS_ID_EXAMPLES, AWS_ID_PATTERNS } from "../../lib/core/aws-ids";

const PREFIXES = { vpc: "vpc", subnet: "subnet", securityGroup: "sg", ami: "ami" } as const;

test.each(Object.entries(PREFIXES))("a %s id has 8 or 17 lower-case hex digits, as EC2 issues them", (kind, prefix) => {
  const pattern = AWS_ID_PATTERNS[kind as keyof typeof PREFIXES];
  expect(pattern.test(AWS_ID_EXAMPLES[kind as keyof typeof PREFIXES])).toBe(true);
  expect(pattern.test(`${prefix}-0123abcd`)).toBe(true);
  expect(pattern.test(`${prefix}-0123456789abcdef0`)).toBe(true);
  for (const digits of [7, 9, 12, 16, 18]) expect(pattern.test(`${prefix}-${"a".repeat(digits)}`)).toBe(false);
  expect(pattern.test(`${prefix}-0123ABCD`)).toBe(false);
  expect(pattern.test(`x${prefix}-0123abcd`)).toBe(false);
});
