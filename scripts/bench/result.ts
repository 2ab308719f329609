/** How bench drivers hand their measurements to scripts/bench.ts: one `BENCH_RESULT {json}` line on stdout. */
const PREFIX = "BENCH_RESULT ";

export function emit(result: unknown): void {
  process.stdout.write(`${PREFIX}${JSON.stringify(result)}\n`);
}

/** The JSON a driver emitted; the caller checks its shape. */
export function parseJson(stdout: string): unknown {
  const line = stdout.split("\n").find((l) => l.startsWith(PREFIX));
  if (line === undefined) throw new Error(`driver printed no ${PREFIX.trim()} line:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice(PREFIX.length));
}

/** The numbers in the JSON object a driver emitted (other fields are left out). */
export function parseNumbers(stdout: string): Record<string, number> {
  const json = parseJson(stdout);
  if (typeof json !== "object" || json === null) throw new Error(`bad driver result: ${JSON.stringify(json)}`);
  return Object.fromEntries(Object.entries(json).filter((e): e is [string, number] => typeof e[1] === "number"));
}
