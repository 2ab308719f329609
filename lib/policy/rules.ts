/**
 * The rules of `npm run check`. Each reads a {@link ResourceView}, so one rule serves both a
 * synthesised stack and a plan; where a plan only knows a value after apply, the rule says so
 * (`unchecked`) instead of guessing.
 */
import { readPolicyDocument, reviewPolicyDocument, reviewTrustPolicy } from "./iam";
import { RUNTIME_TABLE_AS_OF, runtimeStatus } from "./runtimes";
import type { AttributePath, Outcome, ResourceView, Rule } from "./types";
import { asBool, isRecord, listOf, quote, show } from "../core/values";

const finding = (message: string): Outcome => ({ kind: "finding", message });
const unchecked = (message: string): Outcome => ({ kind: "unchecked", message });

/** `unchecked` when the value at `path` is known only after apply. */
function unknownAt(r: ResourceView, path: AttributePath): Outcome | undefined {
  return r.unknown(path) ? unchecked(`${path.join(".")} is known only after apply`) : undefined;
}

/** A CIDR block that covers the whole address space: `0.0.0.0/0`, `::/0` (any `/0`). */
export function isWholeInternet(cidr: unknown): cidr is string {
  return typeof cidr === "string" && /\/0$/.test(cidr.trim());
}

function portRange(rule: Record<string, unknown>): string {
  const protocol = rule.ip_protocol ?? rule.protocol;
  const ports = rule.from_port === rule.to_port ? show(rule.from_port ?? "any") : `${show(rule.from_port)}-${show(rule.to_port)}`;
  return protocol === "-1" || protocol === "all" ? "all traffic" : `${show(protocol ?? "?")} port ${ports}`;
}

/** Open CIDRs of a rule-like block in `cidrAttributes`. */
function openIngress(r: ResourceView, block: Record<string, unknown>, cidrAttributes: readonly string[], where: AttributePath): Outcome[] {
  return cidrAttributes.flatMap((attr) => {
    const unknown = unknownAt(r, [...where, attr]);
    if (unknown) return [unknown];
    return listOf(block[attr])
      .filter(isWholeInternet)
      .map((cidr) => finding(`${where.length > 0 ? `${where.join(".")} ` : ""}admits ${cidr} (the whole internet), ${portRange(block)}`));
  });
}

/** `metadata_options.http_tokens` must be "required": with "optional", IMDSv1 answers anyone who asks. */
function imdsTokens(r: ResourceView, options: Record<string, unknown>): Outcome[] {
  const unknown = unknownAt(r, ["metadata_options", 0, "http_tokens"]);
  if (unknown) return [unknown];
  const tokens = options.http_tokens;
  if (tokens === "required") return [];
  if (typeof tokens === "string" && tokens.includes("${"))
    return [unchecked(`metadata_options.http_tokens is the expression ${quote(tokens)}`)];
  if (tokens === undefined)
    return [
      finding(
        'metadata_options.http_tokens is not set: EC2 then takes the account default or "optional" (IMDSv1 allowed; "required" only for AMIs marked for IMDSv2): set "required"',
      ),
    ];
  return [finding(`metadata_options.http_tokens is ${quote(tokens)}, not "required": IMDSv1 hands out the instance role without a token`)];
}

/** `metadata_options.http_put_response_hop_limit` must be 1: with 2, a bridge-mode container gets an IMDSv2 token. */
function imdsHopLimit(r: ResourceView, options: Record<string, unknown>): Outcome[] {
  const unknown = unknownAt(r, ["metadata_options", 0, "http_put_response_hop_limit"]);
  if (unknown) return [unknown];
  const limit = options.http_put_response_hop_limit;
  if (typeof limit === "string" && limit.includes("${"))
    return [unchecked(`metadata_options.http_put_response_hop_limit is the expression ${quote(limit)}`)];
  if (limit === undefined || limit === null)
    return [
      finding(
        "metadata_options.http_put_response_hop_limit is not set: EC2 then takes the account default, or 1, or 2 for AMIs marked for IMDSv2 (as Amazon Linux 2023 is), where bridge-mode containers can reach the instance role: set 1",
      ),
    ];
  if (Number(limit) === 1) return [];
  return [
    finding(
      `metadata_options.http_put_response_hop_limit is ${quote(limit)}, not 1: bridge-mode containers are one hop away and can get IMDSv2 tokens, so the instance role's credentials`,
    ),
  ];
}

