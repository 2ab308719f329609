/**
 * Upgrade safety: for the default config and every example, adding or removing one route or one
 * service changes only that route's or service's resources. Everything else keeps its address
 * and every attribute: the NLBs, the VPC links, the API, the other services. Changing a route
 * replaces the deployment (the stage moves to it) and never the API. Proved by comparing two
 * synths; the changed configs are also planned by Terraform.
 */
import { albPathPattern, parseRoutePath, pathId } from "../../lib/config/paths";
import type { PrivateApiConfigInput } from "../../lib/config/schema";
import { allConfigs, ledgerOf } from "../helpers/fixtures";
import { synthToTemp, type SynthesisedStack, type TerraformJson } from "../helpers/synth";
import { describeWithTerraform, plansTogether } from "../helpers/terraform";

type Input = Record<string, any>;
type Owner = (address: string, attrs: Record<string, unknown>) => boolean;
/** `owner`: the resources the change may add or remove; `mayChange`: existing ones it may alter (default: the same). */
type Change = { name: string; change: (cfg: Input) => void; owner: Owner; mayChange?: Owner };

/**
 * address -> attributes, without CDKTF's `//` metadata (construct paths, part of the address anyway)
 * and without `depends_on`, a meta-argument that orders operations and never shows in a plan (an
 * ECS service waits for its ALB rules, so a new rule changes the list).
 */
function byAddress(json: TerraformJson): Map<string, string> {
  const out = new Map<string, string>();
  for (const [type, byId] of Object.entries(json.resource)) {
    for (const [id, attrs] of Object.entries(byId)) {
      const { "//": _metadata, depends_on: _dependsOn, ...rest } = attrs;
      out.set(`${type}.${id}`, JSON.stringify(rest));
    }
  }
  return out;
}

/** What differs between two synths: addresses added, removed, and present in both with other attributes. */
function diff(before: TerraformJson, after: TerraformJson): { added: string[]; removed: string[]; changed: string[] } {
  const a = byAddress(before);
  const b = byAddress(after);
  return {
    added: [...b.keys()].filter((k) => !a.has(k)),
    removed: [...a.keys()].filter((k) => !b.has(k)),
    changed: [...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k)),
  };
}

/** Whether a resource belongs to a route: its API resources, methods, integrations or routes, or the ALB rule of its path pattern. */
function ofRoute(path: string, address: string, attrs: Record<string, unknown>): boolean {
  const segments = parseRoutePath(path);
  if (typeof segments === "string") throw new Error(segments);
  if (address.startsWith("aws_lb_listener_rule.")) return JSON.stringify(attrs).includes(JSON.stringify(albPathPattern(segments)));
  // Its own methods and integrations, and the API resources of its path and of each parent path
  // (created with the first route under them, deleted with the last).
  const fragments = segments.map((_, i) => pathId(segments.slice(0, i + 1)).replace(/[^A-Za-z0-9-]/g, ""));
  const id = address.split(".")[1] ?? "";
  return id.includes(`-${routeFragment(path)}-`) || fragments.some((f) => id.startsWith(`Api_Resource-${f}_`));
}

/** The construct-id fragment a route path contributes to its resources' logical ids (dashes kept, braces and colons dropped). */
function routeFragment(path: string): string {
  const segments = parseRoutePath(path);
  if (typeof segments === "string") throw new Error(segments);
  return pathId(segments).replace(/[^A-Za-z0-9-]/g, "");
}

const PROBE_PATH = "/upgrade-probe/{id}";

/** Resources every route change may touch: the deployment is replaced (that is the redeploy), the stage follows it. */
function redeploy(address: string): boolean {
  return address.startsWith("aws_api_gateway_deployment.") || address.startsWith("aws_apigatewayv2_deployment.");
}

/** The instances' host-port rules, once merged into port ranges, belong to whichever services fall in the range. */
function mergedPortRule(address: string): boolean {
  return /_HostPort-Ports-\d+-\d+_/.test(address) || /_EgressToTargets-Ports-\d+-\d+_/.test(address);
}

/**
 * ALB listener rules are ordered by specificity, so a new path pattern can renumber the others
 * (an in-place priority update, never a replacement): only `priority` may differ.
 */
function albRulePriorityOnly(before: TerraformJson, after: TerraformJson, address: string): boolean {
  if (!address.startsWith("aws_lb_listener_rule.")) return false;
  const id = address.split(".")[1] as string;
  const { priority: _a, ...restBefore } = before.resource.aws_lb_listener_rule?.[id] ?? {};
  const { priority: _b, ...restAfter } = after.resource.aws_lb_listener_rule?.[id] ?? {};
  return JSON.stringify(restBefore) === JSON.stringify(restAfter);
}

