/**
 * One pattern per kind of AWS resource id the package checks (`vpc-...`, `subnet-...`, `sg-...`,
 * `ami-...`), for the config schema, the import ids of `adopt`, and the Lambda handlers (which
 * bundle this module, so it imports nothing).
 *
 * EC2 issues these ids with 8 hex digits (the older form) or 17 (the longer form since 2016-2018),
 * and never any other count, so the patterns take exactly those two.
 */

/** `<prefix>-` and 8 or 17 lower-case hex digits. */
const ec2Id = (prefix: string): RegExp => new RegExp(`^${prefix}-[0-9a-f]{8}(?:[0-9a-f]{9})?$`);

/** The pattern of each kind of id. */
export const AWS_ID_PATTERNS = {
  vpc: ec2Id("vpc"),
  subnet: ec2Id("subnet"),
  securityGroup: ec2Id("sg"),
  ami: ec2Id("ami"),
} as const;

/** An example of each kind of id, for messages. */
export const AWS_ID_EXAMPLES: { readonly [K in keyof typeof AWS_ID_PATTERNS]: string } = {
  vpc: "vpc-0123456789abcdef0",
  subnet: "subnet-0123456789abcdef0",
  securityGroup: "sg-0123456789abcdef0",
  ami: "ami-0123456789abcdef0",
};
