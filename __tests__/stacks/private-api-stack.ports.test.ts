/**
 * Several ports per service, as the stack builds them: each NLB port its own listener and target
 * group, the ECS service registered in every one, each route reaching the port it names. A
 * service's first port keeps the addresses of the single-port form, so converting a service to
 * `ports` moves nothing.
 */
import type { PrivateApiConfigInput } from "../../lib/config/schema";
import { checkSynth } from "../../lib/policy";
import { defaultConfig, exampleConfig, HTTP_HEALTH_CHECK, ledgerOf } from "../helpers/fixtures";
import { albServiceWithAdmin, asPorts, ordersWithAdmin } from "../helpers/ports";
import { resourcesByPath, resourcesOf, synthToTemp, type TerraformJson } from "../helpers/synth";

type Input = PrivateApiConfigInput;

const ref = (type: string, id: string, attr: string): string => `\${${type}.${id}.${attr}}`;

/** The resource at a construct path, failing the test when there is none. */
function at(json: TerraformJson, type: string, path: string): { id: string; attrs: Record<string, unknown> } {
  const found = resourcesByPath(json, type).get(path);
  if (!found) throw new Error(`no ${type} at ${path}; there are ${[...resourcesByPath(json, type).keys()].join(", ")}`);
  return found;
}

describe("converting a one-port service to ports with the same port moves nothing", () => {
  // GIVEN the default (REST), the HTTP API example (its NLB service and one behind the ALB) and
  // the native bridge example, each with every service in the ports form
  const cases: [string, () => Input, string | undefined][] = [
    ["the embedded default", () => defaultConfig(), undefined],
    ["examples/http-api.json", () => exampleConfig("http-api"), "examples/http-api.json"],
    ["examples/alb-bridge-native.json", () => exampleConfig("alb-bridge-native"), "examples/alb-bridge-native.json"],
  ];
  test.each(cases)("%s: the same Terraform JSON, byte for byte", (_name, base, ledgerName) => {
    const converted = base();
    converted.services = converted.services.map((s) => asPorts(s));
    // WHEN both forms are synthesised
    const before = synthToTemp(base(), { nlbShards: ledgerOf(ledgerName ?? "") });
    const after = synthToTemp(converted, { nlbShards: ledgerOf(ledgerName ?? "") });
    // THEN
    expect(after.config.services.every((s) => s.ports !== undefined)).toBe(true);
    expect(JSON.stringify(after.json)).toBe(JSON.stringify(before.json));
  });
});

