/**
 * The policy check over a synthesised stack (`cdk.tf.json`) or `terraform show -json` of a plan.
 * Pure: no I/O and no AWS calls; the same input and options always give the same result.
 */
import type { StackPlan } from "../model/stack-plan";
import type { ConfigModule, ConfigResource, PlanJson } from "../plan/plan-json";
import { RULE_REFERENCES } from "./references";
import { RULES_BY_TYPE } from "./rules";
import type {
  AllowedFinding,
  AttributePath,
  CheckOptions,
  CheckResult,
  Finding,
  ResourceView,
  RuleId,
  SynthCheckOptions,
  Unchecked,
} from "./types";
import { isRecord } from "../core/values";

/** The parts of a synthesised stack (`cdk.tf.json`) the check reads. */
export interface SynthJson {
  /** Resource type -> logical id -> attributes (with CDKTF's `"//"` metadata). */
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
}

/** Input that is neither a synthesised stack nor a plan. */
export class PolicyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyInputError";
  }
}

/**
 * What a parsed JSON file is: `synth` (a CDKTF stack: `resource`, or CDKTF's `"//"` metadata with a
 * `terraform` block), `plan` (`terraform show -json` of a plan: `format_version` with
 * `resource_changes` or `planned_values`; a state's `show -json` is not a plan), or undefined.
 */
export function inputKind(json: unknown): "synth" | "plan" | undefined {
  if (!isRecord(json)) return undefined;
  if (typeof json.format_version === "string" && (Array.isArray(json.resource_changes) || isRecord(json.planned_values))) return "plan";
  if (isRecord(json.resource) || (isRecord(json["//"]) && isRecord(json.terraform))) return "synth";
  return undefined;
}

/** Checks a parsed JSON file of either kind; throws a PolicyInputError when it is neither. */
export function checkInput(json: unknown, options: SynthCheckOptions = {}): CheckResult {
  const kind = inputKind(json);
  if (kind === "synth") return checkSynth(json as SynthJson, options);
  if (kind === "plan") return checkPlan(json as PlanJson, options);
  throw new PolicyInputError("neither a synthesised stack (cdk.tf.json) nor a plan (terraform show -json)");
}

/**
 * Construct paths of the methods (REST) or routes (HTTP API) that the plan opens with
 * `"authorization": "NONE"`, each with the route that opens it, as its topology names them
 * (lib/model/topology.ts), under the stack named after the config.
 */
export function openRouteConstructPaths(plan: Pick<StackPlan, "topology">): Map<string, string> {
  const topology = plan.topology;
  const paths = new Map<string, string>();
  for (const route of topology.api.routes) {
    if (route.authorization !== "NONE") continue;
    route.methods.forEach((method, i) => {
      paths.set(`${topology.name}/${route.constructPaths[i]}`, `config route ${method} ${route.path} (authorization NONE)`);
    });
  }
  return paths;
}

/**
 * The rules the plan's config opts out of for the whole stack, each with the config field that
 * says so: `allowedBy` of their findings. Unlike NONE routes, these need no construct path, so they
 * are allowed in a plan as in a synthesised stack.
 */
export function stackOptOuts(plan: Pick<StackPlan, "api" | "deletionProtection">): Map<RuleId, string> {
  const optOuts = new Map<RuleId, string>();
  if (!plan.deletionProtection) optOuts.set("lb-deletion-protection", 'config "deletionProtection": false');
  if (plan.api.kind === "rest" && plan.api.props.webAcl.mode === "none") {
    optOuts.set("rest-stage-web-acl", 'config api.webAcl {"mode": "none"}');
  }
  return optOuts;
}

/** Checks a synthesised stack. With `plan`, the methods or routes its NONE routes open are allowed. */
export function checkSynth(json: SynthJson, options: SynthCheckOptions = {}): CheckResult {
  const resources = json.resource ?? {};
  const openPaths = options.plan ? openRouteConstructPaths(options.plan) : new Map<string, string>();
  const views: ResourceView[] = Object.entries(resources).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, values]): ResourceView => {
      const meta = values["//"];
      const path = isRecord(meta) && isRecord(meta.metadata) ? meta.metadata.path : undefined;
      return {
        address: `${type}.${name}`,
        type,
        values,
        unknown: () => false,
        references: (attribute) => interpolations(values[attribute]),
        configured: (attribute) => values[attribute] !== undefined,
        written: (attribute) => values[attribute],
        exists: (address) => {
          const [t, n] = address.split(".");
          return resources[t]?.[n] !== undefined;
        },
        constructPath: typeof path === "string" ? path : undefined,
      };
    }),
  );
  return run("synth", views, options, (view) => (view.constructPath === undefined ? undefined : openPaths.get(view.constructPath)));
}

