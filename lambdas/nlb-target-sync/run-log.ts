/** What one run did, as logged. */
export interface RunSummary {
  readonly targetGroupArn: string;
  /** Number of ALB IPs discovered. */
  readonly found: number;
  /** IPs newly registered this run. */
  readonly registered: readonly string[];
  /** IPs deregistered this run. */
  readonly deregistered: readonly string[];
  /** Registered IPs missing from the ALB, not yet for long enough to be deregistered. */
  readonly pending: readonly string[];
  /** True when no ALB IP was found, so nothing was changed. */
  readonly safetyStop: boolean;
}

/** The metrics each run publishes, all with unit Count. */
export const METRIC_NAMES = ["AlbIpsFound", "TargetsRegistered", "TargetsDeregistered", "TargetsPending"] as const;

/**
 * The target group's ARN suffix, `targetgroup/<name>/<id>`: the value of the `TargetGroup` dimension of the
 * AWS/NetworkELB metrics, so the two can be graphed side by side. The whole ARN if it has no such suffix.
 */
export function targetGroupDimension(targetGroupArn: string): string {
  const at = targetGroupArn.indexOf(":targetgroup/");
  return at === -1 ? targetGroupArn : targetGroupArn.slice(at + 1);
}

/**
 * The run's one log line: the summary under stable keys, plus a CloudWatch embedded metric format (EMF) block from
 * which CloudWatch Logs extracts the metrics, with no PutMetricData call and no extra permission.
 */
export function runLogLine(summary: RunSummary, namespace: string, timestamp: number): string {
  const values: Record<(typeof METRIC_NAMES)[number], number> = {
    AlbIpsFound: summary.found,
    TargetsRegistered: summary.registered.length,
    TargetsDeregistered: summary.deregistered.length,
    TargetsPending: summary.pending.length,
  };
  return JSON.stringify({
    action: "nlb-target-sync",
    targetGroupArn: summary.targetGroupArn,
    found: summary.found,
    registered: summary.registered,
    deregistered: summary.deregistered,
    pending: summary.pending,
    safetyStop: summary.safetyStop,
    TargetGroup: targetGroupDimension(summary.targetGroupArn),
    ...values,
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [["TargetGroup"]],
          Metrics: METRIC_NAMES.map((name) => ({ Name: name, Unit: "Count" })),
        },
      ],
    },
  });
}
