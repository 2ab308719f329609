import { isIP } from "node:net";

/**
 * The most characters the state parameter's value may have: SSM caps a Standard-tier parameter at 4 KB, and the value is
 * ASCII. Advanced tier would allow 8 KB, at a charge, and still not hold 1,000 IPs in the first format (about 17,000
 * characters); the grouped encoding below holds them in Standard tier whenever the IPs lie in a VPC's ranges.
 */
export const STATE_MAX_CHARS = 4096;

/** The anti-flap state kept in the SSM parameter between runs. */
export interface SyncState {
  /** Consecutive runs each registered IP has been missing from the ALB. */
  readonly missing: Readonly<Record<string, number>>;
}

/** The state read from the parameter, and why part of it was ignored, if it was. */
export interface ParsedState {
  readonly state: SyncState;
  /** Set when the stored value was malformed or stale, wholly or in part; the run goes on with what was usable. */
  readonly warning?: string;
}

/** What {@link parseState} knows about the parameter besides its value. */
export interface ParseOptions {
  /** The parameter's version as GetParameter reported it, checked against the version the value says it was written as. */
  readonly version?: number;
}

/** A value to store, and the IPs whose counts had to be left out to fit. */
export interface EncodedState {
  readonly value: string;
  /** The state {@link EncodedState.value} holds: the given one, without the counts of {@link EncodedState.dropped}. */
  readonly kept: SyncState;
  /** IPs left out, sorted: the lowest counts go first, as they lose the least (each starts again from zero). */
  readonly dropped: string[];
}

/** The value the parameter should hold before the first run. */
export const INITIAL_STATE_VALUE = serialiseState({ missing: {} });

/**
 * The parameter's value for a state, in the current format:
 *
 *   {"missing":{"<ip>":<runs>},"ipv4":{"<runs>":"<ips>"},"parameterVersion":<n>}
 *
 * - `ipv4`: the IPv4 addresses grouped by their count; each group is its addresses as 32-bit numbers, ascending, written
 *   as differences from the previous one (the first from zero) in LEB128 varints, base64url-encoded. Addresses of one
 *   VPC are close together, so most take one or two bytes instead of the 15 to 19 characters of `"10.0.12.34":2,`.
 *   Left out when empty, so that an empty state is `{"missing":{}}`, the value of the first format.
 * - `missing`: any other key (IPv6, or text that is not a dotted quad), as in the first format. A version of this
 *   function from before `ipv4` existed reads `missing` and ignores the rest: a rollback restarts the IPv4 counts,
 *   which delays deregistration and never hastens it.
 * - `parameterVersion`: the SSM version this value was written to become (the version read plus one), when given.
 *
 * Keys are sorted, so that the same counts always give the same value.
 */
export function serialiseState(state: SyncState, options: { readonly parameterVersion?: number } = {}): string {
  const other: [string, number][] = [];
  const groups = new Map<number, number[]>();
  for (const [ip, runs] of Object.entries(state.missing)) {
    const n = ipv4ToNumber(ip);
    if (n === undefined) other.push([ip, runs]);
    else groups.set(runs, [...(groups.get(runs) ?? []), n]);
  }
  other.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Object.fromEntries defines own properties, so an odd key such as "__proto__" is written like any other.
  const value: Record<string, unknown> = { missing: Object.fromEntries(other) };
  if (groups.size > 0) {
    const sorted = [...groups].sort(([a], [b]) => a - b);
    value.ipv4 = Object.fromEntries(sorted.map(([runs, ns]) => [String(runs), encodeAddresses(ns)]));
  }
  if (options.parameterVersion !== undefined) value.parameterVersion = options.parameterVersion;
  return JSON.stringify(value);
}

/**
 * {@link serialiseState} within `maxChars` characters. When the whole state does not fit, keeps the highest counts (the
 * IPs closest to deregistration; ties by IP) and leaves the others out: their counts start again from zero, which
 * delays their deregistration and never hastens it. Size grows with every count kept, so the largest prefix that fits
 * is found by bisection.
 */
export function encodeState(
  state: SyncState,
  options: { readonly parameterVersion?: number; readonly maxChars?: number } = {},
): EncodedState {
  const maxChars = options.maxChars ?? STATE_MAX_CHARS;
  const value = serialiseState(state, options);
  if (value.length <= maxChars) return { value, kept: state, dropped: [] };
  const ranked = Object.entries(state.missing).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const prefix = (n: number): SyncState => ({ missing: Object.fromEntries(ranked.slice(0, n)) });
  let fits = 0;
  let tooMany = ranked.length;
  while (tooMany - fits > 1) {
    const mid = Math.floor((fits + tooMany) / 2);
    if (serialiseState(prefix(mid), options).length <= maxChars) fits = mid;
    else tooMany = mid;
  }
  const kept = prefix(fits);
  const dropped = ranked
    .slice(fits)
    .map(([ip]) => ip)
    .sort();
  return { value: serialiseState(kept, options), kept, dropped };
}