/** The VPC link type an integration type must go through. */
const VPC_LINK_TYPE: Record<string, string> = {
  aws_api_gateway_integration: "aws_api_gateway_vpc_link",
  aws_apigatewayv2_integration: "aws_apigatewayv2_vpc_link",
};

/** `aws_api_gateway_stage.api` from `module.a.aws_api_gateway_stage.api[0]`: the address inside its module, without an index. */
function moduleLocalAddress(address: string): string {
  const parts = address.replace(/\[[^\]]*\]/g, "").split(".");
  return parts.slice(-2).join(".");
}

/** `module.a` from `module.a.aws_api_gateway_stage.api[0]` ("" for the root module). */
function moduleOf(address: string): string {
  const parts = address.replace(/\[[^\]]*\]/g, "").split(".");
  return parts.slice(0, -2).join(".");
}

/**
 * Whether a web ACL association of the input names the stage: its resource_arn references the
 * stage's arn (a synthesised stack's `${...}`, or a plan's configuration references, from the same
 * module), or equals the stage's arn where a plan knows both (a stage that already exists).
 * Undefined when a plan can tell neither (no configuration section, values known after apply).
 */
function stageHasAssociation(stage: ResourceView, resources: readonly ResourceView[]): boolean | undefined {
  const stageRef = moduleLocalAddress(stage.address);
  const stageArn = stage.unknown(["arn"]) ? undefined : stage.values.arn;
  let undecided = false;
  for (const association of resources) {
    if (association.type !== "aws_wafv2_web_acl_association" || moduleOf(association.address) !== moduleOf(stage.address)) continue;
    const known = association.unknown(["resource_arn"]) ? undefined : association.values.resource_arn;
    if (typeof stageArn === "string" && stageArn !== "" && known === stageArn) return true;
    const refs = association.references("resource_arn");
    if (refs === undefined) {
      if (known === undefined) undecided = true;
      continue;
    }
    if (refs.some((ref) => ref === `${stageRef}.arn` || ref === stageRef)) return true;
  }
  return undecided ? undefined : false;
}

