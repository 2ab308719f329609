/**
 * Upgrade safety: for the default config and every example, adding or removing one route or one
 * service, adding a port to a service, or autoscaling a service, changes only that route's,
 * service's or port's resources (autoscaling: its scalable target and policy are added, and its ECS
 * service leaves desired_count alone). Everything else keeps its address and every attribute: the
 * NLBs, the VPC links, the API, the other services. Changing a route replaces the deployment (the
 * stage moves to it) and never the API. Proved by comparing two synths;
 * upgrade-safety.process.test.ts also plans the changed configs with Terraform.
 *
 * Switching one existing service from EC2 to Fargate (examples/two-services.json's "catalog") swaps
 * only that service's EC2 side (instance target group, the instances' HostPort rule) for its Fargate
 * side (own security group and rules, ip target group); its listener, NLB egress rule, ECS service and
 * task definition keep their addresses.
 */
import { exampleConfig, ledgerOf } from "../helpers/fixtures";
import { synthToTemp, type SynthesisedStack, type TerraformJson } from "../helpers/synth";
import {
  albRulePriorityOnly,
  changesFor,
  diff,
  examples,
  mergedPortRule,
  redeploy,
  switchToFargate,
  type Input,
  type Owner,
} from "./changes";

const cases: {
  example: string;
  change: string;
  before: SynthesisedStack;
  after: SynthesisedStack;
  owner: Owner;
  mayChange: Owner;
  redeploys: boolean;
}[] = [];
for (const [name, input] of examples) {
  const before = synthToTemp(input, { nlbShards: ledgerOf(name) });
  for (const c of changesFor(input as Input)) {
    const cfg = structuredClone(input) as Input;
    c.change(cfg);
    cases.push({
      example: name,
      change: c.name,
      before,
      after: synthToTemp(cfg, { nlbShards: ledgerOf(name) }),
      owner: c.owner,
      mayChange: c.mayChange ?? c.owner,
      redeploys: c.redeploys ?? true,
    });
  }
}

describe.each(cases.map((c) => [`${c.example}: ${c.change}`, c] as const))("%s", (_label, c) => {
  const d = diff(c.before.json, c.after.json);
  const attrsOf = (json: TerraformJson, address: string): Record<string, unknown> => {
    const [type, id] = address.split(".") as [string, string];
    return json.resource[type]?.[id] ?? {};
  };

  test("adds and removes only the changed route's or service's resources", () => {
    const strangers = [
      ...d.added.filter((a) => !c.owner(a, attrsOf(c.after.json, a)) && !redeploy(a) && !mergedPortRule(a)),
      ...d.removed.filter((a) => !c.owner(a, attrsOf(c.before.json, a)) && !redeploy(a) && !mergedPortRule(a)),
    ];
    expect(strangers).toEqual([]);
  });

  test("changes no other resource's attributes, except a redeploy and ALB rule priorities", () => {
    const changed = d.changed.filter(
      (a) => !redeploy(a) && !albRulePriorityOnly(c.before.json, c.after.json, a) && !c.mayChange(a, attrsOf(c.after.json, a)),
    );
    expect(changed).toEqual([]);
  });

  test("keeps the NLBs, VPC links and API exactly as they were", () => {
    for (const type of [
      "aws_lb",
      "aws_api_gateway_vpc_link",
      "aws_apigatewayv2_vpc_link",
      "aws_api_gateway_rest_api",
      "aws_apigatewayv2_api",
    ]) {
      const before = c.before.json.resource[type] ?? {};
      const after = c.after.json.resource[type] ?? {};
      for (const [id, attrs] of Object.entries(before)) expect({ [id]: after[id] }).toEqual({ [id]: attrs });
    }
  });

  test("a route change replaces the deployment, so the stage is redeployed, and never the API; any other change leaves the deployment alone", () => {
    const deployments = Object.keys(c.before.json.resource.aws_api_gateway_deployment ?? {});
    if (!c.redeploys) return expect([...d.added, ...d.removed, ...d.changed].filter(redeploy)).toEqual([]);
    if (deployments.length === 0) return; // HTTP API: auto-deployed stage
    const redeployed = d.changed.filter(redeploy).length + d.added.filter(redeploy).length;
    expect(redeployed).toBeGreaterThan(0);
    expect(d.removed.filter((a) => a.startsWith("aws_api_gateway_rest_api."))).toEqual([]);
  });
});

