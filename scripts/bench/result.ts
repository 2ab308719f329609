/** How bench drivers hand their measurements to scripts/bench.ts: one `BENCH_RESULT {json}` line on stdout. */
const PREFIX = "BENCH_RESULT ";

export type Result<K extends string> = Readonly<Record<K, number>>;

/** Peak resident set size of this process so far, in MiB (`maxRSS` is in KiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** CommonJS modules loaded so far whose path contains `fragment`. */
export function loadedModules(fragment: string): number {
  return Object.keys(require.cache).filter((id) => id.includes(fragment)).length;
}

export function emit(result: Readonly<Record<string, number>>): void {
  process.stdout.write(`${PREFIX}${JSON.stringify(result)}\n`);
}

export function parseResult<K extends string>(stdout: string, keys: readonly K[]): Result<K> {
  const line = stdout.split("\n").find((l) => l.startsWith(PREFIX));
  if (line === undefined) throw new Error(`driver printed no ${PREFIX.trim()} line:\n${stdout}`);
  const json: unknown = JSON.parse(line.slice(PREFIX.length));
  if (typeof json !== "object" || json === null) throw new Error(`bad driver result: ${line}`);
  const out = {} as Record<K, number>;
  for (const key of keys) {
    const value: unknown = (json as Record<string, unknown>)[key];
    if (typeof value !== "number") throw new Error(`driver result lacks "${key}": ${line}`);
    out[key] = value;
  }
  return out;
}
