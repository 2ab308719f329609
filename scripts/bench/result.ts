/**
 * How bench drivers hand their measurements to scripts/bench.ts: one `BENCH_<TAG> {json}` line on stdout,
 * `BENCH_RESULT` unless a driver (or a preload next to it) has more than one thing to say.
 */
const PREFIX = "BENCH_";
const DEFAULT_TAG = "RESULT";

/** Peak resident set size of this process so far, in MiB (`maxRSS` is in KiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** CommonJS modules loaded so far whose path contains `fragment`. */
export function loadedModules(fragment: string): number {
  return Object.keys(require.cache).filter((id) => id.includes(fragment)).length;
}

export function emit(result: unknown, tag = DEFAULT_TAG): void {
  process.stdout.write(`${PREFIX}${tag} ${JSON.stringify(result)}\n`);
}

/** The JSON a driver emitted under `tag`; the caller checks its shape. */
export function parseJson(stdout: string, tag = DEFAULT_TAG): unknown {
  const prefix = `${PREFIX}${tag} `;
  const line = stdout.split("\n").find((l) => l.startsWith(prefix));
  if (line === undefined) throw new Error(`driver printed no ${prefix.trim()} line:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice(prefix.length));
}

/** The numbers in the JSON object a driver emitted under `tag` (other fields are left out). */
export function parseNumbers(stdout: string, tag = DEFAULT_TAG): Record<string, number> {
  const json = parseJson(stdout, tag);
  if (typeof json !== "object" || json === null) throw new Error(`bad driver result: ${JSON.stringify(json)}`);
  return Object.fromEntries(Object.entries(json).filter((e): e is [string, number] => typeof e[1] === "number"));
}
