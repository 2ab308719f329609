/** A security group rule for a port range from one source (`group` names the source). */
export interface PortRule {
  /** Part of the Terraform address: a service name, or `Ports-<from>-<to>` for a merged range. */
  readonly id: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly group: string;
}

/**
 * Rules for ports that several sources reach. While one rule per entry fits in `quota`, the
 * entries are returned as they are, so their addresses never change. Past it, adjacent and
 * overlapping ranges from the same source merge into one rule each, named by its range: 200
 * services on consecutive ports behind four NLBs become four rules. A merged range admits no port
 * that no entry asked for. Rules whose range changes get a new address, so the resources that hold
 * them should be create-before-destroy: the wider rule exists before the narrower ones go. The
 * caller compares the result's length with the quota.
 */
export function coalescePortRules(entries: readonly PortRule[], quota: number): PortRule[] {
  if (entries.length <= quota) return [...entries];
  const byGroup = new Map<string, PortRule[]>();
  for (const e of entries) byGroup.set(e.group, [...(byGroup.get(e.group) ?? []), e]);
  const merged: PortRule[] = [];
  for (const [group, rules] of byGroup) {
    const sorted = [...rules].sort((a, b) => a.fromPort - b.fromPort || a.toPort - b.toPort);
    let run = [sorted[0]];
    let to = sorted[0].toPort;
    // A run of one keeps its entry's id, so no two addresses ever hold the same permission (AWS
    // rejects a duplicate) and a lone port's rule survives the switch to merged rules.
    const flush = () =>
      merged.push(run.length === 1 ? run[0] : { id: `Ports-${run[0].fromPort}-${to}`, fromPort: run[0].fromPort, toPort: to, group });
    for (const r of sorted.slice(1)) {
      if (r.fromPort <= to + 1) {
        run.push(r);
        to = Math.max(to, r.toPort);
      } else {
        flush();
        run = [r];
        to = r.toPort;
      }
    }
    flush();
  }
  return merged;
}
