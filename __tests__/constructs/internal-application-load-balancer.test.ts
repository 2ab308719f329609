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
import { readPolicyDocument } from "../../lib/policy/iam";

/** A policy attribute as a document: a JSON string, or CDKTF's `${jsonencode(...)}`. */
function readDocument(value: unknown): unknown {
  const read = readPolicyDocument(value);
  if (!read.ok) throw new Error(read.reason);
  return read.document;
}

const SERVICES: AlbServiceRoute[] = [
  { service: "search", hostPort: 0, pathPatterns: ["/search", "/search/*"], healthCheck: HTTP },
  { service: "reviews", hostPort: 0, pathPatterns: ["/products/*/reviews"], healthCheck: HTTP },
  { service: "legacy", hostPort: 10005, pathPatterns: ["/legacy/*"], healthCheck: HTTP },
];

function build(props: Partial<InternalApplicationLoadBalancerProps> = {}): {
  synth: string;
  json: TerraformJson;
  alb: InternalApplicationLoadBalancer;
} {
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
  return { synth, json: JSON.parse(synth) as TerraformJson, alb };
}

/** Every warning annotation in the construct's subtree, with the path of the construct it is attached to. */
function warningsOf(alb: InternalApplicationLoadBalancer): { path: string; message: string }[] {
  return alb.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => ({ path: c.node.path, message: String(m.data) })));
}

/** The one resource of a type. */
function only(json: TerraformJson, type: string): [string, Record<string, unknown>] {
  const found = resourcesOf(json, type);
  expect(found).toHaveLength(1);
  return found[0];
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
    ssl_policy: "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
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

describe("deletion protection", () => {
  test("is on by default, without a warning", () => {
    const { synth, alb } = build();
    expect(synth).toHaveResourceWithProperties(Lb, { name: "shop-alb", enable_deletion_protection: true });
    expect(warningsOf(alb)).toEqual([]);
  });

  test("deletionProtection false turns it off, with a warning on the ALB that says what it risks", () => {
    const { synth, alb } = build({ deletionProtection: false });
    expect(synth).toHaveResourceWithProperties(Lb, { enable_deletion_protection: false });
    expect(warningsOf(alb)).toEqual([
      {
        path: "test/Alb/Resource",
        message:
          "ALB shop-alb has no deletion protection (deletionProtection false): a destroy, or a change that replaces it, deletes it at once, and every service behind it is unreachable until a new ALB is up.",
      },
    ]);
  });
});

describe("logs", () => {
  const EXISTING_ALB = {
    loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-2:890123456789:loadbalancer/app/shared/6f4e3d2c1b0a9988",
    listenerArn: "arn:aws:elasticloadbalancing:eu-west-2:890123456789:listener/app/shared/6f4e3d2c1b0a9988/aa11bb22cc33dd44",
    securityGroupId: "sg-0e1f2a3b4c5d60718",
    https: false,
  };

  test("none by default: no log blocks and no bucket", () => {
    const { json } = build();
    const [, lb] = only(json, "aws_lb");
    expect(lb).not.toHaveProperty("access_logs");
    expect(lb).not.toHaveProperty("connection_logs");
    expect(lb).not.toHaveProperty("depends_on");
    expect(resourcesOf(json, "aws_s3_bucket")).toEqual([]);
  });

  test("to a created bucket: both kinds go to it under the prefix, and the ALB waits for the bucket's policy", () => {
    // WHEN
    const { json } = build({ region: "eu-west-2", logs: { bucket: { type: "create" }, prefix: "shop/alb" } });
    // THEN
    const [bucketId, bucket] = only(json, "aws_s3_bucket");
    expect(bucket).toEqual(objectContaining({ bucket_prefix: "shop-alb-logs-" }));
    const [policyId] = only(json, "aws_s3_bucket_policy");
    const [, lb] = only(json, "aws_lb");
    const destination = { bucket: `\${aws_s3_bucket.${bucketId}.bucket}`, prefix: "shop/alb", enabled: true };
    expect(lb.access_logs).toEqual(destination);
    expect(lb.connection_logs).toEqual(destination);
    expect(lb.depends_on).toEqual([`aws_s3_bucket_policy.${policyId}`]);
    // AND the bucket is the ALB's: its construct id is LogBucket, under the ALB
    expect(bucketId).toBe(makeUniqueId(["Alb", "LogBucket", "Resource"]));
  });

  test("the created bucket's policy lets log delivery write for the account of the ALB's security group only", () => {
    const { json } = build({ region: "eu-west-2", logs: { bucket: { type: "create" } } });
    const [sgId] = only(json, "aws_security_group");
    const [bucketId] = only(json, "aws_s3_bucket");
    const [, policy] = only(json, "aws_s3_bucket_policy");
    const allow = (readDocument(policy.policy) as { Statement: Record<string, unknown>[] }).Statement.filter((st) => st.Effect === "Allow");
    expect(allow).toEqual([
      objectContaining({
        // eu-west-2 is a region from before August 2022: its Elastic Load Balancing account delivers.
        Principal: { AWS: "arn:aws:iam::652711504416:root" },
        Action: "s3:PutObject",
        // The default prefix is the ALB's name.
        Resource: `\${aws_s3_bucket.${bucketId}.arn}/shop-alb/AWSLogs/\${element(split(":", aws_security_group.${sgId}.arn), 4)}/*`,
      }),
    ]);
  });

  test("access logs only: the connection logs' block says enabled false", () => {
    const { json } = build({ region: "eu-west-2", logs: { connection: false, bucket: { type: "create" } } });
    const [, lb] = only(json, "aws_lb");
    expect(lb.access_logs).toEqual(objectContaining({ enabled: true }));
    expect(lb.connection_logs).toEqual(objectContaining({ enabled: false }));
  });

  test("to an existing bucket: the blocks name it, and nothing else is created", () => {
    const { json } = build({ logs: { bucket: { type: "existing", name: "org-alb-logs" }, prefix: "shop" } });
    const [, lb] = only(json, "aws_lb");
    expect(lb.access_logs).toEqual({ bucket: "org-alb-logs", prefix: "shop", enabled: true });
    expect(lb.connection_logs).toEqual({ bucket: "org-alb-logs", prefix: "shop", enabled: true });
    expect(lb).not.toHaveProperty("depends_on");
    for (const type of ["aws_s3_bucket", "aws_s3_bucket_policy"]) expect(resourcesOf(json, type)).toEqual([]);
  });

  test("are refused on an existing ALB, and a created bucket needs the region", () => {
    expect(() => build({ existing: EXISTING_ALB, logs: { bucket: { type: "existing", name: "org-alb-logs" } } })).toThrow(
      /logs are for a new ALB/,
    );
    expect(() => build({ logs: { bucket: { type: "create" } } })).toThrow(/a created log bucket needs the region/);
  });
});
