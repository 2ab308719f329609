/**
 * Mutations of a config, each chosen by a few numbers so that fast-check can shrink a failing case
 * to the fewest, smallest mutations: `pick` chooses the path among the ones the mutation can act
 * on (walked from the config itself, or offered by the schema), `variant` the value or operation,
 * `payload` an arbitrary JSON value for the mutations that need one.
 */
import fc from "fast-check";
import { FARGATE_TASK_SIZES } from "../../lib/core/limits";
import { FIXED_ID_WORDS } from "../../lib/model/ids";
import { absentFields, edgeValuesOf, exampleOf, schemasAt, type JsonPath } from "./schema-walk";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const MUTATION_KINDS = [
  "delete",
  "retype",
  "schema-example",
  "schema-edge",
  "array",
  "swap-services",
  "point-reference",
  "unknown-field",
  "used-port",
  "reference",
  "rename-service",
  "adopt",
  "add-service",
  "add-port",
  "route-port",
  "autoscale-service",
  "fargate",
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export interface Mutation {
  readonly kind: MutationKind;
  readonly pick: number;
  readonly variant: number;
  readonly payload: Json;
}

/**
 * Values of another type, or of the right type but wrong in a way people (or tools) write them:
 * huge, negative, fractional, empty, very long, unicode, a line break, Terraform template syntax,
 * and the names of Object.prototype members (which a lookup in a plain object finds).
 */
export const ODD_VALUES: readonly Json[] = [
  null,
  true,
  false,
  0,
  -1,
  0.5,
  1,
  1e308,
  -1e308,
  2 ** 53,
  65535,
  65536,
  "",
  " ",
  "a",
  "x".repeat(5000),
  "ünïcødé ✓ 🚀 名前",
  "line\nbreak",
  "${aws_vpc.x.id}",
  "$${literal}",
  "%{ if true }x%{ endif }",
  "constructor",
  "__proto__",
  "toString",
  "hasOwnProperty",
  "10.0.0.0/16",
  "GET",
  "-1",
  [],
  [null],
  [1, 2, 3],
  {},
  { a: 1 },
];

/** Strings worth putting where a name, a reference or free text is expected. */
export const ODD_STRINGS: readonly string[] = ODD_VALUES.filter((v): v is string => typeof v === "string");

/**
 * Valid names a user may choose that are worth trying: every word a fixed construct id uses (so a
 * name that collides with a fixed id is found here, not by a user), and names of every allowed
 * length, 1 to 32 characters (so a derived AWS name that outgrows its limit is found too).
 */
export const NAME_CANDIDATES: readonly string[] = [
  ...FIXED_ID_WORDS,
  ...Array.from({ length: 32 }, (_, i) => "abcdefghijklmnopqrstuvwxyz0123456789".repeat(2).slice(0, i + 1)),
];

/** Port names worth trying: plain ones, the longest allowed and one past it, and every fixed id word that fits. */
const PORT_NAMES: readonly string[] = ["admin", "metrics", "http", "grpc", "a", "p".repeat(16), "p".repeat(17), ...FIXED_ID_WORDS];

/** Keys for unknown fields: typos of real ones, prototype members, odd characters. */
const UNKNOWN_KEYS: readonly string[] = ["hostport", "Name", "extra", "", " ", "__proto__", "constructor", "a.b", "x\ny", "$ref"];

/** Construct paths an adopt entry may name: real ones, near misses and prototype members. */
const ADOPT_RESOURCES: readonly string[] = [
  "Nlb",
  "Api/VpcLink",
  "Network",
  "Cluster",
  "Alb",
  "HttpApi/VpcLink",
  "Nlb/Resource",
  "Nlb/Listener-orders",
  "Nlb-2",
  "",
  "/",
  "Nlb//",
  "constructor",
  "__proto__",
  "toString",
  "Network/constructor",
  "Nlb/__proto__/x",
];

const ADOPT_IDS: readonly string[] = [
  "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/net/x-nlb/50dc6c495c0c9188",
  "vpc-0123456789abcdef0",
  "x7k2pq",
  "not-an-id",
  "${aws_vpc.x.id}",
];

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom(...MUTATION_KINDS),
  pick: fc.nat(),
  variant: fc.nat(),
  payload: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
});

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `services[1].hostPort` for messages. */
export function showPath(path: JsonPath): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("") || "(root)";
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Every path in a JSON value, parents before children (the root excluded). */
export function pathsOf(value: unknown, prefix: JsonPath = []): JsonPath[] {
  const out: JsonPath[] = [];
  // One accumulator, not a spread per level: the 200-service example has thousands of paths.
  const walk = (v: unknown, at: JsonPath): void => {
    if (Array.isArray(v)) {
      v.forEach((child, i) => {
        const p = [...at, i];
        out.push(p);
        walk(child, p);
      });
    } else if (isObject(v)) {
      for (const key of Object.keys(v)) {
        const p = [...at, key];
        out.push(p);
        walk(v[key], p);
      }
    }
  };
  walk(value, prefix);
  return out;
}

