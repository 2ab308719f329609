import { DEFAULT_METRIC_NAMESPACE, loadConfig } from "../../../lambdas/nlb-target-sync/config";
import { ALB_ENI_DESCRIPTION, CONFIG, ENV, STATE_PARAMETER_NAME, TARGET_GROUP_ARN } from "./helpers";

describe("loadConfig", () => {
  test("reads the required variables and applies the defaults", () => {
    // WHEN
    const config = loadConfig(ENV);
    // THEN
    expect(config).toEqual({
      targetGroupArn: TARGET_GROUP_ARN,
      albEniDescription: ALB_ENI_DESCRIPTION,
      targetPort: 80,
      stateParameterName: STATE_PARAMETER_NAME,
      antiFlapRuns: 3,
      metricNamespace: DEFAULT_METRIC_NAMESPACE,
    });
    expect(config).toEqual(CONFIG);
    expect(DEFAULT_METRIC_NAMESPACE).toBe("PrivateEcsApi/AlbBridge");
  });

  test("reads the optional variables", () => {
    // WHEN
    const config = loadConfig({ ...ENV, ANTI_FLAP_RUNS: "5", METRIC_NAMESPACE: "Team/Bridge" });
    // THEN
    expect(config.antiFlapRuns).toBe(5);
    expect(config.metricNamespace).toBe("Team/Bridge");
  });

  test("accepts target groups in other partitions", () => {
    const arn = "arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:123456789012:targetgroup/tg/0123456789abcdef";
    expect(loadConfig({ ...ENV, TARGET_GROUP_ARN: arn }).targetGroupArn).toBe(arn);
  });

  test.each(["TARGET_GROUP_ARN", "ALB_ENI_DESCRIPTION", "TARGET_PORT", "STATE_PARAMETER_NAME"])("requires %s", (name) => {
    // GIVEN
    const env: Record<string, string | undefined> = { ...ENV, [name]: undefined };
    // THEN
    expect(() => loadConfig(env)).toThrow(new RegExp(`^nlb-target-sync: environment variable ${name} is required`));
    expect(() => loadConfig({ ...ENV, [name]: " " })).toThrow(new RegExp(`environment variable ${name} is required`));
  });

  test.each([
    [
      "TARGET_GROUP_ARN",
      "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/net/nlb/0123456789abcdef",
      /TARGET_GROUP_ARN must be a target group ARN/,
    ],
    ["ALB_ENI_DESCRIPTION", "private-api", /ALB_ENI_DESCRIPTION must be "ELB " followed by the ALB's ARN suffix.*got "private-api"/],
    ["ALB_ENI_DESCRIPTION", "ELB net/private-api/0123456789abcdef", /ALB_ENI_DESCRIPTION must be/],
    ["TARGET_PORT", "http", /TARGET_PORT must be an integer from 1 to 65535, got "http"/],
    ["TARGET_PORT", "0", /TARGET_PORT must be an integer from 1 to 65535/],
    ["TARGET_PORT", "65536", /TARGET_PORT must be an integer from 1 to 65535/],
    ["TARGET_PORT", "80.5", /TARGET_PORT must be an integer/],
    ["ANTI_FLAP_RUNS", "0", /ANTI_FLAP_RUNS must be an integer from 1 to 1440, got "0"/],
    ["ANTI_FLAP_RUNS", "three", /ANTI_FLAP_RUNS must be an integer/],
    ["METRIC_NAMESPACE", "AWS/NetworkELB", /METRIC_NAMESPACE must not start with "AWS\/".*got "AWS\/NetworkELB"/],
    ["METRIC_NAMESPACE", "aws/Custom", /METRIC_NAMESPACE must not start with "AWS\/"/],
    ["METRIC_NAMESPACE", "x".repeat(256), /METRIC_NAMESPACE must be at most 255 characters/],
  ])("rejects %s=%p", (name, value, message) => {
    expect(() => loadConfig({ ...ENV, [name]: value })).toThrow(message);
  });
});
