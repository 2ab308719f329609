/** Fixed AWS limits and ranges the topology is planned within (quotas a user can raise are in the config's `quotas`). */

/** One NLB takes at most 50 listeners (AWS default quota "Listeners per Network Load Balancer"). */
export const MAX_LISTENERS_PER_NLB = 50;

/** Rules per ALB (AWS default quota), which caps the path patterns of services behind the ALB. */
export const MAX_RULES_PER_ALB = 100;

/** Target groups ECS attaches to one service (one load balancer block each): ECS's limit. */
export const MAX_TARGET_GROUPS_PER_ECS_SERVICE = 5;

/** Integrations per HTTP API: AWS's quota, which cannot be raised. */
export const MAX_HTTP_API_INTEGRATIONS = 300;

/** The first and last port ECS may pick for a dynamic host port (covers old and new agent defaults). */
export const DYNAMIC_PORT_RANGE = { from: 32768, to: 65535 } as const;