describe("a REST API service with two NLB ports", () => {
  const { json, plan } = synthToTemp(ordersWithAdmin());

  test("passes the policy check (npm run check)", () => {
    const result = checkSynth(json, { plan });
    expect(result.findings).toEqual([]);
    expect(result.unchecked).toEqual([]);
  });

  test("each port has its own listener and target group; the first keeps the service's ids and names", () => {
    const first = at(json, "aws_lb_listener", "Nlb/Listener-orders");
    const admin = at(json, "aws_lb_listener", "Nlb/Listener-orders-Port-admin");
    expect(first.attrs).toMatchObject({ port: 10000, protocol: "TCP" });
    expect(admin.attrs).toMatchObject({ port: 10002, protocol: "TCP" });
    const adminGroup = at(json, "aws_lb_target_group", "Nlb/TargetGroup-orders-Port-admin");
    expect(adminGroup.attrs).toMatchObject({ name: "private-api-tg-10002", port: 10002, protocol: "TCP" });
    expect(at(json, "aws_lb_target_group", "Nlb/TargetGroup-orders").attrs).toMatchObject({ name: "private-api-tg-10000", port: 10000 });
    expect(admin.attrs.default_action).toEqual([{ type: "forward", target_group_arn: ref("aws_lb_target_group", adminGroup.id, "arn") }]);
    // Each port its own health check: HTTP on the first, the default TCP on admin.
    expect(adminGroup.attrs.health_check).toMatchObject({ protocol: "TCP" });
    expect(at(json, "aws_lb_target_group", "Nlb/TargetGroup-orders").attrs.health_check).toMatchObject({
      protocol: "HTTP",
      path: "/health",
    });
  });

  test("the ECS service maps both ports, registers in both target groups and waits for both listeners", () => {
    const service = at(json, "aws_ecs_service", "Service-orders/Resource");
    const group = (path: string) => ref("aws_lb_target_group", at(json, "aws_lb_target_group", path).id, "arn");
    expect(service.attrs.load_balancer).toEqual([
      { target_group_arn: group("Nlb/TargetGroup-orders"), container_name: "orders", container_port: 8080 },
      { target_group_arn: group("Nlb/TargetGroup-orders-Port-admin"), container_name: "orders", container_port: 7777 },
    ]);
    expect(service.attrs.depends_on).toEqual([
      `aws_lb_listener.${at(json, "aws_lb_listener", "Nlb/Listener-orders").id}`,
      `aws_lb_listener.${at(json, "aws_lb_listener", "Nlb/Listener-orders-Port-admin").id}`,
    ]);
    expect(service.attrs.placement_constraints).toEqual([{ type: "distinctInstance" }]);
    const task = at(json, "aws_ecs_task_definition", "Service-orders/TaskDefinition");
    const [container] = JSON.parse(String(task.attrs.container_definitions)) as { portMappings: unknown[] }[];
    expect(container.portMappings).toEqual([
      { containerPort: 8080, hostPort: 10000, protocol: "tcp" },
      { containerPort: 7777, hostPort: 10002, protocol: "tcp" },
    ]);
  });

  test("the NLB and the instances let each port through, from the NLB's group only", () => {
    const ingress = at(json, "aws_vpc_security_group_ingress_rule", "Cluster/HostPort-orders-Port-admin");
    const nlbGroup = ref("aws_security_group", at(json, "aws_security_group", "Nlb/SecurityGroup").id, "id");
    expect(ingress.attrs).toMatchObject({
      from_port: 10002,
      to_port: 10002,
      referenced_security_group_id: nlbGroup,
      description: "orders port admin: load balancer traffic and health checks",
    });
    expect(ingress.attrs.cidr_ipv4).toBeUndefined();
    expect(at(json, "aws_vpc_security_group_egress_rule", "Nlb/EgressToTargets-orders-Port-admin").attrs).toMatchObject({
      from_port: 10002,
      to_port: 10002,
    });
  });

  test("a route that names a port integrates with its listener port; the others with the first", () => {
    const uris = new Map(resourcesOf(json, "aws_api_gateway_integration").map(([id, i]) => [id.split("_")[1], String(i.uri)]));
    expect(uris.get("Integration-adminproxy-ANY")).toMatch(/:10002\/admin\/\{proxy\}$/);
    expect(uris.get("Integration-ordersproxy-ANY")).toMatch(/:10000\/orders\/\{proxy\}$/);
  });
});

describe("an HTTP API service with two NLB ports", () => {
  const input = ordersWithAdmin();
  input.api = { type: "http" };
  const { json, plan } = synthToTemp(input);

  test("passes the policy check (npm run check)", () => {
    expect(checkSynth(json, { plan }).findings).toEqual([]);
  });

  test("one integration per port: the first keeps the service's, the named one gets its own", () => {
    const integration = (path: string) => at(json, "aws_apigatewayv2_integration", path);
    const listener = (path: string) => ref("aws_lb_listener", at(json, "aws_lb_listener", path).id, "arn");
    expect(integration("HttpApi/Integration-orders").attrs.integration_uri).toBe(listener("Nlb/Listener-orders"));
    expect(integration("HttpApi/Integration-orders-Port-admin").attrs.integration_uri).toBe(listener("Nlb/Listener-orders-Port-admin"));
    const route = at(json, "aws_apigatewayv2_route", "HttpApi/Route-admin:{proxy+}-ANY");
    expect(route.attrs.target).toBe(
      `integrations/${ref("aws_apigatewayv2_integration", integration("HttpApi/Integration-orders-Port-admin").id, "id")}`,
    );
  });

  test("the VPC link reaches each routed port, and only those", () => {
    const ingress = resourcesByPath(json, "aws_vpc_security_group_ingress_rule");
    expect(ingress.get("Nlb/IngressFrom-http-api-orders-Port-admin")?.attrs).toMatchObject({ from_port: 10002, to_port: 10002 });
    expect(ingress.get("Nlb/IngressFrom-http-api-orders")?.attrs).toMatchObject({ from_port: 10000 });
    // GIVEN no route to admin
    const unrouted = ordersWithAdmin();
    unrouted.api = { type: "http" };
    unrouted.routes.pop();
    // THEN its listener is closed to the VPC link
    const closed = synthToTemp(unrouted).json;
    expect(resourcesByPath(closed, "aws_vpc_security_group_ingress_rule").has("Nlb/IngressFrom-http-api-orders-Port-admin")).toBe(false);
    expect(resourcesByPath(closed, "aws_vpc_security_group_egress_rule").has("HttpApi/EgressToTargets-nlb-orders-Port-admin")).toBe(false);
    expect(resourcesByPath(closed, "aws_lb_listener").has("Nlb/Listener-orders-Port-admin")).toBe(true);
  });
});

