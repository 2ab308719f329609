import { createHash } from "node:crypto";
import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Annotations, Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { integrationPath, parseRoutePath, pathId, type PathSegment } from "../core/paths";
import { methodConstructId, methodIdPart, shardSuffix } from "../model/ids";
import { restAccessLogGroupName, restVpcLinkName } from "../model/names";
import { REST_ACCESS_LOG_FORMAT } from "./access-log-format";
import {
  DEFAULT_ACCESS_LOG_RETENTION_DAYS,
  DEFAULT_AUTHORIZER_RESULT_TTL_SECONDS,
  DEFAULT_CACHE_SIZE_GB,
  DEFAULT_CACHE_TTL_SECONDS,
  DEFAULT_EXECUTION_LOG_LEVEL,
  DEFAULT_LAMBDA_AUTHORIZER_KIND,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_REST_IDENTITY_SOURCE,
  DEFAULT_ROUTE_AUTHORIZATION,
  DEFAULT_STAGE_NAME,
} from "../core/defaults";
import type { InternalNetworkLoadBalancer } from "./internal-network-load-balancer";
import { allowAuthorizerInvoke, lambdaAuthorizerUri } from "./lambda-authorizer";
import { RestApiWebAcl } from "./rest-api-web-acl";
import { RestVpcLink } from "./rest-vpc-link";
import type {
  AccessLogOptions,
  Authorization,
  Authorizer,
  HttpMethod,
  LogGroupOptions,
  ThrottleSettings,
  WebAclOptions,
} from "../core/types";

/** One API path and its methods, sent to one NLB port. */
export interface RestApiRoute {
  /** API path: `/orders`, `/orders/{id}`, `/orders/{proxy+}`. */
  readonly path: string;
  readonly methods: readonly HttpMethod[];
  /** NLB listener port of the service behind the route (the bridge port for services behind the ALB). */
  readonly port: number;
  /**
   * Which of `loadBalancers` has that port; the method integrates through that NLB's VPC link.
   * @default 0
   */
  readonly nlb?: number;
  /**
   * `https` when the port leads to an HTTPS listener (the ALB with a certificate, through the bridge).
   * @default "http"
   */
  readonly protocol?: "http" | "https";
  /**
   * `AWS_IAM` requires SigV4-signed callers; `{ authorizer }` names one of `authorizers`; `NONE`
   * leaves the methods open and is reported as a warning at synth time.
   * @default "AWS_IAM"
   */
  readonly authorization?: Authorization;
  /**
   * Callers must send an API key that a usage plan hands out.
   * @default false
   */
  readonly apiKeyRequired?: boolean;
}

/** A stage cache, used by GET methods. */
export interface StageCacheOptions {
  /**
   * Size of the cache cluster, GB.
   * @default "0.5"
   */
  readonly sizeGb?: string;
  /**
   * Seconds an answer is kept.
   * @default 300
   */
  readonly ttlSeconds?: number;
}

export interface PrivateRestApiProps {
  /** Name of the REST API and of the first VPC link. */
  readonly name: string;
  /**
   * The internal NLBs, by number (a number may be missing). Each gets its own VPC link, since a
   * REST API VPC link targets exactly one NLB; integration URIs use the NLB's DNS name. Number 0
   * keeps the unsharded addresses and names.
   */
  readonly loadBalancers: ReadonlyMap<number, InternalNetworkLoadBalancer>;
  readonly routes: readonly RestApiRoute[];
  /**
   * Name of the stage the deployment is published to.
   * @default "v1"
   */
  readonly stageName?: string;
  /**
   * @default - "Private ECS services behind <name>"
   */
  readonly description?: string;
  /** Region, for authorizer URIs. */
  readonly region: string;
  /**
   * Cognito and Lambda authorizers that routes refer to by name.
   * @default - none
   */
  readonly authorizers?: Readonly<Record<string, Authorizer>>;
  /**
   * Stage-wide default throttling.
   * @default - the account's limits
   */
  readonly throttling?: ThrottleSettings;
  /**
   * JSON access logs (REST_ACCESS_LOG_FORMAT) to the log group `/aws/apigateway/<name>/access`.
   * @default - no access logs
   */
  readonly accessLogs?: AccessLogOptions;
  /**
   * Execution logging of every method (never with request and response bodies). Unless OFF, the
   * stack manages the log group API Gateway writes them to, `API-Gateway-Execution-Logs_<api id>/<stage>`,
   * so that it has a retention and, with `logs.kmsKeyArn`, a KMS key.
   * @default "ERROR"
   */
  readonly executionLogLevel?: "OFF" | "ERROR" | "INFO";
  /** @default false */
  readonly detailedMetrics?: boolean;
  /** @default false */
  readonly tracing?: boolean;
  /**
   * A stage cache, used by GET methods.
   * @default - no cache
   */
  readonly cache?: StageCacheOptions;
  /**
   * What must exist before the stage may log (the account's CloudWatch role).
   * @default - nothing
   */
  readonly loggingDependsOn?: readonly ITerraformDependable[];
  /**
   * The AWS WAF web ACL of the stage: one of its own (`create`), an existing one by ARN, or none
   * (reported as a warning at synth time).
   * @default - { mode: "create" }: see RestApiWebAcl
   */
  readonly webAcl?: WebAclOptions;
  /**
   * The KMS key of every log group the API creates (access logs, execution logs, the web ACL's),
   * and the retention of those without their own setting (execution logs, the web ACL's).
   * @default - CloudWatch Logs' own encryption; 30 days
   */
  readonly logs?: LogGroupOptions;
}

