import { decide, type DecideInput, type Decision, DEFAULT_ANTI_FLAP_RUNS } from "../../../lambdas/nlb-target-sync/decide";
import { parseState, serialiseState } from "../../../lambdas/nlb-target-sync/state";

const A = "10.0.0.10";
const B = "10.0.1.20";
const C = "10.0.2.30";
const D = "10.0.3.40";

describe("decide", () => {
  test("defaults to three runs of anti-flap", () => {
    expect(DEFAULT_ANTI_FLAP_RUNS).toBe(3);
  });

  const cases: [string, DecideInput, Decision][] = [
    [
      "registers every discovered IP that is not registered",
      { discovered: [C, A, B], registered: [A], missing: {}, threshold: 3 },
      { register: [B, C], deregister: [], missing: {}, pending: [] },
    ],
    [
      "does nothing when the target group already matches",
      { discovered: [A, B], registered: [B, A], missing: {}, threshold: 3 },
      { register: [], deregister: [], missing: {}, pending: [] },
    ],
    [
      "counts a registered IP that was not discovered as missing once, and keeps it (pending)",
      { discovered: [A], registered: [A, B], missing: {}, threshold: 3 },
      { register: [], deregister: [], missing: { [B]: 1 }, pending: [B] },
    ],
    [
      "keeps counting while the count is below the threshold",
      { discovered: [A], registered: [A, B], missing: { [B]: 1 }, threshold: 3 },
      { register: [], deregister: [], missing: { [B]: 2 }, pending: [B] },
    ],
    [
      "deregisters an IP when its count reaches the threshold, and forgets its count",
      { discovered: [A], registered: [A, B], missing: { [B]: 2 }, threshold: 3 },
      { register: [], deregister: [B], missing: {}, pending: [] },
    ],
    [
      "registers the newcomer in the same run as it deregisters the IP that left",
      { discovered: [A, C], registered: [A, B], missing: { [B]: 2 }, threshold: 3 },
      { register: [C], deregister: [B], missing: {}, pending: [] },
    ],
    [
      "resets an IP that is discovered again",
      { discovered: [A, B], registered: [A, B], missing: { [B]: 2 }, threshold: 3 },
      { register: [], deregister: [], missing: {}, pending: [] },
    ],
    [
      "with threshold 1, deregisters at the first miss",
      { discovered: [A], registered: [A, B], missing: {}, threshold: 1 },
      { register: [], deregister: [B], missing: {}, pending: [] },
    ],
    [
      "honours a larger threshold",
      { discovered: [A], registered: [A, B], missing: { [B]: 3 }, threshold: 5 },
      { register: [], deregister: [], missing: { [B]: 4 }, pending: [B] },
    ],
    [
      "drops counts of IPs that are neither registered nor discovered",
      { discovered: [A], registered: [A], missing: { [C]: 2, [D]: 1 }, threshold: 3 },
      { register: [], deregister: [], missing: {}, pending: [] },
    ],
    [
      "SAFETY STOP: nothing discovered, so nothing registered or deregistered and the counts stay as they were",
      { discovered: [], registered: [A, B], missing: { [B]: 2, [D]: 1 }, threshold: 3 },
      { register: [], deregister: [], missing: { [B]: 2, [D]: 1 }, pending: [] },
    ],
    [
      "SAFETY STOP also with an empty target group",
      { discovered: [], registered: [], missing: {}, threshold: 3 },
      { register: [], deregister: [], missing: {}, pending: [] },
    ],
    [
      "registers all when the ALB's IPs all changed, and deregisters the old ones only after the threshold",
      { discovered: [C, D], registered: [A, B], missing: {}, threshold: 3 },
      { register: [C, D], deregister: [], missing: { [A]: 1, [B]: 1 }, pending: [A, B] },
    ],
    [
      "tolerates duplicates in its inputs",
      { discovered: [A, A, C], registered: [A, B, B], missing: {}, threshold: 3 },
      { register: [C], deregister: [], missing: { [B]: 1 }, pending: [B] },
    ],
    [
      "treats a count that is not a positive integer as zero",
      { discovered: [A], registered: [A, B, C, D], missing: { [B]: -4, [C]: 1.5, [D]: Number.NaN }, threshold: 2 },
      { register: [], deregister: [], missing: { [B]: 1, [C]: 1, [D]: 1 }, pending: [B, C, D] },
    ],
  ];

  test.each(cases)("%s", (_name, input, expected) => {
    // WHEN
    const decision = decide(input);
    // THEN
    expect(decision).toEqual(expected);
  });

  test("does not change its input", () => {
    // GIVEN
    const input: DecideInput = { discovered: [A], registered: [A, B], missing: { [B]: 1, [C]: 1 }, threshold: 3 };
    const copy = structuredClone(input);
    // WHEN
    decide(input);
    // THEN
    expect(input).toEqual(copy);
  });

  test("a safety stop returns a copy of the counts, not the caller's object", () => {
    // GIVEN
    const missing = { [B]: 1 };
    // WHEN
    const decision = decide({ discovered: [], registered: [B], missing, threshold: 3 });
    // THEN
    expect(decision.missing).toEqual(missing);
    expect(decision.missing).not.toBe(missing);
  });

  test("an IP key such as __proto__ cannot change the prototype of the counts", () => {
    // GIVEN
    const missing = JSON.parse('{"__proto__": {"polluted": 1}}') as Record<string, number>;
    // WHEN
    const decision = decide({ discovered: [A], registered: [A, "__proto__"], missing, threshold: 3 });
    // THEN
    expect(Object.getPrototypeOf(decision.missing)).toBe(Object.prototype);
    expect(Object.hasOwn(decision.missing, "__proto__")).toBe(true);
    expect(decision.pending).toEqual(["__proto__"]);
  });

  test.each([0, -1, 1.5, Number.NaN])("rejects threshold %p", (threshold) => {
    expect(() => decide({ discovered: [A], registered: [], missing: {}, threshold })).toThrow(/threshold must be a positive integer/);
  });
});

