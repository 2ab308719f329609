import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2ApiMapping } from "@cdktf/provider-aws/lib/apigatewayv2-api-mapping";
import { Apigatewayv2DomainName } from "@cdktf/provider-aws/lib/apigatewayv2-domain-name";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { Apigatewayv2VpcLink } from "@cdktf/provider-aws/lib/apigatewayv2-vpc-link";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DefaultTokenResolver, StringConcat, TerraformStack, Testing, Tokenization } from "cdktf";
import { makeUniqueId } from "cdktf/lib/private/unique";
import type { AuthorizerConfig } from "../../lib/config/schema";
import { addStageAlarms, addStageCustomDomain } from "../../lib/constructs/api-stage-addons";
import { InternalApplicationLoadBalancer } from "../../lib/constructs/internal-application-load-balancer";
import { InternalNetworkLoadBalancer } from "../../lib/constructs/internal-network-load-balancer";
import { type HttpApiRoute, PrivateHttpApi, type PrivateHttpApiProps } from "../../lib/constructs/private-http-api";
import { HTTP_HEALTH_CHECK } from "../helpers/fixtures";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const AUTHORIZERS: Record<string, AuthorizerConfig> = {
  users: { type: "jwt", issuer: "https://issuer.example.com", audience: ["orders-app"] },
  partners: { type: "lambda", functionArn: "arn:aws:lambda:eu-west-2:123456789012:function:authorize", resultTtlSeconds: 120 },
};

const ALB_SERVER_NAME = "shop.internal.example.com";

/** The load balancers the routes point at. */
interface LoadBalancers {
  readonly stack: TerraformStack;
  /** HTTPS listener on 443. */
  readonly alb: InternalApplicationLoadBalancer;
  /** Plain TCP listeners on 10000 (orders) and 10001 (inventory). */
  readonly nlb: InternalNetworkLoadBalancer;
}

/**
 * Two routes to the ALB's HTTPS listener (each reading `alb.listenerArn` anew, as the stack does,
 * so each gets its own token), one to the NLB's inventory port.
 */
function defaultRoutes({ alb, nlb }: LoadBalancers): HttpApiRoute[] {
  return [
    {
      path: "/orders",
      methods: ["GET", "POST"],
      target: { key: "Alb", listenerArn: alb.listenerArn, https: true, serverName: ALB_SERVER_NAME },
      authorization: "AWS_IAM",
    },
    {
      path: "/orders/{proxy+}",
      methods: ["ANY"],
      target: { key: "Alb", listenerArn: alb.listenerArn, https: true, serverName: ALB_SERVER_NAME },
      authorization: { authorizer: "users", scopes: ["orders/read", "orders/write"] },
    },
    {
      path: "/inventory/{sku}",
      methods: ["GET"],
      target: { key: "inventory", listenerArn: nlb.portOf("inventory").listener.arn, https: false },
      authorization: { authorizer: "partners" },
    },
  ];
}

interface Built {
  readonly stack: TerraformStack;
  readonly lbs: LoadBalancers;
  readonly api: PrivateHttpApi;
  readonly synth: string;
  readonly json: TerraformJson;
}

/** An internal ALB and NLB in a stack, and the HTTP API in front of them; `change` overrides props. */
function build(
  change: (lbs: LoadBalancers) => Partial<PrivateHttpApiProps> = () => ({}),
  afterwards: (api: PrivateHttpApi, lbs: LoadBalancers) => void = () => undefined,
): Built {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] };
  const alb = new InternalApplicationLoadBalancer(stack, "Alb", {
    name: "shop",
    ...network,
    listenerPort: 443,
    certificateArn: "arn:aws:acm:eu-west-2:123456789012:certificate/abc",
    services: [{ service: "orders", hostPort: 0, pathPatterns: ["/orders", "/orders/*"], healthCheck: HTTP_HEALTH_CHECK }],
  });
  const tcp = { ...HTTP_HEALTH_CHECK, protocol: "TCP" } as const;
  const nlb = new InternalNetworkLoadBalancer(stack, "Nlb", {
    name: "shop",
    ...network,
    ports: [
      { service: "orders", port: 10000, healthCheck: tcp },
      { service: "inventory", port: 10001, healthCheck: tcp },
    ],
  });
  const lbs = { stack, alb, nlb };
  const api = new PrivateHttpApi(stack, "Api", {
    name: "shop",
    region: "eu-west-2",
    ...network,
    routes: defaultRoutes(lbs),
    authorizers: AUTHORIZERS,
    stageName: "v1",
    throttling: { rateLimit: 100, burstLimit: 50 },
    accessLogs: { retentionDays: 90 },
    ...change(lbs),
  });
  afterwards(api, lbs);
  const synth = Testing.synth(stack, true);
  return { stack, lbs, api, synth, json: JSON.parse(synth) as TerraformJson };
}

