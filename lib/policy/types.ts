import type { StackPlan } from "../model/stack-plan";
/**
 * The shapes the policy check works with: findings, what was allowed or could not be checked,
 * and the one view of a resource that every rule reads, whichever input it came from.
 */

/** The rules, by id; `npm run check` and the findings name them like this. */
export type RuleId =
  | "internal-load-balancers"
  | "no-open-ingress"
  | "integrations-via-vpc-link"
  | "authorization"
  | "iam-least-privilege"
  | "no-wildcard-principals"
  | "lambda-runtime"
  | "no-public-ips"
  | "log-retention"
  | "imds-hop-limit"
  | "alb-header-hardening"
  | "lb-deletion-protection"
  | "rest-stage-web-acl";

/** One broken rule on one resource. */
/**
 * The public rules of the scanners platform teams gate merges on that check the same thing as one
 * of ours (lib/policy/references.ts), so a finding can be matched with theirs.
 */
export interface RuleReferences {
  /** checkov ids: `CKV_AWS_24`, `CKV2_AWS_29`. */
  readonly checkov: readonly string[];
  /** trivy (formerly tfsec) ids: `AVD-AWS-0107`. */
  readonly trivy: readonly string[];
  /** AWS Security Hub controls: `EC2.18`. */
  readonly securityHub: readonly string[];
}

export interface Finding {
  /** Terraform address: `aws_lb.Nlb_BCDB97FE`, or a plan's `address` (module prefix and index included). */
  readonly address: string;
  readonly rule: RuleId;
  /** One line, for people. */
  readonly message: string;
  /** The scanners' rules that check the same thing (empty lists where none does). */
  readonly references: RuleReferences;
}

/**
 * A finding the caller allowed: authorization NONE on a route the config or `allowNone` opened
 * deliberately, or a finding of a rule the config opts out of for the whole stack (`optOuts`).
 */
export interface AllowedFinding extends Finding {
  /** Who allowed it: `allowNone`, the config route that says NONE, or the config field that opts out of the rule. */
  readonly allowedBy: string;
}

/** A rule that could not look at a resource: a value known only after apply, or an expression it cannot read. */
export interface Unchecked {
  readonly address: string;
  readonly rule: RuleId;
  /** What was not checked, and why. */
  readonly message: string;
}

/** What a check found on one input. */
export interface CheckResult {
  /** What was checked: a synthesised stack (`cdk.tf.json`) or `terraform show -json` of a plan. */
  readonly kind: "synth" | "plan";
  /** Resources looked at (a plan: managed resources that still exist after it). */
  readonly resources: number;
  readonly findings: readonly Finding[];
  readonly allowed: readonly AllowedFinding[];
  readonly unchecked: readonly Unchecked[];
}

/** Options of every check. */
export interface CheckOptions {
  /** Addresses whose authorization NONE is deliberate. */
  readonly allowNone?: Iterable<string>;
  /**
   * Rules the config opts out of for the whole stack, each with the config field that says so
   * (stackOptOuts in ./check.ts): their findings are allowed, in a synthesised stack and in a plan.
   */
  readonly optOuts?: ReadonlyMap<RuleId, string>;
  /**
   * The day Lambda runtimes are judged on.
   * @default - now
   */
  readonly now?: Date;
}

/** Options of a check of a synthesised stack. */
export interface SynthCheckOptions extends CheckOptions {
  /**
   * The plan the stack was built from (lib/model/stack-plan.ts): methods and routes of its
   * `"authorization": "NONE"` routes are allowed, matched through the construct path in each
   * resource's metadata.
   */
  readonly plan?: Pick<StackPlan, "topology">;
}

/** An attribute path: names and list indexes. */
export type AttributePath = readonly (string | number)[];

/**
 * One resource as the rules see it, from a synthesised stack or from a plan. Rules read only this,
 * so each rule is written once for both inputs.
 */
export interface ResourceView {
  readonly address: string;
  readonly type: string;
  /** Attribute values: the resource's block in `cdk.tf.json`, or the plan's `change.after`. */
  readonly values: Record<string, unknown>;
  /** Whether the value at `path` is known only after apply (only ever true in a plan). */
  unknown(path: AttributePath): boolean;
  /**
   * What the attribute's expression refers to (`aws_api_gateway_vpc_link.VpcLink_1A2B.id`), empty
   * for a literal; undefined when the input does not say (a plan without its `configuration`).
   */
  references(attribute: string): readonly string[] | undefined;
  /**
   * Whether the configuration sets the attribute at all (a computed attribute it leaves alone is
   * unknown in a plan, yet holds nothing from it); undefined when the input does not say.
   */
  configured(attribute: string): boolean | undefined;
  /**
   * The attribute as the configuration writes it, when that is a constant: the synthesised value,
   * or a plan's `configuration` `constant_value` (for a JSON configuration the template string,
   * references included as `${...}`); undefined otherwise.
   */
  written(attribute: string): unknown;
  /** Whether a resource `type.name` exists beside this one (same module); undefined when the input does not say. */
  exists(address: string): boolean | undefined;
  /** The construct path from the resource's metadata (synthesised stacks only). */
  readonly constructPath?: string;
}

/** What a rule says about one resource. */
export interface Outcome {
  /** `finding`: the rule is broken; `unchecked`: the rule could not tell. */
  readonly kind: "finding" | "unchecked";
  readonly message: string;
}

/** One rule of the check. */
export interface Rule {
  readonly id: RuleId;
  /** What the rule checks, one sentence (the README and `--help` say the same). */
  readonly summary: string;
  /** The resource types it looks at. */
  readonly types: readonly string[];
  check(resource: ResourceView, context: RuleContext): readonly Outcome[];
}

/** What rules may depend on besides the resource. */
export interface RuleContext {
  /** The day Lambda runtimes are judged on. */
  readonly now: Date;
  /**
   * Every resource of the input, the one judged included: for a rule about how resources relate
   * (a REST stage and the web ACL association that names it).
   */
  readonly resources: readonly ResourceView[];
}
