/**
 * PrivateApiStack builds its plan (lib/model/stack-plan.ts) and decides nothing: what the plan says
 * is what the Terraform JSON has. Topics of the whole stack have files of their own,
 * `private-api-stack.<topic>.test.ts`; questions about what the stack should build are asked of
 * the plan, in __tests__/model/stack-plan.test.ts.
 */
import { Testing } from "cdktf";
import { parseConfig } from "../../lib/config/load";
import { planStack, type StackPlan } from "../../lib/model/stack-plan";
import { PrivateApiStack } from "../../lib/stacks/private-api-stack";
import { configWithServices, defaultConfig, exampleConfig, ledgerOf } from "../helpers/fixtures";
import type { TerraformJson } from "../helpers/synth";

function synth(plan: StackPlan): TerraformJson {
  const stack = new PrivateApiStack(Testing.app(), plan.name, { plan });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** The plan with `change` applied to a copy (plans are frozen). */
function edited(plan: StackPlan, change: (copy: StackPlan) => void): StackPlan {
  const copy = structuredClone(plan);
  change(copy);
  return copy;
}

describe("PrivateApiStack", () => {
  const plan = planStack(parseConfig(defaultConfig()));
  const json = synth(plan);

  test("builds one construct per plan section, under the plan's construct ids", () => {
    // GIVEN the default config's plan, WHEN synthesised, THEN each section's primary resource is at its id
    const stack = new PrivateApiStack(Testing.app(), plan.name, { plan });
    const children = stack.node.children.map((c) => c.node.id);
    expect(children).toEqual(
      expect.arrayContaining([
        plan.network.constructId,
        plan.cluster.constructId,
        plan.api.constructId,
        ...plan.nlbs.map((n) => n.constructId),
        ...plan.services.map((s) => s.constructId),
      ]),
    );
    expect(stack.plan).toBe(plan);
    expect(stack.topology).toBe(plan.topology);
    expect(stack.nlbShards).toBe(plan.topology.placement);
  });

  test("takes every value from the plan: a changed plan is a changed stack", () => {
    // GIVEN the plan with another instance type and another image for the first service
    const changed = edited(plan, (p) => {
      (p.cluster.props as { instanceType?: string }).instanceType = "m7g.large";
      (p.services[0].props as { image: string }).image = "example.com/other:2";
    });
    // WHEN
    const out = synth(changed);
    // THEN
    const template = Object.values(out.resource.aws_launch_template ?? {})[0];
    expect(template.instance_type).toBe("m7g.large");
    const images = Object.values(out.resource.aws_ecs_task_definition ?? {}).map((t) => String(t.container_definitions));
    expect(images.filter((d) => d.includes("example.com/other:2"))).toHaveLength(1);
    expect(JSON.stringify(json)).not.toContain("m7g.large");
  });

  test("creates exactly the outputs the plan lists", () => {
    expect(Object.keys(json.output ?? {}).sort()).toEqual(["invoke_url", "nlb_dns_name", "vpc_link_id"]);
    // 51 ports: one more than an NLB has listeners.
    const sharded = planStack(parseConfig(configWithServices(51)));
    expect(sharded.outputs.perNlb).toBe(true);
    expect(Object.keys(synth(sharded).output ?? {})).toEqual(expect.arrayContaining(["nlb_dns_names", "vpc_link_ids"]));
  });

  test("runs no check of its own: the validation phases own them (lib/validate.ts)", () => {
    // GIVEN a plan that validation would refuse: more target groups than the quota allows
    const input = defaultConfig() as Record<string, unknown>;
    input.quotas = { targetGroups: 1 };
    const refused = planStack(parseConfig(input));
    // WHEN the stack is built and synthesised with validations on, THEN it builds what the plan says
    const stack = new PrivateApiStack(Testing.app(), refused.name, { plan: refused });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  test("writes the provider's region and default tags from the plan", () => {
    const aws = (json.provider?.aws ?? [])[0];
    expect(aws.region).toBe(plan.provider.region);
    expect(aws.default_tags).toEqual(plan.provider.defaultTags ? [{ tags: plan.provider.defaultTags }] : undefined);
    expect(json.terraform).toMatchObject({ required_providers: { aws: { version: "5.100.0" } } });
  });
});

describe("the REST API's log groups and web ACL", () => {
  test("every log group of the API takes the stack's KMS key (logs.kmsKeyArn); those without their own retention take logs.retentionDays", () => {
    // GIVEN
    const kmsKeyArn = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const json = synth(planStack(parseConfig({ ...defaultConfig(), logs: { kmsKeyArn, retentionDays: 90 } })));
    // WHEN
    // (the services' groups and the VPC's flow log group are not the API's: private-api-stack.logs.test.ts)
    const groups = Object.values(json.resource.aws_cloudwatch_log_group).filter((g) => !/^\/(ecs|aws\/vpc)\//.test(String(g.name)));
    // THEN the access logs keep their own retention (api.accessLogs.retentionDays)
    expect(groups.map((g) => [String(g.name).replace(/_\$\{.*\}/, "_<api id>"), g.retention_in_days, g.kms_key_id]).sort()).toEqual([
      ["/aws/apigateway/private-api/access", 90, kmsKeyArn],
      ["API-Gateway-Execution-Logs_<api id>/v1", 90, kmsKeyArn],
      ["aws-waf-logs-private-api", 90, kmsKeyArn],
    ]);
  });

  test("examples/existing-vpc.json: the stage is only associated with the organisation's web ACL", () => {
    // GIVEN
    const input = exampleConfig("existing-vpc");
    const json = synth(planStack(parseConfig(input), ledgerOf("examples/existing-vpc.json")));
    // THEN
    const webAcl = input.api?.webAcl;
    expect(webAcl?.mode).toBe("existing");
    expect(json.resource.aws_wafv2_web_acl).toBeUndefined();
    expect(Object.values(json.resource.aws_wafv2_web_acl_association)).toEqual([
      expect.objectContaining({ web_acl_arn: webAcl?.mode === "existing" ? webAcl.arn : undefined }),
    ]);
  });
});
