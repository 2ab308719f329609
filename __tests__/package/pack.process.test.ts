/**
 * The package as a team with its own CDKTF app gets it. Spawns child processes (npm pack, an
 * offline npm install, tsc, node), so it belongs with the slow, Terraform-side tests.
 *
 * `npm pack` (whose prepack builds dist/) writes the tarball to a temp dir; a fresh app there
 * depends on it and on cdktf, constructs and @cdktf/provider-aws at this repo's pins, and installs
 * with `npm install --offline` from the npm cache that this repo's `npm ci` filled. Its
 * package-lock.json is cut from this repo's: exactly the packages the app needs, at the versions
 * the repo locks (a fresh resolution would want packuments, which `npm ci` does not cache). Then
 * the repo's own tsc type-checks and compiles docs/constructs.md's example app against the installed
 * declarations, and node synthesises it: the Lambda handlers are bundled from the installed
 * package. Before any of that, every package the app needs is looked up in the npm cache: one
 * that is missing fails the test (CI=true) or skips it (otherwise), with its name, instead of
 * letting npm try the network. Takes about a minute on 2 cores, most of it `tsc` (build, then app).
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { AlbBridge } from "../../lib/constructs/alb-bridge";
import { InternalApplicationLoadBalancer } from "../../lib/constructs/internal-application-load-balancer";
import { InternalNetworkLoadBalancer } from "../../lib/constructs/internal-network-load-balancer";
import { describeIfAvailable } from "../helpers/ci-gate";

const ROOT = join(__dirname, "..", "..");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
/** The page on using the constructs, and its title: the example app is its first ```ts block. */
const CONSTRUCTS_DOC = join("docs", "constructs.md");
const CONSTRUCTS_TITLE = "# Use the constructs in your own CDKTF app";

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
interface LockEntry extends Omit<PackageJson, "name"> {
  name?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  inBundle?: boolean;
  [flag: string]: unknown;
}

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as PackageJson;
const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };

/** What the consumer app depends on besides the tarball: the peers, and Node's types, at the repo's exact pins. */
const APP_DEPENDENCIES = Object.fromEntries(
  [...Object.keys(pkg.peerDependencies ?? {}), "@types/node"].map((name) => [
    name,
    pkg.devDependencies?.[name] ?? "(not pinned in devDependencies)",
  ]),
);

/** The lock entry `name` resolves to from the package at `from` (a lock key; "" is the root), as Node looks up node_modules. */
function resolveInLock(from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const key = `${base ? `${base}/` : ""}node_modules/${name}`;
    if (lock.packages[key]) return key;
    if (!base) return undefined;
    const i = base.lastIndexOf("/node_modules/");
    base = i === -1 ? "" : base.slice(0, i);
  }
}

/**
 * The part of this repo's lock that an app depending on `roots` (from the root) installs: those
 * packages and everything they depend on, keys and entries as locked. Throws naming a package the
 * lock does not have, or has at another version than `roots` pins.
 */
function lockClosure(roots: Record<string, string>): Record<string, LockEntry> {
  const out: Record<string, LockEntry> = {};
  const problems: string[] = [];
  const queue: [from: string, name: string, optional: boolean, wanted?: string][] = Object.entries(roots).map(([n, v]) => [
    "",
    n,
    false,
    v,
  ]);
  while (queue.length > 0) {
    const [from, name, optional, wanted] = queue.shift()!;
    const key = resolveInLock(from, name);
    if (key === undefined) {
      if (!optional) problems.push(`${name} (needed by ${from || "the app"}) is not in package-lock.json`);
      continue;
    }
    const entry = lock.packages[key];
    if (wanted !== undefined && entry.version !== wanted) problems.push(`${name}@${wanted} is locked at ${entry.version}`);
    if (out[key]) continue;
    out[key] = entry;
    for (const [dep] of Object.entries(entry.dependencies ?? {})) queue.push([key, dep, false]);
    for (const [dep] of Object.entries(entry.optionalDependencies ?? {})) queue.push([key, dep, true]);
    for (const [dep] of Object.entries(entry.peerDependencies ?? {}))
      queue.push([key, dep, entry.peerDependenciesMeta?.[dep]?.optional === true]);
  }
  if (problems.length > 0) throw new Error(`The app's packages cannot come from this repo's lock:\n  ${problems.join("\n  ")}`);
  return out;
}