/** What a token (or plain string) becomes in the Terraform JSON. */
function resolved(stack: TerraformStack, value: string | undefined): unknown {
  return Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) });
}

/** `${<type>.<logical id>.<attr>}` for the single resource of a type. */
function refToOnly(json: TerraformJson, type: string, attr: string): string {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return `\${${type}.${all[0][0]}.${attr}}`;
}

/** The route with a route key, as [logical id, attributes]. */
function route(json: TerraformJson, routeKey: string): Record<string, unknown> {
  const found = resourcesOf(json, "aws_apigatewayv2_route").filter(([, r]) => r.route_key === routeKey);
  expect(found).toHaveLength(1);
  return found[0][1];
}

/** `${aws_apigatewayv2_authorizer.<id>.id}` of the authorizer with a name. */
function authorizerRef(json: TerraformJson, name: string): string {
  const found = resourcesOf(json, "aws_apigatewayv2_authorizer").filter(([, a]) => a.name === name);
  expect(found).toHaveLength(1);
  return `\${aws_apigatewayv2_authorizer.${found[0][0]}.id}`;
}

/** The integration whose URI is a listener's ARN, as [logical id, attributes]. */
function integrationTo(json: TerraformJson, listenerArnRef: string): [string, Record<string, unknown>] {
  const found = resourcesOf(json, "aws_apigatewayv2_integration").filter(([, i]) => i.integration_uri === listenerArnRef);
  expect(found).toHaveLength(1);
  return found[0];
}

/** `${aws_lb_listener.<id>.arn}` of the listener on a port. */
function listenerArnRef(json: TerraformJson, port: number): string {
  const found = resourcesOf(json, "aws_lb_listener").filter(([, l]) => l.port === port);
  expect(found).toHaveLength(1);
  return `\${aws_lb_listener.${found[0][0]}.arn}`;
}

/** Every warning annotation in the construct's subtree, with the path of the construct it is attached to. */
function warningsOf(api: PrivateHttpApi): { path: string; message: string }[] {
  return api.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => ({ path: c.node.path, message: String(m.data) })));
}

