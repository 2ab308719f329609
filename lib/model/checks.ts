/**
 * The topology phase of validation: what only the planned topology shows. Load balancers, VPC
 * links, target groups, API resources, routes and integrations are counted in the topology (after
 * NLB placement), and security group rules per group after merging. Each problem is a
 * `field: message` line, as the config phases give, and names the quota and its AWS default.
 */
import { parseRoutePath, type PathSegment } from "../core/paths";
import type { PrivateApiConfig } from "../config/schema";
import { describeGroup, rulesPerGroup } from "./connections";
import { MAX_HTTP_API_INTEGRATIONS, MAX_LISTENERS_PER_NLB } from "../core/limits";
import { portKey } from "./ids";
import type { Topology } from "./topology";

export function topologyProblems(cfg: PrivateApiConfig, topology: Topology): string[] {
  return [...loadBalancerProblems(cfg, topology), ...apiProblems(cfg, topology), ...ruleProblems(cfg, topology)];
}

/** NLBs (each with a REST VPC link) and target groups. */
function loadBalancerProblems(cfg: PrivateApiConfig, topology: Topology): string[] {
  const problems: string[] = [];
  const q = cfg.quotas;
  const ports = topology.placement.nlbs.reduce((n, onNlb) => n + onNlb.length, 0);
  const count = topology.nlbs.length;
  const fewest = Math.max(1, Math.ceil(ports / MAX_LISTENERS_PER_NLB));
  // Either the ports need that many NLBs, or the recorded placement (the ledger) spreads them so.
  const byPorts = count <= fewest;
  const line = (quotaField: string, quota: string, awsDefault: number, each: string) =>
    byPorts
      ? `services: ${ports} NLB listener ports need ${count} Network Load Balancers (at most ${MAX_LISTENERS_PER_NLB} listeners each)${each}, over the quota "${quota}" of ${q[quotaField as keyof typeof q]} (AWS default ${awsDefault}; raise it with AWS, then set quotas.${quotaField})`
      : `quotas.${quotaField}: the ports need ${count} NLBs as the NLB shard ledger places them${each}, over the quota "${quota}" of ${q[quotaField as keyof typeof q]} (AWS default ${awsDefault})`;
  if (cfg.api.type === "rest" && count > q.vpcLinks) {
    problems.push(line("vpcLinks", "REST API VPC links per account per Region", 20, ", each with its own VPC link"));
  }
  if (count > q.networkLoadBalancers) {
    problems.push(line("networkLoadBalancers", "Network Load Balancers per Region", 50, ""));
  }
  const targetGroups =
    topology.nlbs.reduce((n, nlb) => n + nlb.servicePorts.length, 0) + (topology.alb?.services.length ?? 0) + (topology.bridge ? 1 : 0);
  if (targetGroups > q.targetGroups) {
    problems.push(
      `services: the stack needs ${targetGroups} target groups, over the quota "Target groups per Region" of ${q.targetGroups} (AWS default 3000; raise it with AWS, then set quotas.targetGroups)`,
    );
  }
  return problems;
}

/** REST API resources, or HTTP API routes and integrations. */
function apiProblems(cfg: PrivateApiConfig, topology: Topology): string[] {
  const problems: string[] = [];
  const q = cfg.quotas;
  const routes = topology.api.routes;
  if (topology.api.kind === "rest") {
    const parsed = routes.map((r) => parseRoutePath(r.path)).filter((p): p is PathSegment[] => typeof p !== "string");
    const resources = new Set(
      parsed.flatMap((segments) =>
        segments.map((_, i) =>
          segments
            .slice(0, i + 1)
            .map((s) => s.part)
            .join("/"),
        ),
      ),
    );
    if (resources.size > q.restApiResources) {
      problems.push(
        `routes: the routes need ${resources.size} REST API resources (one per path segment), over the quota "Resources per API" of ${q.restApiResources} (AWS default 300; raise it with AWS, then set quotas.restApiResources)`,
      );
    }
    return problems;
  }
  const methods = routes.reduce((n, r) => n + r.methods.length, 0);
  if (methods > q.httpApiRoutes) {
    problems.push(
      `routes: the routes need ${methods} HTTP API routes (one per path and method), over the quota "Routes per API" of ${q.httpApiRoutes} (AWS default 300; raise it with AWS, then set quotas.httpApiRoutes)`,
    );
  }
  // One integration per NLB listener that routes reach (a service's port), one for the ALB listener.
  const integrations = new Set(routes.map((r) => (r.target.kind === "alb" ? "(alb)" : portKey(r.target))));
  if (integrations.size > MAX_HTTP_API_INTEGRATIONS) {
    problems.push(
      `routes: the routes need ${integrations.size} HTTP API integrations (one per NLB service port, one for the ALB), over the quota "Integrations per API" of ${MAX_HTTP_API_INTEGRATIONS}, which AWS does not raise`,
    );
  }
  return problems;
}

/** Security group rules per group and direction, after adjacent ports are merged. */
function ruleProblems(cfg: PrivateApiConfig, topology: Topology): string[] {
  const quota = cfg.quotas.securityGroupRules;
  return rulesPerGroup(topology.securityGroupRules)
    .filter(({ count }) => count > quota)
    .map(
      ({ group, direction, count }) =>
        `quotas.securityGroupRules: ${describeGroup(group, direction)} needs ${count} rules even with adjacent ports merged, over the quota "Inbound or outbound rules per security group" of ${quota} (AWS default 60; use adjacent host ports, or raise the quota with AWS and set quotas.securityGroupRules)`,
    );
}
