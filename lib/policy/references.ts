/**
 * Which public scanner rules check what each of our rules checks: checkov, trivy (formerly tfsec)
 * and AWS Security Hub, the three a platform team most often gates Terraform changes on. A finding
 * carries its rule's references, and `npm run check` and the plan review print them, so a team can
 * match our findings with the ones that gate its merges. An id is listed only where its rule checks
 * the same thing or a clear part of it (docs/policy-check.md says which are partial); an empty
 * list means no such rule was found.
 */
import type { RuleId, RuleReferences } from "./types";

export const RULE_REFERENCES: Readonly<Record<RuleId, RuleReferences>> = Object.freeze({
  // trivy aws-elb-alb-not-public; checkov and Security Hub have no "must be internal" rule.
  "internal-load-balancers": { checkov: [], trivy: ["AVD-AWS-0053"], securityHub: [] },
  // Ours refuses /0 on every port. Theirs are parts of it: one port each (22, 3389, 80), all-traffic
  // rules, the default group, or listed ports; EC2.18 allows 80 and 443 by default.
  "no-open-ingress": {
    checkov: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277", "CKV2_AWS_12"],
    trivy: ["AVD-AWS-0107", "AVD-AWS-0173"],
    securityHub: ["EC2.18", "EC2.19", "EC2.13", "EC2.14", "EC2.53", "EC2.54", "EC2.2"],
  },
  "integrations-via-vpc-link": { checkov: [], trivy: [], securityHub: [] },
  // REST methods (CKV_AWS_59, AVD-AWS-0004) and HTTP API routes (CKV_AWS_309, APIGateway.8).
  authorization: { checkov: ["CKV_AWS_59", "CKV_AWS_309", "CKV2_AWS_70"], trivy: ["AVD-AWS-0004"], securityHub: ["APIGateway.8"] },
  // Each of theirs is a part of ours: full admin, write without constraints, "*" for actions that take resources.
  "iam-least-privilege": {
    checkov: ["CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_290", "CKV_AWS_355", "CKV2_AWS_40"],
    trivy: ["AVD-AWS-0057"],
    securityHub: ["IAM.1", "IAM.21"],
  },
  // CKV_AWS_60 only {"AWS": "*"}; Lambda.1 only a Lambda function's resource policy.
  "no-wildcard-principals": { checkov: ["CKV_AWS_301", "CKV_AWS_60"], trivy: [], securityHub: ["Lambda.1"] },
  "lambda-runtime": { checkov: ["CKV_AWS_363"], trivy: [], securityHub: ["Lambda.2"] },
  // Instances, launch templates and configurations, subnets, ECS services.
  "no-public-ips": {
    checkov: ["CKV_AWS_88", "CKV_AWS_389", "CKV_AWS_130", "CKV_AWS_333"],
    trivy: ["AVD-AWS-0009", "AVD-AWS-0164"],
    securityHub: ["EC2.9", "EC2.15", "EC2.25", "AutoScaling.5", "ECS.2"],
  },
  // Not CKV_AWS_338 or CloudWatch.16: they ask for a year at least, and pass a group kept forever, which ours fails.
  "log-retention": { checkov: ["CKV_AWS_66"], trivy: [], securityHub: [] },
  // Each of theirs checks one of the two settings (invalid headers dropped; desync mitigation mode).
  "alb-header-hardening": { checkov: ["CKV_AWS_131", "CKV_AWS_328"], trivy: ["AVD-AWS-0052"], securityHub: ["ELB.4", "ELB.12"] },
  // The same check; ELB.6's archived text names Application Load Balancers only, the current one every kind.
  "lb-deletion-protection": { checkov: ["CKV_AWS_150"], trivy: [], securityHub: ["ELB.6"] },
  // CKV2_AWS_29 passes PRIVATE APIs and leaves EDGE ones out; ours judges every REST stage. Trivy has no such check.
  "rest-stage-web-acl": { checkov: ["CKV2_AWS_29"], trivy: [], securityHub: ["APIGateway.4"] },
  // Each of theirs checks one of the two settings (IMDSv2 tokens, hop limit).
  "imds-hop-limit": {
    checkov: ["CKV_AWS_79", "CKV_AWS_341"],
    trivy: ["AVD-AWS-0130"],
    securityHub: ["AutoScaling.3", "AutoScaling.4", "EC2.170"],
  },
});

/** `checkov CKV_AWS_24; trivy AVD-AWS-0107; Security Hub EC2.18`, or "" when no scanner has the rule. */
export function referencesText(refs: RuleReferences): string {
  const parts = [
    refs.checkov.length > 0 ? `checkov ${refs.checkov.join(", ")}` : "",
    refs.trivy.length > 0 ? `trivy ${refs.trivy.join(", ")}` : "",
    refs.securityHub.length > 0 ? `Security Hub ${refs.securityHub.join(", ")}` : "",
  ];
  return parts.filter((p) => p !== "").join("; ");
}