describe("PrivateHttpApi", () => {
  test("is an HTTP API with the given name", () => {
    // WHEN
    const { synth, json } = build();
    // THEN
    expect(synth).toHaveResourceWithProperties(Apigatewayv2Api, {
      name: "shop",
      protocol_type: "HTTP",
      description: "Private ECS services behind shop",
    });
    expect(resourcesOf(json, "aws_apigatewayv2_api")).toHaveLength(1);
  });

  test("a VPC link v2 in the given subnets, with its own security group", () => {
    // WHEN
    const { json } = build();
    // THEN
    const links = resourcesOf(json, "aws_apigatewayv2_vpc_link").map(([, l]) => l);
    const [sgId] = resourcesOf(json, "aws_security_group").find(([, g]) => g.name === "shop-http-vpc-link") ?? [];
    expect(sgId).toBeDefined();
    expect(links).toEqual([
      expect.objectContaining({
        name: "shop",
        subnet_ids: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
        security_group_ids: [`\${aws_security_group.${sgId}.id}`],
      }),
    ]);
  });

  test("the VPC link's security group has no inbound rules and no outbound rules of its own", () => {
    // WHEN
    const { synth, json, api, stack } = build();
    // THEN
    expect(synth).toHaveResourceWithProperties(SecurityGroup, { name: "shop-http-vpc-link", vpc_id: "vpc-0123456789abcdef0" });
    const [, sg] = resourcesOf(json, "aws_security_group").find(([, g]) => g.name === "shop-http-vpc-link") ?? [];
    expect(sg).not.toHaveProperty("ingress");
    expect(sg).not.toHaveProperty("egress");
    expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).toEqual([]);
    const linkSg = resolved(stack, api.vpcLinkSecurityGroupId);
    expect(resourcesOf(json, "aws_vpc_security_group_egress_rule").filter(([, r]) => r.security_group_id === linkSg)).toEqual([]);
    expect(synth).not.toContain("0.0.0.0/0");
  });

  test("connections adds rules on the VPC link's security group, under the API: one egress rule to the listener's group", () => {
    // WHEN
    const { json, api, stack, lbs } = build(
      () => ({}),
      (httpApi, { alb }) =>
        httpApi.connections.allowTo(
          { securityGroupId: alb.securityGroupId },
          { id: "EgressToTargets-alb", fromPort: 443, description: "alb: HTTP API VPC link to the load balancer listener" },
        ),
    );
    // THEN
    const linkSg = resolved(stack, api.vpcLinkSecurityGroupId);
    const linkRules = resourcesOf(json, "aws_vpc_security_group_egress_rule").filter(([, r]) => r.security_group_id === linkSg);
    expect(linkRules.map(([id]) => id)).toEqual([makeUniqueId(["Api", "EgressToTargets-alb"])]);
    const rules = linkRules.map(([, r]) => r);
    expect(rules).toEqual([
      expect.objectContaining({
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
        referenced_security_group_id: resolved(stack, lbs.alb.securityGroupId),
      }),
    ]);
    expect(rules[0]).not.toHaveProperty("cidr_ipv4");
  });

  test("one HTTP_PROXY integration per distinct listener, over the VPC link, with TLS verification only for HTTPS", () => {
    // WHEN
    const { json } = build();
    // THEN
    const integrations = resourcesOf(json, "aws_apigatewayv2_integration");
    expect(integrations).toHaveLength(2);
    const common = {
      api_id: refToOnly(json, "aws_apigatewayv2_api", "id"),
      integration_type: "HTTP_PROXY",
      integration_method: "ANY",
      connection_type: "VPC_LINK",
      connection_id: refToOnly(json, "aws_apigatewayv2_vpc_link", "id"),
      payload_format_version: "1.0",
    };
    const [, toAlb] = integrationTo(json, listenerArnRef(json, 443));
    expect(toAlb).toEqual(expect.objectContaining({ ...common, tls_config: { server_name_to_verify: ALB_SERVER_NAME } }));
    const [, toInventory] = integrationTo(json, listenerArnRef(json, 10001));
    expect(toInventory).toEqual(expect.objectContaining(common));
    expect(toInventory).not.toHaveProperty("tls_config");
  });

  test("integration ids come from the target's key, not from the order of the routes or the listener's own id", () => {
    // GIVEN
    const ids = (json: TerraformJson): string[] =>
      resourcesOf(json, "aws_apigatewayv2_integration")
        .map(([id]) => id)
        .sort();
    // WHEN
    const forward = build();
    const reversed = build((lbs) => ({ routes: defaultRoutes(lbs).reverse() }));
    // THEN
    expect(ids(reversed.json)).toEqual(ids(forward.json));
    const integrationIds = forward.api.node.children.map((c) => c.node.id).filter((id) => id.startsWith("Integration-"));
    expect(integrationIds.sort()).toEqual(["Integration-Alb", "Integration-inventory"]);
  });

  test("each integration moves from the address its listener-derived id gave it before", () => {
    // GIVEN the ids integrations had when they were named after the listener's logical id
    const { json } = build();
    const listenerId = (port: number): string => listenerArnRef(json, port).replace(/^\$\{aws_lb_listener\.(.+)\.arn\}$/, "$1");
    const legacyAddress = (port: number): string =>
      `aws_apigatewayv2_integration.${makeUniqueId(["Api", `Integration-${listenerId(port)}`])}`;
    // THEN one moved block per integration, from that address to the new one
    const moved = (json as { moved?: { from: string; to: string }[] }).moved ?? [];
    const [albId] = integrationTo(json, listenerArnRef(json, 443));
    const [inventoryId] = integrationTo(json, listenerArnRef(json, 10001));
    expect(moved).toEqual(
      expect.arrayContaining([
        { from: legacyAddress(443), to: `aws_apigatewayv2_integration.${albId}` },
        { from: legacyAddress(10001), to: `aws_apigatewayv2_integration.${inventoryId}` },
      ]),
    );
    expect(moved).toHaveLength(2);
  });

  test("each route goes to its listener's integration", () => {
    // WHEN
    const { json } = build();
    // THEN
    const [albIntegration] = integrationTo(json, listenerArnRef(json, 443));
    const [inventoryIntegration] = integrationTo(json, listenerArnRef(json, 10001));
    expect(route(json, "GET /orders").target).toBe(`integrations/\${aws_apigatewayv2_integration.${albIntegration}.id}`);
    expect(route(json, "ANY /orders/{proxy+}").target).toBe(`integrations/\${aws_apigatewayv2_integration.${albIntegration}.id}`);
    expect(route(json, "GET /inventory/{sku}").target).toBe(`integrations/\${aws_apigatewayv2_integration.${inventoryIntegration}.id}`);
  });

  test("one route per path and method, keyed '<METHOD> <path>' with {proxy+} as is", () => {
    // WHEN
    const { json } = build();
    // THEN
    const keys = resourcesOf(json, "aws_apigatewayv2_route").map(([, r]) => r.route_key);
    expect(keys.sort()).toEqual(["ANY /orders/{proxy+}", "GET /inventory/{sku}", "GET /orders", "POST /orders"]);
    const apiId = refToOnly(json, "aws_apigatewayv2_api", "id");
    for (const [, r] of resourcesOf(json, "aws_apigatewayv2_route")) expect(r.api_id).toBe(apiId);
  });

  test("route construct ids are built from the path id and the method", () => {
    // WHEN
    const { api } = build();
    // THEN
    const ids = api.node.children.map((c) => c.node.id).filter((id) => id.startsWith("Route-"));
    expect(ids.sort()).toEqual(["Route-inventory:{sku}-GET", "Route-orders-GET", "Route-orders-POST", "Route-orders:{proxy+}-ANY"]);
  });

  test("AWS_IAM routes are signed-caller routes without an authorizer", () => {
    // WHEN
    const { json, api } = build();
    // THEN
    for (const key of ["GET /orders", "POST /orders"]) {
      const r = route(json, key);
      expect(r.authorization_type).toBe("AWS_IAM");
      expect(r).not.toHaveProperty("authorizer_id");
      expect(r).not.toHaveProperty("authorization_scopes");
    }
    expect(warningsOf(api)).toEqual([]);
  });

  test("a JWT authorizer route checks the token and its scopes", () => {
    // WHEN
    const { json } = build();
    // THEN
    expect(route(json, "ANY /orders/{proxy+}")).toEqual(
      expect.objectContaining({
        authorization_type: "JWT",
        authorizer_id: authorizerRef(json, "users"),
        authorization_scopes: ["orders/read", "orders/write"],
      }),
    );
  });

  test("a Lambda authorizer route is a CUSTOM route without scopes", () => {
    // WHEN
    const { json } = build();
    // THEN
    const r = route(json, "GET /inventory/{sku}");
    expect(r).toEqual(expect.objectContaining({ authorization_type: "CUSTOM", authorizer_id: authorizerRef(json, "partners") }));
    expect(r).not.toHaveProperty("authorization_scopes");
  });

  test("a route with authorization NONE is open and gets a warning on it", () => {
    // GIVEN
    const open = ({ nlb }: LoadBalancers): HttpApiRoute => ({
      path: "/health",
      methods: ["GET"],
      target: { key: "orders", listenerArn: nlb.portOf("orders").listener.arn, https: false },
      authorization: "NONE",
    });
    // WHEN
    const { api, json } = build((lbs) => ({ routes: [...defaultRoutes(lbs), open(lbs)] }));
    // THEN
    const r = route(json, "GET /health");
    expect(r.authorization_type).toBe("NONE");
    expect(r).not.toHaveProperty("authorizer_id");
    const warnings = warningsOf(api);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].path).toBe("test/Api/Route-health-GET");
    expect(warnings[0].message).toBe(
      "GET /health has authorization NONE: anyone on the internet can call it. This was chosen explicitly in the config.",
    );
  });

  test("a JWT authorizer validates issuer and audience from the Authorization header by default", () => {
    // WHEN
    const { json } = build();
    // THEN
    const [, jwt] = resourcesOf(json, "aws_apigatewayv2_authorizer").find(([, a]) => a.name === "users") ?? [];
    expect(jwt).toEqual(
      expect.objectContaining({
        api_id: refToOnly(json, "aws_apigatewayv2_api", "id"),
        authorizer_type: "JWT",
        identity_sources: ["$request.header.Authorization"],
        jwt_configuration: { issuer: "https://issuer.example.com", audience: ["orders-app"] },
      }),
    );
    expect(jwt).not.toHaveProperty("authorizer_uri");
  });

  test("a Lambda authorizer is a REQUEST authorizer with simple responses, invoking the function", () => {
    // WHEN
    const { json } = build();
    // THEN
    const [, lambda] = resourcesOf(json, "aws_apigatewayv2_authorizer").find(([, a]) => a.name === "partners") ?? [];
    expect(lambda).toEqual(
      expect.objectContaining({
        authorizer_type: "REQUEST",
        authorizer_uri:
          "arn:aws:apigateway:eu-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-2:123456789012:function:authorize/invocations",
        authorizer_payload_format_version: "2.0",
        enable_simple_responses: true,
        identity_sources: ["$request.header.Authorization"],
        authorizer_result_ttl_in_seconds: 120,
      }),
    );
  });

  test("authorizers use a configured identity source, and the partition of the region", () => {
    // GIVEN
    const authorizers: Record<string, AuthorizerConfig> = {
      users: { ...AUTHORIZERS.users, identitySource: "$request.header.X-Token" },
      partners: {
        type: "lambda",
        functionArn: "arn:aws-cn:lambda:cn-north-1:123456789012:function:authorize",
        identitySource: "$request.header.X-Partner",
        resultTtlSeconds: 0,
      },
    };
    // WHEN
    const { json } = build(() => ({ authorizers, region: "cn-north-1" }));
    // THEN
    const byName = Object.fromEntries(resourcesOf(json, "aws_apigatewayv2_authorizer").map(([, a]) => [a.name as string, a]));
    expect(byName.users.identity_sources).toEqual(["$request.header.X-Token"]);
    expect(byName.partners.identity_sources).toEqual(["$request.header.X-Partner"]);
    expect(byName.partners.authorizer_uri).toBe(
      "arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/arn:aws-cn:lambda:cn-north-1:123456789012:function:authorize/invocations",
    );
  });

  test("API Gateway may invoke the Lambda authorizer's function for this authorizer only", () => {
    // WHEN
    const { json } = build();
    // THEN
    const permissions = resourcesOf(json, "aws_lambda_permission").map(([, p]) => p);
    expect(permissions).toEqual([
      expect.objectContaining({
        action: "lambda:InvokeFunction",
        function_name: "arn:aws:lambda:eu-west-2:123456789012:function:authorize",
        principal: "apigateway.amazonaws.com",
        source_arn: `${refToOnly(json, "aws_apigatewayv2_api", "execution_arn")}/authorizers/${authorizerRef(json, "partners")}`,
      }),
    ]);
  });

  test("the stage deploys automatically with the default throttling and no detailed metrics", () => {
    // WHEN
    const { synth, json } = build();
    // THEN
    expect(synth).toHaveResourceWithProperties(Apigatewayv2Stage, {
      api_id: refToOnly(json, "aws_apigatewayv2_api", "id"),
      name: "v1",
      auto_deploy: true,
      default_route_settings: { throttling_rate_limit: 100, throttling_burst_limit: 50, detailed_metrics_enabled: false },
    });
  });

  test("detailed metrics are enabled on request", () => {
    // WHEN
    const { json } = build(() => ({ detailedMetrics: true, stageName: "prod" }));
    // THEN
    const [, stage] = resourcesOf(json, "aws_apigatewayv2_stage")[0];
    expect(stage.name).toBe("prod");
    expect(stage.default_route_settings).toEqual(expect.objectContaining({ detailed_metrics_enabled: true }));
  });

  test("access logs go to their own log group as one JSON object per request", () => {
    // WHEN
    const { synth, json } = build();
    // THEN
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/apigateway/shop-http", retention_in_days: 90 });
    const [, stage] = resourcesOf(json, "aws_apigatewayv2_stage")[0];
    const settings = stage.access_log_settings as { destination_arn: string; format: string };
    expect(settings.destination_arn).toBe(refToOnly(json, "aws_cloudwatch_log_group", "arn"));
    const format = JSON.parse(settings.format) as Record<string, string>;
    expect(format).toEqual({
      requestId: "$context.requestId",
      ip: "$context.identity.sourceIp",
      requestTime: "$context.requestTime",
      httpMethod: "$context.httpMethod",
      routeKey: "$context.routeKey",
      status: "$context.status",
      protocol: "$context.protocol",
      responseLength: "$context.responseLength",
      integrationError: "$context.integrationErrorMessage",
      authorizerError: "$context.authorizer.error",
    });
  });

  test("the access log group has CloudWatch Logs' own encryption by default, and the given KMS key and retention otherwise", () => {
    const key = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    expect(resourcesOf(build().json, "aws_cloudwatch_log_group")[0][1]).not.toHaveProperty("kms_key_id");
    const groups = resourcesOf(build(() => ({ accessLogs: { retentionDays: 365, kmsKeyArn: key } })).json, "aws_cloudwatch_log_group");
    expect(groups.map(([, g]) => g)).toEqual([
      expect.objectContaining({ name: "/aws/apigateway/shop-http", retention_in_days: 365, kms_key_id: key }),
    ]);
  });

  test("without access logs there is no log group and no access log settings", () => {
    // WHEN
    const { json } = build(() => ({ accessLogs: undefined }));
    // THEN
    expect(resourcesOf(json, "aws_cloudwatch_log_group")).toEqual([]);
    const [, stage] = resourcesOf(json, "aws_apigatewayv2_stage")[0];
    expect(stage).not.toHaveProperty("access_log_settings");
  });

  test("5XX rate and p99 latency alarms watch the API id and stage", () => {
    // WHEN
    const { json } = build(undefined, (api, { stack }) =>
      addStageAlarms(stack, "shop", api, {
        serverErrorRatePercent: 2,
        p99LatencyMs: 1500,
        evaluationMinutes: 3,
        snsTopicArn: "arn:aws:sns:eu-west-2:123456789012:oncall",
      }),
    );
    // THEN
    const alarms = Object.fromEntries(resourcesOf(json, "aws_cloudwatch_metric_alarm").map(([, a]) => [a.alarm_name as string, a]));
    const dimensions = { ApiId: refToOnly(json, "aws_apigatewayv2_api", "id"), Stage: "v1" };
    expect(alarms["shop-api-5xx-rate"]).toEqual(
      expect.objectContaining({ metric_name: "5xx", threshold: 0.02, evaluation_periods: 3, dimensions }),
    );
    expect(alarms["shop-api-p99-latency"]).toEqual(
      expect.objectContaining({
        metric_name: "Latency",
        threshold: 1500,
        dimensions,
        alarm_actions: ["arn:aws:sns:eu-west-2:123456789012:oncall"],
      }),
    );
  });

  test("a custom domain maps the stage under its base path, with an alias record", () => {
    // WHEN
    let url: string | undefined;
    const { synth, json } = build(undefined, (api, { stack }) => {
      url = addStageCustomDomain(stack, api, {
        domainName: "api.example.com",
        certificateArn: "arn:aws:acm:eu-west-2:123456789012:certificate/def",
        hostedZoneId: "Z0123456789ABC",
        basePath: "shop",
      });
    });
    // THEN
    expect(synth).toHaveResourceWithProperties(Apigatewayv2DomainName, {
      domain_name: "api.example.com",
      domain_name_configuration: {
        certificate_arn: "arn:aws:acm:eu-west-2:123456789012:certificate/def",
        endpoint_type: "REGIONAL",
        security_policy: "TLS_1_2",
      },
    });
    expect(synth).toHaveResourceWithProperties(Apigatewayv2ApiMapping, {
      api_id: refToOnly(json, "aws_apigatewayv2_api", "id"),
      domain_name: refToOnly(json, "aws_apigatewayv2_domain_name", "id"),
      stage: refToOnly(json, "aws_apigatewayv2_stage", "id"),
      api_mapping_key: "shop",
    });
    const [domainId] = resourcesOf(json, "aws_apigatewayv2_domain_name")[0];
    const records = resourcesOf(json, "aws_route53_record").map(([, r]) => r);
    expect(records).toEqual([
      expect.objectContaining({
        zone_id: "Z0123456789ABC",
        name: "api.example.com",
        type: "A",
        alias: {
          name: `\${aws_apigatewayv2_domain_name.${domainId}.domain_name_configuration[0].target_domain_name}`,
          zone_id: `\${aws_apigatewayv2_domain_name.${domainId}.domain_name_configuration[0].hosted_zone_id}`,
          evaluate_target_health: false,
        },
      }),
    ]);
    expect(url).toBe("https://api.example.com/shop");
  });

  test("a custom domain without a base path maps the stage at the root", () => {
    // WHEN
    let url: string | undefined;
    const { json } = build(undefined, (api, { stack }) => {
      url = addStageCustomDomain(stack, api, {
        domainName: "api.example.com",
        certificateArn: "arn:aws:acm:eu-west-2:123456789012:certificate/def",
        hostedZoneId: "Z0123",
      });
    });
    // THEN
    const [, mapping] = resourcesOf(json, "aws_apigatewayv2_api_mapping")[0];
    expect(mapping).not.toHaveProperty("api_mapping_key");
    expect(url).toBe("https://api.example.com");
  });

  test("without a custom domain there is no domain, mapping or record", () => {
    // WHEN
    const { json, api } = build();
    // THEN
    expect(resourcesOf(json, "aws_apigatewayv2_domain_name")).toEqual([]);
    expect(resourcesOf(json, "aws_apigatewayv2_api_mapping")).toEqual([]);
    expect(resourcesOf(json, "aws_route53_record")).toEqual([]);
    expect(api.node.tryFindChild("DomainName")).toBeUndefined();
  });

  test("the VPC link, its security group, alarms and custom domain are direct children of the API", () => {
    // WHEN
    const { api } = build(undefined, (httpApi, { stack }) => {
      addStageAlarms(stack, "shop", httpApi);
      addStageCustomDomain(stack, httpApi, {
        domainName: "api.example.com",
        certificateArn: "arn:aws:acm:eu-west-2:123456789012:certificate/def",
        hostedZoneId: "Z0123456789ABC",
      });
    });
    // THEN the paths (so the Terraform addresses) PrivateHttpApi gave them when it created them itself
    expect(api.node.tryFindChild("VpcLink")).toBeInstanceOf(Apigatewayv2VpcLink);
    expect(api.node.tryFindChild("VpcLinkSecurityGroup")).toBeInstanceOf(SecurityGroup);
    expect(api.node.tryFindChild("Alarms")).toBeDefined();
    expect(api.node.tryFindChild("DomainName")).toBeInstanceOf(Apigatewayv2DomainName);
    expect(api.node.tryFindChild("ApiMapping")).toBeInstanceOf(Apigatewayv2ApiMapping);
    expect(api.node.tryFindChild("DomainAlias")).toBeDefined();
  });

  test("outputs point at the API, its stage and the VPC link", () => {
    // WHEN
    const { json, api, stack } = build();
    // THEN
    expect(resolved(stack, api.apiId)).toBe(refToOnly(json, "aws_apigatewayv2_api", "id"));
    expect(resolved(stack, api.apiEndpoint)).toBe(refToOnly(json, "aws_apigatewayv2_api", "api_endpoint"));
    expect(resolved(stack, api.invokeUrl)).toBe(refToOnly(json, "aws_apigatewayv2_stage", "invoke_url"));
    expect(resolved(stack, api.vpcLinkId)).toBe(refToOnly(json, "aws_apigatewayv2_vpc_link", "id"));
    const [sgId] = resourcesOf(json, "aws_security_group").find(([, g]) => g.name === "shop-http-vpc-link") ?? [];
    expect(resolved(stack, api.vpcLinkSecurityGroupId)).toBe(`\${aws_security_group.${sgId}.id}`);
  });

  test("a literal listener ARN: the integration is named by its key, and moves from the id the ARN gave it", () => {
    // GIVEN
    const listenerArn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/shop-alb/50dc6c495c0c9188/f2f7dc8efc522ab2";
    // WHEN
    const { api, json } = build(() => ({
      routes: [{ path: "/orders", methods: ["GET"], target: { key: "orders", listenerArn, https: false }, authorization: "AWS_IAM" }],
    }));
    // THEN
    expect(api.node.tryFindChild("Integration-orders")).toBeDefined();
    const [id] = integrationTo(json, listenerArn);
    expect((json as { moved?: unknown[] }).moved).toEqual([
      {
        from: `aws_apigatewayv2_integration.${makeUniqueId(["Api", "Integration-app:shop-alb:50dc6c495c0c9188:f2f7dc8efc522ab2"])}`,
        to: `aws_apigatewayv2_integration.${id}`,
      },
    ]);
  });
});

