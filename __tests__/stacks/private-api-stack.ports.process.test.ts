/**
 * Stacks with services on several ports (private-api-stack.ports.test.ts), planned by Terraform in one run: a REST
 * and an HTTP API service with two NLB ports, and a service behind the ALB with a further NLB port.
 */
import { ledgerOf } from "../helpers/fixtures";
import { albServiceWithAdmin, ordersWithAdmin } from "../helpers/ports";
import { synthToTemp } from "../helpers/synth";
import { describeWithTerraform, plansTogether } from "../helpers/terraform";

describeWithTerraform("stacks with several ports per service", (tf) => {
  const http = ordersWithAdmin();
  http.api = { type: "http" };
  const stacks = [
    { key: "rest", stack: synthToTemp(ordersWithAdmin()) },
    { key: "http", stack: synthToTemp(http) },
    {
      key: "alb",
      stack: synthToTemp(albServiceWithAdmin("alb-bridge-native", "search"), { nlbShards: ledgerOf("examples/alb-bridge-native.json") }),
    },
  ];
  const planOf = plansTogether(
    tf,
    stacks.map(({ key, stack }) => ({ key, stackDir: stack.stackDir, region: stack.config.region })),
  );
  test.each(stacks.map((s) => [s.key] as const))(
    "%s plans cleanly: every listener, target group and load_balancer block is created",
    (key) => {
      const changes = planOf(key).plan.resource_changes ?? [];
      expect(changes.every((c) => c.change.actions.join(",") === "create")).toBe(true);
      const listeners = changes.filter((c) => c.type === "aws_lb_listener" && c.address.includes("-Port-admin"));
      expect(listeners).toHaveLength(1);
      const services = changes.filter((c) => c.type === "aws_ecs_service");
      const grown = services.filter((c) => ((c.change.after as { load_balancer?: unknown[] }).load_balancer ?? []).length === 2);
      expect(grown).toHaveLength(1);
    },
  );
});