/** mulberry32: a small seeded generator, so that a failing sequence can be replayed from its seed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SimulationStats {
  runs: number;
  safetyStops: number;
  deregistrations: number;
  comebacks: number;
}

/**
 * One random sequence: an ALB whose IPs change slowly, seen through a flaky discovery (IPs drop out of single runs,
 * whole runs come back empty), synced into a simulated target group with the counts carried through the SSM format.
 * Returns the first broken promise, or undefined.
 */
function simulate(seed: number, stats: SimulationStats): string | undefined {
  const random = seededRandom(seed);
  const pool = Array.from({ length: 10 }, (_, i) => `10.0.${i}.${10 + i}`);
  const pick = (p: number) => pool.filter(() => random() < p);
  const threshold = 1 + Math.floor(random() * 5);
  const runs = 5 + Math.floor(random() * 40);

  let alb = new Set(pick(0.4));
  const registered = new Set(random() < 0.5 ? pick(0.3) : []);
  let stored = serialiseState({ missing: {} });
  /** Consecutive non-empty runs each registered IP has been registered but not discovered. */
  const streak = new Map<string, number>();
  /** IPs that were missing in an earlier run and then discovered again. */
  const cameBack = new Set<string>();

  for (let run = 0; run < runs; run += 1) {
    stats.runs += 1;
    const where = `seed ${seed}, run ${run}, threshold ${threshold}`;
    // The ALB gains and loses a node now and then.
    for (const ip of pool) if (random() < 0.05) alb = new Set(alb.has(ip) ? [...alb].filter((x) => x !== ip) : [...alb, ip]);
    const discovered = random() < 0.1 ? [] : [...alb].filter(() => random() > 0.25);

    const missing = parseState(stored).state.missing;
    const decision = decide({ discovered, registered: [...registered], missing, threshold });
    const found = new Set(discovered);

    if (found.size === 0) {
      stats.safetyStops += 1;
      if (decision.register.length || decision.deregister.length)
        return `${where}: changed the target group although nothing was discovered`;
      if (serialiseState({ missing: decision.missing }) !== stored) return `${where}: advanced the counts although nothing was discovered`;
    } else {
      for (const ip of registered) {
        if (found.has(ip)) {
          if ((streak.get(ip) ?? 0) > 0) {
            cameBack.add(ip);
            stats.comebacks += 1;
          }
          streak.set(ip, 0);
        } else {
          streak.set(ip, (streak.get(ip) ?? 0) + 1);
        }
      }
    }

    for (const ip of decision.deregister) {
      if (found.has(ip)) return `${where}: deregistered ${ip}, which was discovered this run`;
      // The streak restarts from zero when an IP comes back, so this also covers IPs that came back.
      if ((streak.get(ip) ?? 0) < threshold) {
        const which = cameBack.has(ip) ? ", which came back," : "";
        return `${where}: deregistered ${ip}${which} after ${streak.get(ip) ?? 0} missing run(s)`;
      }
    }
    for (const ip of registered) {
      if ((streak.get(ip) ?? 0) >= threshold && !decision.deregister.includes(ip))
        return `${where}: kept ${ip} after ${threshold} missing runs`;
    }

    // Apply as the handler does: register first, then deregister.
    for (const ip of decision.register) registered.add(ip);
    for (const ip of decision.deregister) {
      registered.delete(ip);
      streak.delete(ip);
      cameBack.delete(ip);
      stats.deregistrations += 1;
    }
    for (const ip of [...streak.keys()]) if (!registered.has(ip)) streak.delete(ip);

    if (found.size > 0 && registered.size === 0) return `${where}: the target group is empty while the ALB has IPs`;
    for (const ip of found) if (!registered.has(ip)) return `${where}: discovered ${ip} is not registered`;
    stored = serialiseState({ missing: decision.missing });
  }
  return undefined;
}

describe("decide, property-style", () => {
  test("over 2,000 random sequences: never empties the group, never deregisters early, never deregisters an IP that came back", () => {
    // GIVEN
    const stats: SimulationStats = { runs: 0, safetyStops: 0, deregistrations: 0, comebacks: 0 };
    // WHEN
    const failures: string[] = [];
    for (let seed = 1; seed <= 2000; seed += 1) {
      const failure = simulate(seed, stats);
      if (failure) failures.push(failure);
    }
    // THEN
    expect(failures).toEqual([]);
    // ... and the sequences did exercise every rule.
    expect(stats.runs).toBeGreaterThan(40000);
    expect(stats.safetyStops).toBeGreaterThan(1000);
    expect(stats.deregistrations).toBeGreaterThan(1000);
    expect(stats.comebacks).toBeGreaterThan(1000);
  });
});