/** Where npm keeps a tarball with this integrity (cacache content-v2), if it has it. */
function cachedContent(cacheDir: string, integrity: string): boolean {
  return integrity.split(/\s+/).some((sri) => {
    const [algorithm, digest] = [sri.slice(0, sri.indexOf("-")), sri.slice(sri.indexOf("-") + 1)];
    const hex = Buffer.from(digest, "base64").toString("hex");
    return existsSync(join(cacheDir, "_cacache", "content-v2", algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4)));
  });
}

function run(cmd: string, args: string[], cwd: string, what: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  timings.push(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.error) throw new Error(`${what}: ${cmd} did not start: ${result.error.message}`);
  if (result.status !== 0) {
    const hint = /ENOTCACHED/.test(result.stderr)
      ? "\nA package is not in the npm cache (ENOTCACHED); the install is offline on purpose. Run `npm ci` in the repo, online, to fill the cache."
      : "";
    throw new Error(`${what} failed (${cmd} ${args.join(" ")}, exit ${result.status}):\n${result.stdout}\n${result.stderr}${hint}`);
  }
  return result;
}
const timings: string[] = [];

/** Whether npm installs this entry here: esbuild's binaries, for one, come one package per platform. */
function forThisPlatform(entry: LockEntry): boolean {
  const fits = (list: unknown, value: string): boolean => {
    if (!Array.isArray(list) || list.includes(`!${value}`)) return !Array.isArray(list);
    const allowed = list.filter((v) => !String(v).startsWith("!"));
    return allowed.length === 0 || allowed.includes(value);
  };
  return fits(entry.os, process.platform) && fits(entry.cpu, process.arch);
}

/** Which of the app's locked packages the npm cache lacks (name@version), or why the check could not run. */
function missingFromCache(): string[] {
  const cacheDir = spawnSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).stdout?.trim();
  if (!cacheDir) return ["(npm config get cache gave nothing: is npm on PATH?)"];
  let closure: Record<string, LockEntry>;
  try {
    closure = lockClosure({ ...APP_DEPENDENCIES, ...pkg.dependencies });
  } catch (err) {
    return [(err as Error).message];
  }
  return Object.entries(closure)
    .filter(([, e]) => !e.link && !e.inBundle && forThisPlatform(e))
    .filter(([, e]) => e.integrity === undefined || !cachedContent(cacheDir, e.integrity))
    .map(([key, e]) => `${key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length)}@${e.version}`);
}

/** The first ```ts block of the page on using the constructs (docs/constructs.md): the example app. */
function docExample(): string {
  const doc = readFileSync(join(ROOT, CONSTRUCTS_DOC), "utf8");
  const section = doc.slice(doc.indexOf(CONSTRUCTS_TITLE));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (doc.indexOf(CONSTRUCTS_TITLE) === -1 || !block)
    throw new Error(`${CONSTRUCTS_DOC} has no \`\`\`ts block under "${CONSTRUCTS_TITLE}"`);
  return block[1];
}

/** Exported class names of the modules in a lib/ directory: every construct (and stack) there. */
function classesIn(dir: string): string[] {
  return readdirSync(join(ROOT, "lib", dir))
    .filter((f) => f.endsWith(".ts"))
    .flatMap((f) => [...readFileSync(join(ROOT, "lib", dir, f), "utf8").matchAll(/^export class (\w+)/gm)].map((m) => m[1]))
    .sort();
}
const EXPORTED_CLASSES = [...classesIn("constructs"), ...classesIn("stacks")];

