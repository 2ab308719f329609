/**
 * Services on Fargate, as the stack builds them from the two Fargate examples and from a mixed
 * config: awsvpc task definitions of a valid size, ip target groups on the container port,
 * services with no public IP in a group only their load balancer may reach, and no EC2 where no
 * service runs on it.
 */
import { readPolicyDocument } from "../../lib/policy/iam";
import { defaultConfig, exampleConfig } from "../helpers/fixtures";
import { resourcesByPath, resourcesOf, synthToTemp, type TerraformJson } from "../helpers/synth";
import { FARGATE_TASK_SIZES } from "../../lib/core/limits";

const seed001 = synthToTemp(exampleConfig("fargate-http-api")).json;
const spotRest = synthToTemp(exampleConfig("fargate-spot-rest")).json;

/** The instance-side resources of an EC2 cluster. */
const EC2_ONLY_TYPES = [
  "aws_autoscaling_group",
  "aws_launch_template",
  "aws_launch_configuration",
  "aws_iam_instance_profile",
  "aws_ecs_capacity_provider",
  "aws_instance",
];

const refId = (ref: unknown): string => String(ref).replace(/^\$\{aws_security_group\.([^.]+)\.id\}$/, "$1");

function securityGroupIdOf(json: TerraformJson, path: string): string {
  const found = resourcesByPath(json, "aws_security_group").get(path);
  if (!found) throw new Error(`no security group at ${path}`);
  return found.id;
}

describe.each([
  ["fargate-http-api", seed001],
  ["fargate-spot-rest", spotRest],
])("examples/%s.json", (_name, json) => {
  test("no EC2 instance-side resource at all, and no EC2-only VPC endpoint", () => {
    for (const type of EC2_ONLY_TYPES) expect(resourcesOf(json, type)).toEqual([]);
    const groups = resourcesOf(json, "aws_security_group").map(([id]) => id);
    expect(groups.filter((id) => id.startsWith("Cluster_"))).toEqual([]);
    const roles = resourcesOf(json, "aws_iam_role").map(([id]) => id);
    expect(roles.filter((id) => id.includes("InstanceRole"))).toEqual([]);
    const endpoints = resourcesOf(json, "aws_vpc_endpoint").map(([, r]) => String(r.service_name).split(".").slice(3).join("."));
    expect(endpoints).not.toContain("ecs-agent");
    expect(endpoints).not.toContain("ecs-telemetry");
    expect(endpoints).toEqual(expect.arrayContaining(["ecr.api", "ecr.dkr", "logs", "s3"]));
  });

  test("the cluster has FARGATE and FARGATE_SPOT, and nothing else", () => {
    const [[, association]] = resourcesOf(json, "aws_ecs_cluster_capacity_providers");
    expect(association.capacity_providers).toEqual(["FARGATE", "FARGATE_SPOT"]);
  });

  test("every task definition is awsvpc on FARGATE with a size Fargate accepts, each port mapped to itself", () => {
    const definitions = resourcesOf(json, "aws_ecs_task_definition");
    expect(definitions.length).toBeGreaterThan(0);
    for (const [, td] of definitions) {
      expect(td.network_mode).toBe("awsvpc");
      expect(td.requires_compatibilities).toEqual(["FARGATE"]);
      expect(FARGATE_TASK_SIZES[Number(td.cpu)]).toContain(Number(td.memory));
      const [container] = JSON.parse(String(td.container_definitions)) as { portMappings: { containerPort: number; hostPort: number }[] }[];
      expect(container.portMappings.length).toBeGreaterThan(0);
      for (const m of container.portMappings) expect(m.hostPort).toBe(m.containerPort);
    }
  });

  test("every service has no public IP, the private subnets, and a group of its own", () => {
    for (const [id, svc] of resourcesOf(json, "aws_ecs_service")) {
      const net = svc.network_configuration as { assign_public_ip: boolean; subnets: string[]; security_groups: string[] };
      expect(net.assign_public_ip).toBe(false);
      expect(net.subnets.every((s) => s.includes("PrivateSubnet"))).toBe(true);
      expect(net.security_groups).toHaveLength(1);
      expect(refId(net.security_groups[0])).toMatch(new RegExp(`^${id.replace(/_[0-9A-F]{8}$/, "")}_SecurityGroup_`));
      expect(svc.launch_type).toBeUndefined();
    }
  });

  test("every target group is of type ip on the container port its service registers", () => {
    const groups = new Map(resourcesOf(json, "aws_lb_target_group").map(([id, tg]) => [`\${aws_lb_target_group.${id}.arn}`, tg]));
    for (const [, svc] of resourcesOf(json, "aws_ecs_service")) {
      expect((svc.load_balancer as unknown[]).length).toBeGreaterThan(0);
      for (const lb of svc.load_balancer as { target_group_arn: string; container_port: number }[]) {
        const tg = groups.get(lb.target_group_arn) as Record<string, unknown>;
        expect(tg.target_type).toBe("ip");
        expect(tg.port).toBe(lb.container_port);
      }
    }
  });

  test("a service's group admits only its load balancer's group, on its container ports", () => {
    const lbGroups = resourcesOf(json, "aws_security_group")
      .map(([id]) => id)
      .filter((id) => id.startsWith("Nlb_") || id.startsWith("Alb_"));
    const serviceGroups = resourcesOf(json, "aws_security_group")
      .map(([id]) => id)
      .filter((id) => id.startsWith("Service-"));
    expect(serviceGroups.length).toBeGreaterThan(0);
    const ingress = resourcesOf(json, "aws_vpc_security_group_ingress_rule").filter(([, r]) =>
      serviceGroups.includes(refId(r.security_group_id)),
    );
    expect(ingress.length).toBeGreaterThan(0);
    for (const [, rule] of ingress) {
      expect(rule.cidr_ipv4).toBeUndefined();
      expect(lbGroups).toContain(refId(rule.referenced_security_group_id));
    }
  });

  test("a service's egress: HTTPS to the endpoints' group and the S3 prefix list, and the CIDRs the config declares", () => {
    const endpointGroup = securityGroupIdOf(json, "Network/EndpointSecurityGroup");
    const serviceEgress = resourcesOf(json, "aws_vpc_security_group_egress_rule").filter(([id]) => id.startsWith("Service-"));
    // At least the endpoints and the S3 prefix list, for each service.
    expect(serviceEgress.length).toBeGreaterThanOrEqual(2 * resourcesOf(json, "aws_ecs_service").length);
    for (const [, rule] of serviceEgress) {
      const to = rule.referenced_security_group_id ?? rule.prefix_list_id ?? rule.cidr_ipv4;
      if (rule.cidr_ipv4 !== undefined) {
        expect(rule.cidr_ipv4).not.toBe("0.0.0.0/0");
      } else if (rule.prefix_list_id !== undefined) {
        expect(String(to)).toContain("Network_S3Endpoint");
        expect([rule.from_port, rule.to_port]).toEqual([443, 443]);
      } else {
        expect(refId(to)).toBe(endpointGroup);
        expect([rule.from_port, rule.to_port]).toEqual([443, 443]);
      }
    }
  });
});

