import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { makeUniqueId } from "cdktf/lib/private/unique";
import {
  type AlbServiceRoute,
  InternalApplicationLoadBalancer,
  type InternalApplicationLoadBalancerProps,
  rulePriority,
} from "../../lib/constructs/internal-application-load-balancer";
import { targetPortRanges } from "../../lib/model/connections";
import { HTTP_HEALTH_CHECK as HTTP } from "../helpers/fixtures";
import { resourcesOf, type TerraformJson } from "../helpers/synth";
import { objectContaining } from "../helpers/expect";

const SERVICES: AlbServiceRoute[] = [
  { service: "search", hostPort: 0, pathPatterns: ["/search", "/search/*"], healthCheck: HTTP },
  { service: "reviews", hostPort: 0, pathPatterns: ["/products/*/reviews"], healthCheck: HTTP },
  { service: "legacy", hostPort: 10005, pathPatterns: ["/legacy/*"], healthCheck: HTTP },
];

function build(props: Partial<InternalApplicationLoadBalancerProps> = {}): { synth: string; json: TerraformJson } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const alb = new InternalApplicationLoadBalancer(stack, "Alb", {
    name: "shop",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
    listenerPort: 80,
    services: SERVICES,
    ...props,
  });
  // The egress to the instances, as PrivateApiStack plans it: one rule per target port range.
  for (const r of targetPortRanges(alb.services)) {
    alb.connections.allowTo(
      { securityGroupId: "sg-0aaaaaaaaaaaaaaaa" },
      { id: `EgressToTargets-${r.id}`, fromPort: r.from, toPort: r.to, description: `${r.name}: to the instances` },
    );
  }
  const synth = Testing.synth(stack, true);
  return { synth, json: JSON.parse(synth) as TerraformJson };
}

test("is an internal application load balancer with its own security group and no inbound rule", () => {
  // WHEN
  const { synth, json } = build();
  // THEN
  expect(synth).toHaveResourceWithProperties(Lb, {
    internal: true,
    load_balancer_type: "application",
    name: "shop-alb",
    drop_invalid_header_fields: true,
  });
  expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).toEqual([]);
});

test("an HTTP listener answers 404 for paths no rule matches", () => {
  const { synth } = build();
  expect(synth).toHaveResourceWithProperties(LbListener, {
    port: 80,
    protocol: "HTTP",
    default_action: [objectContaining({ type: "fixed-response", fixed_response: objectContaining({ status_code: "404" }) })],
  });
});

test("with a certificate the listener speaks HTTPS with a TLS 1.3 policy", () => {
  const certificateArn = "arn:aws:acm:eu-west-2:123456789012:certificate/abc-123";
  const { synth } = build({ listenerPort: 443, certificateArn });
  expect(synth).toHaveResourceWithProperties(LbListener, {
    port: 443,
    protocol: "HTTPS",
    certificate_arn: certificateArn,
    ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  });
});

test("one instance target group per service and one rule per path pattern, forwarding to it", () => {
  // WHEN
  const { json } = build();
  // THEN
  const groups = resourcesOf(json, "aws_lb_target_group");
  expect(groups.map(([, g]) => g.name).sort()).toEqual(["shop-alb-legacy", "shop-alb-reviews", "shop-alb-search"]);
  for (const [, g] of groups)
    expect(g).toMatchObject({ target_type: "instance", protocol: "HTTP", health_check: objectContaining({ path: "/health" }) });
  const rules = resourcesOf(json, "aws_lb_listener_rule").map(([, r]) => r);
  expect(rules).toHaveLength(4);
  const searchGroup = groups.find(([, g]) => g.name === "shop-alb-search")?.[0];
  expect(rules).toContainEqual(
    objectContaining({
      condition: [{ path_pattern: { values: ["/search/*"] } }],
      action: [objectContaining({ type: "forward", target_group_arn: `\${aws_lb_target_group.${searchGroup}.arn}` })],
    }),
  );
});

test("rule priorities put exact paths first, then longer patterns, and are unique", () => {
  // GIVEN
  const patterns = ["/search/*", "/products/*/reviews", "/search", "/legacy/*", "/"];
  // WHEN
  const priorities = patterns.map((p) => rulePriority(patterns, p));
  // THEN
  expect(new Set(priorities).size).toBe(patterns.length);
  expect(rulePriority(patterns, "/search")).toBeLessThan(rulePriority(patterns, "/search/*"));
  expect(rulePriority(patterns, "/")).toBeLessThan(rulePriority(patterns, "/legacy/*"));
  expect(rulePriority(patterns, "/products/*/reviews")).toBeLessThan(rulePriority(patterns, "/search/*"));
});

test("connections adds its rules on its security group, under the ALB: egress to fixed ports and the dynamic port range", () => {
  // WHEN
  const { json } = build();
  // THEN
  const [[sgId]] = resourcesOf(json, "aws_security_group");
  const egress = resourcesOf(json, "aws_vpc_security_group_egress_rule").map(([id, r]) => [
    id,
    r.security_group_id,
    r.from_port,
    r.to_port,
    r.referenced_security_group_id,
  ]);
  const group = `\${aws_security_group.${sgId}.id}`;
  expect(egress).toEqual(
    expect.arrayContaining([
      [makeUniqueId(["Alb", "EgressToTargets-legacy"]), group, 10005, 10005, "sg-0aaaaaaaaaaaaaaaa"],
      [makeUniqueId(["Alb", "EgressToTargets-dynamic-ports"]), group, 32768, 65535, "sg-0aaaaaaaaaaaaaaaa"],
    ]),
  );
  expect(egress).toHaveLength(2);
  expect(targetPortRanges(SERVICES.filter((s) => s.hostPort !== 0))).toEqual([{ id: "legacy", name: "legacy", from: 10005, to: 10005 }]);
});

test("routeOf names an unknown service", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  const alb = new InternalApplicationLoadBalancer(stack, "Alb", {
    name: "shop",
    vpcId: "vpc-1",
    subnetIds: ["subnet-1", "subnet-2"],
    listenerPort: 80,
    services: SERVICES,
  });
  expect(() => alb.routeOf("billing")).toThrow(/no target group for service "billing"/);
});

test("on an existing ALB and listener: only target groups, offset rules and egress on its group", () => {
  // GIVEN
  const existing = {
    loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-1:890123456789:loadbalancer/app/shared-internal/6f4e3d2c1b0a9988",
    listenerArn: "arn:aws:elasticloadbalancing:eu-west-1:890123456789:listener/app/shared-internal/6f4e3d2c1b0a9988/aa11bb22cc33dd44",
    securityGroupId: "sg-0e1f2a3b4c5d60718",
    https: false,
  };
  // WHEN
  const { json } = build({ existing, rulePriorityOffset: 1000 });
  // THEN
  expect(resourcesOf(json, "aws_lb")).toEqual([]);
  expect(resourcesOf(json, "aws_lb_listener")).toEqual([]);
  expect(resourcesOf(json, "aws_security_group")).toEqual([]);
  const rules = resourcesOf(json, "aws_lb_listener_rule").map(([, r]) => r);
  expect(rules).toHaveLength(4);
  for (const r of rules) {
    expect(r.listener_arn).toBe(existing.listenerArn);
    expect(r.priority as number).toBeGreaterThan(1000);
  }
  for (const [, e] of resourcesOf(json, "aws_vpc_security_group_egress_rule")) expect(e.security_group_id).toBe(existing.securityGroupId);
});
