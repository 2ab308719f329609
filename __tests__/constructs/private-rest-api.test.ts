import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { ApiGatewayVpcLink } from "@cdktf/provider-aws/lib/api-gateway-vpc-link";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { addStageAlarms, addStageCustomDomain } from "../../lib/constructs/api-stage-addons";
import { InternalNetworkLoadBalancer } from "../../lib/constructs/internal-network-load-balancer";
import { PrivateRestApi, type PrivateRestApiProps, type RestApiRoute } from "../../lib/constructs/private-rest-api";
import { RestApiCustomDomain } from "../../lib/constructs/rest-api-custom-domain";
import { resourcesOf, type TerraformJson } from "../helpers/synth";
import { objectContaining, stringMatching } from "../helpers/expect";

const ROUTES: readonly RestApiRoute[] = [
  { path: "/orders", methods: ["GET", "POST"], port: 10000 },
  { path: "/orders/{proxy+}", methods: ["ANY"], port: 10000 },
  { path: "/inventory/{sku}", methods: ["GET"], port: 10001 },
  { path: "/inventory/{sku}/stock", methods: ["GET", "PUT"], port: 10001 },
];

interface Built {
  readonly api: PrivateRestApi;
  readonly synth: string;
  readonly json: TerraformJson;
}

/** An internal NLB with the two ports the routes use, and the REST API in front of it. */
function build(props: Partial<Omit<PrivateRestApiProps, "loadBalancer">> = {}): Built {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const tcp = { protocol: "TCP", matcher: "200-399", intervalSeconds: 30, healthyThreshold: 3, unhealthyThreshold: 3 } as const;
  const loadBalancer = new InternalNetworkLoadBalancer(stack, "Nlb", {
    name: "team-api",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0123456789abcdef0"],
    ports: [
      { service: "orders", port: 10000, healthCheck: tcp },
      { service: "inventory", port: 10001, healthCheck: tcp },
    ],
  });
  const api = new PrivateRestApi(stack, "Api", {
    name: "team-api",
    region: "eu-west-2",
    loadBalancers: new Map([[0, loadBalancer]]),
    routes: ROUTES,
    ...props,
  });
  const synth = Testing.synth(stack, true);
  return { api, synth, json: JSON.parse(synth) as TerraformJson };
}

/** `${<type>.<logical id>.<attr>}` for the single resource of a type. */
function refToOnly(json: TerraformJson, type: string, attr: string): string {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return `\${${type}.${all[0][0]}.${attr}}`;
}

/** `${aws_api_gateway_resource.<id>.id}` of the resource with a path part (unique in ROUTES). */
function resourceRef(json: TerraformJson, pathPart: string): string {
  const found = resourcesOf(json, "aws_api_gateway_resource").filter(([, r]) => r.path_part === pathPart);
  expect(found).toHaveLength(1);
  return `\${aws_api_gateway_resource.${found[0][0]}.id}`;
}

/** The method on a resource, as [logical id, attributes]. */
function methodOn(json: TerraformJson, resourceId: string, httpMethod: string): [string, Record<string, unknown>] {
  const found = resourcesOf(json, "aws_api_gateway_method").filter(([, m]) => m.resource_id === resourceId && m.http_method === httpMethod);
  expect(found).toHaveLength(1);
  return found[0];
}

/** The integration of a method. */
function integrationOf(json: TerraformJson, methodId: string): Record<string, unknown> {
  const found = resourcesOf(json, "aws_api_gateway_integration").filter(
    ([, i]) => i.http_method === `\${aws_api_gateway_method.${methodId}.http_method}`,
  );
  expect(found).toHaveLength(1);
  return found[0][1];
}

function routesHash(json: TerraformJson): string {
  const [, deployment] = resourcesOf(json, "aws_api_gateway_deployment")[0];
  return String((deployment.triggers as Record<string, unknown>).routes);
}

/** Every warning annotation in the construct's subtree, with the path of the construct it is attached to. */
function warningsOf(api: PrivateRestApi): { path: string; message: string }[] {
  return api.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => ({ path: c.node.path, message: String(m.data) })));
}