describe("examples/fargate-spot-rest.json: seed 002's shape on Fargate Spot", () => {
  test("one NLB listener per port, each forwarding to its own ip target group on the container port", () => {
    const listeners = resourcesByPath(spotRest, "aws_lb_listener");
    const groups = resourcesByPath(spotRest, "aws_lb_target_group");
    const wiring = [...listeners.entries()].map(([path, { attrs }]) => {
      const tgId = String((attrs.default_action as { target_group_arn: string }[])[0].target_group_arn).split(".")[1];
      const tg = [...groups.values()].find((g) => g.id === tgId) as { attrs: Record<string, unknown> };
      return `${path} ${String(attrs.port)} -> ${String(tg.attrs.port)}`;
    });
    expect(wiring.sort()).toEqual([
      "Nlb/Listener-fx-rates 10003 -> 8080",
      "Nlb/Listener-ledger 10000 -> 8080",
      "Nlb/Listener-ledger-Port-admin 10002 -> 9090",
      "Nlb/Listener-ledger-Port-reports 10001 -> 8081",
    ]);
  });

  test("the strategy puts a base on FARGATE and the rest on FARGATE_SPOT, and ECS Exec has exactly its four actions", () => {
    const ledger = resourcesByPath(spotRest, "aws_ecs_service").get("Service-ledger/Resource")?.attrs as Record<string, unknown>;
    expect(ledger.capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", base: 1, weight: 1 },
      { capacity_provider: "FARGATE_SPOT", weight: 3 },
    ]);
    expect(ledger.enable_execute_command).toBe(true);
    const policy = resourcesByPath(spotRest, "aws_iam_role_policy").get("Service-ledger/TaskRolePolicy")?.attrs as Record<string, unknown>;
    const read = readPolicyDocument(policy.policy);
    if (!read.ok) throw new Error(read.reason);
    const statements = (read.document as { Statement: { Sid?: string; Action: string[]; Resource: string[] }[] }).Statement;
    expect(statements.find((s) => s.Sid === "EcsExec")).toEqual({
      Sid: "EcsExec",
      Effect: "Allow",
      Action: [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ],
      Resource: ["*"],
    });
    const fx = resourcesByPath(spotRest, "aws_ecs_service").get("Service-fx-rates/Resource")?.attrs as Record<string, unknown>;
    expect(fx.enable_execute_command).toBe(false);
    expect(resourcesByPath(spotRest, "aws_iam_role_policy").get("Service-fx-rates/TaskRolePolicy")).toBeUndefined();
  });

  test("autoscaling of the Fargate service goes up to its own maximum", () => {
    const [[, target]] = resourcesOf(spotRest, "aws_appautoscaling_target");
    expect([target.min_capacity, target.max_capacity]).toEqual([3, 24]);
  });
});

