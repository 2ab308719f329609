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

/**
 * Task sizes Fargate accepts (Linux): task CPU units -> the memory sizes, MiB, allowed with it
 * (AWS ECS developer guide, "Task CPU and memory"). Any other pair is refused by ECS at apply.
 */
export const FARGATE_TASK_SIZES: Readonly<Record<number, readonly number[]>> = Object.freeze({
  256: [512, 1024, 2048],
  512: steps(1024, 4096, 1024),
  1024: steps(2048, 8192, 1024),
  2048: steps(4096, 16384, 1024),
  4096: steps(8192, 30720, 1024),
  8192: steps(16384, 61440, 4096),
  16384: steps(32768, 122880, 8192),
});

/** Fargate's ephemeral storage, GiB: 20 are included; a task may ask for 21 to 200. */
export const FARGATE_EPHEMERAL_STORAGE_GIB = { from: 21, to: 200 } as const;

function steps(from: number, to: number, by: number): readonly number[] {
  const out: number[] = [];
  for (let m = from; m <= to; m += by) out.push(m);
  return Object.freeze(out);
}

/** The memory sizes, MiB, Fargate allows with a task CPU; none for a CPU value it does not offer. */
export function fargateMemoryFor(cpu: number): readonly number[] {
  return FARGATE_TASK_SIZES[cpu] ?? [];
}
