/**
 * The deploy tier's suite for a group of examples (examples.deploy.test.ts and
 * upgrades.deploy.test.ts each run one, side by side, each with a moto of its own): the group is
 * applied in one Terraform root (provider start-up and the load balancers' waits are shared), planned
 * again, optionally upgraded against the applied state, and destroyed, after which each stack's
 * account must hold exactly what it held before apply. What this proves and does not prove:
 * __tests__/deploy/README.md.
 */
import { DOWNTIME_TYPES } from "../../lib/review/plan-review";
import type { ResourceChange } from "../../lib/plan/plan-json";
import { allConfigs, ledgerOf } from "../helpers/fixtures";
import { synthToTemp, type TerraformJson } from "../helpers/synth";
import { changesFor, diff, redeploy, type Input } from "../upgrade/changes";
import type { TerraformEnv } from "../../scripts/tooling/terraform";
import { describeWithEmulator, Emulator, type Inventory } from "./emulator";
import { appliedResourcesOf, explainChanges, unusedGaps, type EmulatorGap, type UnexplainedChange } from "./emulator-gaps";
import { DeployRoot, prepareStacks, stackJsonOf, type EmulatedStack } from "./root";

/** Examples this tier does not apply with the others, with the reason. */
export const NOT_APPLIED_TOGETHER: Readonly<Record<string, string>> = {
  "examples/adopt-existing.json": "import blocks need a root module of their own: adoption.deploy.test.ts",
  "examples/200-services.json": "2,052 resources, past the tier's time budget (planned in __tests__/terraform/)",
  "examples/alb-bridge-lambda.json": "applied, planned again and destroyed with its Lambdas run against it: bridge-lambdas.deploy.test.ts",
};
/** The example the upgrades are planned on: two NLB services, four routes, a route with authorization NONE. */
export const UPGRADED = "examples/two-services.json";
/** The configs examples.deploy.test.ts applies together in one root: all but NOT_APPLIED_TOGETHER and UPGRADED. */
export function examplesAppliedTogether(): string[] {
  return allConfigs()
    .map(([name]) => name)
    .filter((name) => !(name in NOT_APPLIED_TOGETHER) && name !== UPGRADED);
}
/** Types whose replacement the upgrade-safety rules forbid: the review's downtime types, and the ECS service. */
export const PROTECTED: ReadonlySet<string> = new Set([...Object.keys(DOWNTIME_TYPES), "aws_ecs_service"]);

const LONG = 900_000;

/** The Terraform JSON of a changed config, as the upgrades compare it with the applied one. */
function stackJson(input: unknown, ledger: EmulatedStack["ledger"]): TerraformJson {
  return synthToTemp(input, { nlbShards: ledger }).json;
}

function resourceCount(json: TerraformJson): number {
  return Object.values(json.resource).reduce((n, byId) => n + Object.keys(byId).length, 0);
}

/**
 * A stage whose only change is the deployment it points to, when the plan replaces the deployment:
 * that is how a route change is deployed (the upgrade-safety tests' `redeploy`).
 */
function followsRedeploy(change: UnexplainedChange, all: readonly UnexplainedChange[]): boolean {
  const stage = /^aws_(api_gateway|apigatewayv2)_stage\./.test(change.address);
  const redeployed = all.some((c) => redeploy(c.address) && c.actions.includes("create"));
  return stage && redeployed && change.actions === "update" && change.paths.join() === "deployment_id";
}

/** The API stages of a synthesised stack, by address. */
function stagesOf(json: TerraformJson): string[] {
  return ["aws_api_gateway_stage", "aws_apigatewayv2_stage"].flatMap((type) =>
    Object.keys(json.resource[type] ?? {}).map((id) => `${type}.${id}`),
  );
}

/** Change lines for a failure message. */
function describeChanges(changes: readonly { address: string; actions: string; paths?: readonly string[] }[]): string {
  return changes.map((c) => `${c.actions} ${c.address}${c.paths?.length ? ` (${c.paths.join(", ")})` : ""}`).join("\n");
}

/**
 * Applies `names` (keys of allConfigs()) in one root, plans them again, and destroys them; with
 * `upgrades`, the upgrades are planned and one applied on UPGRADED (which `names` must hold) in
 * between.
 */
export function deploySuite(title: string, names: readonly string[], options: { upgrades: boolean }): void {
  const APPLIED = allConfigs().filter(([name]) => names.includes(name));
  if (APPLIED.length !== names.length) throw new Error(`deploySuite: no such config among ${names.join(", ")}`);
  describeWithEmulator(title, ({ tf, python }) => suiteBody(tf, python, APPLIED, options));
}