/**
 * Reads the parameter's value, in the current format or the first one (`{"missing":{"<ip>":<runs>}}`, which the
 * current format extends). A missing or empty value is an empty state; a malformed one is an empty state with a
 * warning, and malformed entries are dropped with a warning: bad state must never stop registration.
 *
 * A value whose `parameterVersion` is not the parameter's version was written by a run that overlapped another (or by
 * a write that was applied twice): the counts it holds may have overwritten newer ones, such as an IP seen again. It
 * is read as an empty state, with a warning, so that no IP is deregistered on the strength of counts that may be
 * stale. A value without `parameterVersion` (the first format, the initial value, an edit by hand) is taken as it is.
 */
export function parseState(raw: string | undefined, options: ParseOptions = {}): ParsedState {
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
  const written = parsed.parameterVersion;
  if (written !== undefined && !isPositiveInteger(written)) {
    return {
      state: { missing: {} },
      warning: "state has a parameterVersion that is not a positive integer; starting from no missing counts",
    };
  }
  if (written !== undefined && options.version !== undefined && written !== options.version) {
    return {
      state: { missing: {} },
      warning:
        `state was written as parameter version ${written} but the parameter is at version ${options.version}: another run ` +
        "(or a retried write) wrote it in between, so its counts may be stale; starting from no missing counts",
    };
  }

  const warnings: string[] = [];
  const counts = new Map<string, number>();
  const add = (ip: string, runs: number) => {
    const before = counts.get(ip);
    // Twice in one value cannot come from serialiseState; keep the lower count, which can only delay deregistration.
    counts.set(ip, before === undefined ? runs : Math.min(before, runs));
  };

  const entries = Object.entries(parsed.missing);
  const malformed = entries.filter(([ip, runs]) => !(isIP(ip) !== 0 && isPositiveInteger(runs))).map(([ip]) => ip);
  for (const [ip, runs] of entries) if (!malformed.includes(ip)) add(ip, runs as number);
  if (malformed.length > 0) warnings.push(`${malformed.length} malformed missing count(s), ignored: ${JSON.stringify(malformed)}`);

  if (parsed.ipv4 !== undefined) {
    if (!isPlainObject(parsed.ipv4)) warnings.push('ipv4 is not an object of the form {"<runs>": "<addresses>"}, ignored');
    else {
      const bad: string[] = [];
      for (const [key, blob] of Object.entries(parsed.ipv4)) {
        const runs = /^[1-9]\d*$/.test(key) ? Number(key) : NaN;
        const numbers = typeof blob === "string" && isPositiveInteger(runs) ? decodeAddresses(blob) : undefined;
        if (numbers === undefined) bad.push(key);
        else for (const n of numbers) add(numberToIpv4(n), runs);
      }
      if (bad.length > 0) warnings.push(`${bad.length} malformed ipv4 group(s), ignored: ${JSON.stringify(bad)}`);
    }
  }

  const state = { missing: Object.fromEntries(counts) };
  if (warnings.length === 0) return { state };
  return { state, warning: `state has ${warnings.join("; ")}` };
}

/** The number of a canonical dotted-quad IPv4 address (`10.0.1.2`, not `10.0.01.2`), or undefined. */
function ipv4ToNumber(ip: string): number | undefined {
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!octets) return undefined;
  let n = 0;
  for (const octet of octets.slice(1)) {
    if (Number(octet) > 255 || String(Number(octet)) !== octet) return undefined;
    n = n * 256 + Number(octet);
  }
  return n;
}

function numberToIpv4(n: number): string {
  return [2 ** 24, 2 ** 16, 2 ** 8, 1].map((unit) => Math.floor(n / unit) % 256).join(".");
}

/** Distinct 32-bit numbers, ascending, as base64url LEB128 varints of their differences. */
function encodeAddresses(numbers: readonly number[]): string {
  const bytes: number[] = [];
  let previous = 0;
  for (const n of [...new Set(numbers)].sort((a, b) => a - b)) {
    let delta = n - previous;
    previous = n;
    // Arithmetic, not bitwise: addresses above 127.255.255.255 do not fit in a signed 32-bit integer.
    while (delta >= 0x80) {
      bytes.push((delta % 0x80) + 0x80);
      delta = Math.floor(delta / 0x80);
    }
    bytes.push(delta);
  }
  return Buffer.from(bytes).toString("base64url");
}

/** The inverse of {@link encodeAddresses}; undefined when the text is not one of its outputs. */
function decodeAddresses(text: string): number[] | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64url");
  if (bytes.toString("base64url") !== text) return undefined;
  const numbers: number[] = [];
  let value = 0;
  let scale = 1;
  let previous = 0;
  for (const byte of bytes) {
    value += (byte % 0x80) * scale;
    scale *= 0x80;
    if (byte >= 0x80) {
      if (scale > 0x80 ** 4) return undefined; // more than five bytes: no 32-bit difference is that long
      continue;
    }
    const n = previous + value;
    // Strictly ascending (only the first may be 0.0.0.0) and within 32 bits.
    if (n > 0xffffffff || (numbers.length > 0 && value === 0)) return undefined;
    numbers.push(n);
    previous = n;
    value = 0;
    scale = 1;
  }
  return scale === 1 ? numbers : undefined;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
