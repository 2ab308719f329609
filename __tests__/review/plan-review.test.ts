/**
 * reviewPlan on small fabricated `terraform show -json` documents: one rule per test.
 */
import { reviewPlan } from "../../lib/review/plan-review";
import { change, plan } from "../helpers/plans";

/** The text of one `### heading` section, up to the next heading. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`### ${heading}`);
  if (start < 0) return "";
  const next = markdown.indexOf("\n### ", start + 4);
  return markdown.slice(start, next < 0 ? undefined : next);
}

const NLB = { name: "private-api-nlb", internal: true, load_balancer_type: "network", enable_deletion_protection: true };

test("a replaced NLB is a downtime warning naming its address, at the top, and the plan is destructive", () => {
  // GIVEN
  const p = plan(
    change("aws_lb", "Nlb_BCDB97FE", ["delete", "create"], { ...NLB, name: "old-nlb" }, NLB, { replace_paths: [["name"]] }),
    change("aws_cloudwatch_log_group", "Logs", ["create"], null, { name: "/ecs/x" }),
  );
  // WHEN
  const review = reviewPlan(p);
  // THEN
  expect(review.destructive).toBe(true);
  expect(review.counts.aws_lb).toEqual({ create: 0, update: 0, replace: 1, delete: 0 });
  const downtime = section(review.markdown, "⚠️ Downtime");
  expect(downtime).toContain("**REPLACE** `aws_lb.Nlb_BCDB97FE` (load balancer, forced by `name`)");
  expect(review.markdown.indexOf("### ⚠️ Downtime")).toBeLessThan(review.markdown.indexOf("**Plan:"));
  expect(review.markdown).toContain("**Plan: 1 to add, 0 to change, 1 to replace, 0 to destroy.**");
});

test("create-before-destroy ordering counts as a replacement too", () => {
  const review = reviewPlan(plan(change("aws_ecs_cluster", "Cluster", ["create", "delete"], { name: "a" }, { name: "b" })));
  expect(review.destructive).toBe(true);
  expect(section(review.markdown, "⚠️ Downtime")).toContain("**REPLACE** `aws_ecs_cluster.Cluster` (cluster)");
});

test("a deleted listener is a downtime warning and the plan is destructive", () => {
  const review = reviewPlan(plan(change("aws_lb_listener", "Nlb_Listener-orders", ["delete"], { port: 10000, protocol: "TCP" }, null)));
  expect(review.destructive).toBe(true);
  expect(review.counts.aws_lb_listener).toEqual({ create: 0, update: 0, replace: 0, delete: 1 });
  expect(section(review.markdown, "⚠️ Downtime")).toContain("**DESTROY** `aws_lb_listener.Nlb_Listener-orders` (listener)");
  expect(review.markdown).toContain("0 to replace, 1 to destroy");
});

test.each([
  ["aws_api_gateway_vpc_link", "VPC link"],
  ["aws_apigatewayv2_vpc_link", "VPC link"],
  ["aws_api_gateway_rest_api", "API"],
  ["aws_apigatewayv2_api", "API"],
  ["aws_api_gateway_stage", "stage"],
  ["aws_apigatewayv2_stage", "stage"],
])("replacing %s is a downtime warning", (type, what) => {
  const review = reviewPlan(plan(change(type, "X", ["delete", "create"], { name: "a" }, { name: "b" })));
  expect(section(review.markdown, "⚠️ Downtime")).toContain(`\`${type}.X\` (${what})`);
});

test("an updated load balancer is no downtime warning", () => {
  const review = reviewPlan(plan(change("aws_lb", "Nlb", ["update"], { ...NLB, idle_timeout: 60 }, { ...NLB, idle_timeout: 120 })));
  expect(review.destructive).toBe(false);
  expect(review.markdown).not.toContain("Downtime");
});

// Security flags are the policy rules' findings (lib/policy), as `npm run check -- --plan` words them:
// `address`: `rule`: message. Findings a resource already had before the plan are not flagged again.

test("a new security group ingress rule from 0.0.0.0/0 is flagged with its values", () => {
  // GIVEN
  const rule = { security_group_id: "sg-1", ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" };
  // WHEN
  const review = reviewPlan(plan(change("aws_vpc_security_group_ingress_rule", "Open", ["create"], null, rule)));
  // THEN
  expect(section(review.markdown, "🚨 Security flags")).toContain(
    "`aws_vpc_security_group_ingress_rule.Open`: `no-open-ingress`: admits 0.0.0.0/0 (the whole internet), tcp port 443",
  );
  expect(section(review.markdown, "Security-relevant changes")).toContain("cidr_ipv4: `0.0.0.0/0`");
  expect(review.destructive).toBe(false);
});

test("an ingress rule widened to 0.0.0.0/0 shows before → after and is flagged", () => {
  const before = { security_group_id: "sg-1", ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.0.0.0/16" };
  const review = reviewPlan(
    plan(change("aws_vpc_security_group_ingress_rule", "Https", ["update"], before, { ...before, cidr_ipv4: "0.0.0.0/0" })),
  );
  expect(section(review.markdown, "Security-relevant changes")).toContain("cidr_ipv4: `10.0.0.0/16` → `0.0.0.0/0`");
  expect(section(review.markdown, "🚨 Security flags")).toContain(
    "`aws_vpc_security_group_ingress_rule.Https`: `no-open-ingress`: admits 0.0.0.0/0 (the whole internet)",
  );
});

test("open ingress in aws_security_group_rule and inline aws_security_group ingress is flagged; open egress is not", () => {
  const review = reviewPlan(
    plan(
      change("aws_security_group_rule", "Legacy", ["create"], null, {
        type: "ingress",
        from_port: 22,
        to_port: 22,
        cidr_blocks: ["0.0.0.0/0"],
      }),
      change(
        "aws_security_group",
        "Inline",
        ["update"],
        { ingress: [] },
        { ingress: [{ from_port: 80, to_port: 80, ipv6_cidr_blocks: ["::/0"] }] },
      ),
      change("aws_vpc_security_group_egress_rule", "Out", ["create"], null, { ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" }),
    ),
  );
  const flags = section(review.markdown, "🚨 Security flags");
  expect(flags).toContain("`aws_security_group_rule.Legacy`: `no-open-ingress`: admits 0.0.0.0/0 (the whole internet)");
  expect(flags).toContain("`aws_security_group.Inline`: `no-open-ingress`: ingress.0 admits ::/0 (the whole internet)");
  expect(flags).not.toContain("Out");
  expect(section(review.markdown, "Security-relevant changes")).toContain("create `aws_vpc_security_group_egress_rule.Out`");
});

test("a method switching to authorization NONE is flagged, with before → after", () => {
  // GIVEN
  const before = { http_method: "GET", authorization: "AWS_IAM", api_key_required: false };
  // WHEN
  const review = reviewPlan(
    plan(change("aws_api_gateway_method", "Api_Method-orders-GET", ["update"], before, { ...before, authorization: "NONE" })),
  );
  // THEN
  expect(section(review.markdown, "🚨 Security flags")).toContain(
    "`aws_api_gateway_method.Api_Method-orders-GET`: `authorization`: GET has authorization NONE: anyone can call it",
  );
  expect(section(review.markdown, "Security-relevant changes")).toContain("authorization: `AWS_IAM` → `NONE`");
});

test("an HTTP API route with authorization_type NONE is flagged; one that stays NONE is not re-flagged", () => {
  const review = reviewPlan(
    plan(
      change("aws_apigatewayv2_route", "New", ["create"], null, { route_key: "GET /x", authorization_type: "NONE" }),
      change(
        "aws_apigatewayv2_route",
        "Old",
        ["update"],
        { route_key: "GET /y", authorization_type: "NONE" },
        { route_key: "GET /z", authorization_type: "NONE" },
      ),
    ),
  );
  const flags = section(review.markdown, "🚨 Security flags");
  expect(flags).toContain('`aws_apigatewayv2_route.New`: `authorization`: "GET /x" has authorization_type NONE: anyone can call it');
  expect(flags).not.toContain("aws_apigatewayv2_route.Old");
  expect(section(review.markdown, "Security-relevant changes")).toContain("route_key: `GET /y` → `GET /z`");
});

test("an aws_lb with internal = false is flagged as internet-facing", () => {
  const review = reviewPlan(plan(change("aws_lb", "Public", ["create"], null, { ...NLB, internal: false })));
  expect(section(review.markdown, "🚨 Security flags")).toContain(
    "`aws_lb.Public`: `internal-load-balancers`: is internet-facing: internal is false, not true",
  );
  expect(section(review.markdown, "Security-relevant changes")).toContain("create `aws_lb.Public`: internal: `false`");
});

test("an NLB whose deletion protection is turned off is flagged, unless the config opts out", () => {
  // GIVEN a plan that turns the protection off in place
  const p = plan(change("aws_lb", "Nlb", ["update"], NLB, { ...NLB, enable_deletion_protection: false }));
  // WHEN it is reviewed without, and with, the config's opt-out
  const flagged = reviewPlan(p);
  const optedOut = reviewPlan(p, { optOuts: new Map([["lb-deletion-protection", 'config "deletionProtection": false']]) });
  // THEN the change is listed either way, a new finding without the opt-out, an allowed one with it
  for (const review of [flagged, optedOut]) {
    expect(section(review.markdown, "Security-relevant changes")).toContain(
      "update `aws_lb.Nlb`: enable_deletion_protection: `true` → `false`",
    );
  }
  expect(section(flagged.markdown, "🚨 Security flags")).toContain(
    "`aws_lb.Nlb`: `lb-deletion-protection`: enable_deletion_protection is false",
  );
  expect(section(optedOut.markdown, "🚨 Security flags")).toBe("");
  expect(section(optedOut.markdown, "Allowed")).toContain('(allowed by config "deletionProtection": false)');
});

test("IAM changes are listed with compact policies, and wildcards are flagged", () => {
  const policy = (action: string) =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });
  const review = reviewPlan(
    plan(
      change("aws_iam_role_policy", "P", ["update"], { role: "r", policy: policy("s3:GetObject") }, { role: "r", policy: policy("*") }),
      change("aws_lambda_permission", "Invoke", ["create"], null, { action: "lambda:InvokeFunction", principal: "*", function_name: "f" }),
      change(
        "aws_iam_role_policy_attachment",
        "Att",
        ["delete"],
        { role: "r", policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
        null,
      ),
    ),
  );
  const changes = section(review.markdown, "Security-relevant changes");
  expect(changes).toContain("policy: `Allow s3:GetObject on *` → `Allow * on *`");
  expect(changes).toContain(
    "destroy `aws_iam_role_policy_attachment.Att`: role: `r`; policy_arn: `arn:aws:iam::aws:policy/ReadOnlyAccess`",
  );
  const flags = section(review.markdown, "🚨 Security flags");
  expect(flags).toContain('`aws_iam_role_policy.P`: `iam-least-privilege`: statement 1 allows every action ("*")');
  expect(flags).toContain('`aws_lambda_permission.Invoke`: `no-wildcard-principals`: any principal ("*") may invoke the function');
});

test("sensitive and unknown values are never printed", () => {
  const review = reviewPlan(
    plan(
      change(
        "aws_apigatewayv2_authorizer",
        "Jwt",
        ["create"],
        null,
        { authorizer_type: "JWT", authorizer_uri: "secret-uri" },
        {
          after_sensitive: { authorizer_uri: true },
          after_unknown: { identity_sources: true },
        },
      ),
    ),
  );
  const changes = section(review.markdown, "Security-relevant changes");
  expect(changes).toContain("authorizer_uri: (sensitive)");
  expect(changes).toContain("identity_sources: (known after apply)");
  expect(review.markdown).not.toContain("secret-uri");
});

test("a type without a rule lands in Not judged with its actions", () => {
  const review = reviewPlan(
    plan(
      change("aws_sqs_queue", "A", ["create"], null, { name: "a" }),
      change("aws_sqs_queue", "B", ["delete"], { name: "b" }, null),
      change("aws_lb", "Nlb", ["create"], null, NLB),
    ),
  );
  const notJudged = section(review.markdown, "Not judged");
  expect(notJudged).toContain("- `aws_sqs_queue`: create ×1, destroy ×1");
  expect(notJudged).not.toContain("aws_lb");
  expect(review.destructive).toBe(true);
});

test("a create-only plan is not destructive, and no-op, read and data changes are not counted", () => {
  // GIVEN
  const p = plan(
    change("aws_lb", "Nlb", ["create"], null, NLB),
    change("aws_lb_listener", "L", ["create"], null, { port: 10000 }),
    change("aws_ecs_cluster", "C", ["no-op"], { name: "c" }, { name: "c" }),
    { ...change("aws_vpc", "V", ["read"], null, { id: "vpc-1" }), mode: "data" },
  );
  // WHEN
  const review = reviewPlan(p, { title: "Plan review: private-api" });
  // THEN
  expect(review.destructive).toBe(false);
  expect(review.counts).toEqual({
    aws_lb: { create: 1, update: 0, replace: 0, delete: 0 },
    aws_lb_listener: { create: 1, update: 0, replace: 0, delete: 0 },
  });
  expect(review.markdown).toMatch(/^## Plan review: private-api\n/);
  expect(review.markdown).toContain("**Plan: 2 to add, 0 to change, 0 to replace, 0 to destroy.**");
  expect(review.markdown).toContain("| `aws_lb` | 1 | 0 | 0 | 0 |");
  expect(review.markdown).not.toContain("Downtime");
  expect(review.markdown).not.toContain("Security flags");
});

test("an empty plan says so", () => {
  const review = reviewPlan({});
  expect(review).toMatchObject({ destructive: false, counts: {} });
  expect(review.markdown).toContain("No changes.");
});

test("long lists are cut so the review fits a PR comment", () => {
  const many = Array.from({ length: 500 }, (_, i) =>
    change("aws_vpc_security_group_ingress_rule", `R${String(i).padStart(3, "0")}`, ["create"], null, {
      cidr_ipv4: "0.0.0.0/0",
      from_port: i,
    }),
  );
  const review = reviewPlan(plan(...many));
  expect(review.markdown).toContain("… and 460 more");
  expect(review.markdown.length).toBeLessThan(20000);
  expect(review.counts.aws_vpc_security_group_ingress_rule.create).toBe(500);
});

describe("ECS services and task definitions", () => {
  const EC2_SERVICE = { name: "catalog", launch_type: "EC2", desired_count: 2 };
  const FARGATE_SERVICE = {
    name: "catalog",
    launch_type: "FARGATE",
    desired_count: 2,
    network_configuration: [{ assign_public_ip: false }],
  };

  test("a replaced or destroyed ECS service is a downtime warning", () => {
    const review = reviewPlan(
      plan(
        change("aws_ecs_service", "Service-orders_1A2B3C4D", ["delete", "create"], EC2_SERVICE, FARGATE_SERVICE, {
          replace_paths: [["launch_type"]],
        }),
        change("aws_ecs_service", "Service-gone_5E6F7A8B", ["delete"], EC2_SERVICE, null),
      ),
    );
    const downtime = section(review.markdown, "⚠️ Downtime");
    expect(downtime).toContain("**REPLACE** `aws_ecs_service.Service-orders_1A2B3C4D` (ECS service, forced by `launch_type`)");
    expect(downtime).toContain("**DESTROY** `aws_ecs_service.Service-gone_5E6F7A8B` (ECS service)");
    expect(review.destructive).toBe(true);
  });

  test("an ECS service updated in place is no downtime warning", () => {
    const review = reviewPlan(plan(change("aws_ecs_service", "S", ["update"], EC2_SERVICE, { ...EC2_SERVICE, desired_count: 3 })));
    expect(review.markdown).not.toContain("Downtime");
    expect(section(review.markdown, "Not judged")).toBe("");
  });

  test("a replaced task definition is listed as a task restart, not as downtime, and not as unjudged", () => {
    const review = reviewPlan(
      plan(
        change(
          "aws_ecs_task_definition",
          "Service-orders_TaskDefinition_1A2B3C4D",
          ["delete", "create"],
          { family: "f" },
          { family: "f" },
          {
            replace_paths: [["container_definitions"]],
          },
        ),
      ),
    );
    expect(section(review.markdown, "🔁 Task restarts")).toContain(
      "**REPLACE** `aws_ecs_task_definition.Service-orders_TaskDefinition_1A2B3C4D` (task definition, forced by `container_definitions`)",
    );
    expect(review.markdown).not.toContain("### ⚠️ Downtime");
    expect(section(review.markdown, "Not judged")).toBe("");
    expect(review.destructive).toBe(true);
  });
});

test("switching one service (catalog) from EC2 to Fargate flags its ECS service as downtime and its task definition as a restart, naming catalog's resources only", () => {
  // GIVEN the changes Terraform plans for examples/two-services.json with catalog moved to Fargate
  // (upgrade-safety.process.test.ts plans it for real): what replaces and destroys is catalog's
  const p = plan(
    change(
      "aws_ecs_service",
      "Service-catalog_41CDFBEE",
      ["delete", "create"],
      { name: "catalog", launch_type: "EC2" },
      { name: "catalog", launch_type: "" },
      {
        replace_paths: [["launch_type"], ["network_configuration"]],
      },
    ),
    change(
      "aws_ecs_task_definition",
      "Service-catalog_TaskDefinition_44643EF4",
      ["delete", "create"],
      { network_mode: "bridge" },
      { network_mode: "awsvpc" },
      {
        replace_paths: [["network_mode"], ["requires_compatibilities"]],
      },
    ),
    change("aws_ecs_service", "Service-cart_12345678", ["no-op"], { name: "cart" }, { name: "cart" }),
    change("aws_lb_target_group", "Nlb_TargetGroup-catalog_CBCC53A1", ["delete"], { target_type: "instance" }, null),
    change("aws_lb_target_group", "Nlb_IpTargetGroup-catalog_7988DF17", ["create"], null, { target_type: "ip" }),
    change("aws_lb_listener", "Nlb_Listener-catalog_7979CEB6", ["update"], { port: 10001 }, { port: 10001 }),
    change(
      "aws_security_group",
      "Service-catalog_SecurityGroup_F68CF7F4",
      ["create"],
      null,
      { name: "shop-catalog" },
      { after_unknown: { ingress: true } },
    ),
    change(
      "aws_vpc_security_group_ingress_rule",
      "Cluster_HostPort-catalog_5EA3DE5A",
      ["delete"],
      { from_port: 10001, to_port: 10001 },
      null,
    ),
  );
  // WHEN
  const review = reviewPlan(p);
  // THEN
  const downtime = section(review.markdown, "⚠️ Downtime");
  expect(downtime.split("\n").filter((l) => l.startsWith("- "))).toEqual([
    "- **REPLACE** `aws_ecs_service.Service-catalog_41CDFBEE` (ECS service, forced by `launch_type`, `network_configuration`)",
  ]);
  expect(
    section(review.markdown, "🔁 Task restarts")
      .split("\n")
      .filter((l) => l.startsWith("- ")),
  ).toEqual([
    "- **REPLACE** `aws_ecs_task_definition.Service-catalog_TaskDefinition_44643EF4` (task definition, forced by `network_mode`, `requires_compatibilities`)",
  ]);
  expect(review.markdown).not.toContain("cart");
  expect(review.counts.aws_lb_target_group).toEqual({ create: 1, update: 0, replace: 0, delete: 1 });
  expect(review.destructive).toBe(true);
});

test("a REST stage without a web ACL is flagged, and listed as allowed when the config opts out (optOuts), as in npm run check", () => {
  // GIVEN a plan creating a stage that no web ACL association names
  const p = plan(change("aws_api_gateway_stage", "Api_Stage", ["create"], null, { stage_name: "v1" }));
  // WHEN / THEN
  expect(section(reviewPlan(p).markdown, "🚨 Security flags")).toContain("`aws_api_gateway_stage.Api_Stage`: `rest-stage-web-acl`");
  const allowed = reviewPlan(p, { optOuts: new Map([["rest-stage-web-acl", 'config api.webAcl {"mode": "none"}']]) });
  expect(allowed.markdown).not.toContain("Security flags");
  expect(section(allowed.markdown, "Allowed")).toContain('(allowed by config api.webAcl {"mode": "none"})');
});
