/**
 * The ALB bridge's two Lambda handlers (lambdas/), the real code and not mocks, run against the
 * stack of examples/alb-bridge-lambda.json applied to moto: each handler runs in a child process
 * with its function's environment as Terraform deployed it, and the test reads the outcome back
 * from moto (the target group's targets, the SSM parameter, the security group's rules).
 *
 * moto makes no network interfaces for load balancers, so the test makes them (bridge-lambdas-world.ts):
 * in-use interfaces described as Elastic Load Balancing describes its own, attached to instances of the
 * test's. The tests run in order and build on each other: each starts from where the one before left
 * the target group, the parameter and the group's rules, as consecutive runs of the functions would.
 */
import { EC2Client, AuthorizeSecurityGroupIngressCommand } from "@aws-sdk/client-ec2";
import { DescribeSecurityGroupRulesCommand, RevokeSecurityGroupIngressCommand, type SecurityGroupRule } from "@aws-sdk/client-ec2";
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { AlbIngressResult } from "../../lambdas/alb-ingress-from-nlb/run";
import type { RunSummary } from "../../lambdas/nlb-target-sync/run-log";
import { parseState } from "../../lambdas/nlb-target-sync/state";
import { exampleConfig, ledgerOf } from "../helpers/fixtures";
import {
  appliedResources,
  deployedEnvironment,
  type HandlerTarget,
  InterfaceFixture,
  onlyResource,
  resultOf,
  runHandler,
  type StateResource,
  type TestInterface,
} from "./bridge-lambdas-world";
import { describeWithEmulator, Emulator, type Inventory } from "./emulator";
import { appliedResourcesOf, explainChanges, unusedGaps, type EmulatorGap } from "./emulator-gaps";
import { DeployRoot, type EmulatedStack, prepareStacks, stackJsonOf } from "./root";

const EXAMPLE = "examples/alb-bridge-lambda.json";
const HOOK_TIMEOUT = 600_000;
const TEST_TIMEOUT = 120_000;

/** An EventBridge scheduled event, as the sync's schedule sends it (the handler ignores it). */
const SCHEDULED_EVENT = {
  version: "0",
  id: "deploy-tier",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  time: "2026-01-01T00:00:00Z",
  region: "us-west-2",
  resources: [],
  detail: {},
};

/** A security group rule in a form to compare: what it allows and its description. */
function ruleText(rule: SecurityGroupRule): string {
  const peer = rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.ReferencedGroupInfo?.GroupId ?? rule.PrefixListId;
  return `${rule.SecurityGroupRuleId} ${rule.IsEgress ? "egress" : "ingress"} ${rule.IpProtocol} ${rule.FromPort}-${rule.ToPort} ${peer} ${rule.Description ?? ""}`;
}