/**
 * A regional REST API whose only way in to the VPC is a VPC Link to the internal NLB. Every route
 * method gets an HTTP_PROXY integration to `http://<nlb dns>:<port>/<path>` over the VPC Link,
 * with path parameters (greedy ones too) passed through. The deployment is replaced whenever a
 * route or an integration changes, and the stage moves to the new one. The stage has an AWS WAF
 * web ACL (RestApiWebAcl, child `WebAcl`) unless `webAcl` says `none`, and logs errors of every
 * method to a log group the construct manages (`ExecutionLogs`).
 *
 * Alarms and a custom domain are not part of it: addStageAlarms and addStageCustomDomain
 * (./api-stage-addons.ts) add them to a REST and an HTTP API the same way.
 */
export class PrivateRestApi extends Construct {
  /** Which kind of API this is. */
  public readonly apiType = "rest" as const;
  /** Id of the REST API. */
  public readonly restApiId: string;
  /** Id of the VPC link to the first NLB. */
  public readonly vpcLinkId: string;
  /** Ids of the VPC links, by NLB number. */
  public readonly vpcLinkIds: ReadonlyMap<number, string>;
  /** URL of the stage, for example https://abc123.execute-api.eu-west-2.amazonaws.com/v1. */
  public readonly invokeUrl: string;
  /** ARN prefix for IAM policies that allow calling this API: arn:...:execute-api:region:account:id/stage. */
  public readonly stageExecutionArn: string;
  /** Name of the REST API (the ApiName dimension of its metrics). */
  public readonly restApiName: string;
  /** Name of the stage. */
  public readonly stageName: string;
  /** ARN of the stage (what AWS WAF associates a web ACL with). */
  public readonly stageArn: string;
  /** The stage's web ACL, unless `webAcl` is `none`. */
  public readonly webAcl?: RestApiWebAcl;

