/**
 * Adding a port to a deployed service updates its ECS service in place: the real provider plans
 * the service as the stack synthesises it, with one more load_balancer block, as an update, not a
 * replacement (which would stop every task of the service at once). upgrade-safety.test.ts shows
 * that nothing else existing changes but the task definition, a new revision as for any change.
 *
 * The service is planned on its own, against a state that holds it as deployed: its references
 * to the cluster, task definition and target groups become fixed ARNs, so only the service's own
 * arguments decide the plan. The same service unchanged is the control: it plans as no change.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initAndPlan } from "../../scripts/tooling/terraform";
import { defaultConfig } from "../helpers/fixtures";
import { describeWithTerraform } from "../helpers/terraform";
import { resourcesByPath, synthToTemp } from "../helpers/synth";
import { addPort, type Input } from "./changes";

const REGION = "eu-west-2";
const ACCOUNT = "123456789012";

/** The ECS service of "orders" as synthesised, its references replaced by ARNs (the task definition's revision given). */
function ordersService(cfg: Input, revision: number): Record<string, unknown> {
  const { json } = synthToTemp(cfg);
  const found = resourcesByPath(json, "aws_ecs_service").get("Service-orders/Resource");
  if (!found) throw new Error("no ECS service for orders");
  const { "//": _metadata, depends_on: _dependsOn, ...attrs } = found.attrs;
  const text = JSON.stringify(attrs).replace(/\$\{(aws_[a-z_]+)\.([A-Za-z0-9_-]+)\.arn\}/g, (_, type: string, id: string) => {
    if (type === "aws_ecs_cluster") return `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/private-api`;
    if (type === "aws_ecs_task_definition") return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/private-api-orders:${revision}`;
    if (type === "aws_lb_target_group") {
      const port = /TargetGroup-(.+)_[0-9A-F]+$/.exec(id)?.[1] ?? id;
      return `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${port.slice(0, 24)}/0123456789abcdef`;
    }
    throw new Error(`unexpected reference to ${type}.${id}`);
  });
  expect(text).not.toContain("${");
  return JSON.parse(text) as Record<string, unknown>;
}

describeWithTerraform("adding a port to a deployed service", (tf) => {
  test("updates its ECS service in place: one more load_balancer block, nothing replaced", () => {
    // GIVEN the default config's "orders" as deployed, and the same service with a port added
    const before = ordersService(defaultConfig(), 1);
    const grown = defaultConfig() as Input;
    addPort(grown.services[0], { name: "admin", containerPort: 7777, hostPort: 10002 });
    const after = ordersService(grown, 2);
    expect(after.load_balancer).toHaveLength(2);

    const dir = mkdtempSync(join(tmpdir(), "add-port-"));
    writeFileSync(
      join(dir, "cdk.tf.json"),
      JSON.stringify({
        terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
        resource: { aws_ecs_service: { unchanged: before, grown: after } },
      }),
    );
    // The state as the provider leaves it after creating the one-port service (its computed
    // attributes with their applied values).
    const deployed = (name: string) => ({
      mode: "managed",
      type: "aws_ecs_service",
      name,
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [
        {
          schema_version: 1,
          attributes: {
            // A block the JSON gives as one object (deployment_circuit_breaker) is a list in state.
            ...Object.fromEntries(
              Object.entries(before).map(([k, v]) => [k, v !== null && typeof v === "object" && !Array.isArray(v) ? [v] : v]),
            ),
            id: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/private-api/orders`,
            scheduling_strategy: "REPLICA",
            deployment_controller: [{ type: "ECS" }],
            availability_zone_rebalancing: "DISABLED",
            enable_execute_command: false,
            iam_role: "",
            platform_version: "",
            tags: null,
            tags_all: {},
            triggers: {},
            wait_for_steady_state: false,
          },
          sensitive_attributes: [],
        },
      ],
    });
    const statePath = join(mkdtempSync(join(tmpdir(), "add-port-state-")), "terraform.tfstate");
    writeFileSync(
      statePath,
      JSON.stringify({
        version: 4,
        terraform_version: "1.11.4",
        serial: 1,
        lineage: "5d0c7e1a-2b3c-4d5e-8f90-1a2b3c4d5e6f",
        outputs: {},
        resources: [deployed("unchanged"), deployed("grown")],
      }),
    );
    // WHEN
    const { plan } = initAndPlan(tf, dir, { offline: true, region: REGION, initialState: statePath });
    // THEN the control plans no change, and the grown service an update in place
    const actions = new Map((plan.resource_changes ?? []).map((c) => [c.address, c.change.actions.join(",")]));
    expect(actions.get("aws_ecs_service.unchanged")).toBe("no-op");
    expect(actions.get("aws_ecs_service.grown")).toBe("update");
  });
});