describe("a service behind the ALB with a further port", () => {
  test("REST: the first port stays on the ALB; the further port gets an NLB listener, and its route goes there, not to the bridge", () => {
    const { json, plan } = synthToTemp(albServiceWithAdmin("alb-bridge-native", "search"), {
      nlbShards: ledgerOf("examples/alb-bridge-native.json"),
    });
    expect(checkSynth(json, { plan }).findings).toEqual([]);
    expect(at(json, "aws_lb_target_group", "Alb/TargetGroup-search").attrs).toMatchObject({ protocol: "HTTP" });
    expect(at(json, "aws_lb_listener", "Nlb/Listener-search-Port-admin").attrs).toMatchObject({ port: 10100 });
    const uris = resourcesOf(json, "aws_api_gateway_integration").map(([, i]) => String(i.uri));
    expect(uris.filter((u) => u.endsWith("/admin"))).toEqual([expect.stringMatching(/^http:\/\/.*:10100\/admin$/)]);
    expect(uris.filter((u) => u.includes("/search"))).toEqual(expect.arrayContaining([expect.stringMatching(/:80\/search/)]));
    const service = at(json, "aws_ecs_service", "Service-search/Resource");
    expect((service.attrs.load_balancer as unknown[]).length).toBe(2);
    // The ALB rules and the NLB listener both attach a target group of the service: it waits for all.
    const dependsOn = service.attrs.depends_on as string[];
    expect(dependsOn.filter((d) => d.startsWith("aws_lb_listener_rule."))).toHaveLength(2);
    expect(dependsOn).toContain(`aws_lb_listener.${at(json, "aws_lb_listener", "Nlb/Listener-search-Port-admin").id}`);
    // A fixed port means one task per instance, though the ALB port is dynamic.
    expect(service.attrs.placement_constraints).toEqual([{ type: "distinctInstance" }]);
    // The ALB reaches only its own (dynamic) port; the NLB the fixed one.
    const ingress = resourcesByPath(json, "aws_vpc_security_group_ingress_rule");
    expect(ingress.get("Cluster/HostPort-search-Port-admin")?.attrs).toMatchObject({ from_port: 10100 });
    expect(ingress.get("Cluster/HostPort-search-Port-admin")?.attrs.referenced_security_group_id).toBe(
      ref("aws_security_group", at(json, "aws_security_group", "Nlb/SecurityGroup").id, "id"),
    );
  });

  test("HTTP API: the further port gets an NLB integration; the ALB integration stays as it was", () => {
    const { json } = synthToTemp(albServiceWithAdmin("http-api", "feed"), { nlbShards: ledgerOf("examples/http-api.json") });
    const integration = at(json, "aws_apigatewayv2_integration", "HttpApi/Integration-feed-Port-admin");
    expect(integration.attrs.integration_uri).toBe(
      ref("aws_lb_listener", at(json, "aws_lb_listener", "Nlb/Listener-feed-Port-admin").id, "arn"),
    );
    expect(resourcesByPath(json, "aws_apigatewayv2_integration").has("HttpApi/Integration-Alb")).toBe(true);
    expect(at(json, "aws_apigatewayv2_route", "HttpApi/Route-admin-GET").attrs.target).toBe(
      `integrations/${ref("aws_apigatewayv2_integration", integration.id, "id")}`,
    );
  });

  test("HTTP API whose services are all behind the ALB: a further port brings the NLB", () => {
    const cfg = exampleConfig("http-api");
    cfg.services = cfg.services.filter((s) => s.via === "alb");
    cfg.routes = cfg.routes.filter((r) => r.service !== "legacy-sync");
    expect(resourcesOf(synthToTemp(cfg).json, "aws_lb").filter(([, lb]) => lb.load_balancer_type === "network")).toHaveLength(0);
    const i = cfg.services.findIndex((s) => s.name === "feed");
    cfg.services[i] = asPorts(cfg.services[i], "http", [{ name: "admin", containerPort: 7777, hostPort: 10100 }]);
    const { json } = synthToTemp(cfg);
    expect(resourcesOf(json, "aws_lb").filter(([, lb]) => lb.load_balancer_type === "network")).toHaveLength(1);
    expect(at(json, "aws_lb_listener", "Nlb/Listener-feed-Port-admin").attrs).toMatchObject({ port: 10100 });
  });
});

