/**
 * The topology phase of validation: what only the planned topology shows. Quotas that count
 * load balancers and VPC links after placement, and security group rules per group after merging.
 * Each problem is a `field: message` line, as the config phases give.
 */
import type { PrivateApiConfig } from "../config/schema";
import { ledgerProblems } from "../config/shards";
import { describeGroup, rulesPerGroup } from "./connections";
import type { Topology } from "./topology";

export function topologyProblems(cfg: PrivateApiConfig, topology: Topology): string[] {
  const problems = ledgerProblems(cfg, topology.placement);
  const quota = cfg.quotas.securityGroupRules;
  for (const { group, direction, count } of rulesPerGroup(topology.securityGroupRules)) {
    if (count > quota) {
      problems.push(
        `quotas.securityGroupRules: ${describeGroup(group, direction)} needs ${count} rules even with adjacent ports merged, over the quota "Inbound or outbound rules per security group" of ${quota} (AWS default 60; use adjacent host ports, or raise the quota with AWS and set quotas.securityGroupRules)`,
      );
    }
  }
  return problems;
}