test("every example but adopt-existing is covered by at least two kinds of change", () => {
  for (const [name] of examples) expect(cases.filter((c) => c.example === name).length).toBeGreaterThanOrEqual(2);
});

test.each(cases.filter((c) => c.change === "adding a secret to a service").map((c) => [c.example, c] as const))(
  "%s: adding a secret changes exactly that service's task definition and execution role policy, and adds nothing but a missing Secrets Manager endpoint",
  (_name, c) => {
    const d = diff(c.before.json, c.after.json);
    // A stack whose secrets were all SSM parameters gets the Secrets Manager endpoint with its first such secret.
    const endpoint = (json: TerraformJson) =>
      Object.keys(json.resource.aws_vpc_endpoint ?? {}).filter((id) => id.startsWith("Network_Endpoint-secretsmanager_"));
    expect(d.added).toEqual(endpoint(c.before.json).length === 0 ? endpoint(c.after.json).map((id) => `aws_vpc_endpoint.${id}`) : []);
    expect(d.removed).toEqual([]);
    expect(d.changed.map((a) => a.replace(/_[0-9A-F]{8}$/, "").replace(/Service-[a-z0-9-]+_/, "Service-<name>_")).sort()).toEqual([
      "aws_ecs_task_definition.Service-<name>_TaskDefinition",
      "aws_iam_role_policy.Service-<name>_ExecutionRolePolicy",
    ]);
  },
);