describeWithEmulator("bridge Lambdas on the applied alb-bridge-lambda example", ({ tf, python }) => {
  let emulator: Emulator;
  let stack: EmulatedStack;
  let root: DeployRoot;
  let target: HandlerTarget;
  let ec2: EC2Client;
  let elb: ElasticLoadBalancingV2Client;
  let ssm: SSMClient;
  let fixture: InterfaceFixture;
  let before: Inventory;
  let destroyed = false;

  // As applied (read from the state in beforeAll).
  let resources: StateResource[];
  let syncEnv: Record<string, string>;
  let ingressEnv: Record<string, string>;
  let alb: StateResource;
  let nlb: StateResource;
  let subnets: string[];

  const inventory = (): Inventory => emulator.inventory(stack.account, [stack.config.region]);

  beforeAll(async () => {
    emulator = await Emulator.start(python);
    [stack] = prepareStacks(emulator, [{ key: EXAMPLE, input: exampleConfig("alb-bridge-lambda"), ledger: ledgerOf(EXAMPLE) }]);
    before = inventory();
    root = DeployRoot.together(tf, [stack]);
    root.init();
    root.apply();

    target = { endpoint: emulator.endpoint, region: stack.config.region, account: stack.account };
    const clientConfig = {
      endpoint: emulator.endpoint,
      region: stack.config.region,
      credentials: { accessKeyId: stack.account, secretAccessKey: "emulator" },
    };
    ec2 = new EC2Client(clientConfig);
    elb = new ElasticLoadBalancingV2Client(clientConfig);
    ssm = new SSMClient(clientConfig);
    fixture = new InterfaceFixture(ec2);

    resources = appliedResources(root, stack);
    syncEnv = deployedEnvironment(
      onlyResource(resources, "aws_lambda_function", (v) => v.function_name === `${stack.config.name}-nlb-target-sync`),
    );
    ingressEnv = deployedEnvironment(
      onlyResource(resources, "aws_lambda_function", (v) => v.function_name === `${stack.config.name}-alb-ingress-from-nlb`),
    );
    alb = onlyResource(resources, "aws_lb", (v) => v.load_balancer_type === "application");
    nlb = onlyResource(resources, "aws_lb", (v) => v.load_balancer_type === "network");
    subnets = alb.values.subnets as string[];
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    try {
      // Only when a test failed before the destroy test: leave nothing of the test's behind.
      if (!destroyed && root !== undefined) {
        await fixture?.cleanup().catch(() => undefined);
        root.destroy();
      }
    } finally {
      ec2?.destroy();
      elb?.destroy();
      ssm?.destroy();
      await emulator?.stop();
    }
  }, HOOK_TIMEOUT);

  // --- reading moto back -------------------------------------------------------------------------

  const targetPort = () => Number(syncEnv.TARGET_PORT);
  const antiFlapRuns = () => Number(syncEnv.ANTI_FLAP_RUNS);
  const ports = () => ingressEnv.PORTS.split(",").map(Number);
  const prefix = () => ingressEnv.RULE_DESCRIPTION_PREFIX ?? "alb-ingress-from-nlb";

  /** The NLB target group's targets, `ip:port`, sorted. */
  async function targets(): Promise<string[]> {
    const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: syncEnv.TARGET_GROUP_ARN }));
    return (out.TargetHealthDescriptions ?? []).map((d) => `${d.Target?.Id}:${d.Target?.Port}`).sort();
  }
  const asTargets = (ips: readonly string[]) => ips.map((ip) => `${ip}:${targetPort()}`).sort();

  /** The sync's state parameter: its version and the missing counts it holds (as the sync reads them). */
  async function syncState(): Promise<{ version: number; missing: Record<string, number> }> {
    const out = await ssm.send(new GetParameterCommand({ Name: syncEnv.STATE_PARAMETER_NAME }));
    const version = out.Parameter?.Version ?? 0;
    const parsed = parseState(out.Parameter?.Value, { version });
    // A warning would mean the sync would not trust what it wrote.
    expect(parsed.warning).toBeUndefined();
    return { version, missing: { ...parsed.state.missing } };
  }

  /** The ALB security group's rules. */
  async function groupRules(): Promise<SecurityGroupRule[]> {
    const out = await ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [ingressEnv.SECURITY_GROUP_ID] }] }),
    );
    return out.SecurityGroupRules ?? [];
  }
  const isOwned = (rule: SecurityGroupRule) => rule.IsEgress === false && (rule.Description ?? "").startsWith(`${prefix()}:`);
  /** The function's rules, as `tcp <port> <cidr> <description>`, sorted. */
  const ownedRules = (rules: readonly SecurityGroupRule[]) =>
    rules
      .filter(isOwned)
      .map((r) => `${r.IpProtocol} ${r.FromPort}-${r.ToPort} ${r.CidrIpv4} ${r.Description}`)
      .sort();
  /** Every other rule, with its id, sorted. */
  const otherRules = (rules: readonly SecurityGroupRule[]) =>
    rules
      .filter((r) => !isOwned(r))
      .map(ruleText)
      .sort();
  const expectedOwned = (ips: readonly string[]) =>
    ips.flatMap((ip) => ports().map((port) => `tcp ${port}-${port} ${ip}/32 ${prefix()}: NLB ${ip}`)).sort();

  const sync = async () => resultOf(await runHandler<RunSummary>("nlb-target-sync", syncEnv, target, SCHEDULED_EVENT));
  const sorted = (ips: readonly string[]) => [...ips].sort();

  // --- what was applied ----------------------------------------------------------------------------

  test("the applied example plans again with nothing but the emulator's known gaps (it is applied here, not with the others)", () => {
    // WHEN the applied stack is planned again (refreshed from the emulator)
    const { plan } = root.plan();
    // THEN every change is an in-place update the allow-list explains, and every entry for a type applied here shows up
    const seen = new Set<EmulatorGap>();
    const { unexplained } = explainChanges(root.changesOf(plan, stack), seen);
    expect(unexplained.map((c) => `${c.actions} ${c.address} (${c.paths.join(", ")})`)).toEqual([]);
    expect(unusedGaps(seen, appliedResourcesOf(stackJsonOf(stack)))).toEqual([]);
  });

  test("the functions' deployed environment names the stack's own target group, ALB, parameter and security group", () => {
    // GIVEN the stack as applied (Terraform's state)
    const targetGroup = onlyResource(resources, "aws_lb_target_group", (v) => v.arn === syncEnv.TARGET_GROUP_ARN);
    const parameter = onlyResource(resources, "aws_ssm_parameter", (v) => v.name === syncEnv.STATE_PARAMETER_NAME);
    const albGroup = onlyResource(resources, "aws_security_group", (v) => v.id === ingressEnv.SECURITY_GROUP_ID);
    const albListeners = resources.filter((r) => r.type === "aws_lb_listener" && r.values.load_balancer_arn === alb.values.arn);

    // THEN the sync watches the ALB's interfaces and fills the NLB's ip target group on the ALB's port
    expect(syncEnv.ALB_ENI_DESCRIPTION).toBe(`ELB ${String(alb.values.arn_suffix)}`);
    expect(targetGroup.values.target_type).toBe("ip");
    expect(targetGroup.values.port).toBe(targetPort());
    expect(albListeners.map((l) => l.values.port)).toEqual([targetPort()]);
    expect(antiFlapRuns()).toBe(3); // the example's bridge.antiFlapRuns
    expect(parameter.values.type).toBe("String");
    // AND the ingress function keeps the ALB's own group, for the ALB's listener ports, open to the NLB
    expect(alb.values.security_groups).toEqual([albGroup.values.id]);
    expect(ports()).toEqual(albListeners.map((l) => l.values.port));
    expect(ingressEnv.NLB_ENI_DESCRIPTION).toBe(`ELB ${String(nlb.values.arn_suffix)}`);
  });

  // --- nlb-target-sync -------------------------------------------------------------------------------

  let albInterfaces: TestInterface[] = [];

  test(
    "the sync registers the ALB's IPs, and a second run changes nothing",
    async () => {
      // GIVEN one in-use ALB interface per subnet, one more with the ALB's description that is not
      // in use (available), an empty target group and the parameter as Terraform wrote it
      albInterfaces = [];
      for (const subnet of subnets) albInterfaces.push(await fixture.create(subnet, syncEnv.ALB_ENI_DESCRIPTION));
      const unattached = await fixture.create(subnets[0], syncEnv.ALB_ENI_DESCRIPTION, { attach: false });
      const albIps = sorted(albInterfaces.map((e) => e.ip));
      expect(await targets()).toEqual([]);
      const initial = await syncState();
      expect(initial.missing).toEqual({});

      // WHEN the sync runs
      const first = await sync();

      // THEN it registered exactly the in-use interfaces' IPs on the ALB's port
      expect(first).toMatchObject({ found: 3, registered: albIps, deregistered: [], pending: [], safetyStop: false });
      expect(await targets()).toEqual(asTargets(albIps));
      expect(await targets()).not.toContain(`${unattached.ip}:${targetPort()}`);

      // WHEN it runs again with nothing changed
      const second = await sync();

      // THEN it holds steady: nothing registered or deregistered, and the parameter not rewritten
      expect(second).toMatchObject({ found: 3, registered: [], deregistered: [], pending: [], safetyStop: false });
      expect(await targets()).toEqual(asTargets(albIps));
      expect(await syncState()).toEqual(initial);
      await fixture.remove(unattached);
    },
    TEST_TIMEOUT,
  );

  test(
    "an ALB IP that vanishes is counted in the parameter for antiFlapRuns runs, then deregistered",
    async () => {
      // GIVEN the three ALB IPs registered, and one of the ALB's interfaces then detached (no longer in use)
      const [gone, ...staying] = albInterfaces;
      const stayingIps = sorted(staying.map((e) => e.ip));
      expect(await targets()).toEqual(asTargets([gone.ip, ...stayingIps]));
      await fixture.detach(gone);

      // WHEN the sync runs antiFlapRuns - 1 times
      for (let run = 1; run < antiFlapRuns(); run++) {
        const before = await syncState();
        const summary = await sync();

        // THEN each run keeps the IP registered, and the parameter counts the run (a new version)
        expect(summary).toMatchObject({ found: 2, registered: [], deregistered: [], pending: [gone.ip], safetyStop: false });
        expect(await targets()).toEqual(asTargets([gone.ip, ...stayingIps]));
        const after = await syncState();
        expect(after.missing).toEqual({ [gone.ip]: run });
        expect(after.version).toBe(before.version + 1);
      }

      // WHEN it runs the antiFlapRuns-th time
      const last = await sync();

      // THEN the IP is deregistered, the others stay, and its count is cleared
      expect(last).toMatchObject({ found: 2, registered: [], deregistered: [gone.ip], pending: [], safetyStop: false });
      expect(await targets()).toEqual(asTargets(stayingIps));
      expect((await syncState()).missing).toEqual({});
      await fixture.remove(gone);
      albInterfaces = staying;
    },
    TEST_TIMEOUT,
  );

  test(
    "the sync never empties the group: with no ALB interface in use it stops safely, run after run",
    async () => {
      // GIVEN two ALB IPs registered, and then every ALB interface detached
      const registered = await targets();
      expect(registered).toEqual(asTargets(albInterfaces.map((e) => e.ip)));
      for (const eni of albInterfaces) await fixture.detach(eni);
      const state = await syncState();

      // WHEN the sync runs more often than antiFlapRuns
      for (let run = 1; run <= antiFlapRuns() + 1; run++) {
        const summary = await sync();

        // THEN each run reports the safety stop and changes nothing: the targets and the counts stay
        expect(summary).toMatchObject({ found: 0, registered: [], deregistered: [], safetyStop: true });
        expect(await targets()).toEqual(registered);
        expect(await syncState()).toEqual(state);
      }
      for (const eni of albInterfaces) await fixture.remove(eni);
      albInterfaces = [];
    },
    TEST_TIMEOUT,
  );

  // --- alb-ingress-from-nlb --------------------------------------------------------------------------

  /**
   * moto gives the NLB an ARN of `loadbalancer/app/…` (EMULATOR_NOTES.md), so the deployed
   * NLB_ENI_DESCRIPTION reads `ELB app/<name>/<id>`, which the function rightly refuses. In AWS it is
   * `ELB net/<name>/<id>`. The test runs the function with that form (the deployed value with `app/`
   * put right, in this variable only) and describes its NLB interfaces so; the product is unchanged.
   */
  const nlbDescription = () => ingressEnv.NLB_ENI_DESCRIPTION.replace(/^ELB app\//, "ELB net/");
  const ingressEnvForMoto = () => ({ ...ingressEnv, NLB_ENI_DESCRIPTION: nlbDescription() });
  const invocationInput = () =>
    JSON.parse(String(onlyResource(resources, "aws_lambda_invocation", () => true).values.input)) as Record<string, unknown>;
  const invoke = async (action: "create" | "update" | "delete") => {
    const input = invocationInput();
    const event = { ...input, tf: { action, prev_input: action === "create" ? null : input } };
    return runHandler<AlbIngressResult>("alb-ingress-from-nlb", ingressEnvForMoto(), target, event);
  };

  let nlbInterfaces: TestInterface[] = [];
  let othersBefore: string[] = [];
  const handMade: string[] = [];

  test(
    "the ingress function refuses the NLB description moto's ARN gives (ELB app/...)",
    async () => {
      // GIVEN the deployed environment as it is under moto
      expect(ingressEnv.NLB_ENI_DESCRIPTION).toMatch(/^ELB app\//);

      // WHEN the function is invoked with it
      const run = await runHandler<AlbIngressResult>("alb-ingress-from-nlb", ingressEnv, target, {
        tf: { action: "create", prev_input: null },
      });

      // THEN it fails at load, naming the variable, and changes nothing
      expect(run.ok).toBe(false);
      expect(run.ok ? "" : run.error.message).toContain("NLB_ENI_DESCRIPTION must describe the NLB's interfaces");
      expect(ownedRules(await groupRules())).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  test(
    "create adds exactly one rule per NLB IP and listener port, and touches no other rule",
    async () => {
      // GIVEN one in-use NLB interface per subnet, the rules Terraform made on the ALB's group, and
      // two rules added by hand: one from an office range, one a sibling function's (another prefix)
      nlbInterfaces = [];
      for (const subnet of subnets) nlbInterfaces.push(await fixture.create(subnet, nlbDescription()));
      const added = await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: ingressEnv.SECURITY_GROUP_ID,
          IpPermissions: [
            {
              IpProtocol: "tcp",
              FromPort: ports()[0],
              ToPort: ports()[0],
              IpRanges: [
                { CidrIp: "10.8.250.0/24", Description: "added by hand: office range" },
                { CidrIp: "10.8.251.7/32", Description: `${prefix()}-2: NLB 10.8.251.7` },
              ],
            },
          ],
        }),
      );
      handMade.push(...(added.SecurityGroupRules ?? []).map((r) => r.SecurityGroupRuleId ?? ""));
      expect(handMade).toHaveLength(2);
      const rules = await groupRules();
      // Terraform's own invocation ran no code (moto's Lambda only echoes), so nothing is owned yet.
      expect(ownedRules(rules)).toEqual([]);
      othersBefore = otherRules(rules);
      expect(othersBefore.length).toBeGreaterThanOrEqual(3); // Terraform's egress rule and the two above

      // WHEN Terraform's create invocation runs
      const result = resultOf(await invoke("create"));

      // THEN the group holds exactly the NLB IPs' rules, and every other rule as it was
      const nlbIps = sorted(nlbInterfaces.map((e) => e.ip));
      expect(result).toEqual({ ips: nlbIps, ports: ports(), authorized: nlbIps.length * ports().length, revoked: 0 });
      const after = await groupRules();
      expect(ownedRules(after)).toEqual(expectedOwned(nlbIps));
      expect(otherRules(after)).toEqual(othersBefore);
    },
    TEST_TIMEOUT,
  );

  test(
    "update, after an NLB IP changed, replaces that IP's rules and keeps the others' rules",
    async () => {
      // GIVEN the NLB's interface in the first subnet replaced by a new one (a new IP)
      const [replaced, ...kept] = nlbInterfaces;
      const keptRuleIds = (await groupRules())
        .filter((r) => isOwned(r) && kept.some((e) => r.CidrIpv4 === `${e.ip}/32`))
        .map((r) => r.SecurityGroupRuleId)
        .sort();
      await fixture.remove(replaced);
      const replacement = await fixture.create(replaced.subnetId, nlbDescription());
      nlbInterfaces = [replacement, ...kept];
      const nlbIps = sorted(nlbInterfaces.map((e) => e.ip));
      expect(nlbIps).not.toContain(replaced.ip);

      // WHEN Terraform's update invocation runs
      const result = resultOf(await invoke("update"));

      // THEN the old IP's rules are gone, the new IP's are there, the kept IPs' rules are the same
      // rules (not revoked and added again), and no other rule changed
      expect(result).toEqual({ ips: nlbIps, ports: ports(), authorized: ports().length, revoked: ports().length });
      const after = await groupRules();
      expect(ownedRules(after)).toEqual(expectedOwned(nlbIps));
      expect(
        after
          .filter((r) => isOwned(r) && kept.some((e) => r.CidrIpv4 === `${e.ip}/32`))
          .map((r) => r.SecurityGroupRuleId)
          .sort(),
      ).toEqual(keptRuleIds);
      expect(otherRules(after)).toEqual(othersBefore);
    },
    TEST_TIMEOUT,
  );

  test(
    "delete revokes exactly the function's own rules, leaving Terraform's and the hand-made ones",
    async () => {
      // GIVEN the function's rules for the three NLB IPs, and the other rules
      expect(ownedRules(await groupRules())).toHaveLength(nlbInterfaces.length * ports().length);

      // WHEN Terraform's delete invocation runs
      const result = resultOf(await invoke("delete"));

      // THEN none of its rules is left, and every other rule is as it was (same ids)
      expect(result).toEqual({ ips: [], ports: ports(), authorized: 0, revoked: nlbInterfaces.length * ports().length });
      const after = await groupRules();
      expect(ownedRules(after)).toEqual([]);
      expect(otherRules(after)).toEqual(othersBefore);
    },
    TEST_TIMEOUT,
  );

  // --- destroy ---------------------------------------------------------------------------------------

  test(
    "destroy removes the functions, log groups, parameter, load balancers and the rest",
    async () => {
      // GIVEN the test's own interfaces, instances and hand-made rules removed
      const instanceIds = fixture.instanceIds();
      await fixture.cleanup();
      // (Those still there: a faulty handler may have revoked one, which the tests above report.)
      const present = new Set((await groupRules()).map((r) => r.SecurityGroupRuleId));
      const handMadeLeft = handMade.filter((id) => present.has(id));
      if (handMadeLeft.length > 0) {
        await ec2.send(
          new RevokeSecurityGroupIngressCommand({ GroupId: ingressEnv.SECURITY_GROUP_ID, SecurityGroupRuleIds: handMadeLeft }),
        );
      }

      // WHEN the root is destroyed
      destroyed = true;
      root.destroy();

      // THEN the account holds what it held before apply
      const after = inventory();
      const region = stack.config.region;
      const is = after[region];
      const named = (type: string, key: string) => resources.filter((r) => r.type === type).map((r) => String(r.values[key]));
      expect(named("aws_lambda_function", "arn")).toHaveLength(2);
      for (const arn of named("aws_lambda_function", "arn")) expect(is.functions).not.toContain(arn);
      for (const name of named("aws_cloudwatch_log_group", "name")) expect(is["log groups"]).not.toContain(name);
      for (const name of named("aws_ssm_parameter", "name")) expect(is.parameters).not.toContain(name);
      for (const arn of named("aws_lb", "arn")) expect(is["load balancers"]).not.toContain(arn);
      for (const arn of named("aws_lb_target_group", "arn")) expect(is["target groups"]).not.toContain(arn);
      for (const id of named("aws_security_group", "id")) expect(is["security groups"]).not.toContain(id);
      for (const id of instanceIds) expect(is.instances).not.toContain(id);

      // AND everything else is as before (the inventory leaves out what moto keeps of deleted
      // things: terminated instances' interfaces, INACTIVE clusters and services, alias/aws/ keys)
      expect(after).toEqual(before);
    },
    HOOK_TIMEOUT,
  );
});