/**
 * Checks `terraform show -json` of a plan: every managed resource as it will be after the plan
 * (`change.after`). Values known only after apply are listed as unchecked. connection_id is
 * unknown in a plan, so a VPC link reference is checked through the plan's `configuration`
 * section when it is there, and only connection_type otherwise.
 */
export function checkPlan(plan: PlanJson, options: CheckOptions = {}): CheckResult {
  const configuration = plan.configuration?.root_module ? indexConfiguration(plan.configuration.root_module) : undefined;
  const views: ResourceView[] = [];
  for (const change of plan.resource_changes ?? []) {
    const after = change.change.after;
    if (change.mode === "data" || !isRecord(after)) continue;
    const module = (change.module_address ?? "").replace(/\[[^\]]*\]/g, "");
    const own = configuration?.get(module);
    const config = own?.get(`${change.type}.${change.name ?? lastName(change.address)}`);
    const afterUnknown = change.change.after_unknown;
    views.push({
      address: change.address,
      type: change.type,
      values: after,
      unknown: (path) => isUnknown(afterUnknown, path),
      references: (attribute) => (config ? expressionReferences(config.expressions?.[attribute]) : undefined),
      configured: (attribute) => (config ? config.expressions?.[attribute] !== undefined : undefined),
      written: (attribute) => {
        const expression = config?.expressions?.[attribute];
        return isRecord(expression) ? expression.constant_value : undefined;
      },
      exists: (address) => (configuration ? (own?.has(address) ?? false) : undefined),
    });
  }
  return run("plan", views, options, () => undefined);
}

function run(
  kind: CheckResult["kind"],
  views: readonly ResourceView[],
  options: CheckOptions,
  allowedByConfig: (view: ResourceView) => string | undefined,
): CheckResult {
  const now = options.now ?? new Date();
  const allowNone = new Set(options.allowNone ?? []);
  const optOuts = options.optOuts ?? new Map<RuleId, string>();
  const findings: Finding[] = [];
  const allowed: AllowedFinding[] = [];
  const unchecked: Unchecked[] = [];
  for (const view of views) {
    for (const rule of RULES_BY_TYPE.get(view.type) ?? []) {
      for (const outcome of rule.check(view, { now, resources: views })) {
        const item = { address: view.address, rule: rule.id, message: outcome.message };
        if (outcome.kind === "unchecked") {
          unchecked.push(item);
          continue;
        }
        const found = { ...item, references: RULE_REFERENCES[rule.id] };
        const allowedBy =
          rule.id === "authorization" ? (allowNone.has(view.address) ? "allowNone" : allowedByConfig(view)) : optOuts.get(rule.id);
        if (allowedBy !== undefined) allowed.push({ ...found, allowedBy });
        else findings.push(found);
      }
    }
  }
  return { kind, resources: views.length, findings, allowed, unchecked };
}

/** The expressions inside `${...}` in a synthesised attribute value: `aws_lb.Nlb_BCDB97FE.arn`. */
function interpolations(value: unknown): string[] {
  if (typeof value !== "string") return [];
  return [...value.matchAll(/\$\{([^{}]*)\}/g)].map((m) => m[1].trim());
}

/** References of one attribute in a plan's configuration; nested blocks and literals have none. */
function expressionReferences(expression: unknown): string[] {
  if (!isRecord(expression) || !Array.isArray(expression.references)) return [];
  return expression.references.filter((r): r is string => typeof r === "string");
}

/** Module address (indexes removed, `""` for the root) -> resource address in the module -> its configuration. */
function indexConfiguration(root: ConfigModule): Map<string, Map<string, ConfigResource>> {
  const index = new Map<string, Map<string, ConfigResource>>();
  const visit = (module: ConfigModule, key: string) => {
    index.set(key, new Map((module.resources ?? []).filter((r) => r.mode !== "data").map((r) => [r.address, r])));
    for (const [name, call] of Object.entries(module.module_calls ?? {})) {
      if (call.module) visit(call.module, key === "" ? `module.${name}` : `${key}.module.${name}`);
    }
  };
  visit(root, "");
  return index;
}

/** Whether `after_unknown` marks the value at `path` (or a value containing it) as known only after apply. */
function isUnknown(marks: unknown, path: AttributePath): boolean {
  let cur = marks;
  for (const key of path) {
    if (cur === true) return true;
    if (Array.isArray(cur) && typeof key === "number") cur = cur[key];
    else if (isRecord(cur) && typeof key === "string") cur = cur[key];
    else return false;
  }
  return cur === true;
}

/** `aws_lb.Nlb` from `module.a.aws_lb.Nlb[0]`: the resource name. */
function lastName(address: string): string {
  return (address.split(".").pop() ?? "").replace(/\[[^\]]*\]$/, "");
}
