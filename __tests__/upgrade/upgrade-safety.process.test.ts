/**
 * The configs of upgrade-safety.test.ts, changed by their first change (a route added), planned by
 * Terraform: one changed stack per example, all in one Terraform run. And one service of
 * examples/two-services.json moved from EC2 to Fargate, planned against the example's saved state.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../lib/config/load";
import { reviewPlan, type TerraformShowJson } from "../../lib/review/plan-review";
import { synthesize } from "../../lib/synth";
import { writeOfflineOverride } from "../../scripts/tooling/terraform";
import { DeployRoot, substitute } from "../deploy/root";
import { exampleConfig, ledgerOf } from "../helpers/fixtures";
import { synthToTemp } from "../helpers/synth";
import { describeWithTerraform, plansTogether } from "../helpers/terraform";
import { changesFor, examples, switchToFargate, type Input } from "./changes";
import { readState, readWorld } from "./previous-release/fixtures";
import { planRoot, removeRoot } from "./previous-release/plan";

describeWithTerraform("the changed configs", (tf) => {
  // The first change of every example is adding a route.
  const firsts = examples.map(([name, input]) => {
    const cfg = structuredClone(input) as Input;
    changesFor(input as Input)[0].change(cfg);
    return { example: name, after: synthToTemp(cfg, { nlbShards: ledgerOf(name) }) };
  });
  const planOf = plansTogether(
    tf,
    firsts.map((c) => ({ key: c.example, stackDir: c.after.stackDir, region: c.after.config.region })),
  );
  test.each(firsts.map((c) => [c.example, c] as const))("%s, with a route added, plans cleanly", (name) => {
    const { plan } = planOf(name);
    expect((plan.resource_changes ?? []).length).toBeGreaterThan(0);
    expect((plan.resource_changes ?? []).every((r) => r.change.actions.join(",") === "create")).toBe(true);
  });
});

/**
 * examples/two-services.json as the previous release applied it (its saved state,
 * previous-release/), planned offline with "catalog" moved to Fargate, next to the unchanged
 * example as the control: what the switch plans beyond the control is catalog's alone.
 */
