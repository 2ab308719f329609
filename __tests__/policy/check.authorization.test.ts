/**
 * Authorization NONE is allowed only where the caller says so: an address in `allowNone`, or (on a
 * synthesised stack) a method or route whose config route says `"authorization": "NONE"`, matched
 * through the construct path in the resource's metadata.
 */
import { planStack } from "../../lib/model/stack-plan";
import { checkSynth, openRouteConstructPaths } from "../../lib/policy";
import { exampleConfig } from "../helpers/fixtures";
import { synthToTemp } from "../helpers/synth";
import { objectContaining, stringContaining } from "../helpers/expect";

describe.each([
  ["REST API", "two-services", "aws_api_gateway_method", "Api/Method-catalog:status-GET", "GET /catalog/status"],
  ["HTTP API", "http-api", "aws_apigatewayv2_route", "HttpApi/Route-health-GET", "GET /health"],
])("%s (examples/%s.json)", (_kind, example, type, constructPath, route) => {
  const input = exampleConfig(example);
  const stack = synthToTemp(input);
  const open = Object.entries(stack.json.resource[type] ?? {}).filter(([, r]) => (r.authorization ?? r.authorization_type) === "NONE");

  test("has one open method or route, and the config names its construct path", () => {
    expect(open).toHaveLength(1);
    const [[, resource]] = open;
    const path = `${stack.config.name}/${constructPath}`;
    expect((resource["//"] as { metadata: { path: string } }).metadata.path).toBe(path);
    expect([...openRouteConstructPaths(stack.plan).keys()]).toEqual([path]);
  });

  test("without the config it is a finding", () => {
    expect(checkSynth(stack.json).findings).toEqual([
      objectContaining({ address: `${type}.${open[0][0]}`, rule: "authorization", message: stringContaining("NONE") }),
    ]);
  });

  test("with the config it is allowed, and says which route allowed it", () => {
    const result = checkSynth(stack.json, { plan: stack.plan });
    expect(result.findings).toEqual([]);
    expect(result.allowed).toEqual([
      objectContaining({
        address: `${type}.${open[0][0]}`,
        rule: "authorization",
        allowedBy: `config route ${route} (authorization NONE)`,
      }),
    ]);
  });

  test("allowNone allows it by address", () => {
    const result = checkSynth(stack.json, { allowNone: [`${type}.${open[0][0]}`] });
    expect(result.findings).toEqual([]);
    expect(result.allowed.map((a) => a.allowedBy)).toEqual(["allowNone"]);
  });

  test("a config that does not open the route allows nothing", () => {
    const closed = { ...stack.config, routes: stack.config.routes.map((r) => ({ ...r, authorization: "AWS_IAM" as const })) };
    expect(checkSynth(stack.json, { plan: planStack(closed) }).findings.map((f) => f.rule)).toEqual(["authorization"]);
    // Nor does the config of another stack (the stack name is part of the path).
    expect(checkSynth(stack.json, { plan: planStack({ ...stack.config, name: "other" }) }).findings.map((f) => f.rule)).toEqual([
      "authorization",
    ]);
  });
});
