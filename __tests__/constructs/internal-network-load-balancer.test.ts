import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { makeUniqueId } from "cdktf/lib/private/unique";
import {
  InternalNetworkLoadBalancer,
  type InternalNetworkLoadBalancerProps,
  type NlbPort,
} from "../../lib/constructs/internal-network-load-balancer";
import { resourcesOf, type TerraformJson } from "../helpers/synth";
import { objectContaining } from "../helpers/expect";

const SUBNETS = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"];

const HTTP_PORT: NlbPort = {
  service: "orders",
  port: 10000,
  healthCheck: { protocol: "HTTP", path: "/health", matcher: "200-299", intervalSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 4 },
};
const TCP_PORT: NlbPort = {
  service: "inventory",
  port: 10001,
  healthCheck: { protocol: "TCP", matcher: "200-399", intervalSeconds: 30, healthyThreshold: 3, unhealthyThreshold: 3 },
};

/** Synthesises the NLB; `use` runs before synthesis, to add outputs that reference it. */
function build(
  props: Partial<InternalNetworkLoadBalancerProps> = {},
  use: (nlb: InternalNetworkLoadBalancer, stack: TerraformStack) => void = () => undefined,
): { nlb: InternalNetworkLoadBalancer; synth: string } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const nlb = new InternalNetworkLoadBalancer(stack, "Nlb", {
    name: "team-api",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: SUBNETS,
    ports: [HTTP_PORT, TCP_PORT],
    ...props,
  });
  use(nlb, stack);
  return { nlb, synth: Testing.synth(stack, true) };
}

/** Every warning annotation in the construct's subtree, with the path of the construct it is attached to. */
function warningsOf(nlb: InternalNetworkLoadBalancer): { path: string; message: string }[] {
  return nlb.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => ({ path: c.node.path, message: String(m.data) })));
}

