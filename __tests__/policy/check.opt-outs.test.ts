/**
 * Rules a config opts out of for the whole stack (stackOptOuts in lib/policy/check.ts): their
 * findings are allowed, naming the config field, in a synthesised stack and in a plan alike, since
 * no construct path is needed to match them. `"webAcl": {"mode": "none"}` opts out of
 * rest-stage-web-acl, `"deletionProtection": false` lb-deletion-protection.
 */
import { checkPlan, checkSynth, stackOptOuts } from "../../lib/policy";
import { defaultConfig, exampleConfig } from "../helpers/fixtures";
import { synthToTemp } from "../helpers/synth";
import { stagePlanWithoutWebAcl } from "./fixtures";

/** The default config with no web ACL, synthesised. */
const noWebAcl = synthToTemp({ ...defaultConfig(), api: { webAcl: { mode: "none" } } });
const [stageId] = Object.keys(noWebAcl.json.resource.aws_api_gateway_stage);

/** A plan that creates the stack's stage, as `terraform show -json` gives it (no association: there is none). */
const plan = stagePlanWithoutWebAcl(stageId);

test('"webAcl": {"mode": "none"} opts out of rest-stage-web-acl; a web ACL, or an HTTP API, opts out of nothing', () => {
  expect([...stackOptOuts(noWebAcl.plan)]).toEqual([["rest-stage-web-acl", 'config api.webAcl {"mode": "none"}']]);
  expect(stackOptOuts(synthToTemp(defaultConfig()).plan).size).toBe(0);
  expect(stackOptOuts(synthToTemp(exampleConfig("http-api")).plan).size).toBe(0);
});

test('"deletionProtection": false opts out of lb-deletion-protection, and of it alone', () => {
  const unprotected = synthToTemp({ ...defaultConfig(), deletionProtection: false });
  expect([...stackOptOuts(unprotected.plan)]).toEqual([["lb-deletion-protection", 'config "deletionProtection": false']]);
  const neither = synthToTemp({ ...defaultConfig(), deletionProtection: false, api: { webAcl: { mode: "none" } } });
  expect(new Set(stackOptOuts(neither.plan).keys())).toEqual(new Set(["lb-deletion-protection", "rest-stage-web-acl"]));
});

describe.each([
  ["a synthesised stack", (optOuts?: ReturnType<typeof stackOptOuts>) => checkSynth(noWebAcl.json, { plan: noWebAcl.plan, optOuts })],
  ["a plan", (optOuts?: ReturnType<typeof stackOptOuts>) => checkPlan(plan, { optOuts })],
])("in %s", (_input, check) => {
  test("the stage without a web ACL is a finding without the opt-out", () => {
    const result = check();
    expect(result.findings.map((f) => [f.address, f.rule])).toEqual([[`aws_api_gateway_stage.${stageId}`, "rest-stage-web-acl"]]);
    expect(result.allowed).toEqual([]);
  });

  test("and allowed with it, naming the config field", () => {
    const result = check(stackOptOuts(noWebAcl.plan));
    expect(result.findings).toEqual([]);
    expect(result.allowed.map((a) => [a.address, a.rule, a.allowedBy])).toEqual([
      [`aws_api_gateway_stage.${stageId}`, "rest-stage-web-acl", 'config api.webAcl {"mode": "none"}'],
    ]);
  });
});

test("an opt-out allows only its rule's findings", () => {
  // GIVEN the stack without a web ACL, and an open ingress rule besides
  const json = structuredClone(noWebAcl.json);
  json.resource.aws_vpc_security_group_ingress_rule = {
    ...json.resource.aws_vpc_security_group_ingress_rule,
    Open: { security_group_id: "sg-0123456789abcdef0", cidr_ipv4: "0.0.0.0/0", ip_protocol: "tcp", from_port: 443, to_port: 443 },
  };
  // WHEN
  const result = checkSynth(json, { optOuts: stackOptOuts(noWebAcl.plan) });
  // THEN
  expect(result.findings.map((f) => f.rule)).toEqual(["no-open-ingress"]);
  expect(result.allowed.map((a) => a.rule)).toEqual(["rest-stage-web-acl"]);
});
