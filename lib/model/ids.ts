/**
 * Construct ids are Terraform addresses, so two rules hold here:
 *
 * - A user-chosen name (a service, an authorizer, an API key) and a fixed id never share a
 *   namespace. User names are lower-case words (`orders`, `legacy-sync`); fixed ids carry an
 *   upper-case letter (`Resource`, `Listener`, `Ports-10000-10049`). A few fixed id parts predate
 *   that rule and are lower-case words a service could be called ({@link LOWER_CASE_FIXED_IDS}).
 *   Renaming them would move deployed resources, so instead a user name equal to one of them is
 *   marked as the user's ({@link userIdPart}): `dynamic-ports` the service becomes
 *   `User-dynamic-ports`, while `dynamic-ports` the ALB's dynamic port range keeps its address.
 *   Every other name is used as it is, so no deployed address changes. Before this, such a config
 *   crashed synth with "There is already a Construct with name ...".
 * - An id is built from what it stands for (a route, a service), never from another resource's
 *   generated logical id, which changes whenever that resource moves.
 */

/** Fixed id parts that are lower-case words, and so could equal a service name. */
export const LOWER_CASE_FIXED_IDS: ReadonlySet<string> = new Set([
  // The ALB's and the instances' rule for ECS's dynamic host port range.
  "dynamic-ports",
  // The NLB's egress rule for the ALB bridge's listener.
  "alb-bridge",
]);

/** The mark a user name gets when it equals a fixed id part; never the start of a fixed id. */
export const USER_ID_MARK = "User-";

/**
 * The id part for a user-chosen name: the name itself, or for a name equal to a lower-case fixed
 * id part, the name behind {@link USER_ID_MARK}. Injective, and disjoint from every fixed id part.
 */
export function userIdPart(name: string): string {
  return LOWER_CASE_FIXED_IDS.has(name) ? `${USER_ID_MARK}${name}` : name;
}

/** What joins a service's id part and a port name in the ids of a service's further ports. */
export const PORT_ID_MARK = "-Port-";

/**
 * The id part of a service's further port (any but its first): `orders-Port-admin`. A service's
 * first port keeps the ids the service has always had (`Listener-orders`), so giving a one-port
 * service `ports` with the same port moves nothing. The upper-case mark keeps the part clear of
 * every service name (lower-case), so port "admin" of "orders" and a service "orders-port-admin"
 * never share an id; and a part holds the mark once, so it is injective.
 */
export function furtherPortIdPart(service: string, portName: string): string {
  return `${userIdPart(service)}${PORT_ID_MARK}${portName}`;
}

/** A service port as the model and the plan carry it: `portId` is set for a further port only. */
export interface PortRef {
  readonly service: string;
  readonly portId?: string;
}

/**
 * The key of a service port on its NLB: the service name for its first port (as before ports), the
 * further port's id part otherwise. It names the port's listener and target group
 * (`Listener-<key>`, NlbPort `id`), finds them (`portOf`), and tells the integrations apart.
 */
export function portKey(p: PortRef): string {
  return p.portId ?? p.service;
}

/**
 * The id part of a service port in ids that also hold fixed parts (rules, HTTP API integrations):
 * {@link portKey}, with a first port's service name marked as the user's ({@link userIdPart}).
 */
export function portIdPart(p: PortRef): string {
  return p.portId ?? userIdPart(p.service);
}

/**
 * Every fixed construct id the constructs use, as words a user might choose (lower-cased, and
 * split at hyphens into the pieces a hyphenated name could repeat). The config fuzzer draws
 * service, authorizer, key and plan names from these, so a new fixed id that a user name could
 * collide with is found by the fuzzer rather than by a user.
 */
export const FIXED_ID_WORDS: readonly string[] = [
  ...LOWER_CASE_FIXED_IDS,
  "resource",
  "listener",
  "target-group",
  "security-group",
  "http-api",
  "nlb",
  "alb",
  "api",
  "vpc-link",
  "integration",
  "route",
  "stage",
  "deployment",
  "authorizer",
  "ports",
  "port",
  "service",
  "user",
  "egress-to-targets",
  "ingress-from",
  "host-port",
  "rule",
  "key",
  "plan",
  "default",
  "constructor",
  "prototype",
];

/** The construct id of the API in the stack: `Api` (REST) or `HttpApi`. */
export function apiConstructId(kind: "rest" | "http"): string {
  return kind === "rest" ? "Api" : "HttpApi";
}

/**
 * The construct id, under the API, of one method of a route: `Method-<pathId>-<METHOD>` (REST) or
 * `Route-<pathId>-<METHOD>` (HTTP API), `pathId` as lib/core/paths.ts makes it.
 */
export function methodConstructId(kind: "rest" | "http", pathId: string, method: string): string {
  return `${kind === "rest" ? "Method" : "Route"}-${methodIdPart(pathId, method)}`;
}

/**
 * The id part of one method of a route, `<pathId>-<METHOD>`: in its method's (or HTTP API route's)
 * construct id and its REST integration's (`Integration-<part>`). Methods have no hyphen, so two
 * (path, method) pairs have the same part only when they are the same pair.
 */
export function methodIdPart(pathId: string, method: string): string {
  return `${pathId}-${method}`;
}

/**
 * What tells NLB number `index` (0-based) apart in its ids and names: nothing for the first, whose
 * addresses and names are the unsharded ones (so growing past one NLB moves nothing), then
 * `-2`, `-3`, ... (`_2` with `separator` "_").
 */
export function shardSuffix(index: number, separator = "-"): string {
  return index === 0 ? "" : `${separator}${index + 1}`;
}
