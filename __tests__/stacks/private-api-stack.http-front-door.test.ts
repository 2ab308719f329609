/**
 * The HTTP API path as the stack wires it, on examples/http-api.json and a variant with no NLB
 * service (which private-api-stack.http-front-door.process.test.ts plans with Terraform).
 */
import { checkSynth } from "../../lib/policy";
import { resourcesOf, synthToTemp } from "../helpers/synth";
import { exampleConfig, httpApiBehindAlbOnly } from "../helpers/fixtures";

const example = () => exampleConfig("http-api");

describe("examples/http-api.json", () => {
  const { json } = synthToTemp(example());
  const lbs = resourcesOf(json, "aws_lb");
  const sgRef = (name: string) => {
    const found = resourcesOf(json, "aws_security_group").find(([, g]) => g.name === name);
    expect(found).toBeDefined();
    return `\${aws_security_group.${found?.[0]}.id}`;
  };

  test("no REST API, no bridge: one HTTP API whose integrations target the ALB listener (TLS verified) and the NLB listener", () => {
    expect(resourcesOf(json, "aws_api_gateway_rest_api")).toEqual([]);
    expect(resourcesOf(json, "aws_lb_target_group").filter(([, g]) => g.target_type === "alb" || g.target_type === "ip")).toEqual([]);
    const integrations = resourcesOf(json, "aws_apigatewayv2_integration").map(([, i]) => i);
    expect(integrations).toHaveLength(2);
    const alb = lbs.find(([, lb]) => lb.load_balancer_type === "application")?.[0];
    const albListener = resourcesOf(json, "aws_lb_listener").find(([, l]) => l.load_balancer_arn === `\${aws_lb.${alb}.arn}`)?.[0];
    expect(integrations).toContainEqual(
      expect.objectContaining({
        integration_uri: `\${aws_lb_listener.${albListener}.arn}`,
        tls_config: { server_name_to_verify: "internal.mobile.example.com" },
      }),
    );
  });

  test("the NLB and the ALB admit only the VPC link's group, on the ports its routes use", () => {
    const link = sgRef("mobile-api-http-vpc-link");
    const ingress = resourcesOf(json, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
    expect(ingress).toContainEqual(
      expect.objectContaining({ security_group_id: sgRef("mobile-api-nlb"), referenced_security_group_id: link, from_port: 10000 }),
    );
    expect(ingress).toContainEqual(
      expect.objectContaining({ security_group_id: sgRef("mobile-api-alb"), referenced_security_group_id: link, from_port: 443 }),
    );
    expect(ingress.filter((r) => r.referenced_security_group_id === link)).toHaveLength(2);
  });

  test("JWT routes carry their scopes; the Lambda authorizer route is CUSTOM", () => {
    const routes = resourcesOf(json, "aws_apigatewayv2_route").map(([, r]) => r);
    expect(routes).toContainEqual(
      expect.objectContaining({ route_key: "GET /feed", authorization_type: "JWT", authorization_scopes: ["feed.read"] }),
    );
    expect(routes).toContainEqual(expect.objectContaining({ route_key: "ANY /partners/{proxy+}", authorization_type: "CUSTOM" }));
    expect(routes).toContainEqual(expect.objectContaining({ route_key: "POST /sync", authorization_type: "AWS_IAM" }));
  });
});

describe("an HTTP API whose services all sit behind the ALB", () => {
  // GIVEN the example without its NLB service
  const stack = synthToTemp(httpApiBehindAlbOnly());

  test("creates no NLB, as in the ALB-only private integration AWS describes", () => {
    const lbs = resourcesOf(stack.json, "aws_lb").map(([, lb]) => lb.load_balancer_type);
    expect(lbs).toEqual(["application"]);
    expect(stack.json.output?.nlb_dns_name).toBeUndefined();
    // The policy check, with the routes the config opened deliberately allowed.
    const result = checkSynth(stack.json, { plan: stack.plan });
    expect(result.findings).toEqual([]);
    expect(result.allowed.length).toBe(
      stack.config.routes.filter((r) => r.authorization === "NONE").reduce((n, r) => n + r.methods.length, 0),
    );
  });
});
