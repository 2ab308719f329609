import fc from "fast-check";
import { coalescePortRules, type PortRule } from "../../lib/model/port-rules";

const rule = (id: string, port: number, group = "nlb-0", toPort = port): PortRule => ({ id, fromPort: port, toPort, group });

test("rules that fit the quota are kept one per entry, so their addresses never change", () => {
  const entries = [rule("orders", 10000), rule("inventory", 10001)];
  expect(coalescePortRules(entries, 2)).toEqual(entries);
});

test("past the quota, adjacent ports from one source merge into a range; a lone port keeps its entry's id", () => {
  const entries = [
    rule("a", 10000),
    rule("b", 10001),
    rule("c", 10002),
    rule("d", 10005),
    rule("e", 10003, "alb"),
    rule("dyn", 32768, "alb", 65535),
  ];
  expect(coalescePortRules(entries, 3)).toEqual([
    { id: "Ports-10000-10002", fromPort: 10000, toPort: 10002, group: "nlb-0" },
    rule("d", 10005),
    rule("e", 10003, "alb"),
    rule("dyn", 32768, "alb", 65535),
  ]);
});

test("property: merged rules admit exactly the ports the entries asked for, per source, with no two rules alike", () => {
  const entry = fc.record({ port: fc.integer({ min: 1000, max: 1100 }), group: fc.constantFrom("nlb-0", "nlb-1", "alb") });
  fc.assert(
    fc.property(fc.uniqueArray(entry, { selector: (e) => e.port, maxLength: 80 }), fc.integer({ min: 1, max: 80 }), (raw, quota) => {
      const entries = raw.map((e) => rule(`svc-${e.port}`, e.port, e.group));
      const rules = coalescePortRules(entries, quota);
      const admitted = (list: readonly PortRule[]) =>
        list.flatMap((r) => Array.from({ length: r.toPort - r.fromPort + 1 }, (_, i) => `${r.group}:${r.fromPort + i}`)).sort();
      expect(admitted(rules)).toEqual(admitted(entries));
      expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
      expect(new Set(rules.map((r) => `${r.group}:${r.fromPort}-${r.toPort}`)).size).toBe(rules.length);
    }),
    { numRuns: 300, seed: 7 },
  );
});
