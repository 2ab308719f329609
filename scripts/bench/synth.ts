/**
 * Bench driver, one fresh process per sample: synthesise a config with the lib/ of the checkout at <repo root> into
 * <outdir>, timing the import of lib/, the config and build + synth. lib/ is required from <repo root> only when this
 * runs, so its import is timed, and the same file can time another checkout (`npm run bench -- --baseline-dir`): it
 * uses only what both must have, lib/source-maps-off, lib/config/load and lib/synth (and lib/config/default-config
 * with --routes).
 *  --routes N     a generated config instead of the embedded default: N services on consecutive host ports, one
 *                 `/svc-NNN/{proxy+}` route each (two REST resources), so past 50 the ports spread over several NLBs.
 *  --root-import  first require the @cdktf/provider-aws package root, as `import * as aws from "@cdktf/provider-aws"`
 *                 does (all ~2,100 resource modules): the usual style lib/ avoids, the baseline of the 5× target.
 * Usage: node --import tsx scripts/bench/synth.ts <repo root> <outdir> [--routes N] [--root-import]
 */
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import type { PrivateApiConfigInput } from "../../lib/config/schema";
import { emit } from "./result";

type Load = typeof import("../../lib/config/load");
type Synth = typeof import("../../lib/synth");
type Defaults = typeof import("../../lib/config/default-config");

const [rootArg, outdir, ...flags] = process.argv.slice(2);
const routesAt = flags.indexOf("--routes");
const routes = routesAt < 0 ? undefined : Number(flags[routesAt + 1]);
if (rootArg === undefined || outdir === undefined || (routes !== undefined && !(Number.isInteger(routes) && routes > 0))) {
  throw new Error("usage: synth.ts <repo root> <outdir> [--routes N] [--root-import]");
}
const root = resolve(rootArg);
const requireFromRoot = createRequire(join(root, "package.json"));
const lib = (file: string): unknown => requireFromRoot(join(root, "lib", file));

/** Config of `n` routes, from the default; the REST resource quota raised to what the routes need. */
function generatedConfig(n: number): PrivateApiConfigInput {
  const pad = (i: number) => String(i + 1).padStart(3, "0");
  const cfg = structuredClone<PrivateApiConfigInput>((lib("config/default-config") as Defaults).DEFAULT_CONFIG);
  cfg.name = `bench-${n}`;
  cfg.cluster = { ...cfg.cluster, minSize: 2, maxSize: 4, desiredCapacity: 2 };
  cfg.services = Array.from({ length: n }, (_, i) => ({
    name: `svc-${pad(i)}`,
    image: `111122223333.dkr.ecr.eu-west-2.amazonaws.com/svc-${pad(i)}:1.0.0`,
    containerPort: 8080,
    hostPort: 10000 + i,
  }));
  cfg.routes = Array.from({ length: n }, (_, i) => ({
    path: `/svc-${pad(i)}/{proxy+}`,
    methods: ["ANY" as const],
    service: `svc-${pad(i)}`,
  }));
  cfg.quotas = { restApiResources: Math.max(300, 2 * n) };
  return cfg;
}

const t0 = performance.now();
if (flags.includes("--root-import")) {
  // Typed by hand so that tsc never loads the root's ~2,100 declaration files.
  const aws = requireFromRoot("@cdktf/provider-aws") as { readonly lb: { readonly Lb: unknown } };
  if (typeof aws.lb.Lb !== "function") throw new Error("lb.Lb is not a class");
}
const t1 = performance.now();
lib("source-maps-off"); // as main.ts does first
const { loadConfigFromEnv, parseConfig } = lib("config/load") as Load;
const { synthesize } = lib("synth") as Synth;
const t2 = performance.now();
const config = routes === undefined ? loadConfigFromEnv({}) : parseConfig(generatedConfig(routes)); // {}: the embedded default
const t3 = performance.now();
synthesize(config, outdir);
const t4 = performance.now();

const { user, system } = process.cpuUsage();
const tf = requireFromRoot(join(resolve(outdir), "stacks", config.name, "cdk.tf.json")) as {
  resource: Record<string, Record<string, { load_balancer_type?: string }>>;
};
emit({
  rootImportMs: t1 - t0,
  importMs: t2 - t1,
  configMs: t3 - t2,
  synthMs: t4 - t3,
  totalMs: t4 - t0,
  cpuMs: (user + system) / 1000,
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
  providerModules: Object.keys(require.cache).filter((id) => id.includes("/@cdktf/provider-aws/")).length,
  resources: Object.values(tf.resource).reduce((n, byId) => n + Object.keys(byId).length, 0),
  nlbs: Object.values(tf.resource.aws_lb ?? {}).filter((lb) => lb.load_balancer_type === "network").length,
});