describe("EC2 and Fargate services in one stack", () => {
  const cfg = defaultConfig();
  const { hostPort: _h, ...inventory } = cfg.services[1];
  cfg.services[1] = { ...inventory, listenerPort: 10001, fargate: {} };
  const json = synthToTemp(cfg).json;

  test("the EC2 capacity provider stays the cluster's default; FARGATE and FARGATE_SPOT are added", () => {
    const [[, association]] = resourcesOf(json, "aws_ecs_cluster_capacity_providers");
    expect(association.capacity_providers).toEqual([
      "${aws_ecs_capacity_provider.Cluster_CapacityProvider_0727A2C3.name}",
      "FARGATE",
      "FARGATE_SPOT",
    ]);
    expect(association.default_capacity_provider_strategy).toEqual([
      { capacity_provider: "${aws_ecs_capacity_provider.Cluster_CapacityProvider_0727A2C3.name}", weight: 1 },
    ]);
    expect(resourcesOf(json, "aws_autoscaling_group")).toHaveLength(1);
  });

  test("the instances admit only the EC2 service's port; the Fargate service's group admits the NLB on its container port", () => {
    const rules = [...resourcesByPath(json, "aws_vpc_security_group_ingress_rule").keys()].filter((p) => !p.startsWith("Network/"));
    expect(rules.sort()).toEqual(["Cluster/HostPort-orders", "Service-inventory/IngressFrom-inventory"]);
    const fargateRule = resourcesByPath(json, "aws_vpc_security_group_ingress_rule").get("Service-inventory/IngressFrom-inventory")?.attrs;
    expect([fargateRule?.from_port, fargateRule?.to_port]).toEqual([8080, 8080]);
  });

  test("the VPC keeps the EC2 endpoints and gets nothing Fargate-only it did not have", () => {
    const endpoints = resourcesOf(json, "aws_vpc_endpoint").map(([, r]) => String(r.service_name).split(".").slice(3).join("."));
    expect(endpoints.sort()).toEqual(["ecr.api", "ecr.dkr", "ecs", "ecs-agent", "ecs-telemetry", "logs", "s3"]);
  });
});

/** An example with one service moved to Fargate (its hostPort becomes its listenerPort where the NLB serves it). */
function withFargate(example: string, service: string): ReturnType<typeof exampleConfig> {
  const cfg = exampleConfig(example);
  cfg.services = cfg.services.map((s) => {
    if (s.name !== service) return s;
    const { hostPort, ...rest } = s;
    return { ...rest, ...(s.via === "alb" ? {} : { listenerPort: hostPort }), fargate: {} };
  });
  return cfg;
}

describe("Fargate behind the REST API's bridge to the ALB", () => {
  test.each(["alb-bridge-native", "alb-bridge-lambda"])(
    "%s: the ALB forwards to the service's group on its container port, and only it",
    (example) => {
      const service = example === "alb-bridge-native" ? "search" : "intake";
      const json = synthToTemp(withFargate(example, service)).json;
      const ingress = resourcesByPath(json, "aws_vpc_security_group_ingress_rule").get(
        `Service-${service}/IngressFrom-${service}-alb`,
      )?.attrs;
      expect(ingress).toMatchObject({
        from_port: 8080,
        to_port: 8080,
        referenced_security_group_id: "${aws_security_group.Alb_SecurityGroup_4A3AE4FA.id}",
      });
      const egress = resourcesByPath(json, "aws_vpc_security_group_egress_rule").get(`Alb/EgressToTargets-${service}`)?.attrs;
      expect(egress).toMatchObject({ from_port: 8080, to_port: 8080 });
      expect(refId(egress?.referenced_security_group_id)).toBe(securityGroupIdOf(json, `Service-${service}/SecurityGroup`));
      const tg = resourcesByPath(json, "aws_lb_target_group").get(`Alb/IpTargetGroup-${service}`)?.attrs;
      expect(tg).toMatchObject({ target_type: "ip", port: 8080, protocol: "HTTP" });
      // The EC2 services behind the same ALB keep their dynamic range on the instances.
      expect(resourcesByPath(json, "aws_vpc_security_group_egress_rule").get("Alb/EgressToTargets-dynamic-ports")).toBeDefined();
    },
  );
});

describe("Fargate in an existing VPC", () => {
  test("no endpoints are created there, so the tasks' group allows HTTPS out to any address, and nothing to an endpoints' group", () => {
    const json = synthToTemp(withFargate("existing-vpc", "refunds")).json;
    const egress = [...resourcesByPath(json, "aws_vpc_security_group_egress_rule").entries()].filter(([p]) =>
      p.startsWith("Service-refunds/"),
    );
    expect(egress.map(([p, { attrs }]) => [p, attrs.cidr_ipv4, attrs.from_port, attrs.to_port])).toEqual([
      ["Service-refunds/EgressHttps", "0.0.0.0/0", 443, 443],
    ]);
    // The NLB listener keeps the port the EC2 service had.
    expect(resourcesByPath(json, "aws_lb_listener").get("Nlb/Listener-refunds")?.attrs.port).toBe(20001);
  });
});
