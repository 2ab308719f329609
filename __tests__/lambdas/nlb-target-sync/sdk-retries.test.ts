/**
 * What the SDK's own retries do for nlb-target-sync. faults.test.ts mocks the clients above their middleware, so a
 * fault there is what is left once the SDK has given up; here real clients, configured as the handlers configure them
 * (lambdas/shared/aws-clients.ts), send real requests to a fake HTTP layer that answers as EC2, ELBv2 and SSM do.
 */
import { Readable } from "node:stream";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { SSMClient } from "@aws-sdk/client-ssm";
import { syncTargets, type SyncClients } from "../../../lambdas/nlb-target-sync/sync";
import { AWS_CLIENT_CONFIG } from "../../../lambdas/shared/aws-clients";
import { ALB_ENI_DESCRIPTION, albIps, CONFIG, TARGET_PORT } from "./helpers";

type Operation =
  | "DescribeNetworkInterfaces"
  | "DescribeTargetHealth"
  | "RegisterTargets"
  | "DeregisterTargets"
  | "GetParameter"
  | "PutParameter";

/** What one attempt meets: an answer, an AWS error, or a timeout after AWS applied the request (the reply lost). */
type Outcome = "ok" | "throttle" | "denied" | "timeoutAfterApply";

interface HttpRequestLike {
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

/** EC2, ELBv2 and SSM at the HTTP level: a target group, a parameter, the ALB's IPs, and a script of outcomes. */
class FakeAwsHttp {
  readonly attempts: Operation[] = [];
  readonly targets = new Set<string>();
  parameter = { value: '{"missing":{}}', version: 1 };
  alb: string[] = [];
  private readonly script = new Map<Operation, Outcome[]>();

  /** The next attempts at `operation` meet these outcomes, in order; later ones succeed. */
  on(operation: Operation, ...outcomes: Outcome[]): this {
    this.script.set(operation, outcomes);
    return this;
  }

  count(operation: Operation): number {
    return this.attempts.filter((a) => a === operation).length;
  }

