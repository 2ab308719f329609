/**
 * Upgrading a deployed service to its own execution and task roles: planned offline against a
 * state as the last release left the service (log group, target group, task definition without
 * roles, ECS service), the new config creates the roles, replaces the task definition by a new
 * revision that names them, and updates the ECS service in place; it replaces nothing else. The old
 * task definition is the new one without the two role ARNs: that a service without the new fields
 * keeps its container definition exactly is __tests__/constructs/ecs-ec2-service.test.ts's to show;
 * here the provider says the roles are the only reason for the replacement.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initAndPlan } from "../../scripts/tooling/terraform";
import { defaultConfig } from "../helpers/fixtures";
import { describeWithTerraform } from "../helpers/terraform";
import { resourcesOf, synthToTemp } from "../helpers/synth";
import { stateResource } from "../helpers/plans";

const ACCOUNT = "123456789012";
const REGION = "eu-west-2";

/** One-service config on an existing VPC and cluster, so the service's references are literals or in the state below. */
function config(): ReturnType<typeof defaultConfig> {
  const cfg = defaultConfig();
  cfg.network = {
    type: "existing",
    vpcId: "vpc-0123456789abcdef0",
    vpcCidr: "10.0.0.0/16",
    privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
  };
  cfg.cluster = { existing: { clusterName: "shared", instanceSecurityGroupId: "sg-0123456789abcdef0" } };
  cfg.services = [cfg.services[0]];
  cfg.routes = cfg.routes.filter((r) => r.service === cfg.services[0].name);
  return cfg;
}

/** The configuration's attributes as a state holds them: metadata and meta-arguments dropped, single blocks as lists. */
function asState(attrs: Record<string, unknown>, blocks: readonly string[]): Record<string, unknown> {
  const { "//": _m, depends_on: _d, ...rest } = attrs;
  for (const b of blocks) if (rest[b] !== undefined && !Array.isArray(rest[b])) rest[b] = [rest[b]];
  return rest;
}

describeWithTerraform("a service deployed without roles, upgraded", (tf) => {
  test("creates the roles, replaces the task definition by a revision naming them, updates the ECS service in place", () => {
    // GIVEN the state of the service as the last release applied it
    const stack = synthToTemp(config());
    const [[logGroupId, logGroup]] = resourcesOf(stack.json, "aws_cloudwatch_log_group").filter(([id]) => id.startsWith("Service-"));
    const [[targetGroupId, targetGroup]] = resourcesOf(stack.json, "aws_lb_target_group");
    const [[taskDefinitionId, taskDefinition]] = resourcesOf(stack.json, "aws_ecs_task_definition");
    const [[serviceId, service]] = resourcesOf(stack.json, "aws_ecs_service");
    const logGroupArn = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${String(logGroup.name)}`;
    const targetGroupArn = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${String(targetGroup.name)}/0123456789abcdef`;
    const family = String(taskDefinition.family);
    const tags = stack.config.tags;
    const oldRevision = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:1`;
    const { execution_role_arn: _e, task_role_arn: _t, ...oldTaskDefinition } = asState(taskDefinition, []);
    const state = {
      version: 4,
      terraform_version: "1.11.4",
      serial: 1,
      lineage: "5d0e9c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6",
      outputs: {},
      resources: [
        stateResource("aws_cloudwatch_log_group", logGroupId, {
          ...asState(logGroup, []),
          tags_all: tags,
          id: logGroup.name,
          arn: logGroupArn,
          skip_destroy: false,
          log_group_class: "STANDARD",
        }),
        stateResource("aws_lb_target_group", targetGroupId, {
          ...asState(targetGroup, ["health_check"]),
          id: targetGroupArn,
          arn: targetGroupArn,
        }),
        stateResource("aws_ecs_task_definition", taskDefinitionId, {
          ...oldTaskDefinition,
          id: family,
          arn: oldRevision,
          revision: 1,
          skip_destroy: false,
          track_latest: false,
        }),
        stateResource("aws_ecs_service", serviceId, {
          ...asState(service, ["deployment_circuit_breaker", "load_balancer", "ordered_placement_strategy", "placement_constraints"]),
          id: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/shared/${String(service.name)}`,
          cluster: "shared",
          task_definition: oldRevision,
          load_balancer: [{ target_group_arn: targetGroupArn, container_name: service.name, container_port: 8080, elb_name: "" }],
          scheduling_strategy: "REPLICA",
          wait_for_steady_state: false,
          force_new_deployment: false,
          enable_execute_command: false,
          availability_zone_rebalancing: "DISABLED",
          tags_all: tags,
        }),
      ],
    };
    const statePath = join(mkdtempSync(join(tmpdir(), "roles-state-")), "terraform.tfstate");
    writeFileSync(statePath, JSON.stringify(state, null, 2));
    // WHEN
    const { plan } = initAndPlan(tf, stack.stackDir, { offline: true, region: REGION, initialState: statePath });
    // THEN only the task definition is replaced, and only because it now names the two roles
    const changes = new Map((plan.resource_changes ?? []).map((c) => [c.address, c.change]));
    const inState = state.resources.map((r) => `${r.type}.${r.name}`);
    const replaced = inState.filter((a) => changes.get(a)?.actions.includes("delete"));
    expect(replaced).toEqual([`aws_ecs_task_definition.${taskDefinitionId}`]);
    const taskDefinitionChange = changes.get(`aws_ecs_task_definition.${taskDefinitionId}`) as { replace_paths?: unknown };
    expect(taskDefinitionChange.replace_paths).toEqual(expect.arrayContaining([["execution_role_arn"], ["task_role_arn"]]));
    expect(taskDefinitionChange.replace_paths).toHaveLength(2);
    // AND the ECS service moves to the new revision in place, the log group stays as it is
    expect(changes.get(`aws_ecs_service.${serviceId}`)?.actions).toEqual(["update"]);
    expect(changes.get(`aws_cloudwatch_log_group.${logGroupId}`)?.actions).toEqual(["no-op"]);
    // AND the roles and the execution role's policy are created
    const created = [...changes]
      .filter(([a, c]) => /^aws_iam_role(_policy)?\.Service-/.test(a) && c.actions.join() === "create")
      .map(([a]) => a);
    expect(created.map((a) => a.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual([
      "aws_iam_role.Service-orders_ExecutionRole",
      "aws_iam_role.Service-orders_TaskRole",
      "aws_iam_role_policy.Service-orders_ExecutionRolePolicy",
    ]);
  });
});
