import { encodeState, INITIAL_STATE_VALUE, parseState, serialiseState, STATE_MAX_CHARS } from "../../../lambdas/nlb-target-sync/state";

describe("parseState", () => {
  test.each([
    ["no value", undefined],
    ["an empty value", ""],
    ["a blank value", "  \n"],
  ])("reads %s as no missing counts, without a warning", (_name, raw) => {
    expect(parseState(raw)).toEqual({ state: { missing: {} } });
  });

  test("reads the counts", () => {
    // WHEN
    const parsed = parseState('{"missing":{"10.0.0.10":2,"10.0.1.20":1}}');
    // THEN
    expect(parsed).toEqual({ state: { missing: { "10.0.0.10": 2, "10.0.1.20": 1 } } });
  });

  test.each([
    ["not JSON", "{missing:", /not valid JSON/],
    ["a JSON array", "[1,2]", /not an object/],
    ["a JSON string", '"x"', /not an object/],
    ["null", "null", /not an object/],
    ["an object without missing", "{}", /not an object of the form/],
    ["missing as an array", '{"missing":[]}', /not an object of the form/],
    ["missing as null", '{"missing":null}', /not an object of the form/],
  ])("reads %s as no missing counts, with a warning", (_name, raw, warning) => {
    // WHEN
    const parsed = parseState(raw);
    // THEN
    expect(parsed.state).toEqual({ missing: {} });
    expect(parsed.warning).toMatch(warning);
  });

  test("drops malformed entries, keeps the others, and says which it dropped", () => {
    // GIVEN
    const raw = JSON.stringify({
      missing: { "10.0.0.10": 2, "not-an-ip": 1, "10.0.0.11": 0, "10.0.0.12": -1, "10.0.0.13": 1.5, "10.0.0.14": "2", "10.0.0.15": null },
    });
    // WHEN
    const parsed = parseState(raw);
    // THEN
    expect(parsed.state).toEqual({ missing: { "10.0.0.10": 2 } });
    expect(parsed.warning).toMatch(/6 malformed missing count\(s\), ignored: .*"not-an-ip".*"10\.0\.0\.15"/);
  });

  test("ignores a __proto__ key instead of letting it set the prototype", () => {
    // WHEN
    const parsed = parseState('{"missing":{"__proto__":{"x":1},"10.0.0.10":1}}');
    // THEN
    expect(parsed.state.missing).toEqual({ "10.0.0.10": 1 });
    expect(Object.getPrototypeOf(parsed.state.missing)).toBe(Object.prototype);
    expect(parsed.warning).toMatch(/__proto__/);
  });
});

describe("serialiseState", () => {
  test("groups IPv4 addresses by count, as ascending varint differences in base64url, with every key sorted", () => {
    // WHEN
    const value = serialiseState({ missing: { "10.0.1.20": 1, "10.0.0.10": 2, "10.0.0.12": 2, "fd00::1": 1 } });
    // THEN 10.0.0.10 is 0x0a00000a; 10.0.0.12 follows at +2
    expect(value).toBe('{"missing":{"fd00::1":1},"ipv4":{"1":"lIKAUA","2":"ioCAUAI"}}');
    expect(Buffer.from("ioCAUAI", "base64url")).toEqual(Buffer.from([0x8a, 0x80, 0x80, 0x50, 0x02]));
  });

  test("the same counts always give the same value, whatever the order they come in", () => {
    const a = { "10.0.1.20": 1, "10.0.0.10": 2, "fd00::2": 1, "fd00::1": 3 };
    const b = { "fd00::1": 3, "10.0.0.10": 2, "fd00::2": 1, "10.0.1.20": 1 };
    expect(serialiseState({ missing: a })).toBe(serialiseState({ missing: b }));
  });

  test.each([
    ["IPv4 and IPv6", { "10.0.0.10": 2, "fd00::1": 1 }],
    ["the lowest and highest IPv4 addresses", { "0.0.0.0": 1, "255.255.255.255": 1, "128.0.0.1": 7 }],
    ["counts up to the largest threshold", { "10.0.0.10": 1440, "10.0.0.11": 1 }],
  ])("round-trips %s through parseState", (_name, missing) => {
    expect(parseState(serialiseState({ missing }))).toEqual({ state: { missing } });
  });

  test("an address that is not a canonical dotted quad is kept under missing, as written", () => {
    expect(serialiseState({ missing: { "10.0.0.010": 1 } })).toBe('{"missing":{"10.0.0.010":1}}');
  });

  test("the parameter's initial value is an empty state, in the first format and the current one alike", () => {
    expect(INITIAL_STATE_VALUE).toBe('{"missing":{}}');
    expect(serialiseState({ missing: {} })).toBe(INITIAL_STATE_VALUE);
    expect(parseState(INITIAL_STATE_VALUE)).toEqual({ state: { missing: {} } });
  });

  test("adds the parameter version the write is to create, when given", () => {
    expect(serialiseState({ missing: {} }, { parameterVersion: 7 })).toBe('{"missing":{},"parameterVersion":7}');
  });
});