/** The target group with a given name. */
function targetGroupNamed(json: TerraformJson, name: string): [string, Record<string, unknown>] {
  const found = resourcesOf(json, "aws_lb_target_group").filter(([, tg]) => tg.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

describe("InternalNetworkLoadBalancer", () => {
  test("is an internal network load balancer in the given subnets", () => {
    // WHEN
    const { synth } = build();
    // THEN
    expect(synth).toHaveResourceWithProperties(Lb, {
      name: "team-api-nlb",
      internal: true,
      load_balancer_type: "network",
      subnets: SUBNETS,
    });
    expect(resourcesOf(JSON.parse(synth) as TerraformJson, "aws_lb")).toHaveLength(1);
  });

  test("has deletion protection by default, and no warning", () => {
    // WHEN
    const { nlb, synth } = build();
    // THEN
    expect(synth).toHaveResourceWithProperties(Lb, { enable_deletion_protection: true });
    expect(warningsOf(nlb)).toEqual([]);
  });

  test("deletionProtection false turns it off, with a warning on the NLB that says what it risks", () => {
    // WHEN
    const { nlb, synth } = build({ deletionProtection: false });
    // THEN
    expect(synth).toHaveResourceWithProperties(Lb, { enable_deletion_protection: false });
    expect(warningsOf(nlb)).toEqual([
      {
        path: "test/Nlb/Resource",
        message:
          "NLB team-api-nlb has no deletion protection (deletionProtection false): a destroy, or a change that replaces it, deletes it at once, and with it the VPC link's target: every route of the API fails until a new NLB and VPC link are up.",
      },
    ]);
  });

  test("has a security group with no inbound rules, which it does not enforce on PrivateLink traffic", () => {
    // WHEN
    const { synth } = build();
    const json = JSON.parse(synth) as TerraformJson;
    // THEN
    const groups = resourcesOf(json, "aws_security_group");
    expect(groups).toHaveLength(1);
    const [sgId, sg] = groups[0];
    expect(sg).toEqual(objectContaining({ name: "team-api-nlb", vpc_id: "vpc-0123456789abcdef0" }));
    expect(sg).not.toHaveProperty("ingress");
    expect(synth).not.toHaveResource(VpcSecurityGroupIngressRule);
    expect(synth).toHaveResourceWithProperties(Lb, {
      security_groups: [`\${aws_security_group.${sgId}.id}`],
      enforce_security_group_inbound_rules_on_private_link_traffic: "off",
    });
  });

  test("the security group has no egress either until a rule is added", () => {
    // WHEN
    const { synth } = build();
    // THEN
    expect(synth).not.toHaveResource(VpcSecurityGroupEgressRule);
    const [, sg] = resourcesOf(JSON.parse(synth) as TerraformJson, "aws_security_group")[0];
    expect(sg).not.toHaveProperty("egress");
  });

  test("connections adds rules on its security group, under the NLB, to the peer only", () => {
    // WHEN
    const { synth } = build({}, (lb) =>
      lb.connections.allowTo(
        { securityGroupId: "sg-0fedcba9876543210" },
        { id: "EgressToTargets-orders", fromPort: HTTP_PORT.port, description: "orders: forwarding and health checks to the targets" },
      ),
    );
    const json = JSON.parse(synth) as TerraformJson;
    // THEN
    const [sgId] = resourcesOf(json, "aws_security_group")[0];
    const rules = resourcesOf(json, "aws_vpc_security_group_egress_rule");
    expect(rules.map(([id]) => id)).toEqual([makeUniqueId(["Nlb", "EgressToTargets-orders"])]);
    expect(rules[0][1]).toEqual(
      objectContaining({
        security_group_id: `\${aws_security_group.${sgId}.id}`,
        ip_protocol: "tcp",
        from_port: HTTP_PORT.port,
        to_port: HTTP_PORT.port,
        referenced_security_group_id: "sg-0fedcba9876543210",
      }),
    );
    expect(rules[0][1]).not.toHaveProperty("cidr_ipv4");
  });

  test("exposes the id of its security group", () => {
    // WHEN
    const { synth } = build({}, (lb, stack) => new TerraformOutput(stack, "sg", { value: lb.securityGroupId }));
    const json = JSON.parse(synth) as TerraformJson;
    // THEN
    const [sgId] = resourcesOf(json, "aws_security_group")[0];
    expect((json.output ?? {}).sg.value).toBe(`\${aws_security_group.${sgId}.id}`);
  });

  test("one TCP listener per port, each forwarding to its own target group", () => {
    // WHEN
    const { synth } = build();
    const json = JSON.parse(synth) as TerraformJson;
    // THEN
    const [lbId] = resourcesOf(json, "aws_lb")[0];
    const listeners = resourcesOf(json, "aws_lb_listener").map(([, l]) => l);
    expect(listeners).toHaveLength(2);
    for (const { port } of [HTTP_PORT, TCP_PORT]) {
      const [tgId] = targetGroupNamed(json, `team-api-tg-${port}`);
      expect(listeners).toContainEqual(
        objectContaining({
          load_balancer_arn: `\${aws_lb.${lbId}.arn}`,
          port,
          protocol: "TCP",
          default_action: [objectContaining({ type: "forward", target_group_arn: `\${aws_lb_target_group.${tgId}.arn}` })],
        }),
      );
    }
  });

  test("one TCP instance target group per port, named <name>-tg-<port>", () => {
    // WHEN
    const { synth } = build();
    // THEN
    expect(resourcesOf(JSON.parse(synth) as TerraformJson, "aws_lb_target_group")).toHaveLength(2);
    for (const { port, service } of [HTTP_PORT, TCP_PORT]) {
      expect(synth).toHaveResourceWithProperties(LbTargetGroup, {
        name: `team-api-tg-${port}`,
        port,
        protocol: "TCP",
        target_type: "instance",
        vpc_id: "vpc-0123456789abcdef0",
        tags: { Name: `team-api-tg-${port}`, Service: service },
      });
    }
  });

  test("an HTTP health check passes path, matcher and thresholds through", () => {
    // WHEN
    const { synth } = build();
    // THEN
    expect(synth).toHaveResourceWithProperties(LbTargetGroup, {
      name: "team-api-tg-10000",
      health_check: objectContaining({
        enabled: true,
        protocol: "HTTP",
        port: "traffic-port",
        path: "/health",
        matcher: "200-299",
        interval: 10,
        healthy_threshold: 2,
        unhealthy_threshold: 4,
      }),
    });
  });

  test("a TCP health check has no path and no matcher", () => {
    // WHEN
    const json = JSON.parse(build().synth) as TerraformJson;
    // THEN
    const [, tg] = targetGroupNamed(json, "team-api-tg-10001");
    expect(tg.health_check).toEqual(objectContaining({ protocol: "TCP", port: "traffic-port", interval: 30 }));
    expect(tg.health_check).not.toHaveProperty("path");
    expect(tg.health_check).not.toHaveProperty("matcher");
  });

  test("target groups are replaced create-before-destroy", () => {
    // WHEN
    const json = JSON.parse(build().synth) as TerraformJson;
    // THEN
    for (const [, tg] of resourcesOf(json, "aws_lb_target_group")) {
      expect(tg.lifecycle).toEqual(objectContaining({ create_before_destroy: true }));
    }
  });

  test.each([
    ["defaults to 30 seconds", undefined, "30"],
    ["can be set", 5, "5"],
  ])("deregistration delay %s", (_what, deregistrationDelaySeconds, expected) => {
    // WHEN
    const { synth } = build({ deregistrationDelaySeconds });
    // THEN
    const groups = resourcesOf(JSON.parse(synth) as TerraformJson, "aws_lb_target_group").map(([, tg]) => tg.deregistration_delay);
    expect(groups).toEqual([expected, expected]);
  });

  test("no ports gives a load balancer with no listener or target group", () => {
    // WHEN
    const { synth } = build({ ports: [] });
    // THEN
    expect(synth).toHaveResource(Lb);
    expect(synth).not.toHaveResource(LbListener);
    expect(synth).not.toHaveResource(LbTargetGroup);
  });

  test("portOf returns the listener and target group that serve the service's port", () => {
    // WHEN: each service's listener and target group are referenced from outputs
    const { synth } = build({}, (lb, stack) => {
      for (const service of ["orders", "inventory"]) {
        const { listener, targetGroup } = lb.portOf(service);
        new TerraformOutput(stack, `${service}_listener`, { value: listener.arn });
        new TerraformOutput(stack, `${service}_target_group`, { value: targetGroup.arn });
      }
    });
    const json = JSON.parse(synth) as TerraformJson;
    // THEN
    const outputs = json.output ?? {};
    for (const { service, port } of [HTTP_PORT, TCP_PORT]) {
      const [tgId] = targetGroupNamed(json, `team-api-tg-${port}`);
      expect(outputs[`${service}_target_group`].value).toBe(`\${aws_lb_target_group.${tgId}.arn}`);
      const listeners = resourcesOf(json, "aws_lb_listener").filter(
        ([id]) => outputs[`${service}_listener`].value === `\${aws_lb_listener.${id}.arn}`,
      );
      expect(listeners).toHaveLength(1);
      expect(listeners[0][1].port).toBe(port);
    }
  });

  test("a second port of a service, given an id, gets its own listener and target group, found by that id", () => {
    // GIVEN orders on 10000, and again on 10002 under the id orders-Port-admin
    const admin: NlbPort = { service: "orders", id: "orders-Port-admin", port: 10002 };
    // WHEN
    const { synth } = build({ ports: [HTTP_PORT, admin] }, (lb, stack) => {
      new TerraformOutput(stack, "admin_listener", { value: lb.portOf("orders-Port-admin").listener.arn });
      new TerraformOutput(stack, "orders_listener", { value: lb.portOf("orders").listener.arn });
    });
    const json = JSON.parse(synth) as TerraformJson;
    // THEN
    const listeners = new Map(resourcesOf(json, "aws_lb_listener").map(([id, l]) => [l.port, id]));
    expect([...listeners.values()].map((id) => id.split("_")[1]).sort()).toEqual(["Listener-orders", "Listener-orders-Port-admin"]);
    expect(json.output?.admin_listener.value).toBe(`\${aws_lb_listener.${listeners.get(10002)}.arn}`);
    expect(json.output?.orders_listener.value).toBe(`\${aws_lb_listener.${listeners.get(10000)}.arn}`);
    const [, group] = targetGroupNamed(json, "team-api-tg-10002");
    expect(group.tags).toEqual({ Name: "team-api-tg-10002", Service: "orders" });
  });

  test("two ports with the same id are an error that says so", () => {
    expect(() => build({ ports: [HTTP_PORT, { service: "orders", port: 10002 }] })).toThrow(
      'InternalNetworkLoadBalancer: two ports have the id "orders"; give each its own id',
    );
  });

  test("portOf throws for a service with no port", () => {
    // GIVEN
    const { nlb } = build();
    // WHEN / THEN
    expect(() => nlb.portOf("billing")).toThrow('InternalNetworkLoadBalancer has no port for service "billing"');
  });
});
