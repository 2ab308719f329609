/**
 * Configs of a given size for the benchmark: `routes` services on consecutive host ports from
 * 10000, one `/svc-NNN/{proxy+}` route each (two REST resources per route). Past 50 services the
 * ports spread over several NLBs; the REST resource quota is raised to what the routes need, as a
 * team with that many services would have asked AWS to do.
 */
import { DEFAULT_CONFIG } from "../../lib/config/default-config";
import type { PrivateApiConfigInput } from "../../lib/config/schema";

export function generatedConfig(routes: number): PrivateApiConfigInput {
  const pad = (i: number) => String(i + 1).padStart(3, "0");
  const cfg = structuredClone<PrivateApiConfigInput>(DEFAULT_CONFIG);
  cfg.name = `bench-${routes}`;
  cfg.cluster = { ...cfg.cluster, minSize: 2, maxSize: 4, desiredCapacity: 2 };
  cfg.services = Array.from({ length: routes }, (_, i) => ({
    name: `svc-${pad(i)}`,
    image: `111122223333.dkr.ecr.eu-west-2.amazonaws.com/svc-${pad(i)}:1.0.0`,
    containerPort: 8080,
    hostPort: 10000 + i,
  }));
  cfg.routes = Array.from({ length: routes }, (_, i) => ({
    path: `/svc-${pad(i)}/{proxy+}`,
    methods: ["ANY" as const],
    service: `svc-${pad(i)}`,
  }));
  cfg.quotas = { restApiResources: Math.max(300, 2 * routes) };
  return cfg;
}
