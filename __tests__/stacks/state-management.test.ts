import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { ConfigError, parseConfig } from "../../lib/config/load";
import { planStack } from "../../lib/model/stack-plan";
import { PrivateApiStack } from "../../lib/stacks/private-api-stack";
import { adoptableResources } from "../../lib/stacks/state-management";
import { synthesize } from "../../lib/synth";
import { configErrorOf, defaultConfig, exampleConfig } from "../helpers/fixtures";
import { synthToTemp } from "../helpers/synth";
import { stringMatching } from "../helpers/expect";

interface StateJson {
  terraform: { backend?: Record<string, Record<string, unknown>> };
  import?: { id: string; to: string }[];
  moved?: { from: string; to: string }[];
}
const state = (input: unknown) => synthToTemp(input).json as unknown as StateJson;

describe("backend", () => {
  test("local by default (CDKTF's path), or at a path of your own", () => {
    expect(Object.keys(state(defaultConfig()).terraform.backend ?? {})).toEqual(["local"]);
    expect(state({ ...defaultConfig(), backend: { type: "local", path: "state/private-api.tfstate" } }).terraform.backend).toEqual({
      local: { path: "state/private-api.tfstate" },
    });
  });

  test("S3 with a per-environment key, encryption and S3-native locking", () => {
    expect(state({ ...defaultConfig(), backend: { type: "s3", bucket: "acme-tf-state" } }).terraform.backend).toEqual({
      s3: { bucket: "acme-tf-state", key: "env/private-api/terraform.tfstate", region: "eu-west-2", encrypt: true, use_lockfile: true },
    });
  });

  test("S3 with a DynamoDB lock table instead", () => {
    const backend = state({
      ...defaultConfig(),
      backend: { type: "s3", bucket: "acme-tf-state", key: "teams/a.tfstate", locking: { dynamodbTable: "tf-locks" } },
    }).terraform.backend?.s3;
    expect(backend).toMatchObject({ key: "teams/a.tfstate", dynamodb_table: "tf-locks" });
    expect(backend).not.toHaveProperty("use_lockfile");
  });
});

describe("adopt", () => {
  test("an existing NLB and VPC link become import blocks on our resources", () => {
    const json = state(exampleConfig("adopt-existing"));
    expect(json.import).toEqual([
      {
        id: "arn:aws:elasticloadbalancing:eu-west-2:789012345678:loadbalancer/net/billing-nlb/50dc6c495c0c9188",
        to: stringMatching(/^aws_lb\.Nlb_[0-9A-F]+$/),
      },
      { id: "x7k2pq", to: stringMatching(/^aws_api_gateway_vpc_link\.Api_VpcLink_[0-9A-F]+$/) },
    ]);
  });

  test.each([
    [{ resource: "Nlbx", id: "x" }, /adopt\[0\]\.resource: no resource at "Nlbx"; top-level constructs are Api, .*Nlb/],
    [
      { resource: "Nlb", id: "billing-nlb" },
      /adopt\[0\]\.id: "Nlb" is an aws_lb, whose import id must be a load balancer ARN \(got "billing-nlb"\)/,
    ],
    [{ resource: "Network", id: "subnet-0a1b2c3d4e5f60718" }, /adopt\[0\]\.id: "Network" is an aws_vpc, whose import id must be a VPC id/],
  ])("%o is refused with the field and value", (entry, message) => {
    expect(configErrorOf(() => synthToTemp({ ...defaultConfig(), adopt: [entry] }))).toMatch(message);
  });
});

// Found by the config fuzzer (__tests__/fuzz): configs that passed validation and then broke the synth.

