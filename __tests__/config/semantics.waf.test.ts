/**
 * `api.webAcl`: its shape (lib/config/schema.ts) and its cross-field rules (lib/config/semantics.ts):
 * REST APIs only, an existing web ACL regional and in the stack's region, countRules listed once
 * and never the Log4j rules.
 */
import { parseConfig } from "../../lib/config/load";
import { configErrorOf, defaultConfig, exampleConfig } from "../helpers/fixtures";

const errorOf = (cfg: unknown): string => configErrorOf(() => parseConfig(cfg));
/** The default config (eu-west-2) with `api.webAcl`. */
const withWebAcl = (webAcl: unknown) => ({ ...defaultConfig(), api: { webAcl } });
const ARN = "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/central-api/a1b2c3d4-5678-90ab-cdef-111122223333";

test("absent, nothing is filled in: the plan gives a REST API a web ACL of its own", () => {
  expect(parseConfig(defaultConfig()).api.webAcl).toBeUndefined();
});

const GOV_ARN = ARN.replace("arn:aws:", "arn:aws-us-gov:").replace("eu-west-2", "us-gov-west-1");
const COUNT = { AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY"] };
test.each<[string, unknown, unknown, string]>([
  ["create, with the default rate limit", { mode: "create" }, { mode: "create", rateLimit: 2000 }, "eu-west-2"],
  [
    "create, with rules that count",
    { mode: "create", rateLimit: 10, countRules: COUNT },
    { mode: "create", rateLimit: 10, countRules: COUNT },
    "eu-west-2",
  ],
  ["create, at AWS's largest rate limit", { mode: "create", rateLimit: 2e9 }, { mode: "create", rateLimit: 2e9 }, "eu-west-2"],
  ["an existing web ACL of the stack's region", { mode: "existing", arn: ARN }, { mode: "existing", arn: ARN }, "eu-west-2"],
  ["an existing web ACL in another partition", { mode: "existing", arn: GOV_ARN }, { mode: "existing", arn: GOV_ARN }, "us-gov-west-1"],
  ["none", { mode: "none" }, { mode: "none" }, "eu-west-2"],
])("%s is accepted", (_what, webAcl, expected, region) => {
  const cfg = { ...withWebAcl(webAcl), region };
  if (region !== "eu-west-2") cfg.network = { ...cfg.network, availabilityZones: [`${region}a`, `${region}b`] } as typeof cfg.network;
  expect(parseConfig(cfg).api.webAcl).toEqual(expected);
});

test.each<[string, unknown, RegExp]>([
  ["a rate limit below AWS WAF's minimum", { mode: "create", rateLimit: 9 }, /api\.webAcl\.rateLimit: .*>=10/],
  ["a rate limit above AWS WAF's maximum", { mode: "create", rateLimit: 2_000_000_001 }, /api\.webAcl\.rateLimit: .*<=2000000000/],
  ["an unknown mode", { mode: "count" }, /api\.webAcl\.mode: /],
  [
    "an ARN that is not a web ACL's",
    { mode: "existing", arn: "arn:aws:wafv2:eu-west-2:123456789012:regional/ipset/blocked/a1b2c3d4" },
    /api\.webAcl\.arn: must be a web ACL ARN such as arn:aws:wafv2:eu-west-2:123456789012:regional\/webacl\/central-api\/.* \(got "arn:aws:wafv2:eu-west-2:123456789012:regional\/ipset\/blocked\/a1b2c3d4"\)/,
  ],
  [
    "an existing web ACL in another region",
    { mode: "existing", arn: ARN.replace("eu-west-2", "us-east-1") },
    /api\.webAcl\.arn: arn:aws:wafv2:us-east-1:123456789012:regional\/webacl\/central-api\/a1b2c3d4-5678-90ab-cdef-111122223333 is a web ACL in us-east-1, and the stack is in eu-west-2: AWS WAF associates a stage only with a web ACL of its own region/,
  ],
  [
    "a CloudFront (global) web ACL",
    { mode: "existing", arn: ARN.replace("regional/", "global/").replace("eu-west-2", "us-east-1") },
    /api\.webAcl\.arn: arn:aws:wafv2:us-east-1:123456789012:global\/webacl\/central-api\/.* is a CloudFront \(global\) web ACL; a REST API stage takes a regional one/,
  ],
  ["an ARN with existing's mode missing", { arn: ARN }, /api\.webAcl\.mode: /],
  ["a rate limit on an existing web ACL", { mode: "existing", arn: ARN, rateLimit: 100 }, /api\.webAcl: unknown field\(s\) "rateLimit"/],
  [
    "rules to count of a group the web ACL does not have",
    { mode: "create", countRules: { AWSManagedRulesSQLiRuleSet: ["SQLi_BODY"] } },
    /api\.webAcl\.countRules: Invalid option: expected one of "AWSManagedRulesAmazonIpReputationList"\|"AWSManagedRulesCommonRuleSet"\|"AWSManagedRulesKnownBadInputsRuleSet" \(got key "AWSManagedRulesSQLiRuleSet"\)/,
  ],
  [
    "a rule to count that is not a rule name",
    { mode: "create", countRules: { AWSManagedRulesCommonRuleSet: ["Size Restrictions"] } },
    /api\.webAcl\.countRules\.AWSManagedRulesCommonRuleSet\[0\]: must be a rule name of the group, such as SizeRestrictions_BODY/,
  ],
  [
    "a rule to count listed twice",
    {
      mode: "create",
      countRules: { AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY", "NoUserAgent_HEADER", "SizeRestrictions_BODY"] },
    },
    /api\.webAcl\.countRules\.AWSManagedRulesCommonRuleSet\[2\]: rule SizeRestrictions_BODY is listed twice \(also \[0\]\)/,
  ],
  [
    "a Log4j rule set to count",
    { mode: "create", countRules: { AWSManagedRulesKnownBadInputsRuleSet: ["Log4JRCE_BODY"] } },
    /api\.webAcl\.countRules\.AWSManagedRulesKnownBadInputsRuleSet\[0\]: Log4JRCE_BODY blocks Log4j exploits \(CVE-2021-44228\) and stays blocking/,
  ],
])("%s is refused, naming the field and the value", (_what, webAcl, expected) => {
  expect(errorOf(withWebAcl(webAcl))).toMatch(expected);
});

test.each([{ mode: "create" }, { mode: "existing", arn: ARN.replace("eu-west-2", "ap-southeast-2") }, { mode: "none" }])(
  "any web ACL on an HTTP API is refused, saying AWS WAF cannot be associated with one and what to do instead (%j)",
  (webAcl) => {
    // GIVEN the HTTP API example with a web ACL
    const cfg = exampleConfig("http-api");
    cfg.api = { ...cfg.api, webAcl: webAcl as never };
    // WHEN / THEN: one message, not also the region's
    const message = errorOf(cfg);
    expect(message).toMatch(
      /api\.webAcl: AWS WAF cannot be associated with an HTTP API \(api\.type "http"\): a web ACL protects REST API stages, ALBs, .*Remove api\.webAcl; for a web ACL in front of the API, use "type": "rest", or put CloudFront with a web ACL in front of the HTTP API \(docs\/waf\.md\)/,
    );
    expect(message.match(/api\.webAcl/g)).toHaveLength(2);
  },
);
