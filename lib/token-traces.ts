/* Imports nothing, so test setup can load it without loading CDKTF. */

/**
 * Makes `Error.captureStackTrace` skip CDKTF's token trace holders (a plain object whose only key
 * is an empty `stack`; cdktf/lib/tokens/private/stack-trace.js), so tokens carry no creation
 * trace, and returns the function that puts the original back. Everything else is captured as
 * before. synthesize() uses it while it builds and synthesises; the tests use it for the
 * constructs they build directly (there, under Jest's source-map support, every token's trace
 * was mapped through CDKTF's inline source maps).
 */
export function skipTokenStackTraces(): () => void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved and put back; the wrapper calls it unbound, as V8 allows
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = (target: object, below?: Parameters<typeof capture>[1]) => {
    if (isTokenTraceHolder(target)) return;
    capture(target, below);
  };
  return () => {
    Error.captureStackTrace = capture;
  };
}

/** CDKTF's token trace holder: a plain object whose only key is an empty `stack`. */
function isTokenTraceHolder(target: object): boolean {
  if (Object.getPrototypeOf(target) !== Object.prototype) return false;
  const keys = Object.keys(target);
  return keys.length === 1 && keys[0] === "stack" && (target as { stack?: unknown }).stack === "";
}
