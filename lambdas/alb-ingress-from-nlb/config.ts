import { AWS_ID_EXAMPLES, AWS_ID_PATTERNS } from "../../lib/core/aws-ids";

/** The function's settings, read once from its environment. */
export interface AlbIngressConfig {
  /** Description of the NLB's network interfaces: `ELB net/<name>/<id>`. */
  readonly nlbEniDescription: string;
  /** The ALB's security group, where the rules are kept. */
  readonly securityGroupId: string;
  /** TCP listener ports of the ALB, ascending. */
  readonly ports: readonly number[];
  /**
   * Start of the description of every rule this function creates, and how it recognises them.
   * @default "alb-ingress-from-nlb"
   */
  readonly ruleDescriptionPrefix: string;
}

export const DEFAULT_RULE_DESCRIPTION_PREFIX = "alb-ingress-from-nlb";

// Characters EC2 accepts in a security group rule description.
const DESCRIPTION_CHARS = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/;
// 255 is EC2's limit for a rule description; leave room for ": NLB 255.255.255.255".
const MAX_PREFIX_LENGTH = 255 - ": NLB 255.255.255.255".length;

/** Reads and checks the environment; throws an error naming the variable, what is wrong and the value given. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AlbIngressConfig {
  return {
    nlbEniDescription: nlbEniDescription(env.NLB_ENI_DESCRIPTION),
    securityGroupId: securityGroupId(env.SECURITY_GROUP_ID),
    ports: ports(env.PORTS),
    ruleDescriptionPrefix: ruleDescriptionPrefix(env.RULE_DESCRIPTION_PREFIX),
  };
}

function fail(message: string): never {
  throw new Error(`alb-ingress-from-nlb: ${message}`);
}

function nlbEniDescription(value: string | undefined): string {
  if (!value?.trim()) fail('environment variable NLB_ENI_DESCRIPTION is required: the NLB\'s interface description, "ELB net/<name>/<id>"');
  if (value.startsWith("ELB app/")) {
    fail(`NLB_ENI_DESCRIPTION must describe the NLB's interfaces ("ELB net/<name>/<id>"), not an ALB's (got "${value}")`);
  }
  if (!/^ELB net\/[A-Za-z0-9-]+\/[0-9a-f]+$/.test(value)) fail(`NLB_ENI_DESCRIPTION must look like "ELB net/<name>/<id>" (got "${value}")`);
  return value;
}

function securityGroupId(value: string | undefined): string {
  if (!value?.trim()) fail("environment variable SECURITY_GROUP_ID is required: the id of the ALB's security group");
  if (!AWS_ID_PATTERNS.securityGroup.test(value))
    fail(`SECURITY_GROUP_ID must be a security group id like "${AWS_ID_EXAMPLES.securityGroup}" (got "${value}")`);
  return value;
}

function ports(value: string | undefined): number[] {
  if (!value?.trim()) fail('environment variable PORTS is required: the ALB\'s listener ports, comma-separated, e.g. "80" or "80,443"');
  const seen = new Set<number>();
  for (const item of value.split(",").map((s) => s.trim())) {
    const port = /^\d{1,5}$/.test(item) ? Number(item) : NaN;
    if (!(port >= 1 && port <= 65535))
      fail(`PORTS must be comma-separated TCP ports from 1 to 65535, e.g. "80,443"; "${item}" is not one (got "${value}")`);
    if (seen.has(port)) fail(`PORTS lists port ${port} twice (got "${value}")`);
    seen.add(port);
  }
  return [...seen].sort((a, b) => a - b);
}

function ruleDescriptionPrefix(value: string | undefined): string {
  // Unset and empty both mean the default: an empty prefix would claim rules this function never wrote.
  if (value === undefined || value.trim() === "") return DEFAULT_RULE_DESCRIPTION_PREFIX;
  if (value !== value.trim()) fail(`RULE_DESCRIPTION_PREFIX must not start or end with spaces (got "${value}")`);
  if (value.length > MAX_PREFIX_LENGTH)
    fail(`RULE_DESCRIPTION_PREFIX must be at most ${MAX_PREFIX_LENGTH} characters (got ${value.length})`);
  if (!DESCRIPTION_CHARS.test(value)) {
    fail(
      `RULE_DESCRIPTION_PREFIX may only use letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* (EC2's rule description characters) (got "${value}")`,
    );
  }
  return value;
}
