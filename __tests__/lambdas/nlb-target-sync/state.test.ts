import { INITIAL_STATE_VALUE, parseState, serialiseState } from "../../../lambdas/nlb-target-sync/state";

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
  test("writes the keys sorted, so that the same counts always give the same value", () => {
    expect(serialiseState({ missing: { "10.0.1.20": 1, "10.0.0.10": 2 } })).toBe('{"missing":{"10.0.0.10":2,"10.0.1.20":1}}');
    expect(serialiseState({ missing: { "10.0.0.10": 2, "10.0.1.20": 1 } })).toBe(
      serialiseState({ missing: { "10.0.1.20": 1, "10.0.0.10": 2 } }),
    );
  });

  test("round-trips through parseState", () => {
    const state = { missing: { "10.0.0.10": 2, "fd00::1": 1 } };
    expect(parseState(serialiseState(state))).toEqual({ state });
  });

  test("the parameter's initial value is an empty state", () => {
    expect(INITIAL_STATE_VALUE).toBe('{"missing":{}}');
    expect(parseState(INITIAL_STATE_VALUE)).toEqual({ state: { missing: {} } });
  });
});
