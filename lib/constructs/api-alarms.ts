import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { alarmName } from "../model/names";
import { DEFAULT_ALARM_EVALUATION_MINUTES, DEFAULT_P99_LATENCY_MS, DEFAULT_SERVER_ERROR_RATE_PERCENT } from "../core/defaults";

/** When the alarms of an API stage fire, and whom they notify. */
export interface ApiAlarmOptions {
  /**
   * Alarm when 5XX responses exceed this share of requests, in percent.
   * @default 5
   */
  readonly serverErrorRatePercent?: number;
  /**
   * Alarm when the p99 latency exceeds this, in milliseconds.
   * @default 3000
   */
  readonly p99LatencyMs?: number;
  /**
   * Minutes the condition must hold.
   * @default 5
   */
  readonly evaluationMinutes?: number;
  /**
   * SNS topic to notify.
   * @default - alarms without actions
   */
  readonly snsTopicArn?: string;
}

export interface ApiAlarmsProps extends ApiAlarmOptions {
  /** Prefix of the alarm names. */
  readonly name: string;
  /**
   * `rest` metrics are keyed by ApiName and Stage and count `5XXError`; `http` ones by ApiId and
   * Stage and count `5xx`.
   */
  readonly apiType: "rest" | "http";
  /** ApiName (REST) or ApiId (HTTP). */
  readonly api: string;
  readonly stageName: string;
}

/** CloudWatch alarms on an API stage: the 5XX error rate and the p99 latency. */
export class ApiAlarms extends Construct {
  /** Names of the alarms. */
  public readonly alarmNames: string[];

  constructor(scope: Construct, id: string, props: ApiAlarmsProps) {
    super(scope, id);
    const serverErrorRatePercent = props.serverErrorRatePercent ?? DEFAULT_SERVER_ERROR_RATE_PERCENT;
    const p99LatencyMs = props.p99LatencyMs ?? DEFAULT_P99_LATENCY_MS;
    const dimensions: Record<string, string> = { [props.apiType === "rest" ? "ApiName" : "ApiId"]: props.api, Stage: props.stageName };
    const actions = props.snsTopicArn ? [props.snsTopicArn] : undefined;
    const common = {
      namespace: "AWS/ApiGateway",
      dimensions,
      period: 60,
      evaluationPeriods: props.evaluationMinutes ?? DEFAULT_ALARM_EVALUATION_MINUTES,
      comparisonOperator: "GreaterThanThreshold",
      // No traffic is not an error.
      treatMissingData: "notBreaching",
      alarmActions: actions,
      okActions: actions,
    };
    const errors = new CloudwatchMetricAlarm(this, "ServerErrorRate", {
      ...common,
      alarmName: alarmName(props.name, "api-5xx-rate"),
      alarmDescription: `More than ${serverErrorRatePercent}% of ${props.name} API requests end in a 5XX error`,
      metricName: props.apiType === "rest" ? "5XXError" : "5xx",
      // The metric is 1 for a 5XX response and 0 otherwise, so its average is the error rate.
      statistic: "Average",
      threshold: serverErrorRatePercent / 100,
    });
    const latency = new CloudwatchMetricAlarm(this, "P99Latency", {
      ...common,
      alarmName: alarmName(props.name, "api-p99-latency"),
      alarmDescription: `The ${props.name} API's p99 latency is above ${p99LatencyMs} ms`,
      metricName: "Latency",
      extendedStatistic: "p99",
      threshold: p99LatencyMs,
    });
    this.alarmNames = [errors.alarmName, latency.alarmName];
  }
}
