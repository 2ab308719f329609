import { HTTP_ACCESS_LOG_FORMAT, REST_ACCESS_LOG_FORMAT } from "../../lib/constructs/access-log-format";

describe.each([
  ["REST", REST_ACCESS_LOG_FORMAT],
  ["HTTP", HTTP_ACCESS_LOG_FORMAT],
])("the %s API access-log format", (_api, format) => {
  // WHEN
  const fields = JSON.parse(format) as Record<string, unknown>;

  test("is one JSON object whose every value is a $context variable, as a string", () => {
    // THEN
    expect(Object.values(fields).length).toBeGreaterThan(0);
    for (const value of Object.values(fields)) expect(value).toMatch(/^\$context\.[A-Za-z]+(\.[A-Za-z]+)*$/);
  });

  test("keeps the keys log queries rely on", () => {
    // THEN
    expect(Object.keys(fields)).toEqual(
      expect.arrayContaining(["requestId", "ip", "requestTime", "httpMethod", "status", "protocol", "responseLength", "authorizerError"]),
    );
    expect(fields.requestId).toBe("$context.requestId");
    expect(fields.status).toBe("$context.status");
  });
});

test("each API logs what only its context has: resource path and caller on REST, route key on HTTP", () => {
  // WHEN
  const rest = JSON.parse(REST_ACCESS_LOG_FORMAT) as Record<string, unknown>;
  const http = JSON.parse(HTTP_ACCESS_LOG_FORMAT) as Record<string, unknown>;
  // THEN
  expect(rest).toMatchObject({ resourcePath: "$context.resourcePath", caller: "$context.identity.caller" });
  expect(rest).not.toHaveProperty("routeKey");
  expect(http).toMatchObject({ routeKey: "$context.routeKey", integrationError: "$context.integrationErrorMessage" });
  expect(http).not.toHaveProperty("resourcePath");
});
