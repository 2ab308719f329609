/**
 * Mutations of a config, each chosen by a few numbers so that fast-check can shrink a failing case
 * to the fewest, smallest mutations: `pick` chooses the path among the ones the mutation can act
 * on (walked from the config itself, or offered by the schema), `variant` the value or operation,
 * `payload` an arbitrary JSON value for the mutations that need one.
 */
import fc from "fast-check";
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

/** Every host port a service gives, in either form. */
function hostPortsOf(svc: Record<string, Json>): number[] {
  return [svc.hostPort, ...portEntries(svc).map((p) => p.hostPort)].filter((p): p is number => typeof p === "number");
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
      const field = choose(["hostPort", "name", "containerPort", "via", "healthCheck", "ports"], m.variant >> 4) as string;
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
      if (entries.length > 0) entries.forEach((p, k) => (p.hostPort = k === 0 ? hostPort : hostPort + 10 + k));
      else copy.hostPort = hostPort;
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
        for (const field of ["containerPort", "hostPort", "healthCheck"]) {
          if (svc[field] !== undefined) first[field] = svc[field];
          // Now and then one stays behind: both forms at once.
          if (m.variant % 11 !== 10 || field !== "hostPort") delete svc[field];
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
      svc.ports.push({ name, containerPort, hostPort });
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
