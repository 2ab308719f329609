/** Consecutive runs an IP must be missing from the ALB before it leaves the NLB target group. */
export const DEFAULT_ANTI_FLAP_RUNS = 3;

/** What one run observed. */
export interface DecideInput {
  /** The ALB's private IPs found this run. */
  readonly discovered: readonly string[];
  /** The IPs registered in the NLB target group (targets that are draining do not count). */
  readonly registered: readonly string[];
  /** Consecutive runs each registered IP has been missing from `discovered`, as of the previous run. */
  readonly missing: Readonly<Record<string, number>>;
  /** Runs an IP must be missing in a row before it is deregistered; a positive integer. */
  readonly threshold: number;
}

/** What to do about it. */
export interface Decision {
  /** IPs to register, sorted. */
  readonly register: string[];
  /**
   * IPs to deregister, sorted; only ever after `register` has succeeded, or when the target group refused more targets
   * (see syncTargets). Never one of `discovered`.
   */
  readonly deregister: string[];
  /** The missing counts to carry to the next run. */
  readonly missing: Record<string, number>;
  /** Registered IPs that are missing but not yet for `threshold` runs, sorted. */
  readonly pending: string[];
}

/**
 * Decides which ALB IPs to register and deregister. Pure: observed state in, actions out.
 *
 * - Every discovered IP that is not registered is registered.
 * - A registered IP that was not discovered has its missing count raised by one, and is deregistered when the
 *   count reaches `threshold`; until then it is pending. An IP discovered again starts from zero.
 * - Counts of IPs that are neither registered nor discovered are dropped.
 * - Safety stop: when nothing was discovered (an odd API answer, a wrong description filter), nothing is
 *   registered or deregistered and the counts stay as they are: an empty answer is never a reason to empty the group.
 */
export function decide(input: DecideInput): Decision {
  const { threshold } = input;
  if (!Number.isSafeInteger(threshold) || threshold < 1) {
    throw new Error(`decide: threshold must be a positive integer, got ${threshold}`);
  }
  const discovered = new Set(input.discovered);
  const registered = new Set(input.registered);

  if (discovered.size === 0) {
    return { register: [], deregister: [], missing: { ...input.missing }, pending: [] };
  }

  const register = [...discovered].filter((ip) => !registered.has(ip)).sort();
  const deregister: string[] = [];
  const pending: string[] = [];
  const missing: [string, number][] = [];
  for (const ip of [...registered].sort()) {
    if (discovered.has(ip)) continue;
    const count = previousCount(input.missing, ip) + 1;
    if (count >= threshold) {
      deregister.push(ip);
    } else {
      pending.push(ip);
      missing.push([ip, count]);
    }
  }

  // Cannot fail given the rules above (every discovered IP stays or becomes registered); checked anyway because
  // emptying the target group is the one outcome this function exists to prevent.
  const remaining = new Set([...registered, ...register]);
  for (const ip of deregister) {
    if (discovered.has(ip)) throw new Error(`decide: would deregister ${ip}, which was discovered this run`);
    remaining.delete(ip);
  }
  if (remaining.size === 0) throw new Error("decide: would leave the target group empty while the ALB has IPs");

  // Object.fromEntries defines own properties, so an odd key such as "__proto__" cannot change the prototype.
  return { register, deregister, missing: Object.fromEntries(missing), pending };
}

function previousCount(missing: Readonly<Record<string, number>>, ip: string): number {
  if (!Object.hasOwn(missing, ip)) return 0;
  const count = missing[ip];
  return Number.isSafeInteger(count) && count > 0 ? count : 0;
}
