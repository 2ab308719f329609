/**
 * The REST front door as the stack wires it, on examples/rest-front-door.json: authorizers, API
 * keys and usage plans, stage settings and logs, alarms and the custom domain.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REST_ACCESS_LOG_FORMAT } from "../../lib/constructs/access-log-format";
import { apiKeyVariableName, throttlePath } from "../../lib/constructs/rest-api-usage-plans";
import { resourcesOf, synthToTemp } from "../helpers/synth";
import { objectContaining, stringMatching } from "../helpers/expect";

/** The parts of the example these tests compare the stack with. */
interface Example {
  readonly api: {
    readonly authorizers: { readonly partners: { readonly functionArn: string } };
    readonly alarms: { readonly snsTopicArn: string };
    readonly customDomain: { readonly certificateArn: string };
  };
}
const example = JSON.parse(readFileSync(join(__dirname, "..", "..", "examples", "rest-front-door.json"), "utf8")) as Example;
const { json } = synthToTemp(example);
const only = (type: string) => {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return all[0];
};
const methods = resourcesOf(json, "aws_api_gateway_method").map(([, m]) => m);

test("Cognito and Lambda authorizers, and methods that use them", () => {
  const authorizers = resourcesOf(json, "aws_api_gateway_authorizer").map(([id, a]) => [id, a] as const);
  const cognito = authorizers.find(([, a]) => a.type === "COGNITO_USER_POOLS");
  const lambda = authorizers.find(([, a]) => a.type === "TOKEN");
  expect(cognito?.[1]).toMatchObject({ name: "staff", identity_source: "method.request.header.Authorization" });
  expect(lambda?.[1]).toMatchObject({
    name: "partners",
    authorizer_result_ttl_in_seconds: 300,
    authorizer_uri:
      "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:567890123456:function:partner-token-authorizer/invocations",
  });
  expect(methods.filter((m) => m.authorization === "COGNITO_USER_POOLS")).toEqual([
    objectContaining({
      authorizer_id: `\${aws_api_gateway_authorizer.${cognito?.[0]}.id}`,
      authorization_scopes: ["policies/read"],
    }),
    objectContaining({
      authorizer_id: `\${aws_api_gateway_authorizer.${cognito?.[0]}.id}`,
      authorization_scopes: ["policies/read"],
    }),
  ]);
  expect(methods.filter((m) => m.authorization === "CUSTOM")).toHaveLength(2);
  // API Gateway may invoke the Lambda authorizer, and only through that authorizer.
  const [, permission] = only("aws_lambda_permission");
  expect(permission).toMatchObject({ principal: "apigateway.amazonaws.com", function_name: example.api.authorizers.partners.functionArn });
  expect(String(permission.source_arn)).toContain(`/authorizers/\${aws_api_gateway_authorizer.${lambda?.[0]}.id}`);
});

test("routes without an authorizer stay AWS_IAM, and only the opted-out one is NONE", () => {
  expect(methods.filter((m) => m.authorization === "AWS_IAM")).toHaveLength(1);
  expect(methods.filter((m) => m.authorization === "NONE")).toHaveLength(1);
  expect(methods.filter((m) => m.api_key_required === true)).toHaveLength(2);
});

