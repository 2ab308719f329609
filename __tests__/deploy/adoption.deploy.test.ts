/**
 * Adoption for real: examples/adopt-existing.json takes over an NLB and a VPC link that exist. The
 * emulator is given them (made by hand, as a team would have: emulator/world.py), and the stack's
 * import blocks are planned and applied against them. Import blocks are only allowed in a root
 * module, so the stack's own directory is the root here.
 */
import { ledgerOf, exampleConfig } from "../helpers/fixtures";
import { describeWithEmulator, Emulator, type Inventory } from "./emulator";
import { explainChanges } from "./emulator-gaps";
import { DeployRoot, prepareStacks, type EmulatedStack } from "./root";

const EXAMPLE = "examples/adopt-existing.json";
const LONG = 600_000;

describeWithEmulator("adopting an existing NLB and VPC link", ({ tf, python }) => {
  let emulator: Emulator;
  let stack: EmulatedStack;
  let root: DeployRoot;
  let before: Inventory;
  let applied = false;
  const inventory = () => emulator.inventory(stack.account, [stack.config.region]);
  /** The adopted resources' ids in the emulator, from the world mapping of the example's `adopt` ids. */
  const adopted = () => stack.config.adopt.map((a) => a.id);

  beforeAll(async () => {
    emulator = await Emulator.start(python);
    [stack] = prepareStacks(emulator, [{ key: EXAMPLE, input: exampleConfig("adopt-existing"), ledger: ledgerOf(EXAMPLE) }]);
    before = inventory();
    root = DeployRoot.alone(tf, stack);
    root.init();
  }, LONG);

  afterAll(async () => {
    await emulator?.stop();
  });

  test("the emulator holds the NLB and the VPC link to adopt, made outside the stack", () => {
    const [nlb, link] = adopted();
    expect(before[stack.config.region]["load balancers"]).toEqual([nlb]);
    expect(before[stack.config.region]["rest vpc links"]).toEqual([link]);
  });

  test(
    "the plan imports both, and replaces or destroys nothing",
    () => {
      // WHEN
      const { run, plan } = root.plan();
      // THEN
      const importing = (plan.resource_changes ?? []).filter((c) => (c.change as { importing?: { id: string } }).importing !== undefined);
      expect(importing.map((c) => [c.type, (c.change as { importing?: { id: string } }).importing?.id]).sort()).toEqual(
        [
          ["aws_api_gateway_vpc_link", adopted()[1]],
          ["aws_lb", adopted()[0]],
        ].sort(),
      );
      expect(run.stdout).toMatch(/Plan: 2 to import, \d+ to add, \d+ to change, 0 to destroy\./);
      const replaced = (plan.resource_changes ?? []).filter((c) => c.change.actions.includes("delete"));
      expect(replaced.map((c) => c.address)).toEqual([]);
    },
    LONG,
  );

  test(
    "apply imports them and creates the rest; the next plan changes nothing but the emulator's gaps",
    () => {
      // WHEN
      const run = root.apply();
      applied = true;
      // THEN
      expect(run.stdout).toMatch(/Apply complete! Resources: 2 imported, \d+ added, \d+ changed, 0 destroyed\./);
      const state = root.stateList();
      expect(state).toEqual(
        expect.arrayContaining([expect.stringMatching(/^aws_lb\.Nlb_/), expect.stringMatching(/^aws_api_gateway_vpc_link\./)]),
      );
      const { plan } = root.plan();
      expect(
        explainChanges(root.changesOf(plan, stack))
          .unexplained.map((c) => `${c.actions} ${c.address} (${c.paths.join(", ")})`)
          .join("\n"),
      ).toBe("");
    },
    LONG,
  );

  test(
    "destroy removes the stack, the adopted resources with it, and leaves the rest of the world",
    () => {
      if (!applied) throw new Error("the example was not applied (see the test before)");
      // WHEN
      root.destroy();
      // THEN the adopted NLB and VPC link are the stack's now, and went with it; everything else is as before
      expect(root.stateList()).toEqual([]);
      const expected = structuredClone(before);
      const region = expected[stack.config.region];
      region["load balancers"] = region["load balancers"].filter((id) => !adopted().includes(id));
      region["rest vpc links"] = region["rest vpc links"].filter((id) => !adopted().includes(id));
      expect(inventory()).toEqual(expected);
    },
    LONG,
  );
});