/** Type checks that fail unless the declarations are real types, not `any`, and every class is exported. */
const TYPES_TS = `import * as lib from "private-ecs-api";
import { checkedPlan, parseConfig, PrivateApiStack, type InternalNetworkLoadBalancerProps, type PrivateApiConfig } from "private-ecs-api";
import { App } from "cdktf";

export const classes = [${EXPORTED_CLASSES.map((c) => `lib.${c}`).join(", ")}];
// @ts-expect-error ports must be NlbPort[]
export const badProps: InternalNetworkLoadBalancerProps = { name: "x", vpcId: "vpc-1", subnetIds: [], ports: [{ port: "80" }] };
// @ts-expect-error a config's name is a string
export const badConfig: Pick<PrivateApiConfig, "name"> = { name: 1 };

// The whole stack from a config, through the package's config loading and its checked plan.
const config = parseConfig({
  name: "shop",
  region: "eu-west-2",
  network: { type: "existing", vpcId: "vpc-0123456789abcdef0", vpcCidr: "10.0.0.0/16", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] },
  services: [{ name: "cart", image: "123456789012.dkr.ecr.eu-west-2.amazonaws.com/cart:1.0.0", containerPort: 8080, hostPort: 10000 }],
  routes: [{ path: "/cart/{proxy+}", methods: ["ANY"], service: "cart" }],
});
if (require.main === module) {
  const app = new App({ outdir: "config.out" });
  new PrivateApiStack(app, config.name, { plan: checkedPlan(config) });
  app.synth();
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "node16",
    moduleResolution: "node16",
    strict: true,
    skipLibCheck: true,
    types: ["node"],
  },
  files: ["main.ts", "types.ts"],
};

type Json = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, unknown>;
  terraform?: { required_providers: { aws: { version: string } } };
};

interface Consumer {
  readonly app: string;
  readonly packedFiles: string[];
  readonly stackDir: string;
  readonly json: Json;
  readonly configJson: Json;
}

function buildConsumer(tmp: string): Consumer {
  // npm pack from the repo (prepack cleans and builds dist/). Keep npm from reading a parent npm's config.
  const env = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
  const packed = run("npm", ["pack", "--json", "--pack-destination", tmp], ROOT, "npm pack (builds dist/)", env);
  const [info] = JSON.parse(packed.stdout) as [{ filename: string; integrity: string; files: { path: string }[] }];

  const app = join(tmp, "app");
  mkdirSync(app);
  const tarball = `file:../${info.filename}`;
  const dependencies = { ...APP_DEPENDENCIES, [pkg.name]: tarball };
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "consumer-app", version: "0.0.0", private: true, dependencies }, null, 2),
  );
  // Everything locked, the tarball too: a package npm has to place itself makes it fetch its peers' packuments.
  const packages: Record<string, LockEntry> = {
    "": { name: "consumer-app", version: "0.0.0", dependencies },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: tarball,
      integrity: info.integrity,
      dependencies: pkg.dependencies,
      peerDependencies: pkg.peerDependencies,
    },
  };
  for (const [key, entry] of Object.entries(lockClosure({ ...APP_DEPENDENCIES, ...pkg.dependencies }))) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...rest } = entry;
    packages[key] = rest;
  }
  writeFileSync(
    join(app, "package-lock.json"),
    JSON.stringify({ name: "consumer-app", version: "0.0.0", lockfileVersion: 3, requires: true, packages }, null, 2),
  );
  run("npm", ["install", "--offline", "--no-audit", "--no-fund"], app, "npm install --offline", env);

  writeFileSync(join(app, "main.ts"), docExample());
  writeFileSync(join(app, "types.ts"), TYPES_TS);
  writeFileSync(join(app, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
  run(process.execPath, [TSC, "-p", "."], app, "tsc (type-check and compile the app)");
  run(process.execPath, ["main.js"], app, "node main.js (synth)");
  run(process.execPath, ["types.js"], app, "node types.js (PrivateApiStack synth)");

  const stackDir = join(app, "cdktf.out", "stacks", "orders");
  const read = (p: string): Json => JSON.parse(readFileSync(p, "utf8")) as Json;
  return {
    app,
    packedFiles: info.files.map((f) => f.path),
    stackDir,
    json: read(join(stackDir, "cdk.tf.json")),
    configJson: read(join(app, "config.out", "stacks", "shop", "cdk.tf.json")),
  };
}

const missing = missingFromCache();
const describePacked = describeIfAvailable(
  "every package the app installs is in the npm cache",
  missing.length > 0 ? `the npm cache lacks ${missing.join(", ")}; run \`npm ci\` online to fill it` : undefined,
);