describe("examples/two-services.json: switching one existing service (catalog) from EC2 to Fargate", () => {
  // GIVEN the example as deployed, and the same with "catalog" on Fargate (cpu 256 / memory 512,
  // listenerPort its old hostPort 10001); "cart" stays on EC2, so the cluster keeps its instances
  const name = "examples/two-services.json";
  const input = exampleConfig("two-services");
  const before = synthToTemp(input, { nlbShards: ledgerOf(name) });
  const switched = structuredClone(input);
  switchToFargate(switched, "catalog");
  const after = synthToTemp(switched, { nlbShards: ledgerOf(name) });
  const d = diff(before.json, after.json);
  /** Addresses without the logical ids' hash suffix. */
  const bare = (addresses: string[]) => addresses.map((a) => a.replace(/_[0-9A-F]{8}$/, "")).sort();

  test("removes only catalog's EC2 side: its instance target group and the instances' HostPort rule for its port", () => {
    expect(bare(d.removed)).toEqual([
      "aws_lb_target_group.Nlb_TargetGroup-catalog",
      "aws_vpc_security_group_ingress_rule.Cluster_HostPort-catalog",
    ]);
    expect(
      before.json.resource.aws_vpc_security_group_ingress_rule[d.removed.find((a) => a.includes("HostPort"))!.split(".")[1]],
    ).toMatchObject({ from_port: 10001, to_port: 10001 });
  });

  test("adds only catalog's Fargate side: its security group, that group's rules, its ip target group", () => {
    expect(bare(d.added)).toEqual([
      "aws_lb_target_group.Nlb_IpTargetGroup-catalog",
      "aws_security_group.Service-catalog_SecurityGroup",
      "aws_vpc_security_group_egress_rule.Service-catalog_EgressToEndpoints",
      "aws_vpc_security_group_egress_rule.Service-catalog_EgressToS3",
      "aws_vpc_security_group_ingress_rule.Service-catalog_IngressFrom-catalog",
    ]);
    const [, tg] = d.added.find((a) => a.includes("IpTargetGroup"))!.split(".");
    expect(after.json.resource.aws_lb_target_group[tg]).toMatchObject({ target_type: "ip", port: 7777 });
  });

  test("changes only catalog's ECS service, task definition, listener and NLB egress rule (same ids), and the cluster's capacity providers", () => {
    expect(bare(d.changed)).toEqual([
      "aws_ecs_cluster_capacity_providers.Cluster_CapacityProviders",
      "aws_ecs_service.Service-catalog",
      "aws_ecs_task_definition.Service-catalog_TaskDefinition",
      "aws_lb_listener.Nlb_Listener-catalog",
      "aws_vpc_security_group_egress_rule.Nlb_EgressToTargets-catalog",
    ]);
    const at = (json: TerraformJson, address: string) => json.resource[address.split(".")[0]][address.split(".")[1]];
    const changed = (prefix: string) => d.changed.find((a) => a.startsWith(prefix))!;
    // The listener keeps its port (the REST integrations name it) and forwards to the ip target group.
    const listener = changed("aws_lb_listener.");
    expect(at(after.json, listener).port).toBe(at(before.json, listener).port);
    expect(JSON.stringify(at(after.json, listener).default_action)).toContain("Nlb_IpTargetGroup-catalog");
    // The NLB's egress rule now points at the service's own group, on the container port.
    const egress = changed("aws_vpc_security_group_egress_rule.");
    expect(at(after.json, egress)).toMatchObject({ from_port: 7777, to_port: 7777 });
    expect(String(at(after.json, egress).referenced_security_group_id)).toContain("Service-catalog_SecurityGroup");
    // What forces the service and task definition to be replaced: launch type, network mode, compatibilities.
    const service = changed("aws_ecs_service.");
    expect(at(before.json, service)).toMatchObject({ launch_type: "EC2" });
    expect(at(after.json, service).launch_type).toBeUndefined();
    expect(at(after.json, service).network_configuration).toMatchObject({ assign_public_ip: false });
    const task = changed("aws_ecs_task_definition.");
    expect(at(before.json, task)).toMatchObject({ network_mode: "bridge", requires_compatibilities: ["EC2"] });
    expect(at(after.json, task)).toMatchObject({ network_mode: "awsvpc", requires_compatibilities: ["FARGATE"] });
    // The cluster gains the Fargate capacity providers and keeps its EC2 one.
    const providers = at(after.json, changed("aws_ecs_cluster_capacity_providers.")).capacity_providers as string[];
    expect(providers).toEqual([
      ...(at(before.json, changed("aws_ecs_cluster_capacity_providers.")).capacity_providers as string[]),
      "FARGATE",
      "FARGATE_SPOT",
    ]);
  });

  test("leaves cart, the NLB, the API and the cluster's EC2 capacity alone", () => {
    expect([...d.added, ...d.removed, ...d.changed].filter((a) => /cart/i.test(a))).toEqual([]);
    expect(
      [...d.added, ...d.removed, ...d.changed].filter((a) =>
        /^aws_(lb|api_gateway_[a-z_]+|autoscaling_group|launch_template|ecs_capacity_provider)\./.test(a),
      ),
    ).toEqual([]);
  });

  test("switching the cluster's last EC2 service too removes the EC2 capacity: instances, their group and role, and the ECS agent's endpoints", () => {
    // GIVEN cart on Fargate already, then catalog too
    const oneLeft = structuredClone(input);
    switchToFargate(oneLeft, "cart");
    const none = structuredClone(oneLeft);
    switchToFargate(none, "catalog");
    const last = diff(synthToTemp(oneLeft, { nlbShards: ledgerOf(name) }).json, synthToTemp(none, { nlbShards: ledgerOf(name) }).json);
    // THEN catalog's own changes as above, and the cluster's EC2 capacity is destroyed
    expect(bare(last.removed)).toEqual([
      "aws_autoscaling_group.Cluster_AutoScalingGroup",
      "aws_ecs_capacity_provider.Cluster_CapacityProvider",
      "aws_iam_instance_profile.Cluster_InstanceProfile",
      "aws_iam_role.Cluster_InstanceRole",
      "aws_iam_role_policy_attachment.Cluster_InstanceRoleEcsPolicy",
      "aws_launch_template.Cluster_LaunchTemplate",
      "aws_lb_target_group.Nlb_TargetGroup-catalog",
      "aws_security_group.Cluster_InstanceSecurityGroup",
      "aws_vpc_endpoint.Network_Endpoint-ecs",
      "aws_vpc_endpoint.Network_Endpoint-ecs-agent",
      "aws_vpc_endpoint.Network_Endpoint-ecs-telemetry",
      "aws_vpc_security_group_egress_rule.Cluster_AllOutbound",
      "aws_vpc_security_group_ingress_rule.Cluster_HostPort-catalog",
    ]);
    expect(bare(last.added)).toEqual(bare(d.added));
    expect(bare(last.changed)).toEqual(bare(d.changed));
  });
});