describe("parseState: upgrade, rollback and stale values", () => {
  test("reads the first format, as the previous version wrote it, with every count kept", () => {
    // GIVEN 300 counts in the first format (the previous version wrote up to 4,096 characters of it)
    const missing = Object.fromEntries(
      Array.from({ length: 250 }, (_, i) => [`10.0.${Math.floor(i / 200)}.${(i % 200) + 10}`, 1 + (i % 2)]),
    );
    const raw = JSON.stringify({ missing });
    // WHEN
    const parsed = parseState(raw, { version: 41 });
    // THEN
    expect(parsed).toEqual({ state: { missing } });
    expect(parseState(serialiseState(parsed.state))).toEqual({ state: { missing } });
  });

  test("a value in the current format seen by the previous version's reader gives it no IPv4 count, and no crash", () => {
    // GIVEN the previous version's parser: missing must be an object of IP -> count; other keys are ignored
    const value = serialiseState({ missing: { "10.0.0.10": 2, "fd00::1": 1 } }, { parameterVersion: 3 });
    const previous = JSON.parse(value) as { missing: Record<string, number> };
    // THEN a rollback starts the IPv4 counts over: deregistration is delayed, never hastened
    expect(previous.missing).toEqual({ "fd00::1": 1 });
  });

  test("a value written as the parameter's current version is taken as it is", () => {
    const value = serialiseState({ missing: { "10.0.0.10": 2 } }, { parameterVersion: 5 });
    expect(parseState(value, { version: 5 })).toEqual({ state: { missing: { "10.0.0.10": 2 } } });
  });

  test("a value written as another version is stale: it is read as no counts, with a warning", () => {
    // GIVEN a run that read version 4 wrote its counts as version 5, but another write came first, so they are version 6
    const value = serialiseState({ missing: { "10.0.0.10": 2 } }, { parameterVersion: 5 });
    // WHEN
    const parsed = parseState(value, { version: 6 });
    // THEN
    expect(parsed.state).toEqual({ missing: {} });
    expect(parsed.warning).toMatch(
      /written as parameter version 5 but the parameter is at version 6: another run .* starting from no missing counts/,
    );
  });

  test.each([0, -1, 1.5, "5", null])("a parameterVersion of %p is malformed: no counts, with a warning", (parameterVersion) => {
    const parsed = parseState(JSON.stringify({ missing: { "10.0.0.10": 2 }, parameterVersion }), { version: 5 });
    expect(parsed.state).toEqual({ missing: {} });
    expect(parsed.warning).toMatch(/parameterVersion that is not a positive integer/);
  });

  test("without the parameter's version (SSM did not say), the mark cannot be checked and the counts are taken", () => {
    const value = serialiseState({ missing: { "10.0.0.10": 2 } }, { parameterVersion: 5 });
    expect(parseState(value)).toEqual({ state: { missing: { "10.0.0.10": 2 } } });
  });

  test.each([
    ["a group that is not base64url", { "2": "a+b/" }],
    ["a group with a count of 0", { "0": "CgAACg" }],
    ["a group with a count that is not a number", { two: "CgAACg" }],
    ["a group that is not a string", { "2": 167772170 }],
    ["a group ending inside a varint", { "2": Buffer.from([0x8a]).toString("base64url") }],
    ["a group with a difference of zero (a duplicate)", { "2": Buffer.from([10, 0]).toString("base64url") }],
    ["a group past 255.255.255.255", { "2": Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 1]).toString("base64url") }],
    ["a group with a six-byte varint", { "2": Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).toString("base64url") }],
  ])("drops %s, keeps the rest, and warns", (_name, bad) => {
    // GIVEN
    const good = JSON.parse(serialiseState({ missing: { "10.0.0.10": 1 } })) as { ipv4: Record<string, string> };
    const raw = JSON.stringify({ missing: { "fd00::1": 1 }, ipv4: { ...good.ipv4, ...bad } });
    // WHEN
    const parsed = parseState(raw);
    // THEN
    expect(parsed.state).toEqual({ missing: { "10.0.0.10": 1, "fd00::1": 1 } });
    expect(parsed.warning).toMatch(/1 malformed ipv4 group\(s\), ignored/);
  });

  test("ipv4 that is not an object is ignored with a warning", () => {
    const parsed = parseState('{"missing":{"10.0.0.10":1},"ipv4":"x"}');
    expect(parsed.state).toEqual({ missing: { "10.0.0.10": 1 } });
    expect(parsed.warning).toMatch(/ipv4 is not an object/);
  });

  test("an IP listed twice keeps its lower count", () => {
    const raw = JSON.stringify({
      missing: { "10.0.0.10": 1 },
      ipv4: (JSON.parse(serialiseState({ missing: { "10.0.0.10": 2 } })) as { ipv4: unknown }).ipv4,
    });
    expect(parseState(raw).state).toEqual({ missing: { "10.0.0.10": 1 } });
  });
});

