import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../../lib/config/default-config";
import { ConfigError } from "../../lib/config/load";
import type { PrivateApiConfigInput } from "../../lib/config/schema";
import type { NlbShardLedger } from "../../lib/model/shards";
import { recordedLedger } from "../../lib/entry/ledger-file";

/** The repository root. */
export const ROOT = join(__dirname, "..", "..");

/** The NLB shard ledger committed next to one of allConfigs()' entries (`examples/<file>`); none for the embedded default. */
export function ledgerOf(name: string): NlbShardLedger | undefined {
  return name.startsWith("examples/") ? recordedLedger(join(ROOT, name)) : undefined;
}

/** A deep copy of the embedded default, to change one thing at a time. */
export function defaultConfig(): PrivateApiConfigInput & Record<string, unknown> {
  return structuredClone(DEFAULT_CONFIG);
}

/** A config whose services all have the single-port form. */
export type OnePortConfigInput = Omit<PrivateApiConfigInput, "services"> & {
  services: (PrivateApiConfigInput["services"][number] & { hostPort: number })[];
};

/** A config with `count` services on consecutive host ports from 10000, one route each. */
export function configWithServices(count: number): OnePortConfigInput {
  const cfg = defaultConfig();
  const services = Array.from({ length: count }, (_, i) => ({
    name: `svc-${i}`,
    image: `123456789012.dkr.ecr.eu-west-2.amazonaws.com/svc-${i}:1`,
    containerPort: 8080,
    hostPort: 10000 + i,
  }));
  const routes = Array.from({ length: count }, (_, i) => ({ path: `/svc-${i}/{proxy+}`, methods: ["ANY" as const], service: `svc-${i}` }));
  return { ...cfg, services, routes };
}

/** An HTTP health check with every field set, as the config fills it in. */
export const HTTP_HEALTH_CHECK = {
  protocol: "HTTP",
  path: "/health",
  matcher: "200-399",
  intervalSeconds: 30,
  healthyThreshold: 3,
  unhealthyThreshold: 3,
} as const;

/** The message of the ConfigError that `fn` throws; fails the test if it throws anything else or nothing. */
export function configErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError, but the config was accepted");
}

/**
 * A fresh parsed copy of examples/<name>.json, to change one thing at a time. Typed as the config
 * input the example is meant to be (parseConfig checks it in the tests that need it), so that a
 * change to a field that does not exist fails to compile rather than testing nothing.
 */
export function exampleConfig(name: string): PrivateApiConfigInput {
  return JSON.parse(readFileSync(join(__dirname, "..", "..", "examples", `${name}.json`), "utf8")) as PrivateApiConfigInput;
}

/** examples/http-api.json without its NLB service: every service behind the ALB. */
export function httpApiBehindAlbOnly(): PrivateApiConfigInput {
  const cfg = exampleConfig("http-api");
  cfg.services = cfg.services.filter((s) => s.via === "alb");
  cfg.routes = cfg.routes.filter((r) => r.service !== "legacy-sync");
  return cfg;
}

/** The embedded default and every examples/*.json, by name, as the tests that cover "every example" read them. */
export function allConfigs(): [string, unknown][] {
  const dir = join(__dirname, "..", "..", "examples");
  return [
    ["embedded default", DEFAULT_CONFIG],
    ...readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f): [string, unknown] => [`examples/${f}`, JSON.parse(readFileSync(join(dir, f), "utf8"))]),
  ];
}