describe("PrivateHttpApi rejects", () => {
  test.each([["cognito"], ["staff"]])("a Cognito authorizer (named %s), naming it", (name) => {
    // GIVEN
    const authorizers: Record<string, AuthorizerConfig> = {
      ...AUTHORIZERS,
      [name]: { type: "cognito", userPoolArns: ["arn:aws:cognito-idp:eu-west-2:123456789012:userpool/eu-west-2_abc"] },
    };
    // WHEN / THEN
    expect(() => build(() => ({ authorizers }))).toThrow(
      new RegExp(`authorizer "${name}" has type "cognito"; HTTP APIs support only "jwt" and "lambda" authorizers`),
    );
  });

  test("a route naming an unknown authorizer", () => {
    expect(() =>
      build(({ nlb }) => ({
        routes: [
          {
            path: "/orders",
            methods: ["GET"],
            target: { key: "orders", listenerArn: nlb.portOf("orders").listener.arn, https: false },
            authorization: { authorizer: "nobody" },
          },
        ],
      })),
    ).toThrow(/route \/orders uses authorizer "nobody", which is not defined \(authorizers: users, partners\)/);
  });

  test("scopes on a Lambda authorizer route, which HTTP APIs would not check", () => {
    expect(() =>
      build(({ nlb }) => ({
        routes: [
          {
            path: "/orders",
            methods: ["GET"],
            target: { key: "orders", listenerArn: nlb.portOf("orders").listener.arn, https: false },
            authorization: { authorizer: "partners", scopes: ["orders/read"] },
          },
        ],
      })),
    ).toThrow(/route \/orders gives scopes for Lambda authorizer "partners"/);
  });

  test("an HTTPS target without a server name", () => {
    expect(() =>
      build(({ alb }) => ({
        routes: [
          {
            path: "/orders",
            methods: ["GET"],
            target: { key: "Alb", listenerArn: alb.listenerArn, https: true },
            authorization: "AWS_IAM",
          },
        ],
      })),
    ).toThrow(/route \/orders targets an HTTPS listener but target.serverName is not set/);
  });

  test("one listener with two different TLS settings", () => {
    expect(() =>
      build(({ alb }) => ({
        routes: [
          {
            path: "/a",
            methods: ["GET"],
            target: { key: "Alb", listenerArn: alb.listenerArn, https: true, serverName: "a.example.com" },
            authorization: "AWS_IAM",
          },
          {
            path: "/b",
            methods: ["GET"],
            target: { key: "Alb", listenerArn: alb.listenerArn, https: true, serverName: "b.example.com" },
            authorization: "AWS_IAM",
          },
        ],
      })),
    ).toThrow(/routes target listener Alb with different TLS settings/);
  });

  test("the same path and method twice", () => {
    expect(() => build((lbs) => ({ routes: [...defaultRoutes(lbs), { ...defaultRoutes(lbs)[0], methods: ["POST"] }] }))).toThrow(
      'PrivateHttpApi: route "POST /orders" is given twice',
    );
  });

  test("an invalid route path, with the path and the reason", () => {
    expect(() =>
      build(({ nlb }) => ({
        routes: [
          {
            path: "orders",
            methods: ["GET"],
            target: { key: "orders", listenerArn: nlb.portOf("orders").listener.arn, https: false },
            authorization: "AWS_IAM",
          },
        ],
      })),
    ).toThrow('PrivateHttpApi: route path "orders" must start with /');
  });

  test("a literal ARN that is not a listener's", () => {
    expect(() =>
      build(() => ({
        routes: [
          {
            path: "/orders",
            methods: ["GET"],
            target: {
              key: "Alb",
              listenerArn: "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/shop-alb/50dc6c495c0c9188",
              https: false,
            },
            authorization: "AWS_IAM",
          },
        ],
      })),
    ).toThrow(
      /target.listenerArn "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer\/app\/shop-alb\/50dc6c495c0c9188" is not a load balancer listener ARN/,
    );
  });

  test("an empty subnet list", () => {
    expect(() => build(() => ({ subnetIds: [] }))).toThrow(/subnetIds is empty; the VPC link needs at least one subnet/);
  });
});