describeWithTerraform("switching two-services' catalog from EC2 to Fargate, planned against its state", (tf) => {
  const ROOT = "two-services";
  const KEY = "examples/two-services.json";
  const LONG = 300_000;

  /** The example's root, as prepareRoot lays it out, with `input` in place of the example. */
  function rootWith(input: Input): DeployRoot {
    const [fixture] = readWorld(ROOT).stacks;
    const applied = substitute(input as Record<string, unknown>, fixture.world);
    const config = parseConfig(applied);
    const ledger = ledgerOf(KEY);
    const outdir = mkdtempSync(join(tmpdir(), "fargate-switch-out-"));
    synthesize(config, outdir, { nlbShards: ledger });
    const stackDir = join(outdir, "stacks", config.name);
    writeOfflineOverride(stackDir, config.region);
    const root = DeployRoot.together(tf, [
      { key: KEY, module: fixture.module, config, input: applied, stackDir, world: fixture.world, ledger, account: fixture.account },
    ]);
    writeFileSync(join(root.dir, "terraform.tfstate"), readState(ROOT));
    return root;
  }

  /** address -> actions, of every change but no-ops. */
  const actionsOf = (plan: TerraformShowJson): Map<string, string> =>
    new Map(
      (plan.resource_changes ?? [])
        .filter((c) => c.mode === "managed" && c.change.actions.join(",") !== "no-op")
        .map((c) => [c.address, c.change.actions.join(",")]),
    );

  let control: TerraformShowJson;
  let switched: TerraformShowJson;
  beforeAll(() => {
    const plans = [
      exampleConfig("two-services"),
      (() => {
        const cfg = exampleConfig("two-services");
        switchToFargate(cfg, "catalog");
        return cfg;
      })(),
    ].map((input) => {
      const root = rootWith(input);
      try {
        return planRoot(ROOT, root).stacks[0].plan;
      } finally {
        removeRoot(root);
      }
    });
    [control, switched] = plans;
  }, LONG);

  /** What the switched plan does that the control does not (or does otherwise), by address without hash. */
  const beyondControl = (): [string, string][] => {
    const before = actionsOf(control);
    return [...actionsOf(switched)]
      .filter(([address, actions]) => before.get(address) !== actions)
      .map(([address, actions]): [string, string] => [address.replace(/_[0-9A-F]{8}$/, ""), actions])
      .sort(([a], [b]) => a.localeCompare(b));
  };

  /** The switched plan's change of the one address that starts with `prefix`. */
  const changeOf = (plan: TerraformShowJson, prefix: string) => {
    const found = (plan.resource_changes ?? []).filter((c) => c.address.startsWith(prefix));
    expect(found.map((c) => c.address)).toHaveLength(1);
    return found[0].change;
  };

  test("replaces only catalog's ECS service and task definition, creates its group, rules and ip target group, destroys its EC2 side", () => {
    const changes = beyondControl();
    const byKind = (kind: string) => changes.filter(([, actions]) => actions === kind).map(([address]) => address);
    expect(byKind("delete,create")).toEqual(["aws_ecs_service.Service-catalog"]);
    // The task definition is replaced in the control too (this release's roles, docs/upgrading.md);
    // here the network mode and compatibilities force it as well.
    const task = changeOf(switched, "aws_ecs_task_definition.Service-catalog_TaskDefinition_");
    expect(task.actions).toEqual(["delete", "create"]);
    expect((task.replace_paths ?? []).map((p) => p.join("."))).toEqual(
      expect.arrayContaining(["network_mode", "requires_compatibilities"]),
    );
    expect(byKind("create")).toEqual([
      "aws_lb_target_group.Nlb_IpTargetGroup-catalog",
      "aws_security_group.Service-catalog_SecurityGroup",
      "aws_vpc_security_group_egress_rule.Service-catalog_EgressToEndpoints",
      "aws_vpc_security_group_egress_rule.Service-catalog_EgressToS3",
      "aws_vpc_security_group_ingress_rule.Service-catalog_IngressFrom-catalog",
    ]);
    expect(byKind("delete")).toEqual([
      "aws_lb_target_group.Nlb_TargetGroup-catalog",
      "aws_vpc_security_group_ingress_rule.Cluster_HostPort-catalog",
    ]);
    // In place, at its address: catalog's listener, to the ip target group.
    expect(byKind("update")).toEqual(["aws_lb_listener.Nlb_Listener-catalog"]);
    const egress = changeOf(switched, "aws_vpc_security_group_egress_rule.Nlb_EgressToTargets-catalog_");
    // The NLB's egress rule to catalog keeps its address: updated in place to the service's group and container port
    // (the control updates it too, for this release's rule changes, so it is not "beyond" it).
    expect(egress.actions).toEqual(["update"]);
    expect(egress.after).toMatchObject({ from_port: 7777, to_port: 7777 });
    expect(changes.map(([address]) => address).filter((a) => /cart/i.test(a))).toEqual([]);
    expect(changes).toHaveLength(9);
    // The cluster's capacity providers (created by this release in the control too) include Fargate's.
    const providers = changeOf(switched, "aws_ecs_cluster_capacity_providers.").after as { capacity_providers: string[] };
    expect(providers.capacity_providers).toEqual(expect.arrayContaining(["FARGATE", "FARGATE_SPOT"]));
  });

  test("the plan review flags catalog's ECS service as downtime and its task definition as a task restart, nothing of cart", () => {
    const review = reviewPlan(switched);
    const items = (heading: string) => {
      const start = review.markdown.indexOf(`### ${heading}`);
      if (start < 0) return [];
      const end = review.markdown.indexOf("\n### ", start + 4);
      return review.markdown
        .slice(start, end < 0 ? undefined : end)
        .split("\n")
        .filter((l) => l.startsWith("- "));
    };
    const controlDowntime = new Set(
      reviewPlan(control)
        .markdown.split("\n")
        .filter((l) => l.startsWith("- **")),
    );
    expect(items("⚠️ Downtime").filter((l) => !controlDowntime.has(l))).toEqual([
      expect.stringMatching(/^- \*\*REPLACE\*\* `aws_ecs_service\.Service-catalog_[0-9A-F]{8}` \(ECS service, forced by `/),
    ]);
    expect(items("🔁 Task restarts").filter((l) => l.includes("Service-catalog"))).toEqual([
      expect.stringMatching(
        /^- \*\*REPLACE\*\* `aws_ecs_task_definition\.Service-catalog_TaskDefinition_[0-9A-F]{8}` \(task definition, forced by .*`network_mode`/,
      ),
    ]);
    expect(items("⚠️ Downtime").filter((l) => /cart/.test(l))).toEqual([]);
    expect(review.newFindings).toEqual([]);
  });
});