/** Each rule, in the order findings are listed. */
export const RULES: readonly Rule[] = [
  {
    id: "internal-load-balancers",
    summary: "Every load balancer (aws_lb, aws_alb, classic aws_elb) is internal: internal = true.",
    types: ["aws_lb", "aws_alb", "aws_elb"],
    check: (r) => {
      const unknown = unknownAt(r, ["internal"]);
      if (unknown) return [unknown];
      if (asBool(r.values.internal) === true) return [];
      return [finding(`is internet-facing: internal is ${quote(r.values.internal)}, not true`)];
    },
  },
  {
    id: "no-open-ingress",
    summary:
      "No ingress from 0.0.0.0/0 or ::/0: aws_vpc_security_group_ingress_rule, aws_security_group_rule of type ingress, and inline ingress blocks of aws_security_group and aws_default_security_group.",
    types: ["aws_vpc_security_group_ingress_rule", "aws_security_group_rule", "aws_security_group", "aws_default_security_group"],
    check: (r) => {
      if (r.type === "aws_vpc_security_group_ingress_rule") return openIngress(r, r.values, ["cidr_ipv4", "cidr_ipv6"], []);
      const cidrs = ["cidr_blocks", "ipv6_cidr_blocks"];
      if (r.type === "aws_security_group_rule") return r.values.type === "ingress" ? openIngress(r, r.values, cidrs, []) : [];
      // A group whose rules are separate resources leaves the computed `ingress` unknown in a plan;
      // its configuration (when the plan has it) then shows there are no inline rules to judge.
      if (r.configured("ingress") === false) return [];
      const unknown = unknownAt(r, ["ingress"]);
      if (unknown) return [unknown];
      return listOf(r.values.ingress).flatMap((block, i) => (isRecord(block) ? openIngress(r, block, cidrs, ["ingress", i]) : []));
    },
  },
  {
    id: "integrations-via-vpc-link",
    summary:
      "Every HTTP or HTTP_PROXY integration (aws_api_gateway_integration, aws_apigatewayv2_integration) has connection_type VPC_LINK and a connection_id that references a VPC link resource of the stack (in a plan: only when its configuration section is there).",
    types: Object.keys(VPC_LINK_TYPE),
    check: (r) => {
      const typeAttr = r.type === "aws_api_gateway_integration" ? "type" : "integration_type";
      const unknown = unknownAt(r, [typeAttr]) ?? unknownAt(r, ["connection_type"]);
      if (unknown) return [unknown];
      const type = r.values[typeAttr];
      if (type !== "HTTP" && type !== "HTTP_PROXY") return [];
      if (r.values.connection_type !== "VPC_LINK")
        return [finding(`is an ${type} integration with connection_type ${quote(r.values.connection_type)}, not "VPC_LINK"`)];
      const refs = r.references("connection_id");
      if (refs === undefined) return [];
      const linkType = VPC_LINK_TYPE[r.type];
      const link = refs.map((ref) => new RegExp(`^(${linkType}\\.[^.\\[]+)(\\[[^\\]]*\\])?\\.id$`).exec(ref)).find((m) => m !== null);
      if (!link) return [finding(`connection_id (${quote(r.values.connection_id)}) does not reference the id of an ${linkType}`)];
      if (r.exists(link[1]) === false) return [finding(`connection_id references ${link[1]}, which is not a resource of this stack`)];
      return [];
    },
  },
  {
    id: "authorization",
    summary:
      "No aws_api_gateway_method with authorization NONE and no aws_apigatewayv2_route with authorization_type NONE (the default), unless allowed.",
    types: ["aws_api_gateway_method", "aws_apigatewayv2_route"],
    check: (r) => {
      const rest = r.type === "aws_api_gateway_method";
      const attr = rest ? "authorization" : "authorization_type";
      const unknown = unknownAt(r, [attr]);
      if (unknown) return [unknown];
      const value = r.values[attr] ?? (rest ? undefined : "NONE");
      if (value !== "NONE" && value !== undefined) return [];
      const what = rest ? `${typeof r.values.http_method === "string" ? r.values.http_method : "method"}` : quote(r.values.route_key);
      return [finding(`${what} has ${attr} ${value ?? "not set"}: anyone can call it`)];
    },
  },
  {
    id: "iam-least-privilege",
    summary: `Inline IAM policies (aws_iam_role_policy, aws_iam_policy, aws_iam_user_policy, aws_iam_group_policy, aws_iam_role inline_policy) allow no wildcard action (*, service:*, or a pattern such as s3:Put* that is not Describe/List/Get/BatchGet), no NotAction or NotResource, and no action other than those read-only verbs on Resource "*". Deny statements are not judged.`,
    types: ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role"],
    check: (r) => {
      const policies: [AttributePath, unknown][] =
        r.type === "aws_iam_role"
          ? listOf(r.values.inline_policy).flatMap((p, i): [AttributePath, unknown][] =>
              isRecord(p) ? [[["inline_policy", i, "policy"], p.policy]] : [],
            )
          : [[["policy"], r.values.policy]];
      return policies.flatMap(([path, known]) => {
        // A plan knows a policy with references only after apply; its configuration may still have it as written.
        const value = r.unknown(path) && path.length === 1 ? r.written("policy") : known;
        if (value === undefined) {
          const unknown = unknownAt(r, path);
          if (unknown) return [unknown];
        }
        if (r.type === "aws_iam_role" && (value === undefined || value === "")) return [];
        const where = path.length > 1 ? `${path.slice(0, 2).join(".")}: ` : "";
        const read = readPolicyDocument(value);
        if (!read.ok) return [unchecked(`${where}${read.reason}`)];
        const report = reviewPolicyDocument(read.document);
        return [...report.problems.map((p) => finding(where + p)), ...report.unreadable.map((u) => unchecked(where + u))];
      });
    },
  },
  {
    id: "no-wildcard-principals",
    summary:
      'Nothing is granted to any principal: no aws_lambda_permission with principal "*", and no Allow statement in an aws_iam_role assume_role_policy with Principal "*" (or "*" among its values, as {"AWS": "*"}) or NotPrincipal, whatever its Condition.',
    types: ["aws_lambda_permission", "aws_iam_role"],
    check: (r) => {
      if (r.type === "aws_lambda_permission") {
        const unknown = unknownAt(r, ["principal"]);
        if (unknown) return [unknown];
        return r.values.principal === "*" ? [finding('any principal ("*") may invoke the function')] : [];
      }
      // As for policies: a trust policy with references is known only after apply, yet may be written as a constant.
      const value = r.unknown(["assume_role_policy"]) ? r.written("assume_role_policy") : r.values.assume_role_policy;
      if (value === undefined) {
        // Terraform requires the attribute; a resource without it has nothing to judge.
        const unknown = unknownAt(r, ["assume_role_policy"]);
        return unknown ? [unknown] : [];
      }
      const read = readPolicyDocument(value);
      if (!read.ok) return [unchecked(`assume_role_policy: ${read.reason.replace(/^the policy/, "the trust policy")}`)];
      return reviewTrustPolicy(read.document).map((p) => finding(`assume_role_policy: ${p}`));
    },
  },
  {
    id: "lambda-runtime",
    summary: `Every aws_lambda_function (not a container image) uses a runtime that AWS has not deprecated on the day of the check, from a dated table (as of ${RUNTIME_TABLE_AS_OF}); a runtime not in the table is a finding too.`,
    types: ["aws_lambda_function"],
    check: (r, { now }) => {
      if (r.values.package_type === "Image") return [];
      const unknown = unknownAt(r, ["runtime"]);
      if (unknown) return [unknown];
      const runtime = r.values.runtime;
      if (typeof runtime !== "string" || runtime === "") return [finding("has no runtime")];
      const status = runtimeStatus(runtime, now);
      if (status.status === "unknown")
        return [
          finding(`runtime ${runtime} is not in the table of AWS deprecation dates (as of ${RUNTIME_TABLE_AS_OF}; lib/policy/runtimes.ts)`),
        ];
      if (status.status === "deprecated") return [finding(`runtime ${runtime} is deprecated since ${status.deprecation}`)];
      return [];
    },
  },
  {
    id: "no-public-ips",
    summary:
      "No public IPs: aws_launch_template network interfaces set associate_public_ip_address = false, aws_launch_configuration sets it false, aws_instance does not set it true, aws_ecs_service (awsvpc tasks, as on Fargate) does not set network_configuration.assign_public_ip true, aws_subnet does not map public IPs on launch, and there is no aws_internet_gateway, public aws_nat_gateway or aws_eip.",
    types: [
      "aws_launch_template",
      "aws_launch_configuration",
      "aws_instance",
      "aws_ecs_service",
      "aws_subnet",
      "aws_internet_gateway",
      "aws_nat_gateway",
      "aws_eip",
    ],
    check: (r) => {
      switch (r.type) {
        case "aws_launch_template": {
          const unknown = unknownAt(r, ["network_interfaces"]);
          if (unknown) return [unknown];
          const nics = listOf(r.values.network_interfaces);
          if (nics.length === 0)
            return [
              finding("has no network_interfaces block with associate_public_ip_address = false: instances get the subnet's default"),
            ];
          return nics.flatMap((nic, i) => {
            const value = isRecord(nic) ? nic.associate_public_ip_address : undefined;
            const unknownNic = unknownAt(r, ["network_interfaces", i, "associate_public_ip_address"]);
            if (unknownNic) return [unknownNic];
            return asBool(value) === false
              ? []
              : [finding(`network_interfaces.${i}.associate_public_ip_address is ${quote(value)}, not false`)];
          });
        }
        case "aws_launch_configuration":
        case "aws_instance": {
          const unknown = unknownAt(r, ["associate_public_ip_address"]);
          if (unknown) return [unknown];
          const value = asBool(r.values.associate_public_ip_address);
          const bad = r.type === "aws_instance" ? value === true : value !== false;
          return bad ? [finding(`associate_public_ip_address is ${quote(r.values.associate_public_ip_address)}, not false`)] : [];
        }
        case "aws_ecs_service": {
          // Only awsvpc tasks (Fargate's mode) have a network_configuration; assign_public_ip defaults to false.
          const unknown = unknownAt(r, ["network_configuration"]);
          if (unknown) return [unknown];
          return listOf(r.values.network_configuration).flatMap((config, i) => {
            const unknownConfig = unknownAt(r, ["network_configuration", i, "assign_public_ip"]);
            if (unknownConfig) return [unknownConfig];
            const value = isRecord(config) ? config.assign_public_ip : undefined;
            if (typeof value === "string" && value.includes("${"))
              return [unchecked(`network_configuration.assign_public_ip is the expression ${quote(value)}`)];
            return asBool(value) === true
              ? [finding(`network_configuration.assign_public_ip is ${quote(value)}: every task gets a public IP`)]
              : [];
          });
        }
        case "aws_subnet": {
          const unknown = unknownAt(r, ["map_public_ip_on_launch"]);
          if (unknown) return [unknown];
          return asBool(r.values.map_public_ip_on_launch) === true ? [finding("maps a public IP to every instance launched in it")] : [];
        }
        case "aws_nat_gateway":
          return r.values.connectivity_type === "private" ? [] : [finding("is a public NAT gateway (it has an Elastic IP)")];
        case "aws_internet_gateway":
          return [finding("gives the VPC a route to and from the internet")];
        default:
          return [finding("is a public IP address")];
      }
    },
  },
  {
    id: "alb-header-hardening",
    summary:
      'Every application load balancer (aws_lb or aws_alb with load_balancer_type "application", the default) drops invalid header fields (drop_invalid_header_fields = true) and sets its desync mitigation mode to "defensive" or "strictest".',
    types: ["aws_lb", "aws_alb"],
    check: (r) => {
      if ((r.values.load_balancer_type ?? "application") !== "application") return [];
      const outcomes: Outcome[] = [];
      const drop = unknownAt(r, ["drop_invalid_header_fields"]);
      if (drop) outcomes.push(drop);
      else if (asBool(r.values.drop_invalid_header_fields) !== true)
        outcomes.push(
          finding(
            `drop_invalid_header_fields is ${quote(r.values.drop_invalid_header_fields)}, not true: headers that are not valid HTTP reach the targets (request smuggling)`,
          ),
        );
      const mode = unknownAt(r, ["desync_mitigation_mode"]);
      if (mode) outcomes.push(mode);
      else if (r.values.desync_mitigation_mode !== "defensive" && r.values.desync_mitigation_mode !== "strictest")
        outcomes.push(
          finding(
            r.values.desync_mitigation_mode === undefined || r.values.desync_mitigation_mode === null
              ? 'desync_mitigation_mode is not set: state "defensive" or "strictest" rather than leave it to the account\'s default'
              : `desync_mitigation_mode is ${quote(r.values.desync_mitigation_mode)}, not "defensive" or "strictest": ambiguous requests reach the targets`,
          ),
        );
      return outcomes;
    },
  },
  {
    id: "lb-deletion-protection",
    summary:
      "Every load balancer (aws_lb, aws_alb) has enable_deletion_protection = true (AWS's default is false), unless the config opts out (deletionProtection false).",
    types: ["aws_lb", "aws_alb"],
    check: (r) => {
      const unknown = unknownAt(r, ["enable_deletion_protection"]);
      if (unknown) return [unknown];
      if (asBool(r.values.enable_deletion_protection) === true) return [];
      return [
        finding(
          `enable_deletion_protection is ${quote(r.values.enable_deletion_protection)}, not true: a destroy or a replacement deletes the load balancer, and everything routed through it stops`,
        ),
      ];
    },
  },
  {
    id: "rest-stage-web-acl",
    summary:
      "Every REST API stage (aws_api_gateway_stage) has an AWS WAF web ACL: an aws_wafv2_web_acl_association of the same input whose resource_arn is the stage's arn, or, in a plan, a known web_acl_arn on the stage.",
    types: ["aws_api_gateway_stage"],
    check: (r, { resources }) => {
      const webAclArn = r.unknown(["web_acl_arn"]) ? undefined : r.values.web_acl_arn;
      if (typeof webAclArn === "string" && webAclArn !== "" && !webAclArn.includes("${")) return [];
      const associated = stageHasAssociation(r, resources);
      if (associated === true) return [];
      if (associated === undefined)
        return [
          unchecked(
            "resource_arn of a web ACL association is known only after apply, and the plan has no configuration section to show what it references",
          ),
        ];
      return [
        finding(
          `${typeof r.values.stage_name === "string" ? `stage ${r.values.stage_name} ` : ""}has no AWS WAF web ACL: no aws_wafv2_web_acl_association in this input names its arn, so requests reach it unfiltered`,
        ),
      ];
    },
  },
  {
    id: "log-retention",
    summary: "Every aws_cloudwatch_log_group has retention_in_days set (more than 0): logs are not kept forever.",
    types: ["aws_cloudwatch_log_group"],
    check: (r) => {
      const unknown = unknownAt(r, ["retention_in_days"]);
      if (unknown) return [unknown];
      if (typeof r.values.retention_in_days === "string" && r.values.retention_in_days.includes("${"))
        return [unchecked(`retention_in_days is the expression ${quote(r.values.retention_in_days)}`)];
      const days = Number(r.values.retention_in_days);
      return Number.isFinite(days) && days > 0
        ? []
        : [finding(`keeps logs forever: retention_in_days is ${quote(r.values.retention_in_days)}`)];
    },
  },
  {
    id: "imds-hop-limit",
    summary:
      'Instances keep the instance role to themselves: aws_launch_template and aws_launch_configuration set metadata_options with http_tokens = "required" (IMDSv2 only) and http_put_response_hop_limit = 1, so a bridge-mode container, one hop further, gets no IMDSv2 token.',
    types: ["aws_launch_template", "aws_launch_configuration"],
    check: (r) => {
      const unknown = unknownAt(r, ["metadata_options"]);
      if (unknown) return [unknown];
      const [options] = listOf(r.values.metadata_options);
      if (!isRecord(options))
        return [
          finding(
            'has no metadata_options: EC2 then takes the account default or the AMI\'s (IMDSv1 allowed, hop limit 1; an AMI marked for IMDSv2, as Amazon Linux 2023 is, gives hop limit 2, which lets bridge-mode containers reach the instance role): set http_tokens = "required" and http_put_response_hop_limit = 1',
          ),
        ];
      return [...imdsTokens(r, options), ...imdsHopLimit(r, options)];
    },
  },
];

/** The rules that look at each resource type. */
export const RULES_BY_TYPE: ReadonlyMap<string, readonly Rule[]> = (() => {
  const byType = new Map<string, Rule[]>();
  for (const rule of RULES) for (const type of rule.types) byType.set(type, [...(byType.get(type) ?? []), rule]);
  return byType;
})();
