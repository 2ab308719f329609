import { isIP } from "node:net";

/** The anti-flap state kept in the SSM parameter between runs. */
export interface SyncState {
  /** Consecutive runs each registered IP has been missing from the ALB. */
  readonly missing: Readonly<Record<string, number>>;
}

/** The state read from the parameter, and why part of it was ignored, if it was. */
export interface ParsedState {
  readonly state: SyncState;
  /** Set when the stored value was malformed, wholly or in part; the run goes on with what was usable. */
  readonly warning?: string;
}

/** The value the parameter should hold before the first run. */
export const INITIAL_STATE_VALUE = serialiseState({ missing: {} });

/**
 * Reads the parameter's value. A missing or empty value is an empty state; a malformed one is an empty state with a
 * warning, and malformed entries are dropped with a warning: bad state must never stop registration.
 */
export function parseState(raw: string | undefined): ParsedState {
  if (raw === undefined || raw.trim() === "") return { state: { missing: {} } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return { state: { missing: {} }, warning: `state is not valid JSON (${(err as Error).message}); starting from no missing counts` };
  }
  if (!isPlainObject(parsed) || !isPlainObject(parsed.missing)) {
    return {
      state: { missing: {} },
      warning: 'state is not an object of the form {"missing": {"<ip>": <runs>}}; starting from no missing counts',
    };
  }
  const entries = Object.entries(parsed.missing);
  const valid = entries.filter(([ip, runs]) => isIP(ip) !== 0 && typeof runs === "number" && Number.isSafeInteger(runs) && runs > 0);
  const state = { missing: Object.fromEntries(valid) as Record<string, number> };
  if (valid.length === entries.length) return { state };
  const dropped = entries.filter((entry) => !valid.includes(entry)).map(([ip]) => ip);
  return { state, warning: `state has ${dropped.length} malformed missing count(s), ignored: ${JSON.stringify(dropped)}` };
}

/** The parameter's value for a state: keys sorted, so that an unchanged state serialises to the same string. */
export function serialiseState(state: SyncState): string {
  const missing = Object.entries(state.missing).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify({ missing: Object.fromEntries(missing) });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