  constructor(scope: Construct, id: string, props: PrivateRestApiProps) {
    super(scope, id);
    const api = new ApiGatewayRestApi(this, "Resource", {
      name: props.name,
      description: props.description ?? `Private ECS services behind ${props.name}`,
      endpointConfiguration: { types: ["REGIONAL"] },
    });
    this.restApiId = api.id;
    this.restApiName = props.name;

    const authorizers = new Map<string, { id: string; type: "COGNITO_USER_POOLS" | "CUSTOM" }>();
    for (const [name, config] of Object.entries(props.authorizers ?? {})) {
      if (config.type === "jwt") throw new Error(`PrivateRestApi: authorizer "${name}" is a JWT authorizer, which only HTTP APIs have`);
      const authorizer =
        config.type === "cognito"
          ? new ApiGatewayAuthorizer(this, `Authorizer-${name}`, {
              restApiId: api.id,
              name,
              type: "COGNITO_USER_POOLS",
              providerArns: [...config.userPoolArns],
              identitySource: config.identitySource ?? DEFAULT_REST_IDENTITY_SOURCE,
            })
          : new ApiGatewayAuthorizer(this, `Authorizer-${name}`, {
              restApiId: api.id,
              name,
              type: config.kind ?? DEFAULT_LAMBDA_AUTHORIZER_KIND,
              authorizerUri: lambdaAuthorizerUri(props.region, config.functionArn),
              identitySource: config.identitySource ?? DEFAULT_REST_IDENTITY_SOURCE,
              authorizerResultTtlInSeconds: config.resultTtlSeconds ?? DEFAULT_AUTHORIZER_RESULT_TTL_SECONDS,
            });
      if (config.type === "lambda") {
        allowAuthorizerInvoke(this, `AuthorizerInvoke-${name}`, {
          statementId: `AllowApiGateway-${props.name}-${name}`,
          functionArn: config.functionArn,
          apiExecutionArn: api.executionArn,
          authorizerId: authorizer.id,
        });
      }
      authorizers.set(name, { id: authorizer.id, type: config.type === "cognito" ? "COGNITO_USER_POOLS" : "CUSTOM" });
    }

    // Each link's resource sits directly under this construct (see RestVpcLink): `VpcLink` for NLB
    // 0, `VpcLink-<n + 1>` for NLB n.
    const vpcLinks = new Map<number, RestVpcLink>();
    for (const [index, nlb] of [...props.loadBalancers].sort(([a], [b]) => a - b)) {
      vpcLinks.set(
        index,
        new RestVpcLink(this, `VpcLink${shardSuffix(index)}`, {
          vpcLinkName: restVpcLinkName(props.name, index),
          description:
            index === 0 ? `API Gateway to the internal NLB of ${props.name}` : `API Gateway to internal NLB ${index + 1} of ${props.name}`,
          loadBalancer: nlb,
        }),
      );
    }
    const first = vpcLinks.values().next().value;
    if (!first) throw new Error("PrivateRestApi: loadBalancers is empty; a REST API needs at least one NLB");
    this.vpcLinkId = first.vpcLinkId;
    this.vpcLinkIds = new Map([...vpcLinks].map(([i, link]) => [i, link.vpcLinkId]));

    const resources = new Map<string, string>([["", api.rootResourceId]]);
    const resourceFor = (segments: readonly PathSegment[]): string => {
      let parentKey = "";
      for (let i = 0; i < segments.length; i++) {
        const key = `${parentKey}/${segments[i].part}`;
        if (!resources.has(key)) {
          const resource = new ApiGatewayResource(this, `Resource-${pathId(segments.slice(0, i + 1))}`, {
            restApiId: api.id,
            parentId: resources.get(parentKey) as string,
            pathPart: segments[i].part,
          });
          resources.set(key, resource.id);
        }
        parentKey = key;
      }
      return resources.get(parentKey) as string;
    };

    const redeployOn: unknown[] = [];
    for (const route of props.routes) {
      const segments = parseRoutePath(route.path);
      if (typeof segments === "string") throw new Error(`PrivateRestApi: route path "${route.path}" ${segments}`);
      const resourceId = resourceFor(segments);
      const parameters = segments.flatMap((s) => (s.parameter ? [s.parameter] : []));
      const authorization = route.authorization ?? DEFAULT_ROUTE_AUTHORIZATION;
      const authorizer = typeof authorization === "object" ? authorizers.get(authorization.authorizer) : undefined;
      if (typeof authorization === "object" && !authorizer) {
        throw new Error(`PrivateRestApi: route ${route.path} names authorizer "${authorization.authorizer}", which is not defined`);
      }
      for (const method of route.methods) {
        const id = methodIdPart(pathId(segments), method);
        const apiMethod = new ApiGatewayMethod(this, methodConstructId("rest", pathId(segments), method), {
          restApiId: api.id,
          resourceId,
          httpMethod: method,
          authorization: authorizer ? authorizer.type : (authorization as "AWS_IAM" | "NONE"),
          authorizerId: authorizer?.id,
          authorizationScopes: typeof authorization === "object" && authorization.scopes ? [...authorization.scopes] : undefined,
          apiKeyRequired: route.apiKeyRequired ?? false,
          requestParameters: Object.fromEntries(parameters.map((p) => [`method.request.path.${p}`, true])),
        });
        if (authorization === "NONE") {
          Annotations.of(apiMethod).addWarning(
            `${method} ${route.path} has authorization NONE: anyone on the internet can call it. This was chosen explicitly in the config.`,
          );
        }
        const https = route.protocol === "https";
        const nlb = props.loadBalancers.get(route.nlb ?? 0);
        const vpcLink = vpcLinks.get(route.nlb ?? 0);
        if (!nlb || !vpcLink)
          throw new Error(`PrivateRestApi: route ${route.path} names NLB ${route.nlb ?? 0}, which is not in loadBalancers`);
        const uri = `${https ? "https" : "http"}://${nlb.loadBalancerDnsName}:${route.port}${integrationPath(segments)}`;
        const integration = new ApiGatewayIntegration(this, `Integration-${id}`, {
          restApiId: api.id,
          resourceId,
          httpMethod: apiMethod.httpMethod,
          type: "HTTP_PROXY",
          integrationHttpMethod: method,
          uri,
          connectionType: "VPC_LINK",
          connectionId: vpcLink.vpcLinkId,
          requestParameters: Object.fromEntries(parameters.map((p) => [`integration.request.path.${p}`, `method.request.path.${p}`])),
          timeoutMilliseconds: 29000,
          // The ALB's certificate names your domain, not the NLB's DNS name the URI has to use, so
          // the name cannot be verified; the traffic stays inside AWS's network, encrypted.
          tlsConfig: https ? { insecureSkipVerification: true } : undefined,
        });
        redeployOn.push(apiMethod.id, integration.id, integration.uri);
      }
    }

    const deployment = new ApiGatewayDeployment(this, "Deployment", {
      restApiId: api.id,
      description: "Managed by CDKTF; replaced whenever a route changes",
      triggers: {
        // Known at synth time: any change to paths, methods, ports or authorization.
        routes: createHash("sha256").update(JSON.stringify(props.routes)).digest("hex"),
        // Known at apply time: a replaced method or integration, or a new NLB DNS name.
        integrations: Fn.sha1(Fn.jsonencode(redeployOn)),
      },
      lifecycle: { createBeforeDestroy: true },
    });
    const accessLogGroup = props.accessLogs
      ? new CloudwatchLogGroup(this, "AccessLogs", {
          name: restAccessLogGroupName(props.name),
          retentionInDays: props.accessLogs.retentionDays ?? DEFAULT_ACCESS_LOG_RETENTION_DAYS,
          kmsKeyId: props.logs?.kmsKeyArn,
        })
      : undefined;
    const stageName = props.stageName ?? DEFAULT_STAGE_NAME;
    const executionLogLevel = props.executionLogLevel ?? DEFAULT_EXECUTION_LOG_LEVEL;
    // The group API Gateway would otherwise create on the first logged request, kept forever and
    // without the KMS key. A stage that logged before this group was managed already has it: adopt
    // it (docs/front-door.md, "Execution logs").
    const executionLogGroup =
      executionLogLevel === "OFF"
        ? undefined
        : new CloudwatchLogGroup(this, "ExecutionLogs", {
            name: `API-Gateway-Execution-Logs_${api.id}/${stageName}`,
            retentionInDays: props.logs?.retentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
            kmsKeyId: props.logs?.kmsKeyArn,
          });
    const stage = new ApiGatewayStage(this, "Stage", {
      restApiId: api.id,
      stageName,
      deploymentId: deployment.id,
      xrayTracingEnabled: props.tracing ?? false,
      cacheClusterEnabled: props.cache !== undefined,
      cacheClusterSize: props.cache ? (props.cache.sizeGb ?? DEFAULT_CACHE_SIZE_GB) : undefined,
      accessLogSettings: accessLogGroup ? { destinationArn: accessLogGroup.arn, format: REST_ACCESS_LOG_FORMAT } : undefined,
      dependsOn: [...(props.loggingDependsOn ?? [])],
    });
    new ApiGatewayMethodSettings(this, "StageSettings", {
      restApiId: api.id,
      stageName: stage.stageName,
      methodPath: "*/*",
      settings: {
        throttlingRateLimit: props.throttling?.rateLimit,
        throttlingBurstLimit: props.throttling?.burstLimit,
        loggingLevel: executionLogLevel,
        // Full request and response bodies in the execution log could hold secrets.
        dataTraceEnabled: false,
        metricsEnabled: props.detailedMetrics ?? false,
        cachingEnabled: props.cache !== undefined,
        cacheTtlInSeconds: props.cache ? (props.cache.ttlSeconds ?? DEFAULT_CACHE_TTL_SECONDS) : undefined,
        cacheDataEncrypted: props.cache !== undefined ? true : undefined,
      },
      dependsOn: [...(props.loggingDependsOn ?? []), ...(executionLogGroup ? [executionLogGroup] : [])],
    });
    // The stage's own attribute, so that mappings, usage plans and alarms wait for the stage.
    this.stageName = stage.stageName;
    this.invokeUrl = stage.invokeUrl;
    this.stageExecutionArn = stage.executionArn;
    this.stageArn = stage.arn;

    const webAcl = props.webAcl ?? { mode: "create" };
    if (webAcl.mode === "none") {
      Annotations.of(stage).addWarning(
        `Stage ${stageName} of the REST API ${props.name} has no AWS WAF web ACL ("webAcl": {"mode": "none"}): requests reach the authorizers and the services unfiltered, with no rate limit per client IP. This was chosen explicitly in the config.`,
      );
    } else {
      this.webAcl = new RestApiWebAcl(this, "WebAcl", { name: props.name, stageArn: stage.arn, webAcl, logs: props.logs });
    }
  }
}
