import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { ApiAlarms, type ApiAlarmsProps } from "../../lib/constructs/api-alarms";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const TOPIC = "arn:aws:sns:eu-west-2:123456789012:oncall";

/** Synthesises the alarms of one API stage. */
function build(props: Partial<ApiAlarmsProps> = {}): { synth: string; json: TerraformJson } {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  new ApiAlarms(stack, "ApiAlarms", { name: "shop", apiType: "rest", api: "shop-api", stageName: "v1", ...props });
  const synth = Testing.synth(stack, true);
  return { synth, json: JSON.parse(synth) as TerraformJson };
}

describe("ApiAlarms", () => {
  test("by default: more than 5 % 5XX responses, or a p99 latency above 3000 ms, for 5 minutes, without actions", () => {
    // WHEN
    const { synth, json } = build();
    // THEN
    expect(resourcesOf(json, "aws_cloudwatch_metric_alarm")).toHaveLength(2);
    const common = {
      namespace: "AWS/ApiGateway",
      dimensions: { ApiName: "shop-api", Stage: "v1" },
      period: 60,
      evaluation_periods: 5,
      comparison_operator: "GreaterThanThreshold",
      treat_missing_data: "notBreaching",
    };
    expect(synth).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      ...common,
      alarm_name: "shop-api-5xx-rate",
      metric_name: "5XXError",
      statistic: "Average",
      threshold: 0.05,
    });
    expect(synth).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      ...common,
      alarm_name: "shop-api-p99-latency",
      metric_name: "Latency",
      extended_statistic: "p99",
      threshold: 3000,
    });
    for (const [, alarm] of resourcesOf(json, "aws_cloudwatch_metric_alarm")) {
      expect(alarm).not.toHaveProperty("alarm_actions");
      expect(alarm).not.toHaveProperty("ok_actions");
    }
  });

  test("an HTTP API's metrics are keyed by ApiId and count 5xx", () => {
    // WHEN
    const { synth } = build({ apiType: "http", api: "a1b2c3d4e5", stageName: "$default" });
    // THEN
    expect(synth).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      metric_name: "5xx",
      dimensions: { ApiId: "a1b2c3d4e5", Stage: "$default" },
    });
    expect(synth).not.toHaveResourceWithProperties(CloudwatchMetricAlarm, { metric_name: "5XXError" });
  });

  test("thresholds, evaluation time and the topic, which hears both the alarm and the recovery", () => {
    // WHEN
    const { json } = build({ serverErrorRatePercent: 2, p99LatencyMs: 1500, evaluationMinutes: 3, snsTopicArn: TOPIC });
    // THEN
    const alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm").map(([, a]) => a);
    expect(alarms.map((a) => a.threshold).sort()).toEqual([0.02, 1500]);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ evaluation_periods: 3, alarm_actions: [TOPIC], ok_actions: [TOPIC] });
    }
  });
});
