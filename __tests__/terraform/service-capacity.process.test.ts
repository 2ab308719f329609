/**
 * Why `services[].capacity` defaults to "launchType": hashicorp/aws 5.100.0 replaces an ECS service
 * when a capacity provider strategy is added to one that had none (its customizeDiff,
 * capacityProviderStrategyForceNew, forces a new service for any change to the strategy unless
 * force_new_deployment is set, and even then when the old strategy was empty). An upgrade must never
 * replace a running service, so a service gets the strategy only when its config asks for it.
 *
 * Proved by an offline plan against a hand-written state: two services as the last release
 * created them (EC2 launch type), one given autoscaling (it stays, and only gains its scaling
 * resources) and one switched to the capacity provider (Terraform replaces it, and says the
 * strategy forces it).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { EcsEc2Service, type EcsEc2ServiceProps } from "../../lib/constructs/ecs-ec2-service";
import { initAndPlan, initValidatePlan } from "../../scripts/tooling/terraform";
import { exampleConfig, ledgerOf } from "../helpers/fixtures";
import { describeWithTerraform } from "../helpers/terraform";
import { synthToTemp, type TerraformJson } from "../helpers/synth";
import { stateResource } from "../helpers/plans";

const REGION = "eu-west-2";
const ACCOUNT = "123456789012";
const CLUSTER = "team-api";
const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`;
const VPC = "vpc-0123456789abcdef0";

type Extra = Pick<EcsEc2ServiceProps, "capacityProvider" | "autoscaling">;

/** Two fixed-port services behind target groups of their own; `steady` and `switched` get `extra`. */
function stack(extra: { steady?: Extra; switched?: Extra } = {}): TerraformJson {
  const app = Testing.app();
  const s = new TerraformStack(app, "capacity");
  new AwsProvider(s, "aws", { region: REGION });
  (["steady", "switched"] as const).forEach((name, i) => {
    const port = 10000 + i;
    const targetGroup = new LbTargetGroup(s, `TargetGroup-${name}`, {
      name: `${CLUSTER}-tg-${port}`,
      port,
      protocol: "TCP",
      targetType: "instance",
      vpcId: VPC,
    });
    new EcsEc2Service(s, `Service-${name}`, {
      name: CLUSTER,
      region: REGION,
      clusterArn: CLUSTER_ARN,
      serviceName: name,
      image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}:1`,
      containerPort: 8080,
      hostPort: port,
      desiredCount: 2,
      targetGroup,
      targetGroupAttachedBy: [],
      ...extra[name],
    });
  });
  return JSON.parse(Testing.synth(s)) as TerraformJson;
}

/**
 * A resource's synthesised attributes as a state holds them: blocks as lists, references resolved
 * to the values `resolve` gives, CDKTF's metadata and the meta-arguments dropped.
 */
function asState(attrs: Record<string, unknown>, resolve: (reference: string) => string): Record<string, unknown> {
  const { "//": _m, depends_on: _d, lifecycle: _l, provider: _p, ...values } = attrs;
  const convert = (v: unknown): unknown => {
    if (typeof v === "string") return v.replace(/\$\{([^}]+)\}/g, (_all, ref: string) => resolve(ref));
    if (Array.isArray(v)) return v.map(convert);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(x)]));
    return v;
  };
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, typeof v === "object" && v !== null && !Array.isArray(v) ? [convert(v)] : convert(v)]),
  );
}

describeWithTerraform("adding a capacity provider strategy to an existing ECS service replaces it", (tf) => {
  // GIVEN the state the last release left: both services on the EC2 launch type
  const before = stack();
  const tgArn = (id: string) =>
    `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${before.resource.aws_lb_target_group[id].name as string}/0123456789abcdef`;
  const resolve = (ref: string): string => {
    const [type, id, attr] = ref.split(".");
    if (type === "aws_lb_target_group" && attr === "arn") return tgArn(id);
    if (type === "aws_ecs_task_definition" && attr === "arn") {
      return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${CLUSTER}-${id.includes("steady") ? "steady" : "switched"}:1`;
    }
    throw new Error(`no value in the hand-written state for ${ref}`);
  };
  const state = {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "5c1e4a0b-2d3f-4e5a-9b6c-7d8e9f0a1b2c",
    outputs: {},
    resources: [
      ...Object.entries(before.resource.aws_lb_target_group).map(([id, tg]) =>
        stateResource("aws_lb_target_group", id, {
          ...asState(tg, resolve),
          id: tgArn(id),
          arn: tgArn(id),
          arn_suffix: `targetgroup/${String(tg.name)}/0123456789abcdef`,
        }),
      ),
      ...Object.entries(before.resource.aws_ecs_service).map(([id, svc]) =>
        stateResource("aws_ecs_service", id, {
          ...asState(svc, resolve),
          id: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/${String(svc.name)}`,
          // What ECS reports for a service created without these, and the provider keeps in state.
          capacity_provider_strategy: [],
          scheduling_strategy: "REPLICA",
          availability_zone_rebalancing: "DISABLED",
          enable_execute_command: false,
          wait_for_steady_state: false,
          iam_role: "",
          platform_version: "",
        }),
      ),
    ],
  };
  const statePath = join(mkdtempSync(join(tmpdir(), "capacity-state-")), "terraform.tfstate");
  writeFileSync(statePath, JSON.stringify(state, null, 2));

  // WHEN steady gains autoscaling and switched moves to the capacity provider, planned against that state
  const after = stack({
    steady: { autoscaling: { clusterName: CLUSTER, minCapacity: 2, maxCapacity: 2, cpuPercent: 60 } },
    switched: { capacityProvider: { name: `${CLUSTER}-capacity`, attachedBy: [] } },
  });
  const stackDir = mkdtempSync(join(tmpdir(), "capacity-stack-"));
  writeFileSync(join(stackDir, "cdk.tf.json"), JSON.stringify(after, null, 2));
  const { plan } = initAndPlan(tf, stackDir, { offline: true, region: REGION, initialState: statePath });
  const changes = plan.resource_changes ?? [];
  const serviceChange = (name: string) => {
    const [id] = Object.entries(after.resource.aws_ecs_service).find(([, s]) => s.name === name) ?? [];
    const change = changes.find((c) => c.address === `aws_ecs_service.${id}`);
    if (!change) throw new Error(`the plan has no change for the ECS service ${name}`);
    return change;
  };

  test("THEN the service switched to the capacity provider is replaced, forced by capacity_provider_strategy alone", () => {
    const switched = serviceChange("switched");
    expect([...switched.change.actions].sort()).toEqual(["create", "delete"]);
    expect([...new Set((switched.change.replace_paths ?? []).map((p) => p[0]))]).toEqual(["capacity_provider_strategy"]);
  });

  test("THEN the service given autoscaling is kept, and only its scaling resources are added", () => {
    const steady = serviceChange("steady");
    expect(steady.change.actions).not.toContain("delete");
    const created = changes.filter((c) => c.change.actions.join(",") === "create").map((c) => c.type);
    expect(created.filter((t) => t.startsWith("aws_appautoscaling_")).sort()).toEqual([
      "aws_appautoscaling_policy",
      "aws_appautoscaling_target",
    ]);
  });

  test("THEN nothing else is replaced or deleted", () => {
    const destroyed = changes.filter((c) => c.change.actions.includes("delete")).map((c) => c.address);
    expect(destroyed).toEqual([serviceChange("switched").address]);
  });
});

describeWithTerraform("services on the capacity provider, autoscaled on every metric, plan cleanly", (tf) => {
  // GIVEN examples/alb-bridge-native.json (2 to 6 instances) with every service on the provider and autoscaled
  const input = exampleConfig("alb-bridge-native");
  input.services = input.services.map((svc) => ({
    ...svc,
    capacity: "provider",
    autoscaling:
      svc.via === "alb"
        ? { min: svc.desiredCount ?? 1, max: 12, cpuPercent: 60, memoryPercent: 70, requestsPerTarget: 500 }
        : { min: 1, max: 6, cpuPercent: 60 },
  }));
  const stack = synthToTemp(input, { nlbShards: ledgerOf("examples/alb-bridge-native.json") });
  // WHEN
  const { plan } = initValidatePlan(tf, stack.stackDir, stack.config.region);

  test("THEN Terraform creates the capacity provider, its association, and each service's target and policies", () => {
    const created = (plan.resource_changes ?? []).filter((c) => c.change.actions.join(",") === "create");
    const count = (type: string) => created.filter((c) => c.type === type).length;
    expect(count("aws_ecs_capacity_provider")).toBe(1);
    expect(count("aws_ecs_cluster_capacity_providers")).toBe(1);
    expect(count("aws_appautoscaling_target")).toBe(input.services.length);
    // Three policies per ALB service, one for the NLB service.
    expect(count("aws_appautoscaling_policy")).toBe(3 * input.services.filter((s) => s.via === "alb").length + 1);
    expect((plan.resource_changes ?? []).every((c) => c.change.actions.join(",") === "create")).toBe(true);
  });
});