function changesFor(base: Input): Change[] {
  const services = base.services as Input[];
  const routes = base.routes as Input[];
  const nlbService = services.find((s) => (s.via ?? "nlb") === "nlb") ?? services[0];
  // A service whose kind (NLB or ALB) another service shares: removing it leaves every load balancer in place.
  const kind = (s: Input) => (s.via ?? "nlb") as string;
  const removable = [...services].reverse().find((s) => services.filter((o) => kind(o) === kind(s)).length > 1);
  const usedPorts = services.map((s) => s.hostPort as number);
  const newPort = Math.max(10000, ...usedPorts) + 1;
  const newService = { ...structuredClone(nlbService), name: "probe", hostPort: newPort, via: "nlb" };
  delete (newService as Input).environment;
  const changes: Change[] = [
    {
      name: "adding a route",
      change: (cfg) => cfg.routes.push({ path: PROBE_PATH, methods: ["GET"], service: nlbService.name }),
      owner: (address) => address.includes(routeFragment("/upgrade-probe")) || address.includes(routeFragment(PROBE_PATH)),
    },
    {
      name: "adding a service (with its route)",
      change: (cfg) => {
        cfg.services.push(newService);
        cfg.routes.push({ path: PROBE_PATH, methods: ["GET"], service: "probe" });
      },
      owner: (address, attrs) =>
        /probe/.test(address) ||
        /probe/.test(JSON.stringify(attrs)) ||
        String(attrs.port ?? attrs.from_port ?? "") === String(newPort) ||
        // A new port past a full NLB opens the next NLB, with its own security group and VPC link.
        /(^|\.)(Nlb-\d+|Api_VpcLink-\d+)_/.test(address.split(".")[1] ?? ""),
      // An existing resource may change only where it names the new service.
      mayChange: (address, attrs) => /probe/.test(address) || /probe/.test(JSON.stringify(attrs)),
    },
  ];
  if (routes.length > 1) {
    const last = routes[routes.length - 1] as Input;
    changes.push({
      name: "removing a route",
      change: (cfg) => cfg.routes.pop(),
      owner: (address, attrs) => ofRoute(last.path, address, attrs),
    });
  }
  if (removable && routes.some((r: Input) => r.service !== removable.name)) {
    const itsRoutes = routes.filter((r: Input) => r.service === removable.name);
    changes.push({
      name: "removing a service (with its routes)",
      change: (cfg) => {
        cfg.services = cfg.services.filter((s: Input) => s.name !== removable.name);
        cfg.routes = cfg.routes.filter((r: Input) => r.service !== removable.name);
        if (cfg.renames?.services) delete cfg.renames.services[removable.name];
      },
      owner: (address, attrs) =>
        address.includes(`-${removable.name}_`) ||
        address.includes(`-${removable.name}-`) ||
        JSON.stringify(attrs).includes(`/${removable.name}`) ||
        itsRoutes.some((r: Input) => ofRoute(r.path, address, attrs)),
    });
  }
  return changes;
}

const examples = allConfigs().filter(([name]) => name !== "examples/adopt-existing.json");
const cases: { example: string; change: string; before: SynthesisedStack; after: SynthesisedStack; owner: Owner; mayChange: Owner }[] = [];
for (const [name, input] of examples) {
  const before = synthToTemp(input, { nlbShards: ledgerOf(name) });
  for (const c of changesFor(input as Input)) {
    const cfg = structuredClone(input) as Input;
    c.change(cfg);
    cases.push({
      example: name,
      change: c.name,
      before,
      after: synthToTemp(cfg as PrivateApiConfigInput, { nlbShards: ledgerOf(name) }),
      owner: c.owner,
      mayChange: c.mayChange ?? c.owner,
    });
  }
}

describe.each(cases.map((c) => [`${c.example}: ${c.change}`, c] as const))("%s", (_label, c) => {
  const d = diff(c.before.json, c.after.json);
  const attrsOf = (json: TerraformJson, address: string): Record<string, unknown> => {
    const [type, id] = address.split(".") as [string, string];
    return json.resource[type]?.[id] ?? {};
  };

  test("adds and removes only the changed route's or service's resources", () => {
    const strangers = [
      ...d.added.filter((a) => !c.owner(a, attrsOf(c.after.json, a)) && !redeploy(a) && !mergedPortRule(a)),
      ...d.removed.filter((a) => !c.owner(a, attrsOf(c.before.json, a)) && !redeploy(a) && !mergedPortRule(a)),
    ];
    expect(strangers).toEqual([]);
  });

  test("changes no other resource's attributes, except a redeploy and ALB rule priorities", () => {
    const changed = d.changed.filter(
      (a) => !redeploy(a) && !albRulePriorityOnly(c.before.json, c.after.json, a) && !c.mayChange(a, attrsOf(c.after.json, a)),
    );
    expect(changed).toEqual([]);
  });

  test("keeps the NLBs, VPC links and API exactly as they were", () => {
    for (const type of [
      "aws_lb",
      "aws_api_gateway_vpc_link",
      "aws_apigatewayv2_vpc_link",
      "aws_api_gateway_rest_api",
      "aws_apigatewayv2_api",
    ]) {
      const before = c.before.json.resource[type] ?? {};
      const after = c.after.json.resource[type] ?? {};
      for (const [id, attrs] of Object.entries(before)) expect({ [id]: after[id] }).toEqual({ [id]: attrs });
    }
  });

  test("a route change replaces the deployment, so the stage is redeployed, and never the API", () => {
    const deployments = Object.keys(c.before.json.resource.aws_api_gateway_deployment ?? {});
    if (deployments.length === 0) return; // HTTP API: auto-deployed stage
    expect(d.changed.filter(redeploy).length + d.added.filter(redeploy).length).toBeGreaterThan(0);
    expect(d.removed.filter((a) => a.startsWith("aws_api_gateway_rest_api."))).toEqual([]);
  });
});

test("every example but adopt-existing is covered by at least two kinds of change", () => {
  for (const [name] of examples) expect(cases.filter((c) => c.example === name).length).toBeGreaterThanOrEqual(2);
});

describeWithTerraform("the changed configs", (tf) => {
  // One changed stack per example (the first change: adding a route), planned in one Terraform run.
  const firsts = examples.map(([name]) => cases.find((c) => c.example === name)).filter((c): c is (typeof cases)[number] => !!c);
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