describePacked("the packed package in a fresh CDKTF app, installed offline", () => {
  let consumer: Consumer;
  let tmp: string | undefined;
  beforeAll(() => {
    const started = Date.now();
    tmp = mkdtempSync(join(tmpdir(), "private-ecs-api-pack-"));
    consumer = buildConsumer(tmp);
    console.log(`package test setup: ${((Date.now() - started) / 1000).toFixed(1)} s (${timings.join("; ")})`);
  }, 600_000);
  // KEEP_PACK_TMP=1 keeps the temp dir (tarball and app) to look at.
  afterAll(() => {
    if (tmp && !process.env.KEEP_PACK_TMP) rmSync(tmp, { recursive: true, force: true });
  });

  const resources = (json: Json, type: string): Record<string, unknown>[] => Object.values(json.resource[type] ?? {});

  test("the tarball has the build, its declarations, the handlers' sources and the lib/core sources they import, and nothing of the repo's own", () => {
    const files = consumer.packedFiles;
    expect(files).toEqual(expect.arrayContaining(["package.json", "README.md", "dist/index.js", "dist/index.d.ts"]));
    expect(files).toEqual(expect.arrayContaining(["lambdas/nlb-target-sync/handler.ts", "lambdas/alb-ingress-from-nlb/handler.ts"]));
    expect(files).toEqual(expect.arrayContaining(["lib/core/aws-ids.ts"]));
    const unexpected = files.filter(
      (f) =>
        !["package.json", "README.md", "LICENSE"].includes(f) &&
        !/^dist\/.*\.(js|d\.ts)$/.test(f) &&
        !/^lambdas\/.*\.ts$/.test(f) &&
        !/^lib\/core\/[^/]+\.ts$/.test(f),
    );
    expect(unexpected).toEqual([]);
    expect(files.filter((f) => /\.test\.|__tests__|^scripts\//.test(f))).toEqual([]);
    // The Terraform tooling (offline override with dummy credentials) is the tests' and scripts', not the product's.
    expect(files.filter((f) => /^dist\/tooling\/|terraform\.(js|d\.ts)$/.test(f))).toEqual([]);
  });

  test("cdktf, constructs and the provider exist once, the app's copies, so instanceof holds across packages", () => {
    const nested = join(consumer.app, "node_modules", pkg.name, "node_modules");
    for (const peer of Object.keys(pkg.peerDependencies ?? {})) {
      expect(existsSync(join(nested, peer))).toBe(false);
      expect(existsSync(join(consumer.app, "node_modules", peer, "package.json"))).toBe(true);
    }
  });

  test("every construct and PrivateApiStack is exported, with its declarations (tsc passed on the app, @ts-expect-error included)", () => {
    expect(EXPORTED_CLASSES).toEqual(expect.arrayContaining(["AlbBridge", "PrivateRestApi", "RestApiUsagePlans", "PrivateApiStack"]));
    const dts = readFileSync(join(consumer.app, "node_modules", pkg.name, "dist", "index.d.ts"), "utf8");
    expect(dts).toMatch(/^export \{[^}]*\bAlbBridge\b[^}]*\} from "\.\/constructs\/alb-bridge";$/m);
    expect(existsSync(join(consumer.app, "types.js"))).toBe(true);
    const exported = spawnSync(process.execPath, ["-e", `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(pkg.name)}))))`], {
      cwd: consumer.app,
      encoding: "utf8",
    });
    expect(JSON.parse(exported.stdout)).toEqual(expect.arrayContaining(EXPORTED_CLASSES));
  });

  test("the app of docs/constructs.md synthesises: VPC, internal NLB and ALB, ECS cluster and services, REST API over a VPC link", () => {
    const { json } = consumer;
    expect(resources(json, "aws_vpc")).toHaveLength(1);
    expect(resources(json, "aws_subnet")).toHaveLength(2);
    const lbs = resources(json, "aws_lb");
    expect(lbs.map((lb) => [lb.load_balancer_type, lb.internal]).sort()).toEqual([
      ["application", true],
      ["network", true],
    ]);
    expect(resources(json, "aws_lb_listener").map((l) => [l.port, l.protocol])).toEqual(
      expect.arrayContaining([
        [10000, "TCP"],
        [80, "TCP"],
        [80, "HTTP"],
      ]),
    );
    expect(resources(json, "aws_ecs_cluster")).toHaveLength(1);
    expect(
      resources(json, "aws_ecs_service")
        .map((s) => s.name)
        .sort(),
    ).toEqual(["orders", "search"]);
    expect(resources(json, "aws_api_gateway_rest_api")).toHaveLength(1);
    const [link] = resources(json, "aws_api_gateway_vpc_link");
    expect(link.target_arns).toEqual([expect.stringMatching(/^\$\{aws_lb\.\w+\.arn\}$/)]);
    expect(json.output).toHaveProperty("invoke_url");
    expect(json.terraform?.required_providers.aws.version).toBe("5.100.0");
  });

  test("the bridge's Lambda functions are bundled from the installed package, byte for byte as in this repo", () => {
    const functions = resources(consumer.json, "aws_lambda_function");
    expect(functions).toHaveLength(2);
    for (const fn of functions) {
      expect(fn.runtime).toBe("nodejs22.x");
      expect(existsSync(join(consumer.stackDir, String(fn.filename)))).toBe(true);
    }
    expect(resources(consumer.json, "aws_lambda_invocation")).toHaveLength(1);
    // The same handlers bundled here, from lib/constructs and lambdas/ in the repo: the same hashes.
    const app = Testing.app();
    const stack = new TerraformStack(app, "repo");
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const common = { name: "orders", vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0"] };
    const nlb = new InternalNetworkLoadBalancer(stack, "Nlb", { ...common, ports: [] });
    const alb = new InternalApplicationLoadBalancer(stack, "Alb", { ...common, listenerPort: 80, services: [] });
    new AlbBridge(stack, "AlbBridge", { name: "orders", region: "eu-west-2", vpcId: common.vpcId, nlb, alb, mode: "lambda" });
    const inRepo = JSON.parse(Testing.synth(stack)) as Json;
    const hashes = (json: Json) =>
      resources(json, "aws_lambda_function")
        .map((f) => f.source_code_hash)
        .sort();
    expect(hashes(consumer.json)).toEqual(hashes(inRepo));
  });

  test("PrivateApiStack from a parsed config synthesises from the package too", () => {
    const json = consumer.configJson;
    expect(resources(json, "aws_lb")).toEqual([expect.objectContaining({ internal: true, load_balancer_type: "network" })]);
    expect(resources(json, "aws_api_gateway_rest_api")).toHaveLength(1);
    expect(resources(json, "aws_ecs_service")).toHaveLength(1);
    expect(json.terraform?.required_providers.aws.version).toBe("5.100.0");
  });
});