describe("PrivateRestApi", () => {
  test("is a regional REST API with the given name", () => {
    // WHEN
    const { synth } = build();
    // THEN
    expect(synth).toHaveResourceWithProperties(ApiGatewayRestApi, {
      name: "team-api",
      description: "Private ECS services behind team-api",
      endpoint_configuration: { types: ["REGIONAL"] },
    });
  });

  test("a VPC link targets the internal NLB", () => {
    // WHEN
    const { json } = build();
    // THEN
    const links = resourcesOf(json, "aws_api_gateway_vpc_link").map(([, l]) => l);
    expect(links).toEqual([objectContaining({ name: "team-api", target_arns: [refToOnly(json, "aws_lb", "arn")] })]);
  });

  test("builds the resource tree once, sharing parent resources between routes", () => {
    // WHEN
    const { json } = build();
    // THEN
    const restApiId = refToOnly(json, "aws_api_gateway_rest_api", "id");
    const root = refToOnly(json, "aws_api_gateway_rest_api", "root_resource_id");
    const resources = resourcesOf(json, "aws_api_gateway_resource").map(([, r]) => r);
    expect(resources.map((r) => r.path_part).sort()).toEqual(["inventory", "orders", "stock", "{proxy+}", "{sku}"].sort());
    const parentOf = (part: string): unknown => resources.find((r) => r.path_part === part)?.parent_id;
    expect(parentOf("orders")).toBe(root);
    expect(parentOf("inventory")).toBe(root);
    expect(parentOf("{proxy+}")).toBe(resourceRef(json, "orders"));
    expect(parentOf("{sku}")).toBe(resourceRef(json, "inventory"));
    expect(parentOf("stock")).toBe(resourceRef(json, "{sku}"));
    for (const resource of resources) expect(resource.rest_api_id).toBe(restApiId);
  });

  test("creates one method per route and HTTP method, on the route's resource", () => {
    // WHEN
    const { json } = build();
    // THEN
    expect(resourcesOf(json, "aws_api_gateway_method")).toHaveLength(6);
    methodOn(json, resourceRef(json, "orders"), "GET");
    methodOn(json, resourceRef(json, "orders"), "POST");
    methodOn(json, resourceRef(json, "{proxy+}"), "ANY");
    methodOn(json, resourceRef(json, "{sku}"), "GET");
    methodOn(json, resourceRef(json, "stock"), "GET");
    methodOn(json, resourceRef(json, "stock"), "PUT");
  });

  test("every method requires AWS_IAM authorization by default", () => {
    // WHEN
    const { json } = build();
    // THEN
    const authorizations = resourcesOf(json, "aws_api_gateway_method").map(([, m]) => m.authorization);
    expect(authorizations).toEqual(Array(6).fill("AWS_IAM"));
  });

  test("methods declare the path parameters of their route", () => {
    // WHEN
    const { json } = build();
    // THEN
    const [, stock] = methodOn(json, resourceRef(json, "stock"), "GET");
    expect(stock.request_parameters).toEqual({ "method.request.path.sku": true });
    const [, proxy] = methodOn(json, resourceRef(json, "{proxy+}"), "ANY");
    expect(proxy.request_parameters).toEqual({ "method.request.path.proxy": true });
  });

  test("a {proxy+} route is an HTTP_PROXY integration over the VPC link to the NLB port", () => {
    // WHEN
    const { json } = build();
    // THEN
    const [methodId] = methodOn(json, resourceRef(json, "{proxy+}"), "ANY");
    const integration = integrationOf(json, methodId);
    const dnsName = refToOnly(json, "aws_lb", "dns_name");
    expect(integration).toEqual(
      objectContaining({
        type: "HTTP_PROXY",
        connection_type: "VPC_LINK",
        connection_id: refToOnly(json, "aws_api_gateway_vpc_link", "id"),
        integration_http_method: "ANY",
        resource_id: resourceRef(json, "{proxy+}"),
        uri: `http://${dnsName}:10000/orders/{proxy}`,
        request_parameters: { "integration.request.path.proxy": "method.request.path.proxy" },
      }),
    );
  });

  test("every integration goes over the VPC link to its route's port and path", () => {
    // WHEN
    const { json } = build();
    // THEN
    const dnsName = refToOnly(json, "aws_lb", "dns_name");
    const vpcLink = refToOnly(json, "aws_api_gateway_vpc_link", "id");
    const integrations = resourcesOf(json, "aws_api_gateway_integration").map(([, i]) => i);
    expect(integrations).toHaveLength(6);
    for (const integration of integrations) {
      expect(integration).toEqual(objectContaining({ type: "HTTP_PROXY", connection_type: "VPC_LINK", connection_id: vpcLink }));
    }
    const [stockPutId] = methodOn(json, resourceRef(json, "stock"), "PUT");
    expect(integrationOf(json, stockPutId)).toEqual(
      objectContaining({
        integration_http_method: "PUT",
        uri: `http://${dnsName}:10001/inventory/{sku}/stock`,
        request_parameters: { "integration.request.path.sku": "method.request.path.sku" },
      }),
    );
    const [ordersPostId] = methodOn(json, resourceRef(json, "orders"), "POST");
    expect(integrationOf(json, ordersPostId)).toEqual(
      objectContaining({ integration_http_method: "POST", uri: `http://${dnsName}:10000/orders`, request_parameters: {} }),
    );
  });

  test("the deployment has route and integration triggers and is created before it is destroyed", () => {
    // WHEN
    const { synth, json } = build();
    // THEN
    expect(synth).toHaveResourceWithProperties(ApiGatewayDeployment, {
      rest_api_id: refToOnly(json, "aws_api_gateway_rest_api", "id"),
      lifecycle: objectContaining({ create_before_destroy: true }),
      triggers: { routes: stringMatching(/^[0-9a-f]{64}$/), integrations: stringMatching(/^\$\{sha1\(jsonencode\(\[/) },
    });
    const [, deployment] = resourcesOf(json, "aws_api_gateway_deployment")[0];
    const integrations = String((deployment.triggers as Record<string, unknown>).integrations);
    for (const [methodId] of resourcesOf(json, "aws_api_gateway_method")) {
      expect(integrations).toContain(`aws_api_gateway_method.${methodId}.id`);
    }
    for (const [integrationId] of resourcesOf(json, "aws_api_gateway_integration")) {
      expect(integrations).toContain(`aws_api_gateway_integration.${integrationId}.uri`);
    }
  });

  test.each([
    ["default", undefined, "v1"],
    ["configured", "prod", "prod"],
  ])("the %s stage publishes the deployment", (_what, stageName, expected) => {
    // WHEN
    const { synth, json } = build({ stageName });
    // THEN
    expect(synth).toHaveResourceWithProperties(ApiGatewayStage, {
      stage_name: expected,
      deployment_id: refToOnly(json, "aws_api_gateway_deployment", "id"),
    });
  });

  test("the same routes give the same routes hash", () => {
    // WHEN
    const first = routesHash(build().json);
    const second = routesHash(build({ routes: ROUTES.map((r) => ({ ...r })) }).json);
    // THEN
    expect(second).toBe(first);
  });

  test.each<[string, (routes: RestApiRoute[]) => void]>([
    ["changing a path", (routes) => (routes[0] = { ...routes[0], path: "/purchases" })],
    ["changing a method", (routes) => (routes[0] = { ...routes[0], methods: ["GET"] })],
    ["changing a port", (routes) => (routes[2] = { ...routes[2], port: 10002 })],
    ["changing an authorization", (routes) => (routes[2] = { ...routes[2], authorization: "NONE" })],
    ["adding a route", (routes) => routes.push({ path: "/health", methods: ["GET"], port: 10000 })],
  ])("%s changes the deployment's routes hash", (_what, change) => {
    // GIVEN
    const before = routesHash(build().json);
    const routes = [...ROUTES];
    change(routes);
    // WHEN
    const after = routesHash(build({ routes }).json);
    // THEN
    expect(after).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
  });

  test("a route with authorization NONE gets an open method and a warning on it", () => {
    // GIVEN
    const routes: RestApiRoute[] = [...ROUTES, { path: "/public", methods: ["GET"], port: 10000, authorization: "NONE" }];
    // WHEN
    const { api, json } = build({ routes });
    // THEN
    const [, method] = methodOn(json, resourceRef(json, "public"), "GET");
    expect(method.authorization).toBe("NONE");
    const warnings = warningsOf(api);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].path).toBe("test/Api/Method-public-GET");
    expect(warnings[0].message).toMatch(/^GET \/public has authorization NONE/);
  });

  test("AWS_IAM routes, explicit or by default, produce no warning", () => {
    // GIVEN
    const routes: RestApiRoute[] = [...ROUTES, { path: "/signed", methods: ["POST"], port: 10000, authorization: "AWS_IAM" }];
    // WHEN
    const { api, json } = build({ routes });
    // THEN
    expect(resourcesOf(json, "aws_api_gateway_method").map(([, m]) => m.authorization)).toEqual(Array(7).fill("AWS_IAM"));
    expect(warningsOf(api)).toEqual([]);
  });

  test("an invalid route path is rejected with the path and the reason", () => {
    // WHEN / THEN
    expect(() => build({ routes: [{ path: "orders", methods: ["GET"], port: 10000 }] })).toThrow(
      'PrivateRestApi: route path "orders" must start with /',
    );
  });
});

test("paths that differ only in braces, separators or dots get their own resources and methods", () => {
  // GIVEN routes whose naive ids would collide
  const routes: RestApiRoute[] = [
    { path: "/inventory/{sku}", methods: ["GET"], port: 10001 },
    { path: "/inventory/sku", methods: ["GET"], port: 10001 },
    { path: "/a_b", methods: ["GET"], port: 10000 },
    { path: "/a/b", methods: ["GET"], port: 10000 },
    { path: "/a.b", methods: ["GET"], port: 10000 },
    { path: "/a-b", methods: ["GET"], port: 10000 },
  ];
  // WHEN
  const { json } = build({ routes });
  // THEN one method per route, and /a is shared by nothing else
  expect(resourcesOf(json, "aws_api_gateway_method")).toHaveLength(6);
  expect(
    resourcesOf(json, "aws_api_gateway_resource")
      .map(([, r]) => r.path_part)
      .sort(),
  ).toEqual(["a", "a-b", "a.b", "a_b", "b", "inventory", "sku", "{sku}"].sort());
});

describe("construct paths, which are Terraform addresses", () => {
  test("each VPC link is a direct child of the API: VpcLink for NLB 0, VpcLink-<n + 1> for NLB n", () => {
    // GIVEN two NLBs, 0 and 1
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const nlb = (id: string, port: number) =>
      new InternalNetworkLoadBalancer(stack, id, {
        name: "team-api",
        loadBalancerName: `team-api-${id.toLowerCase()}`,
        vpcId: "vpc-0123456789abcdef0",
        subnetIds: ["subnet-0123456789abcdef0"],
        ports: [{ service: `svc-${port}`, port }],
      });
    // WHEN
    const api = new PrivateRestApi(stack, "Api", {
      name: "team-api",
      region: "eu-west-2",
      loadBalancers: new Map([
        [0, nlb("Nlb", 10000)],
        [1, nlb("Nlb2", 10001)],
      ]),
      routes: [
        { path: "/a", methods: ["GET"], port: 10000 },
        { path: "/b", methods: ["GET"], port: 10001, nlb: 1 },
      ],
    });
    // THEN
    expect(api.node.tryFindChild("VpcLink")).toBeInstanceOf(ApiGatewayVpcLink);
    expect(api.node.tryFindChild("VpcLink-2")).toBeInstanceOf(ApiGatewayVpcLink);
    expect(api.vpcLinkIds.size).toBe(2);
  });

  test("a REST API's alarms and custom domain are siblings of the API: ApiAlarms and CustomDomain", () => {
    // GIVEN
    const { api } = build();
    const stack = api.node.scope as TerraformStack;
    // WHEN
    const alarms = addStageAlarms(stack, "team-api", api);
    const url = addStageCustomDomain(stack, api, {
      domainName: "api.example.com",
      certificateArn: "arn:aws:acm:eu-west-2:123456789012:certificate/abc",
      hostedZoneId: "Z0123456789ABC",
    });
    // THEN
    expect(alarms.node.path).toBe("test/ApiAlarms");
    expect(stack.node.tryFindChild("CustomDomain")).toBeInstanceOf(RestApiCustomDomain);
    expect(url).toBe("https://api.example.com/");
  });
});

describe("the stage's web ACL", () => {
  test("by default, a web ACL of the API's own (child WebAcl) is associated with the stage", () => {
    // WHEN
    const { api, json } = build();
    // THEN
    expect(api.node.tryFindChild("WebAcl")).toBe(api.webAcl);
    expect(resourcesOf(json, "aws_wafv2_web_acl").map(([, a]) => a.name)).toEqual(["team-api-api"]);
    const [, association] = resourcesOf(json, "aws_wafv2_web_acl_association")[0];
    expect(association.resource_arn).toBe(refToOnly(json, "aws_api_gateway_stage", "arn"));
    expect(warningsOf(api)).toEqual([]);
  });

  test("an existing web ACL is only associated", () => {
    // GIVEN
    const arn = "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/central/a1b2c3d4-5678-90ab-cdef-111122223333";
    // WHEN
    const { json } = build({ webAcl: { mode: "existing", arn } });
    // THEN
    expect(resourcesOf(json, "aws_wafv2_web_acl")).toEqual([]);
    expect(resourcesOf(json, "aws_wafv2_web_acl_association").map(([, a]) => a)).toEqual([
      objectContaining({ resource_arn: refToOnly(json, "aws_api_gateway_stage", "arn"), web_acl_arn: arn }),
    ]);
  });

  test('"none": no web ACL and no association, and a warning on the stage', () => {
    // WHEN
    const { api, json } = build({ webAcl: { mode: "none" } });
    // THEN
    expect(Object.keys(json.resource).filter((type) => type.startsWith("aws_wafv2_"))).toEqual([]);
    expect(api.webAcl).toBeUndefined();
    expect(warningsOf(api)).toEqual([
      {
        path: "test/Api/Stage",
        message:
          'Stage v1 of the REST API team-api has no AWS WAF web ACL ("webAcl": {"mode": "none"}): requests reach the authorizers and the services unfiltered, with no rate limit per client IP. This was chosen explicitly in the config.',
      },
    ]);
  });
});

describe("execution logs", () => {
  const KMS = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const executionLogGroups = (json: TerraformJson) =>
    resourcesOf(json, "aws_cloudwatch_log_group").filter(([, g]) => String(g.name).startsWith("API-Gateway-Execution-Logs_"));

  test("log errors by default, never with bodies, to the group API Gateway would make, which the API manages: 30 days", () => {
    // WHEN
    const { json } = build();
    // THEN
    const [, settings] = resourcesOf(json, "aws_api_gateway_method_settings")[0];
    expect(settings.settings).toMatchObject({ logging_level: "ERROR", data_trace_enabled: false, metrics_enabled: false });
    const groups = executionLogGroups(json);
    expect(groups).toHaveLength(1);
    const [groupId, group] = groups[0];
    expect(group).toEqual(
      objectContaining({
        name: `API-Gateway-Execution-Logs_${refToOnly(json, "aws_api_gateway_rest_api", "id")}/v1`,
        retention_in_days: 30,
      }),
    );
    expect(group.kms_key_id).toBeUndefined();
    // The method settings turn logging on only once the group exists.
    expect(settings.depends_on).toEqual([`aws_cloudwatch_log_group.${groupId}`]);
  });

  test("the group is named after the configured stage, and takes the KMS key and retention of `logs`", () => {
    // WHEN
    const { json } = build({ stageName: "prod", executionLogLevel: "INFO", logs: { kmsKeyArn: KMS, retentionDays: 365 } });
    // THEN
    const [[, group]] = executionLogGroups(json);
    expect(group).toEqual(
      objectContaining({
        name: `API-Gateway-Execution-Logs_${refToOnly(json, "aws_api_gateway_rest_api", "id")}/prod`,
        retention_in_days: 365,
        kms_key_id: KMS,
      }),
    );
    const [, settings] = resourcesOf(json, "aws_api_gateway_method_settings")[0];
    expect(settings.settings).toMatchObject({ logging_level: "INFO", data_trace_enabled: false });
  });

  test("OFF: no execution log group", () => {
    // WHEN
    const { json } = build({ executionLogLevel: "OFF" });
    // THEN
    expect(executionLogGroups(json)).toEqual([]);
    const [, settings] = resourcesOf(json, "aws_api_gateway_method_settings")[0];
    expect(settings.settings).toMatchObject({ logging_level: "OFF" });
    expect(settings.depends_on ?? []).toEqual([]);
  });

  test("the access log group takes the KMS key of `logs`, and keeps its own retention", () => {
    // WHEN
    const { json } = build({ accessLogs: { retentionDays: 180 }, logs: { kmsKeyArn: KMS, retentionDays: 7 } });
    // THEN
    const access = resourcesOf(json, "aws_cloudwatch_log_group").find(([, g]) => g.name === "/aws/apigateway/team-api/access");
    expect(access?.[1]).toEqual(objectContaining({ retention_in_days: 180, kms_key_id: KMS }));
  });
});

test("a stage cache is encrypted (cache_data_encrypted), and used by the methods", () => {
  // WHEN
  const { json } = build({ cache: { sizeGb: "1.6", ttlSeconds: 60 } });
  // THEN
  const [[, stage]] = resourcesOf(json, "aws_api_gateway_stage");
  expect(stage).toEqual(objectContaining({ cache_cluster_enabled: true, cache_cluster_size: "1.6" }));
  const [[, settings]] = resourcesOf(json, "aws_api_gateway_method_settings");
  expect(settings.settings).toMatchObject({ caching_enabled: true, cache_ttl_in_seconds: 60, cache_data_encrypted: true });
});