function suiteBody(tf: TerraformEnv, python: string, APPLIED: [string, unknown][], options: { upgrades: boolean }): void {
  let emulator: Emulator;
  let stacks: EmulatedStack[];
  let root: DeployRoot;
  let before: Map<string, Inventory>;
  let applied = false;
  const seen = new Set<EmulatorGap>();

  const inventories = () => new Map(stacks.map((s) => [s.key, emulator.inventory(s.account, [s.config.region])]));
  const requireApplied = () => {
    if (!applied) throw new Error("the examples were not applied (see the first failing test)");
  };

  beforeAll(async () => {
    emulator = await Emulator.start(python);
    stacks = prepareStacks(
      emulator,
      APPLIED.map(([key, input]) => ({ key, input, ledger: ledgerOf(key) })),
    );
    before = inventories();
    root = DeployRoot.together(tf, stacks);
    root.init();
  }, LONG);

  afterAll(async () => {
    // A failed run must not leave moto running; its state goes with it.
    await emulator?.stop();
  });

  test(
    "apply creates every resource of every example",
    () => {
      // GIVEN every example, synthesised with the emulator's ids for the world it refers to
      const expected = stacks.reduce((n, s) => n + resourceCount(stackJsonOf(s)), 0);
      // WHEN
      const run = root.apply();
      applied = true;
      // THEN
      expect(run.stdout).toContain(`Apply complete! Resources: ${expected} added, 0 changed, 0 destroyed.`);
      expect(root.stateList()).toHaveLength(expected);
    },
    LONG,
  );

  describe("a second plan", () => {
    let byStack: Map<string, ResourceChange[]>;
    beforeAll(() => {
      if (!applied) return;
      const { plan } = root.plan();
      byStack = new Map(stacks.map((s) => [s.key, root.changesOf(plan, s)]));
    }, LONG);

    test.each(APPLIED.map(([name]) => name))("%s: changes nothing but the emulator's known gaps", (name) => {
      requireApplied();
      // WHEN the applied stack is planned again (refreshed from the emulator)
      const changes = byStack.get(name)!;
      // THEN every change is an in-place update of attributes the allow-list explains
      const { unexplained } = explainChanges(changes, seen);
      expect(describeChanges(unexplained)).toBe("");
    });

    test("every entry of the allow-list that concerns a resource applied here is a gap the plans showed (moto still has it)", () => {
      requireApplied();
      expect(
        unusedGaps(
          seen,
          stacks.flatMap((s) => appliedResourcesOf(stackJsonOf(s))),
        ),
      ).toEqual([]);
    });
  });

  if (options.upgrades)
    describe(`upgrades of ${UPGRADED}, planned against its applied state`, () => {
      const stack = () => stacks.find((s) => s.key === UPGRADED)!;
      const base = () => stack().input as unknown as Input;
      /** Plans the stack changed by `change` against the applied state, then puts the applied synth back. */
      const planChanged = (changed: Input) => {
        const s = stack();
        root.resynth(emulator, s, changed);
        try {
          // Against the applied state, refreshed as any plan is (without, state written at create
          // differs from the config in null against [] alone): this stack only.
          const { plan } = root.plan(root.targetOf(s));
          return root.changesOf(plan, s);
        } finally {
          root.resynth(emulator, s, s.input);
        }
      };
      /** The upgrade-safety check of one planned change: exactly the synth diff, and nothing protected replaced. */
      const expectOnly = (changes: ResourceChange[], beforeJson: TerraformJson, afterJson: TerraformJson) => {
        const expected = diff(beforeJson, afterJson);
        const { unexplained } = explainChanges(changes);
        const by = (actions: string) =>
          unexplained.filter((c) => c.actions === actions && !followsRedeploy(c, unexplained)).map((c) => c.address);
        expect(by("create").sort()).toEqual(expected.added.sort());
        expect(by("delete").sort()).toEqual(expected.removed.sort());
        // Updated in place: only resources whose synthesised attributes changed.
        expect(by("update").filter((a) => !expected.changed.includes(a))).toEqual([]);
        const replaced = unexplained.filter((c) => c.actions === "delete,create" || c.actions === "create,delete");
        expect(replaced.filter((c) => PROTECTED.has(c.address.split(".")[0]))).toEqual([]);
        expect(replaced.map((c) => c.address).filter((a) => !expected.changed.includes(a))).toEqual([]);
        return unexplained;
      };

      const changes = changesFor(allConfigs().find(([name]) => name === UPGRADED)![1] as Input);
      test.each(["adding a route", "adding a service (with its route)", "removing a service (with its routes)"])(
        "%s changes only what it should",
        (name) => {
          requireApplied();
          // GIVEN the applied example and the change the upgrade-safety tests make
          const change = changes.find((c) => c.name === name)!;
          const changed = structuredClone(base());
          change.change(changed);
          // WHEN it is planned against the applied state
          const planned = planChanged(changed);
          // THEN the plan is the synth diff, and nothing protected is replaced
          const unexplained = expectOnly(planned, stackJsonOf(stack()), stackJson(changed, stack().ledger));
          expect(unexplained.length).toBeGreaterThan(0);
        },
        LONG,
      );

      test(
        "renaming a service through renames moves its resources; only those AWS cannot rename are replaced",
        () => {
          requireApplied();
          // GIVEN cart renamed to basket, with renames saying so
          const renamed = structuredClone(base());
          renamed.services[0].name = "basket";
          for (const r of renamed.routes) if (r.service === "cart") r.service = "basket";
          renamed.renames = { services: { cart: "basket" } };
          const movedFrom = (stackJson(renamed, stack().ledger).moved ?? []).map((m) => m.from);
          // WHEN
          const planned = planChanged(renamed);
          // THEN every old address is moved, none destroyed
          const previous = planned.map((c) => (c as ResourceChange & { previous_address?: string }).previous_address);
          expect(movedFrom.filter((from) => !previous.includes(root.addressOf(stack(), from)))).toEqual([]);
          const { unexplained } = explainChanges(planned);
          expect(unexplained.filter((c) => c.actions === "delete" || c.actions === "create")).toEqual([]);
          // AND only what carries the service's name in AWS is replaced (docs/terraform-teams.md, "Addresses that do not shift";
          // IAM renames neither a role nor an inline policy, so the service's roles go too)
          const replaced = unexplained.filter((c) => c.actions.includes("delete")).map((c) => c.address.split(".")[0]);
          expect([...new Set(replaced)].sort()).toEqual([
            "aws_cloudwatch_log_group",
            "aws_ecs_service",
            "aws_ecs_task_definition",
            "aws_iam_role",
            "aws_iam_role_policy",
          ]);
          expect(replaced.filter((t) => PROTECTED.has(t) && t !== "aws_ecs_service")).toEqual([]);
        },
        LONG,
      );

      test(
        "adding a route is applied, and the next plan changes nothing but the gaps",
        () => {
          requireApplied();
          // GIVEN a route added to the applied example
          const s = stack();
          const changed = structuredClone(base());
          changes.find((c) => c.name === "adding a route")!.change(changed);
          const changedJson = stackJson(changed, s.ledger);
          const expected = diff(stackJsonOf(s), changedJson);
          root.resynth(emulator, s, changed);
          // WHEN exactly what the change adds and changes is applied, with the API's stage, which
          // follows the new deployment (-target takes their dependencies too). The emulator's gaps
          // elsewhere are left alone: applying them would only have moto forget them again.
          const targets = [...expected.added, ...expected.changed, ...stagesOf(changedJson)].map((a) => `-target=${root.addressOf(s, a)}`);
          const run = root.apply(targets);
          // THEN the route's resources are in the state, nothing was destroyed but the deployment it replaces
          expect(run.stdout).toMatch(/Apply complete! Resources: \d+ added, \d+ changed, [01] destroyed\./);
          const state = root.stateList();
          expect(expected.added.filter((a) => !state.includes(root.addressOf(s, a)))).toEqual([]);
          // AND the next plan of the stack changes nothing but the gaps
          const again = root.changesOf(root.plan(root.targetOf(s)).plan, s);
          expect(describeChanges(explainChanges(again).unexplained)).toBe("");
          s.input = changed;
        },
        LONG,
      );
    });

  test(
    "destroy removes every resource, and the emulator holds nothing of any stack",
    () => {
      requireApplied();
      // WHEN
      const run = root.destroy();
      // THEN the state is empty
      expect(run.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed\./);
      expect(root.stateList()).toEqual([]);
      // AND each account holds exactly what it held before apply: the world the example refers to
      const after = inventories();
      for (const s of stacks) expect({ stack: s.key, ...after.get(s.key) }).toEqual({ stack: s.key, ...before.get(s.key) });
    },
    LONG,
  );
}