function get(root: unknown, path: JsonPath): unknown {
  let cur = root;
  for (const key of path) {
    if (!isObject(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** Sets a value at a path (own property even for `__proto__`, as JSON.parse makes it). */
function set(root: Json, path: JsonPath, value: Json): void {
  const parent = get(root, path.slice(0, -1));
  const key = path[path.length - 1];
  if (Array.isArray(parent) && typeof key === "number") parent[key] = value;
  else if (isObject(parent)) Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
}

function remove(root: Json, path: JsonPath): void {
  const parent = get(root, path.slice(0, -1));
  const key = path[path.length - 1];
  if (Array.isArray(parent) && typeof key === "number") parent.splice(key, 1);
  else if (isObject(parent)) delete parent[key as string];
}

function choose<T>(items: readonly T[], n: number): T | undefined {
  return items.length === 0 ? undefined : items[n % items.length];
}

function services(cfg: Json): Record<string, Json>[] {
  const list = isObject(cfg) ? cfg.services : undefined;
  return Array.isArray(list) ? list.filter(isObject) : [];
}

function routes(cfg: Json): Record<string, Json>[] {
  const list = isObject(cfg) ? cfg.routes : undefined;
  return Array.isArray(list) ? list.filter(isObject) : [];
}

/** The entries of a service's `ports`, if it has that form. */
function portEntries(svc: Record<string, Json>): Record<string, Json>[] {
  return Array.isArray(svc.ports) ? svc.ports.filter(isObject) : [];
}

/**
 * Every NLB listener port a service may hold, in either form: the host ports of a service on EC2,
 * the listener ports (or the container ports they default to) of one on Fargate.
 */
function hostPortsOf(svc: Record<string, Json>): number[] {
  const fields = isObject(svc.fargate) ? ["listenerPort", "containerPort"] : ["hostPort"];
  return [svc, ...portEntries(svc)].flatMap((p) => fields.map((f) => p[f])).filter((p): p is number => typeof p === "number");
}

const PORT_FIELD = /^(hostPort|containerPort|port|listenerPort)$/;

/** Whether the schema describes the field at `path` (or the list it is in) as naming another entry. */
function isReference(cfg: Json, path: JsonPath): boolean {
  const described = (p: JsonPath) => schemasAt(cfg, p).some((s) => /^Names? of /.test(s.description ?? ""));
  return described(path) || (typeof path[path.length - 1] === "number" && described(path.slice(0, -1)));
}

/** Names a config defines: every `name` field, and the keys of its records (api.authorizers, tags, renames.services). */
function namesIn(cfg: Json): string[] {
  const names = new Set<string>();
  for (const path of pathsOf(cfg)) {
    const value = get(cfg, path);
    if (path[path.length - 1] === "name" && typeof value === "string") names.add(value);
    if (isObject(value) && ["authorizers", "services", "tags"].includes(String(path[path.length - 1])))
      Object.keys(value).forEach((k) => names.add(k));
  }
  return [...names].sort();
}

/**
 * Applies one mutation in place and says what it did, or returns undefined when it found nothing
 * to act on (a swap in a config with one service, say). `others` are the other base configs, for
 * mutations that borrow an entry from one of them.
 */
export function applyMutation(cfg: Json, m: Mutation, others: readonly Json[]): string | undefined {
  const paths = pathsOf(cfg);
  switch (m.kind) {
    case "delete": {
      const path = choose(paths, m.pick);
      if (!path) return undefined;
      remove(cfg, path);
      return `delete ${showPath(path)}`;
    }
    case "retype": {
      const path = choose(paths, m.pick);
      if (!path) return undefined;
      const value = m.variant % (ODD_VALUES.length + 1) === ODD_VALUES.length ? m.payload : ODD_VALUES[m.variant % ODD_VALUES.length];
      set(cfg, path, structuredClone(value));
      return `set ${showPath(path)} to ${show(value)}`;
    }
    case "schema-example":
    case "schema-edge": {
      // Existing fields, and the fields the schema allows on existing objects that the config leaves out.
      const slots: JsonPath[] = [...paths];
      for (const path of [[], ...paths]) {
        const value = get(cfg, path);
        if (isObject(value)) slots.push(...absentFields(cfg, path, value).map((key) => [...path, key]));
      }
      const path = choose(slots, m.pick);
      if (!path) return undefined;
      const schemas = schemasAt(cfg, path);
      const current = get(cfg, path);
      const candidates =
        m.kind === "schema-example"
          ? schemas.map((s) => exampleOf(s, m.variant))
          : schemas.flatMap((s) => edgeValuesOf(s, current)).filter((v) => v !== undefined);
      const value = choose(candidates, m.variant) as Json | undefined;
      if (value === undefined) return undefined;
      set(cfg, path, structuredClone(value));
      return `set ${showPath(path)} to ${show(value)} (${m.kind === "schema-example" ? "a value the schema allows" : "a schema edge"})`;
    }
    case "array": {
      const arrays = paths.filter((p) => Array.isArray(get(cfg, p)));
      const path = choose(arrays, m.pick);
      if (!path) return undefined;
      const list = get(cfg, path) as Json[];
      const i = list.length > 0 ? m.variant % list.length : 0;
      switch (m.variant % 5) {
        case 0:
          if (list.length === 0) return undefined;
          list.splice(i, 0, structuredClone(list[i]));
          return `duplicate ${showPath([...path, i])}`;
        case 1:
          if (list.length === 0) return undefined;
          list.splice(i, 1);
          return `drop ${showPath([...path, i])}`;
        case 2:
          list.splice(0);
          return `empty ${showPath(path)}`;
        case 3:
          list.reverse();
          return `reverse ${showPath(path)}`;
        default: {
          // An entry from the same place in another config: a service with its own fields, an authorizer, ...
          const borrowed = others.map((o) => get(o, path)).filter((v): v is Json[] => Array.isArray(v) && v.length > 0);
          const from = choose(borrowed, m.pick);
          if (!from) return undefined;
          const entry = from[m.variant % from.length];
          list.push(structuredClone(entry));
          return `append ${show(entry)} to ${showPath(path)}`;
        }
      }
    }
    case "swap-services": {
      const list = services(cfg);
      if (list.length < 2) return undefined;
      const a = m.pick % list.length;
      const b = (a + 1 + (m.variant % (list.length - 1))) % list.length;
      const field = choose(
        ["hostPort", "name", "containerPort", "via", "healthCheck", "ports", "fargate", "listenerPort", "cpu", "memory"],
        m.variant >> 4,
      ) as string;
      const va = list[a][field];
      list[a][field] = list[b][field];
      list[b][field] = va;
      if (list[a][field] === undefined) delete list[a][field];
      if (list[b][field] === undefined) delete list[b][field];
      return `swap services[${a}].${field} and services[${b}].${field}`;
    }
    case "point-reference": {
      // Fields that name another entry, as the schema describes them ("Name of the service this
      // route is sent to", "Names of entries in api.apiKeys"), pointed at a real name, a near miss,
      // a prototype member or anything; a route may also get an authorizer it did not have.
      const references = paths.filter((p) => typeof get(cfg, p) === "string" && isReference(cfg, p));
      const slots: JsonPath[] = [...references, ...routes(cfg).map((_, i) => ["routes", i, "authorization"])];
      const path = choose(slots, m.pick);
      if (!path) return undefined;
      const names = [...namesIn(cfg), ...ODD_STRINGS, typeof m.payload === "string" ? m.payload : "billing"];
      const name = choose(names, m.variant) as string;
      const value = path[path.length - 1] === "authorization" ? { authorizer: name } : name;
      set(cfg, path, value);
      return `point ${showPath(path)} at ${show(value)}`;
    }
    case "unknown-field": {
      const objects: JsonPath[] = [[], ...paths.filter((p) => isObject(get(cfg, p)))];
      const path = choose(objects, m.pick) as JsonPath;
      const key = m.variant % 2 === 0 && typeof m.payload === "string" ? m.payload : (choose(UNKNOWN_KEYS, m.variant >> 1) as string);
      // In a record (tags, environment, renames) any key is a field: give it a value of the record's type.
      const entry = schemasAt(cfg, path).find((s) => typeof s.additionalProperties === "object")?.additionalProperties;
      const value = typeof entry === "object" ? (exampleOf(entry, m.variant) as Json) : 1;
      set(cfg, [...path, key], value);
      return `add field ${show(key)}: ${show(value)} to ${showPath(path)}`;
    }
    case "used-port": {
      // Every port number: the services' (in either form, ports[].hostPort too), the bridge's, the ALB's.
      const ports = paths.filter((p) => PORT_FIELD.test(String(p[p.length - 1])) && typeof get(cfg, p) === "number");
      const path = choose(ports, m.pick);
      if (!path) return undefined;
      const used = [...ports.map((p) => get(cfg, p)).filter((v): v is number => typeof v === "number"), 80, 443, 22, 51678, 0];
      const port = choose(used, m.variant) as number;
      set(cfg, path, port);
      return `set ${showPath(path)} to the used port ${port}`;
    }
    case "reference": {
      const strings = paths.filter((p) => typeof get(cfg, p) === "string");
      const path = choose(strings, m.pick);
      if (!path) return undefined;
      const pool = [...strings.map((p) => get(cfg, p) as string), ...ODD_STRINGS];
      const value = choose(pool, m.variant) as string;
      set(cfg, path, value);
      return `set ${showPath(path)} to ${show(value)} (a string from elsewhere)`;
    }
    case "rename-service": {
      // What a user does: rename a service, and record the old name so the plan shows moves.
      const list = services(cfg);
      const i = m.pick % Math.max(1, list.length);
      const svc = list[i];
      if (!svc || typeof svc.name !== "string") return undefined;
      // Mostly the service's own old name; now and then one no service ever had.
      const from = m.variant % 5 === 4 ? (choose(ODD_STRINGS, m.pick) as string) : svc.name;
      const to = choose([`${from}-v2`, `renamed-${i}`, ...ODD_STRINGS, ...NAME_CANDIDATES], m.variant) as string;
      const before = svc.name;
      svc.name = to;
      if (m.variant % 3 !== 0) for (const r of routes(cfg)) if (r.service === before) r.service = to;
      if (!isObject(cfg)) return undefined;
      const renames = isObject(cfg.renames) ? cfg.renames : (cfg.renames = {});
      const map = isObject(renames.services) ? renames.services : (renames.services = {});
      set(map, [from], to);
      return `rename service ${show(from)} to ${show(to)}${m.variant % 3 !== 0 ? " and its routes" : ""}`;
    }
    case "adopt": {
      if (!isObject(cfg)) return undefined;
      const names = services(cfg).map((s) => `Service-${typeof s.name === "string" ? s.name : JSON.stringify(s.name)}`);
      const resource = choose([...ADOPT_RESOURCES, ...names], m.pick) as string;
      const id = choose(ADOPT_IDS, m.variant) as string;
      const list = Array.isArray(cfg.adopt) ? cfg.adopt : (cfg.adopt = []);
      list.push({ resource, id });
      return `adopt ${show(resource)} as ${show(id)}`;
    }
    case "add-service": {
      // A well-formed new service on the next free port with a route: configs grow this way.
      const list = services(cfg);
      const template = choose(list, m.pick);
      if (!template || !isObject(cfg) || !Array.isArray(cfg.services) || !Array.isArray(cfg.routes)) return undefined;
      const ports = list.flatMap(hostPortsOf);
      // A valid name, often one that a fixed id or a length limit makes interesting.
      const taken = new Set(list.map((x) => x.name));
      const candidate = choose(NAME_CANDIDATES, m.variant >> 2) as string;
      const name = m.variant % 2 === 0 && !taken.has(candidate) ? candidate : `fz-${m.variant % 1000}`;
      const hostPort = template.via === "alb" && m.variant % 2 === 0 ? 0 : Math.max(10000, ...ports) + 1 + (m.variant % 3);
      // A template with several ports gives them to the new service on fresh host ports.
      const copy = structuredClone(template);
      const entries = portEntries(copy);
      // A Fargate template's ports get listener ports (a Fargate port has no hostPort); its ALB port none.
      const field = isObject(copy.fargate) ? "listenerPort" : "hostPort";
      const portOf = (k: number): number | undefined =>
        field === "listenerPort" && k === 0 && copy.via === "alb" ? undefined : k === 0 ? hostPort : hostPort + 10 + k;
      const place = (p: Record<string, Json>, k: number): void => {
        const value = portOf(k);
        if (value === undefined) delete p[field];
        else p[field] = value;
      };
      if (entries.length > 0) entries.forEach((p, k) => place(p, k));
      else place(copy, 0);
      cfg.services.push({ ...copy, name });
      cfg.routes.push({ path: `/${name}/{proxy+}`, methods: ["ANY"], service: name });
      // Now and then the stack gets a name of another length too (every AWS name derives from it).
      if (m.pick % 4 === 0) cfg.name = choose(NAME_CANDIDATES, m.pick >> 2) as string;
      return `add service ${name} on hostPort ${hostPort} like services[${list.indexOf(template)}], with a route${m.pick % 4 === 0 ? `, stack name ${show(cfg.name)}` : ""}`;
    }
    case "add-port": {
      // What a user does: give a service another port, turning a one-port service into ports first
      // (its own port first, so nothing of it moves). The host port is the next free one, one in
      // use (by any port of any service), dynamic, or reserved; the name and container port are
      // now and then taken already; and now and then a route names the new port.
      const list = services(cfg);
      const i = m.pick % Math.max(1, list.length);
      const svc = list[i];
      if (!svc) return undefined;
      if (!Array.isArray(svc.ports)) {
        const first: Record<string, Json> = { name: choose(PORT_NAMES, m.variant >> 3) as string };
        for (const field of ["containerPort", "hostPort", "listenerPort", "healthCheck"]) {
          if (svc[field] !== undefined) first[field] = svc[field];
          // Now and then one stays behind: both forms at once.
          if (m.variant % 11 !== 10 || (field !== "hostPort" && field !== "listenerPort")) delete svc[field];
        }
        svc.ports = [first];
      }
      const entries = portEntries(svc);
      const used = list.flatMap(hostPortsOf);
      const hostPort = [Math.max(10000, ...used) + 1, choose(used, m.variant >> 2) ?? 10000, 0, 51678][m.variant % 4];
      const taken = entries.map((p) => p.name).filter((n): n is string => typeof n === "string");
      const name = m.variant % 9 === 8 && taken.length > 0 ? taken[0] : (choose(PORT_NAMES, m.variant >> 2) as string);
      const containers = entries.map((p) => p.containerPort).filter((n): n is number => typeof n === "number");
      const containerPort = m.variant % 7 === 6 && containers.length > 0 ? containers[0] : 7000 + (m.variant % 1000);
      // On Fargate the new port's listener port (a dynamic one is no port at all); now and then a hostPort, which Fargate refuses.
      const onFargate = isObject(svc.fargate) && m.variant % 13 !== 12;
      svc.ports.push(
        onFargate ? { name, containerPort, ...(hostPort === 0 ? {} : { listenerPort: hostPort }) } : { name, containerPort, hostPort },
      );
      const routed = m.pick % 3 === 0 && isObject(cfg) && Array.isArray(cfg.routes);
      const path = `/${typeof svc.name === "string" ? svc.name : "svc"}-${name}`;
      if (routed) (cfg.routes as Json[]).push({ path, methods: ["GET"], service: svc.name, port: name });
      return `give services[${i}] port ${show(name)} (${containerPort} -> ${hostPort})${routed ? ", with a route naming it" : ""}`;
    }
    case "route-port": {
      // A route names a port: one of its service's, another service's, one that no service has, or
      // an odd string; or it stops naming one.
      const list = routes(cfg);
      const i = m.pick % Math.max(1, list.length);
      const route = list[i];
      if (!route) return undefined;
      if (m.variant % 6 === 5) {
        delete route.port;
        return `routes[${i}] names no port`;
      }
      const own = services(cfg).find((s) => s.name === route.service);
      const names = (svc: Record<string, Json> | undefined) => (svc ? portEntries(svc).map((p) => p.name) : []);
      const candidates = [...names(own), ...services(cfg).flatMap(names), "admin", "no-such-port", ...ODD_STRINGS].filter(
        (n): n is string => typeof n === "string",
      );
      const port = choose(candidates, m.variant) as string;
      route.port = port;
      return `routes[${i}] names port ${show(port)}`;
    }
    case "fargate":
      return fargateMutation(cfg, m)?.step;
    case "autoscale-service": {
      // What a team does to let a service grow: autoscaling on some metrics, often the capacity
      // provider, with bounds on and just past the cluster's sizes and the service's desiredCount.
      const list = services(cfg);
      const i = m.pick % Math.max(1, list.length);
      const svc = list[i];
      if (!svc || !isObject(cfg)) return undefined;
      const cluster = isObject(cfg.cluster) ? cfg.cluster : (cfg.cluster = {});
      const size = (field: string, fallback: number): number => {
        const value = cluster[field];
        return typeof value === "number" ? value : fallback;
      };
      const desired = typeof svc.desiredCount === "number" ? svc.desiredCount : 1;
      const v = m.variant;
      const max = [desired, size("minSize", 2), size("maxSize", 4), size("maxSize", 4) + 1, desired + 1 + (v % 5)][v % 5];
      const min = [0, 1, desired, desired + 1][Math.floor(v / 5) % 4];
      const bits = Math.floor(v / 20) % 8;
      const autoscaling: Record<string, Json> = { min, max };
      if (bits & 1) autoscaling.cpuPercent = 60;
      if (bits & 2) autoscaling.memoryPercent = 75;
      if (bits & 4) autoscaling.requestsPerTarget = 500;
      svc.autoscaling = autoscaling;
      const capacity = (["provider", "launchType", undefined] as const)[Math.floor(v / 160) % 3];
      if (capacity) svc.capacity = capacity;
      const target = ([undefined, 100, 75, 1] as const)[Math.floor(v / 480) % 4];
      if (target !== undefined) cluster.capacityProvider = { targetCapacityPercent: target };
      return `autoscale services[${i}] with ${show(autoscaling)}${capacity ? `, capacity ${capacity}` : ""}${target !== undefined ? `, target capacity ${target} %` : ""}`;
    }
  }
}

/** Task sizes Fargate accepts, as [cpu, memory] pairs, from the table the config checks against. */
export const FARGATE_PAIRS: readonly (readonly [number, number])[] = Object.entries(FARGATE_TASK_SIZES).flatMap(([cpu, sizes]) =>
  sizes.map((memory) => [Number(cpu), memory] as const),
);

/**
 * Sizes Fargate refuses, with the field the config must name: a CPU it does not offer, a memory
 * its CPU does not allow (just past either end, between steps), and the EC2 container bounds.
 */
const FARGATE_BAD_PAIRS: readonly (readonly [number, number, "cpu" | "memory"])[] = [
  [300, 512, "cpu"],
  [128, 512, "cpu"],
  [10240, 20480, "cpu"],
  [256, 4096, "memory"],
  [256, 256, "memory"],
  [512, 512, "memory"],
  [1024, 9216, "memory"],
  [2048, 4608, "memory"],
  [4096, 31744, "memory"],
  [8192, 18432, "memory"],
  [16384, 36864, "memory"],
];

/** A Fargate mutation: what it did, and the field a config it made invalid must be refused at (undefined: it may be valid). */
export interface FargateStep {
  readonly step: string;
  readonly expect?: JsonPath;
}

/**
 * Moves a service onto Fargate as a user does: `fargate` added, each hostPort dropped and, where
 * the NLB serves the port, given as its listenerPort (so the NLB keeps its listeners), cpu and
 * memory set to a task size. `keepHostPort` leaves the first hostPort behind (refused on Fargate).
 */
function moveToFargate(svc: Record<string, Json>, cpu: number, memory: number, keepHostPort: boolean): JsonPath | undefined {
  let kept: JsonPath | undefined;
  const move = (p: Record<string, Json>, servedByNlb: boolean, at: JsonPath): void => {
    const host = p.hostPort;
    if (keepHostPort && kept === undefined && typeof host === "number") {
      kept = [...at, "hostPort"];
      return;
    }
    delete p.hostPort;
    if (servedByNlb && typeof host === "number" && host !== 0) p.listenerPort = host;
  };
  const entries = portEntries(svc);
  if (Array.isArray(svc.ports)) entries.forEach((p, k) => move(p, k > 0 || svc.via !== "alb", ["ports", k]));
  else move(svc, svc.via !== "alb", []);
  svc.cpu = cpu;
  svc.memory = memory;
  // What a user moving the service would fix too: no EC2 capacity provider, a soft limit under the new hard one.
  delete svc.capacity;
  if (typeof svc.memoryReservation === "number" && svc.memoryReservation >= memory) svc.memoryReservation = Math.floor(memory / 2);
  if (!isObject(svc.fargate)) svc.fargate = {};
  return kept;
}

/**
 * Fargate as users get it right and wrong: a service moved to Fargate with a task size Fargate
 * accepts or one it refuses, or with its hostPort left behind; a listenerPort on an EC2 service;
 * capacity provider strategies (Spot, two bases, no weight); the task settings on and past their
 * bounds; egress rules, repeated or reversed. Undefined when the config has no service.
 */
export function fargateMutation(cfg: Json, m: Mutation): FargateStep | undefined {
  const list = services(cfg);
  const i = m.pick % Math.max(1, list.length);
  const svc = list[i];
  if (!svc) return undefined;
  const at = (...path: JsonPath): JsonPath => ["services", i, ...path];
  const v = Math.floor(m.variant / 8);
  const onFargate = isObject(svc.fargate);
  const pair = FARGATE_PAIRS[v % FARGATE_PAIRS.length];
  const ensureFargate = (): void => {
    if (!onFargate) moveToFargate(svc, pair[0], pair[1], false);
  };
  const fargate = (): Record<string, Json> => {
    ensureFargate();
    return svc.fargate as Record<string, Json>;
  };
  switch (m.variant % 8) {
    case 0: {
      // Onto Fargate with a size it accepts.
      if (onFargate) {
        svc.cpu = pair[0];
        svc.memory = pair[1];
        if (typeof svc.memoryReservation === "number" && svc.memoryReservation >= pair[1]) svc.memoryReservation = Math.floor(pair[1] / 2);
        return { step: `size Fargate services[${i}] at cpu ${pair[0]}, memory ${pair[1]}` };
      }
      moveToFargate(svc, pair[0], pair[1], false);
      return { step: `move services[${i}] to Fargate at cpu ${pair[0]}, memory ${pair[1]}` };
    }
    case 1: {
      // A size Fargate refuses.
      const [cpu, memory, field] = FARGATE_BAD_PAIRS[v % FARGATE_BAD_PAIRS.length];
      if (onFargate) {
        svc.cpu = cpu;
        svc.memory = memory;
        if (typeof svc.memoryReservation === "number" && svc.memoryReservation >= memory) svc.memoryReservation = Math.floor(memory / 2);
      } else moveToFargate(svc, cpu, memory, false);
      return { step: `services[${i}] on Fargate at cpu ${cpu}, memory ${memory} (not a Fargate size)`, expect: at(field) };
    }
    case 2: {
      // Onto Fargate with the first hostPort left behind; on a Fargate service, a hostPort given.
      if (onFargate) {
        const entries = portEntries(svc);
        const target = entries.length > 0 ? entries[v % entries.length] : svc;
        target.hostPort = 10000 + (v % 100);
        const path = entries.length > 0 ? at("ports", v % entries.length, "hostPort") : at("hostPort");
        return { step: `give Fargate ${showPath(path)} = ${String(target.hostPort)}`, expect: path };
      }
      const kept = moveToFargate(svc, pair[0], pair[1], true);
      return { step: `move services[${i}] to Fargate keeping its hostPort`, expect: kept && at(...kept) };
    }
    case 3: {
      // listenerPort on an EC2 service.
      if (onFargate) return undefined;
      const entries = portEntries(svc);
      const target = entries.length > 0 ? entries[v % entries.length] : svc;
      target.listenerPort = 20000 + (v % 100);
      const path = entries.length > 0 ? at("ports", v % entries.length, "listenerPort") : at("listenerPort");
      return { step: `give EC2 ${showPath(path)} = ${String(target.listenerPort)}`, expect: path };
    }
    case 4: {
      // Two bases, which ECS refuses; or a strategy with no weight.
      const f = fargate();
      const noWeight = v % 3 === 2;
      f.capacityProviderStrategy = noWeight
        ? [
            { capacityProvider: "FARGATE", base: 1, weight: 0 },
            { capacityProvider: "FARGATE_SPOT", weight: 0 },
          ]
        : [
            { capacityProvider: "FARGATE", base: 1 + (v % 3), weight: 1 },
            { capacityProvider: "FARGATE_SPOT", base: 1, weight: 3 },
          ];
      return {
        step: `services[${i}] on Fargate with ${noWeight ? "no weight" : "two bases"} in its strategy`,
        expect: at("fargate", "capacityProviderStrategy"),
      };
    }
    case 5: {
      // Spot strategies ECS accepts.
      const f = fargate();
      const strategies: Json[] = [
        [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
        [
          { capacityProvider: "FARGATE", base: 1, weight: 1 },
          { capacityProvider: "FARGATE_SPOT", weight: 3 },
        ],
        [
          { capacityProvider: "FARGATE_SPOT", base: 2, weight: 1 },
          { capacityProvider: "FARGATE", weight: 0 },
        ],
        [{ capacityProvider: "FARGATE", base: 0, weight: 1 }],
      ];
      f.capacityProviderStrategy = structuredClone(strategies[v % strategies.length]);
      return { step: `services[${i}] on Fargate with strategy ${show(f.capacityProviderStrategy)}` };
    }
    case 6: {
      // Task settings on and just past their bounds.
      const f = fargate();
      const storage = [20, 21, 200, 201, 100][v % 5];
      f.ephemeralStorageGiB = storage;
      f.architecture = v % 2 === 0 ? "ARM64" : "X86_64";
      f.enableExecuteCommand = v % 3 === 0;
      const bad = storage === 20 || storage === 201;
      // ECS Exec with a read-only root is refused too; with a bad size as well, the user makes the root writable.
      const execOnReadOnly = f.enableExecuteCommand === true && svc.readonlyRootFilesystem === true;
      if (execOnReadOnly && bad) delete svc.readonlyRootFilesystem;
      return {
        step: `services[${i}] on Fargate with ${storage} GiB, ${String(f.architecture)}, ECS Exec ${String(f.enableExecuteCommand)}`,
        expect: bad ? at("fargate", "ephemeralStorageGiB") : execOnReadOnly ? at("fargate", "enableExecuteCommand") : undefined,
      };
    }
    default: {
      // Egress rules: a good one, one listed twice, one with its ports reversed, one with host bits set.
      const f = fargate();
      const good = { description: "The orders database", cidr: "10.60.0.0/16", fromPort: 5432 };
      const variants: [Json[], JsonPath | undefined][] = [
        [[good], undefined],
        [[good, { ...good, description: "again" }], at("fargate", "egress", 1)],
        [[{ ...good, fromPort: 6000, toPort: 5000 }], at("fargate", "egress", 0, "toPort")],
        [[{ ...good, cidr: "10.60.0.1/16" }], at("fargate", "egress", 0, "cidr")],
        [[good, { description: "Redis", cidr: "10.61.0.0/24", fromPort: 6379, toPort: 6380 }], undefined],
      ];
      const [egress, expect] = variants[v % variants.length];
      f.egress = egress;
      return { step: `services[${i}] on Fargate with egress ${show(egress)}`, expect };
    }
  }
}