test("API keys: one generated, one from a sensitive variable; a usage plan with quota and per-method throttling", () => {
  const keys = resourcesOf(json, "aws_api_gateway_api_key").map(([, k]) => k);
  expect(keys.map((k) => k.name).sort()).toEqual(["partner-api-acme", "partner-api-globex"]);
  expect(keys.find((k) => k.name === "partner-api-acme")?.value).toBeUndefined();
  expect(keys.find((k) => k.name === "partner-api-globex")?.value).toBe(`\${var.${apiKeyVariableName("globex")}}`);
  expect(json.variable?.[apiKeyVariableName("globex")]).toMatchObject({ sensitive: true, type: "string" });
  const [, plan] = only("aws_api_gateway_usage_plan");
  expect(plan).toMatchObject({
    quota_settings: { limit: 100000, period: "MONTH" },
    throttle_settings: { rate_limit: 50, burst_limit: 20 },
    api_stages: [
      objectContaining({
        stage: stringMatching(/^\$\{aws_api_gateway_stage\./),
        throttle: [{ path: throttlePath("/quotes", "POST"), rate_limit: 10, burst_limit: 5 }],
      }),
    ],
  });
  expect(resourcesOf(json, "aws_api_gateway_usage_plan_key")).toHaveLength(2);
  expect(throttlePath("/", "GET")).toBe("//GET");
});

test("stage: throttling, execution logs without bodies, metrics, tracing, cache, JSON access logs after the account role", () => {
  const [, settings] = only("aws_api_gateway_method_settings");
  expect(settings).toMatchObject({
    method_path: "*/*",
    settings: objectContaining({
      throttling_rate_limit: 200,
      throttling_burst_limit: 100,
      logging_level: "ERROR",
      data_trace_enabled: false,
      metrics_enabled: true,
      caching_enabled: true,
      cache_ttl_in_seconds: 60,
      cache_data_encrypted: true,
    }),
  });
  const [, stage] = only("aws_api_gateway_stage");
  expect(stage).toMatchObject({ xray_tracing_enabled: true, cache_cluster_enabled: true, cache_cluster_size: "0.5" });
  expect(JSON.parse(String((stage.access_log_settings as { format: string }).format))).toEqual(JSON.parse(REST_ACCESS_LOG_FORMAT));
  const [accountId] = only("aws_api_gateway_account");
  expect(stage.depends_on).toContain(`aws_api_gateway_account.${accountId}`);
  const logGroup = resourcesOf(json, "aws_cloudwatch_log_group").find(([, g]) => g.name === "/aws/apigateway/partner-api/access");
  expect(logGroup?.[1].retention_in_days).toBe(180);
});

test("alarms on the 5XX rate and the p99 latency notify the topic", () => {
  const alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm").map(([, a]) => a);
  const topic = [example.api.alarms.snsTopicArn];
  expect(alarms).toContainEqual(
    objectContaining({
      metric_name: "5XXError",
      statistic: "Average",
      threshold: 0.02,
      alarm_actions: topic,
      dimensions: { ApiName: "partner-api", Stage: stringMatching(/stage_name/) },
    }),
  );
  expect(alarms).toContainEqual(
    objectContaining({ metric_name: "Latency", extended_statistic: "p99", threshold: 2000, alarm_actions: topic }),
  );
});

test("a regional custom domain, a base path mapping and an alias record, with the URL as an output", () => {
  expect(only("aws_api_gateway_domain_name")[1]).toMatchObject({
    domain_name: "partners.example.com",
    regional_certificate_arn: example.api.customDomain.certificateArn,
    endpoint_configuration: { types: ["REGIONAL"] },
    security_policy: "TLS_1_2",
  });
  expect(only("aws_api_gateway_base_path_mapping")[1]).toMatchObject({
    base_path: "v1",
    stage_name: stringMatching(/^\$\{aws_api_gateway_stage\.[^.]+\.stage_name\}$/),
  });
  expect(only("aws_route53_record")[1]).toMatchObject({ zone_id: "Z0123456789ABCDEFGHIJ", type: "A", name: "partners.example.com" });
  expect(json.output?.custom_domain_url.value).toBe("https://partners.example.com/v1");
});

test("a web ACL of the stack's own on the stage, and the execution log group the stack manages", () => {
  const [, acl] = only("aws_wafv2_web_acl");
  expect(acl).toMatchObject({ name: "partner-api-api", scope: "REGIONAL" });
  const [, association] = only("aws_wafv2_web_acl_association");
  const [stageId] = only("aws_api_gateway_stage");
  expect(association.resource_arn).toBe(`\${aws_api_gateway_stage.${stageId}.arn}`);
  const [restApiId] = only("aws_api_gateway_rest_api");
  const names = resourcesOf(json, "aws_cloudwatch_log_group").map(([, g]) => g.name);
  expect(names).toEqual(
    expect.arrayContaining([`API-Gateway-Execution-Logs_\${aws_api_gateway_rest_api.${restApiId}.id}/prod`, "aws-waf-logs-partner-api"]),
  );
});