describe("ids of further ports never collide with another service's", () => {
  test.each(["orders-admin", "orders-port-admin"])('service "orders" port "admin" beside a service "%s"', (other) => {
    // GIVEN
    const cfg = ordersWithAdmin();
    cfg.services.push({ name: other, image: "x:1", containerPort: 8080, hostPort: 10003, healthCheck: HTTP_HEALTH_CHECK });
    cfg.routes.push({ path: `/${other}`, methods: ["GET"], service: other });
    cfg.api = { type: "http" };
    // WHEN
    const { json } = synthToTemp(cfg);
    // THEN every port has its own listener, target group, rules and integration
    const listeners = resourcesByPath(json, "aws_lb_listener");
    expect(listeners.get("Nlb/Listener-orders-Port-admin")?.attrs.port).toBe(10002);
    expect(listeners.get(`Nlb/Listener-${other}`)?.attrs.port).toBe(10003);
    const rules = resourcesByPath(json, "aws_vpc_security_group_ingress_rule");
    expect(rules.get("Cluster/HostPort-orders-Port-admin")?.attrs.from_port).toBe(10002);
    expect(rules.get(`Cluster/HostPort-${other}`)?.attrs.from_port).toBe(10003);
    const integrations = resourcesByPath(json, "aws_apigatewayv2_integration");
    expect(integrations.has("HttpApi/Integration-orders-Port-admin")).toBe(true);
    expect(integrations.has(`HttpApi/Integration-${other}`)).toBe(true);
    const addresses = Object.entries(json.resource).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`));
    expect(new Set(addresses).size).toBe(addresses.length);
  });

  test("a port of a service whose name is a fixed id part is marked like the service", () => {
    const cfg = ordersWithAdmin();
    cfg.services[0].name = "dynamic-ports";
    for (const r of cfg.routes) if (r.service === "orders") r.service = "dynamic-ports";
    const { json } = synthToTemp(cfg);
    expect(resourcesByPath(json, "aws_lb_listener").get("Nlb/Listener-User-dynamic-ports-Port-admin")?.attrs.port).toBe(10002);
    expect(
      resourcesByPath(json, "aws_vpc_security_group_ingress_rule").get("Cluster/HostPort-User-dynamic-ports-Port-admin"),
    ).toBeDefined();
    // The port's rules are new: they move from nowhere (the service's first-port rules do, as before).
    expect((json.moved ?? []).filter((m) => m.to.includes("Port-admin"))).toEqual([]);
  });
});

test("renaming a service with several ports moves every port's resources, further ports' too", () => {
  // GIVEN "orders" with its admin port, renamed to "billing"
  const cfg = ordersWithAdmin();
  cfg.services[0].name = "billing";
  for (const r of cfg.routes) if (r.service === "orders") r.service = "billing";
  cfg.renames = { services: { orders: "billing" } };
  // WHEN
  const { json } = synthToTemp(cfg);
  const before = synthToTemp(ordersWithAdmin()).json;
  // THEN each resource of the old name moves to the new one: the admin listener, target group, rules too
  const moves = new Map((json.moved ?? []).map((m) => [m.from, m.to]));
  const addressOf = (stack: TerraformJson, type: string, path: string) => `${type}.${at(stack, type, path).id}`;
  for (const [type, from, to] of [
    ["aws_lb_listener", "Nlb/Listener-orders-Port-admin", "Nlb/Listener-billing-Port-admin"],
    ["aws_lb_target_group", "Nlb/TargetGroup-orders-Port-admin", "Nlb/TargetGroup-billing-Port-admin"],
    ["aws_vpc_security_group_ingress_rule", "Cluster/HostPort-orders-Port-admin", "Cluster/HostPort-billing-Port-admin"],
    ["aws_lb_listener", "Nlb/Listener-orders", "Nlb/Listener-billing"],
    ["aws_ecs_service", "Service-orders/Resource", "Service-billing/Resource"],
  ]) {
    expect(moves.get(addressOf(before, type, from))).toBe(addressOf(json, type, to));
  }
});
