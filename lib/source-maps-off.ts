/**
 * Imported first by the entry points (main.ts, scripts), before cdktf and the provider load: turns
 * off the source-map support tsx turns on. Every cdktf and provider file carries an inline source
 * map, which Node otherwise decodes as the file loads; that was a quarter of the default synth
 * (BENCHMARKS.md). The price: a crash's stack trace points into the JavaScript tsx produced, not
 * the TypeScript. To debug one with mapped traces, run with NODE_OPTIONS=--enable-source-maps.
 */
if (!/(^|\s)--enable-source-maps(\s|$)/.test(process.env.NODE_OPTIONS ?? "")) process.setSourceMapsEnabled(false);

export {};