/** The problems of the ConfigError a synth of `input` throws, and the files it left in its output directory. */
function refusedAtSynth(input: unknown): { problems: readonly string[]; written: string[] } {
  const config = parseConfig(input);
  const outdir = mkdtempSync(join(tmpdir(), "synth-refused-"));
  try {
    synthesize(config, outdir);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    // CDKTF may have made the empty `stacks` directory; no file may be there.
    const files = readdirSync(outdir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    return { problems: (err as ConfigError).problems, written: files.map((e) => e.name) };
  }
  throw new Error("expected a ConfigError, but the config synthesised");
}

describe("adopt entries naming members of every JavaScript object", () => {
  // The construct lookup found Object.prototype's `constructor` and crashed with a TypeError.
  test.each(["constructor", "__proto__", "toString", "Network/constructor", "Nlb/__proto__/x"])(
    "%s is no resource: refused, nothing written",
    (resource) => {
      const { problems, written } = refusedAtSynth({ ...defaultConfig(), adopt: [{ resource, id: "x7k2pq" }] });
      expect(problems).toEqual([
        expect.stringMatching(new RegExp(`^adopt\\[0\\]\\.resource: no resource at "${resource}"; top-level constructs are `)),
      ]);
      expect(written).toEqual([]);
    },
  );

  test("a line break in the construct path stays inside its one problem line", () => {
    const { problems } = refusedAtSynth({ ...defaultConfig(), adopt: [{ resource: "Nlb\nx", id: "x" }] });
    expect(problems).toEqual([expect.stringMatching(/^adopt\[0\]\.resource: no resource at "Nlb\\nx"; /)]);
  });
});

describe("renames", () => {
  test("a renamed service moves its resources instead of destroying and recreating them", () => {
    // GIVEN the two-services example with cart renamed to basket
    const cfg = exampleConfig("two-services");
    cfg.services[0].name = "basket";
    for (const r of cfg.routes) if (r.service === "cart") r.service = "basket";
    cfg.renames = { services: { cart: "basket" } };
    // WHEN
    const json = state(cfg);
    // THEN
    const moved = json.moved ?? [];
    expect(moved.map((m) => m.to.split(".")[0]).sort()).toEqual([
      "aws_cloudwatch_log_group",
      "aws_ecs_service",
      "aws_ecs_task_definition",
      "aws_iam_role",
      "aws_iam_role",
      "aws_iam_role_policy",
      "aws_lb_listener",
      "aws_lb_target_group",
      "aws_vpc_security_group_egress_rule",
      "aws_vpc_security_group_ingress_rule",
    ]);
    for (const m of moved) {
      expect(m.from).toMatch(/cart/);
      expect(m.to).toMatch(/basket/);
    }
  });

  test("the service's roles, their policies and attachments move with it", () => {
    // GIVEN cart with a task role of both kinds, renamed to basket
    const cfg = exampleConfig("two-services");
    cfg.services[0].name = "basket";
    cfg.services[0].taskRole = {
      managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
      statements: [{ actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:eu-west-1:123456789012:carts"] }],
    };
    for (const r of cfg.routes) if (r.service === "cart") r.service = "basket";
    cfg.renames = { services: { cart: "basket" } };
    // WHEN
    const moved = state(cfg).moved ?? [];
    // THEN each of them moves from its address under Service-cart to the one under Service-basket
    const iam = moved.filter((m) => m.to.startsWith("aws_iam_"));
    expect(iam.map((m) => m.to.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual([
      "aws_iam_role.Service-basket_ExecutionRole",
      "aws_iam_role.Service-basket_TaskRole",
      "aws_iam_role_policy.Service-basket_ExecutionRolePolicy",
      "aws_iam_role_policy.Service-basket_TaskRolePolicy",
      "aws_iam_role_policy_attachment.Service-basket_ManagedPolicy-aws-AmazonS3ReadOnlyAccess",
    ]);
    for (const m of iam)
      expect(m.from.replace(/_[0-9A-F]{8}$/, "")).toBe(m.to.replace(/_[0-9A-F]{8}$/, "").replace("Service-basket", "Service-cart"));
  });

  test.each([
    [{ cart: "trolley" }, /renames\.services\.cart: renamed to "trolley", but no service has that name/],
    [{ cart: "catalog", catalog: "cart" }, /renames\.services\.catalog: "catalog" is renamed, but a service still has that name/],
  ])("%o is refused", (services, message) => {
    expect(configErrorOf(() => synthToTemp({ ...exampleConfig("two-services"), renames: { services } }))).toMatch(message);
  });
});

test("the REST stage's execution log group can be adopted by its construct path and name (a stage that logged before)", () => {
  // GIVEN a stage that had execution logging on, so API Gateway made the group already
  const name = "API-Gateway-Execution-Logs_a1b2c3d4e5/v1";
  const { json } = synthToTemp({ ...defaultConfig(), adopt: [{ resource: "Api/ExecutionLogs", id: name }] });
  // WHEN / THEN the group is imported, not created
  const groups = Object.entries(json.resource.aws_cloudwatch_log_group).filter(([, g]) =>
    String(g.name).startsWith("API-Gateway-Execution-Logs_"),
  );
  expect(groups).toHaveLength(1);
  expect((json as unknown as StateJson).import).toEqual([{ id: name, to: `aws_cloudwatch_log_group.${groups[0][0]}` }]);
});

test("adoptableResources names primary resources by their construct path", () => {
  const stack = new PrivateApiStack(new App({ skipValidation: true }), "s", { plan: planStack(parseConfig(defaultConfig())) });
  expect(adoptableResources(stack)).toEqual(
    expect.arrayContaining(["Nlb", "Api/VpcLink", "Network", "Cluster", "Service-orders", "Api/ExecutionLogs", "Api/WebAcl"]),
  );
});
