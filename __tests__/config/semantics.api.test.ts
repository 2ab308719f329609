import { parseConfig } from "../../lib/config/load";
import { configErrorOf, exampleConfig } from "../helpers/fixtures";

const rest = () => exampleConfig("rest-front-door");
type Input = ReturnType<typeof rest>;

/** The REST example's api section, which it has, with the optional parts it sets. */
const api = (c: Input) => c.api!;
/** One of the example's authorizers, of the kind the example gives it. */
function authorizer<T extends "lambda" | "cognito">(c: Input, name: string, type: T) {
  const a = api(c).authorizers![name];
  if (a.type !== type) throw new Error(`authorizer "${name}" of the example is not ${type}`);
  return a as Extract<typeof a, { type: T }>;
}

const errorOf = (cfg: unknown): string => configErrorOf(() => parseConfig(cfg));

test("the REST example is valid and every route defaults to AWS_IAM unless it says otherwise", () => {
  const cfg = parseConfig(rest());
  expect(cfg.routes[3].authorization).toBe("AWS_IAM");
  expect(cfg.api.accessLogs).toEqual({ enabled: true, retentionDays: 180 });
});

test.each<[string, (c: Input) => void, RegExp]>([
  [
    "an authorizer that does not exist",
    (c) => (c.routes[0].authorization = { authorizer: "vendors" }),
    /routes\[0\]\.authorization\.authorizer: unknown authorizer "vendors"; authorizers are "partners", "staff"/,
  ],
  [
    "an API key on a NONE route",
    (c) => (c.routes[4].apiKeyRequired = true),
    /routes\[4\]\.apiKeyRequired: route \/status requires an API key but has authorization NONE/,
  ],
  [
    "an API key with no usage plan",
    (c) => delete api(c).usagePlans,
    /routes\[0\]\.apiKeyRequired: route \/quotes requires an API key, but no usage plan hands out a key/,
  ],
  [
    "a domain without a certificate",
    (c) => delete (api(c).customDomain as { certificateArn?: string }).certificateArn,
    /api\.customDomain\.certificateArn: is required/,
  ],
  [
    "a JWT authorizer on a REST API",
    (c) => (api(c).authorizers!.jwt = { type: "jwt", issuer: "https://id.example.com", audience: ["api"] }),
    /api\.authorizers\.jwt\.type: authorizer "jwt": JWT authorizers exist on HTTP APIs only/,
  ],
  [
    "scopes on a Lambda authorizer",
    (c) => (c.routes[0].authorization = { authorizer: "partners", scopes: ["a"] }),
    /routes\[0\]\.authorization\.scopes: scopes apply to Cognito and JWT authorizers/,
  ],
  [
    "a usage plan naming an unknown key",
    (c) => api(c).usagePlans![0].keys!.push("initech"),
    /api\.usagePlans\[0\]\.keys\[2\]: usage plan "standard" names API key "initech", which api\.apiKeys does not define/,
  ],
  [
    "a method throttle for no route",
    (c) => (api(c).usagePlans![0].methodThrottles![0].method = "DELETE"),
    /api\.usagePlans\[0\]\.methodThrottles\[0\]: usage plan "standard" throttles DELETE \/quotes, which no route defines/,
  ],
  [
    "a cached REQUEST authorizer without identity source",
    (c) => (authorizer(c, "partners", "lambda").kind = "REQUEST"),
    /api\.authorizers\.partners\.identitySource: authorizer "partners": a cached REQUEST authorizer needs an identitySource/,
  ],
  [
    "REST-only options on an HTTP API",
    (c) => (api(c).type = "http"),
    /api\.executionLogLevel: api\.executionLogLevel applies to REST APIs only, and api\.type is "http"/,
  ],
  [
    "a Cognito authorizer on an HTTP API",
    (c) => (api(c).type = "http"),
    /api\.authorizers\.staff\.type: authorizer "staff": Cognito authorizers exist on REST APIs only/,
  ],
  ["API keys on an HTTP API route", (c) => (api(c).type = "http"), /routes\[0\]\.apiKeyRequired: API keys exist on REST APIs only/],
  [
    "a malformed domain name",
    (c) => (api(c).customDomain!.domainName = "Partners.Example.com"),
    /api\.customDomain\.domainName: must be a lower-case DNS name .* \(got "Partners\.Example\.com"\)/,
  ],
  // Found by the config fuzzer (__tests__/fuzz): the lookup found Object.prototype's members, so
  // the config passed and the synth crashed in PrivateRestApi.
  [
    "an authorizer named like a member of every object",
    (c) => (c.routes[0].authorization = { authorizer: "constructor" }),
    /routes\[0\]\.authorization\.authorizer: unknown authorizer "constructor"; authorizers are "partners", "staff"/,
  ],
  [
    "an authorizer named toString",
    (c) => (c.routes[1].authorization = { authorizer: "toString" }),
    /routes\[1\]\.authorization\.authorizer: unknown authorizer "toString"/,
  ],
  // Found by the config fuzzer: the second plan-key resource had the same construct id, and the synth crashed.
  [
    "a usage plan listing a key twice",
    (c) => api(c).usagePlans![0].keys!.push("acme"),
    /api\.usagePlans\[0\]\.keys\[2\]: usage plan "standard" lists API key "acme" twice/,
  ],
  [
    "two usage plans with one name",
    (c) => api(c).usagePlans!.push({ name: "standard", keys: [] }),
    /api\.usagePlans\[1\]\.name: usage plan "standard" is listed twice \(also api\.usagePlans\[0\]\)/,
  ],
  [
    "usage plans and keys whose hyphenated names give one resource",
    (c) => {
      api(c).apiKeys!.push({ name: "globex-acme" });
      api(c).usagePlans!.push({ name: "standard-globex", keys: ["acme"] }, { name: "standard", keys: ["globex-acme"] });
    },
    /api\.usagePlans\[2\]\.keys\[0\]: usage plan "standard" with API key "globex-acme" and usage plan "standard-globex" with API key "acme" both give the resource name "standard-globex-acme"/,
  ],
  // Found by the config fuzzer's Terraform check: only the ARN's prefix was checked, and
  // `terraform plan` then refused the Lambda permission ("invalid value for function_name").
  [
    "a Lambda authorizer ARN without region, account and function",
    (c) => (authorizer(c, "partners", "lambda").functionArn = "arn:aws:lambda:partner-token-authorizer"),
    /api\.authorizers\.partners\.functionArn: must be an ARN such as arn:aws:lambda:eu-west-2:123456789012:function:authorize \(got "arn:aws:lambda:partner-token-authorizer"\)/,
  ],
  [
    "a Lambda authorizer ARN whose region is not shaped like AWS's",
    (c) => (authorizer(c, "partners", "lambda").functionArn = "arn:aws:lambda:eu-west-north-south-1:567890123456:function:authorize"),
    /api\.authorizers\.partners\.functionArn: must be an ARN such as /,
  ],
  [
    "a Cognito user pool ARN without userpool/",
    (c) => (authorizer(c, "staff", "cognito").userPoolArns = ["arn:aws:cognito-idp:eu-west-1:567890123456:eu-west-1_AbCdEf123"]),
    /api\.authorizers\.staff\.userPoolArns\[0\]: must be an ARN such as arn:aws:cognito-idp:/,
  ],
  [
    "an alarm topic ARN with a space",
    (c) => (api(c).alarms!.snsTopicArn = "arn:aws:sns:eu-west-1:567890123456:partner api"),
    /api\.alarms\.snsTopicArn: must be an ARN such as arn:aws:sns:eu-west-2:123456789012:oncall \(got "arn:aws:sns:eu-west-1:567890123456:partner api"\)/,
  ],
  [
    "a domain certificate ARN of a key",
    (c) => (api(c).customDomain!.certificateArn = "arn:aws:acm:eu-west-1:567890123456:key/0a1b2c3d"),
    /api\.customDomain\.certificateArn: must be an ARN such as arn:aws:acm:/,
  ],
])("%s is refused with the field and value", (_what, mutate, expected) => {
  const cfg = rest();
  mutate(cfg);
  expect(errorOf(cfg)).toMatch(expected);
});

test("ARNs in other partitions, with a version qualifier, or of a FIFO topic are accepted", () => {
  const cfg = rest();
  authorizer(cfg, "partners", "lambda").functionArn = "arn:aws-cn:lambda:cn-north-1:123456789012:function:authorize:$LATEST";
  api(cfg).alarms!.snsTopicArn = "arn:aws-us-gov:sns:us-gov-west-1:123456789012:oncall.fifo";
  expect(() => parseConfig(cfg)).not.toThrow();
});