  /** The SDK's HttpHandler entry point: whatever respond throws becomes a rejected promise, as from a real handler. */
  handle(request: HttpRequestLike): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Readable } }> {
    return new Promise((resolve) => resolve(this.respond(request)));
  }

  private respond(request: HttpRequestLike): { response: { statusCode: number; headers: Record<string, string>; body: Readable } } {
    const body = typeof request.body === "string" ? request.body : Buffer.from((request.body as Uint8Array | undefined) ?? []).toString();
    const target = request.headers["x-amz-target"];
    const form = new URLSearchParams(body);
    const operation = (target ? target.replace("AmazonSSM.", "") : form.get("Action")) as Operation;
    this.attempts.push(operation);
    const outcome = this.script.get(operation)?.shift() ?? "ok";
    if (outcome === "throttle" || outcome === "denied") return this.error(operation, outcome);
    const answer = this.apply(operation, form, body);
    if (outcome === "timeoutAfterApply") {
      throw Object.assign(new Error("@smithy/node-http-handler - a request has exceeded the configured 10000 ms requestTimeout."), {
        name: "TimeoutError",
      });
    }
    return answer;
  }

  private apply(operation: Operation, form: URLSearchParams, body: string) {
    const ids = [...form].filter(([k]) => /^Targets\.member\.\d+\.Id$/.test(k)).map(([, v]) => v);
    switch (operation) {
      case "DescribeNetworkInterfaces":
        return xml(
          "DescribeNetworkInterfacesResponse",
          `<networkInterfaceSet>${this.alb
            .map(
              (ip) =>
                `<item><description>${ALB_ENI_DESCRIPTION}</description><status>in-use</status><privateIpAddress>${ip}</privateIpAddress>` +
                `<privateIpAddressesSet><item><privateIpAddress>${ip}</privateIpAddress><primary>true</primary></item></privateIpAddressesSet></item>`,
            )
            .join("")}</networkInterfaceSet>`,
        );
      case "DescribeTargetHealth":
        return xml(
          "DescribeTargetHealthResponse",
          `<DescribeTargetHealthResult><TargetHealthDescriptions>${[...this.targets]
            .map(
              (ip) =>
                `<member><Target><Id>${ip}</Id><Port>${TARGET_PORT}</Port></Target><TargetHealth><State>healthy</State></TargetHealth></member>`,
            )
            .join("")}</TargetHealthDescriptions></DescribeTargetHealthResult>`,
        );
      case "RegisterTargets":
        ids.forEach((ip) => this.targets.add(ip));
        return xml("RegisterTargetsResponse", "<RegisterTargetsResult/>");
      case "DeregisterTargets":
        ids.forEach((ip) => this.targets.delete(ip));
        return xml("DeregisterTargetsResponse", "<DeregisterTargetsResult/>");
      case "GetParameter":
        return json(200, { Parameter: { Name: CONFIG.stateParameterName, Type: "String", ...this.parameterOut() } });
      case "PutParameter":
        this.parameter = { value: (JSON.parse(body) as { Value: string }).Value, version: this.parameter.version + 1 };
        return json(200, { Version: this.parameter.version, Tier: "Standard" });
    }
  }

  private parameterOut() {
    return { Value: this.parameter.value, Version: this.parameter.version };
  }

  private error(operation: Operation, outcome: "throttle" | "denied") {
    const message = outcome === "throttle" ? "Rate exceeded" : `User is not authorized to perform: ${operation}`;
    if (operation === "GetParameter" || operation === "PutParameter") {
      return json(400, { __type: outcome === "throttle" ? "ThrottlingException" : "AccessDeniedException", message });
    }
    if (operation === "DescribeNetworkInterfaces") {
      const code = outcome === "throttle" ? "RequestLimitExceeded" : "UnauthorizedOperation";
      return response(
        outcome === "throttle" ? 503 : 403,
        "text/xml",
        `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>r</RequestID></Response>`,
      );
    }
    const code = outcome === "throttle" ? "Throttling" : "AccessDenied";
    return response(
      outcome === "throttle" ? 400 : 403,
      "text/xml",
      `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
    );
  }
}

function response(statusCode: number, contentType: string, text: string) {
  return { response: { statusCode, headers: { "content-type": contentType }, body: Readable.from([Buffer.from(text)]) } };
}

function xml(root: string, inner: string) {
  return response(200, "text/xml", `<${root}>${inner}<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${root}>`);
}

function json(statusCode: number, value: unknown) {
  return response(statusCode, "application/x-amz-json-1.1", JSON.stringify(value));
}

/** The handlers' clients, as configured in Lambda, sending to `http`. */
function clients(http: FakeAwsHttp): SyncClients {
  const config = {
    ...AWS_CLIENT_CONFIG,
    region: "eu-west-2",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    requestHandler: http,
  };
  return { ec2: new EC2Client(config), elb: new ElasticLoadBalancingV2Client(config), ssm: new SSMClient(config) };
}

const [A, B, C] = albIps(3);

beforeEach(() => {
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  jest.spyOn(console, "warn").mockImplementation(() => undefined);
  // The backoff before a retry is random × base × 2^attempt; a random of 0 makes it 0, so that tests do not wait.
  jest.spyOn(Math, "random").mockReturnValue(0);
});
afterEach(() => jest.restoreAllMocks());

describe("the SDK clients the handlers create", () => {
  test("retry in standard mode, 3 attempts in all, and time out after 3 s connecting or 10 s per request", async () => {
    // GIVEN
    const client = new ElasticLoadBalancingV2Client({ ...AWS_CLIENT_CONFIG, region: "eu-west-2" });
    // THEN
    expect(await client.config.maxAttempts()).toBe(3);
    expect(client.config.retryMode).toBe("standard");
    expect(await client.config.retryStrategy()).toMatchObject({ mode: "standard" });
    // NodeHttpHandler resolves its settings once, into configProvider.
    const handler = client.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> };
    expect(await handler.configProvider).toEqual(
      expect.objectContaining({ connectionTimeout: 3000, requestTimeout: 10000, throwOnRequestTimeout: true }),
    );
  });

  test("AWS_MAX_ATTEMPTS in the environment does not change them", async () => {
    const saved = process.env.AWS_MAX_ATTEMPTS;
    process.env.AWS_MAX_ATTEMPTS = "10";
    try {
      expect(await new SSMClient({ ...AWS_CLIENT_CONFIG, region: "eu-west-2" }).config.maxAttempts()).toBe(3);
    } finally {
      if (saved === undefined) delete process.env.AWS_MAX_ATTEMPTS;
      else process.env.AWS_MAX_ATTEMPTS = saved;
    }
  });
});

describe("retries within one run", () => {
  test("RegisterTargets throttled twice, then answered: the run succeeds on the third attempt", async () => {
    // GIVEN
    const http = new FakeAwsHttp().on("RegisterTargets", "throttle", "throttle");
    http.alb = [A, B];
    http.targets.add(A);
    // WHEN
    const summary = await syncTargets(clients(http), CONFIG);
    // THEN
    expect(summary.registered).toEqual([B]);
    expect(http.count("RegisterTargets")).toBe(3);
    expect([...http.targets].sort()).toEqual([A, B]);
  });

  test("RegisterTargets throttled three times: the retries run out and the run fails, nothing deregistered or stored", async () => {
    // GIVEN B is due for deregistration
    const http = new FakeAwsHttp().on("RegisterTargets", "throttle", "throttle", "throttle");
    http.alb = [A, C];
    http.targets.add(A).add(B);
    http.parameter.value = JSON.stringify({ missing: { [B]: CONFIG.antiFlapRuns - 1 } });
    // WHEN
    const run = syncTargets(clients(http), CONFIG);
    // THEN
    await expect(run).rejects.toThrow(
      /^nlb-target-sync: RegisterTargets failed: Throttling: Rate exceeded \(.*nothing was deregistered\)$/,
    );
    expect(http.count("RegisterTargets")).toBe(3);
    expect(http.attempts).not.toContain("DeregisterTargets");
    expect(http.attempts).not.toContain("PutParameter");
  });

  test("AccessDenied is not retried", async () => {
    const http = new FakeAwsHttp().on("RegisterTargets", "denied");
    http.alb = [A];
    await expect(syncTargets(clients(http), CONFIG)).rejects.toThrow(/RegisterTargets failed: AccessDenied: User is not authorized/);
    expect(http.count("RegisterTargets")).toBe(1);
  });

  test("EC2's RequestLimitExceeded on DescribeNetworkInterfaces is retried", async () => {
    const http = new FakeAwsHttp().on("DescribeNetworkInterfaces", "throttle", "throttle");
    http.alb = [A];
    await syncTargets(clients(http), CONFIG);
    expect(http.count("DescribeNetworkInterfaces")).toBe(3);
    expect([...http.targets]).toEqual([A]);
  });

  test("SSM's ThrottlingException on GetParameter, three times: new IPs are registered, nothing else, and the run fails", async () => {
    const http = new FakeAwsHttp().on("GetParameter", "throttle", "throttle", "throttle");
    http.alb = [A, C];
    http.targets.add(A).add(B);
    await expect(syncTargets(clients(http), CONFIG)).rejects.toThrow(
      /^nlb-target-sync: GetParameter failed: ThrottlingException: Rate exceeded/,
    );
    expect(http.count("GetParameter")).toBe(3);
    expect([...http.targets].sort()).toEqual([A, B, C]);
  });

  test("a PutParameter that times out after SSM stored it is retried and stored twice: seen as a conflict, never an early deregistration", async () => {
    // GIVEN B has been missing once; the write of the next run's counts times out after SSM applied it
    const http = new FakeAwsHttp().on("PutParameter", "timeoutAfterApply");
    http.alb = [A];
    http.targets.add(A).add(B);
    http.parameter.value = JSON.stringify({ missing: { [B]: 1 } });
    // WHEN
    const run = syncTargets(clients(http), CONFIG);
    // THEN the retry makes version 3 where the run expected 2, and the run says so
    await expect(run).rejects.toThrow(
      /PutParameter failed: StateWriteConflict: the write made version 3, not 2: .*applied twice by a retry/,
    );
    expect(http.count("PutParameter")).toBe(2);
    // ... the next run does not trust the counts (B: 2), so B is not deregistered on the next run, but three runs later
    const next = [];
    for (let n = 0; n < 3; n++) next.push((await syncTargets(clients(http), CONFIG)).deregistered);
    expect(next).toEqual([[], [], [B]]);
  });
});