/**
 * `count` distinct addresses spread at random over `blocks` /16 ranges of 10.0.0.0/8 (a VPC has up to five CIDRs of at
 * most /16), or over all of IPv4 when `blocks` is "anywhere".
 */
function addresses(count: number, blocks: number | "anywhere", seed: number): string[] {
  let a = seed;
  const random = (n: number) => {
    a = (a * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((a / 2 ** 31) * n);
  };
  const out = new Set<string>();
  while (out.size < count) {
    const first = blocks === "anywhere" ? `${random(256)}.${random(256)}` : `10.${37 * random(blocks)}`;
    out.add(`${first}.${random(256)}.${random(256)}`);
  }
  return [...out];
}

describe("encodeState: the 4,096-character limit of a Standard-tier parameter", () => {
  test(`holds ${"1,000"} counts (the most targets an IP target group holds) within ${STATE_MAX_CHARS} characters`, () => {
    for (const [blocks, threshold] of [
      [1, 3],
      [5, 3],
      [1, 50],
    ]) {
      // GIVEN counts from 1 to threshold - 1, as the default threshold (3) or a larger one gives
      const missing = Object.fromEntries(addresses(1000, blocks, blocks * threshold).map((ip, i) => [ip, 1 + (i % (threshold - 1))]));
      // WHEN
      const encoded = encodeState({ missing }, { parameterVersion: 123456 });
      // THEN
      expect({ blocks, threshold, dropped: encoded.dropped.length }).toEqual({ blocks, threshold, dropped: 0 });
      expect(encoded.value.length).toBeLessThanOrEqual(STATE_MAX_CHARS);
      expect(parseState(encoded.value, { version: 123456 }).state.missing).toEqual(missing);
    }
  });

  test("the first format would not: 1,000 counts take nearly four times the limit", () => {
    const missing = Object.fromEntries(addresses(1000, 1, 1).map((ip) => [ip, 1]));
    expect(JSON.stringify({ missing }).length).toBeGreaterThan(3.5 * STATE_MAX_CHARS);
  });

  test("when the counts do not fit, keeps the highest counts (ties by IP), drops the rest, and says which", () => {
    // GIVEN 1,000 addresses anywhere in IPv4 with 1,000 different counts: the worst case for the grouped encoding
    const ips = addresses(1000, "anywhere", 7);
    const missing = Object.fromEntries(ips.map((ip, i) => [ip, i + 1]));
    // WHEN
    const encoded = encodeState({ missing }, { parameterVersion: 9 });
    // THEN
    expect(encoded.value.length).toBeLessThanOrEqual(STATE_MAX_CHARS);
    expect(encoded.dropped.length).toBeGreaterThan(0);
    const kept = parseState(encoded.value, { version: 9 }).state.missing;
    expect(kept).toEqual(encoded.kept.missing);
    expect(Object.keys(kept).length + encoded.dropped.length).toBe(1000);
    const lowestKept = Math.min(...Object.values(kept));
    for (const ip of encoded.dropped) expect(missing[ip]).toBeLessThan(lowestKept);
    for (const [ip, runs] of Object.entries(kept)) expect(runs).toBe(missing[ip]);
    // ... and one more count would not have fitted
    const next = Object.entries(missing).find(([ip]) => encoded.dropped.includes(ip) && missing[ip] === lowestKept - 1);
    expect(next).toBeDefined();
    const withNext = { missing: { ...kept, [next![0]]: next![1] } };
    expect(encodeState(withNext, { parameterVersion: 9, maxChars: Number.MAX_SAFE_INTEGER }).value.length).toBeGreaterThan(STATE_MAX_CHARS);
  });

  test("keeps everything, unchanged, when it fits", () => {
    const state = { missing: { "10.0.0.10": 2 } };
    expect(encodeState(state)).toEqual({ value: serialiseState(state), kept: state, dropped: [] });
  });
});
