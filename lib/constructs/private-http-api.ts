import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Authorizer } from "@cdktf/provider-aws/lib/apigatewayv2-authorizer";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Annotations, DefaultTokenResolver, StringConcat, Tokenization, Token } from "cdktf";
import { Construct } from "constructs";
import { methodConstructId, methodIdPart } from "../model/ids";
import { httpAccessLogGroupName, httpVpcLinkSecurityGroupName } from "../model/names";
import { parseRoutePath, pathId, type PathSegment } from "../core/paths";
import { HTTP_ACCESS_LOG_FORMAT } from "./access-log-format";
import type { Connections } from "./connections";
import {
  DEFAULT_ACCESS_LOG_RETENTION_DAYS,
  DEFAULT_AUTHORIZER_RESULT_TTL_SECONDS,
  DEFAULT_HTTP_IDENTITY_SOURCE,
  DEFAULT_ROUTE_AUTHORIZATION,
  DEFAULT_STAGE_NAME,
} from "../core/defaults";
import { allowAuthorizerInvoke, lambdaAuthorizerUri } from "./lambda-authorizer";
import { moveFromOldId } from "./migrations";
import type {
  AccessLogOptions,
  Authorization,
  Authorizer,
  HttpMethod,
  JwtAuthorizer,
  LambdaAuthorizer,
  ThrottleSettings,
} from "../core/types";
import { VpcLinkV2 } from "./vpc-link-v2";

/** A load balancer listener that routes of the HTTP API are sent to. */
export interface HttpApiIntegrationTarget {
  /**
   * Names the integration (construct id `Integration-<key>`, so part of its Terraform address):
   * what the listener serves, such as the service's name for an NLB listener or `Alb` for the ALB
   * listener. Routes with the same key share one integration and must target the same listener.
   */
  readonly key: string;
  /** ARN of the load balancer listener (ALB or NLB) the private integration targets. */
  readonly listenerArn: string;
  /** The listener speaks HTTPS: set tls_config.server_name_to_verify to `serverName`. */
  readonly https: boolean;
  /**
   * Name on the listener's certificate; required when https.
   * @default - none (plain HTTP listeners only)
   */
  readonly serverName?: string;
}

/** One API path and its methods, sent to one listener. */
export interface HttpApiRoute {
  /** API path: `/orders`, `/orders/{id}`, `/orders/{proxy+}`. */
  readonly path: string;
  readonly methods: readonly HttpMethod[];
  readonly target: HttpApiIntegrationTarget;
  /**
   * `AWS_IAM` requires SigV4-signed callers; `NONE` leaves the route open and is reported as a
   * warning at synth time; `{ authorizer }` names an entry of `authorizers` (JWT or Lambda).
   * @default "AWS_IAM"
   */
  readonly authorization?: Authorization;
}

export interface PrivateHttpApiProps {
  /** Name of the HTTP API and the VPC link, and prefix of the other names. */
  readonly name: string;
  /** Region of the API; Lambda authorizer URIs name it. */
  readonly region: string;
  /** VPC of the load balancers; the VPC link's security group is created in it. */
  readonly vpcId: string;
  /** Private subnets the VPC link's network interfaces are placed in. */
  readonly subnetIds: string[];
  readonly routes: readonly HttpApiRoute[];
  /**
   * JWT and Lambda authorizers that routes refer to by name. Only those two types are valid here
   * (the config validation guarantees it; a Cognito one is a clear Error).
   * @default - none
   */
  readonly authorizers?: Readonly<Record<string, Authorizer>>;
  /**
   * Name of the stage; it deploys every change automatically.
   * @default "v1"
   */
  readonly stageName?: string;
  /**
   * @default - "Private ECS services behind <name>"
   */
  readonly description?: string;
  /**
   * Stage-wide default limits for every route.
   * @default - the account's limits
   */
  readonly throttling?: ThrottleSettings;
  /**
   * JSON access logs of the stage (HTTP_ACCESS_LOG_FORMAT) in the log group `/aws/apigateway/<name>-http`,
   * with its retention and, optionally, a customer-managed KMS key.
   * @default - no access logs
   */
  readonly accessLogs?: AccessLogOptions;
  /**
   * Per-route CloudWatch metrics.
   * @default false
   */
  readonly detailedMetrics?: boolean;
}

/**
 * An HTTP API (API Gateway v2) whose only way in to the VPC is a VPC link v2 to internal load
 * balancer listeners: ALB listeners are reached directly, without an NLB in front. Every route is
 * an HTTP_PROXY integration to its listener, one integration per listener, and the request path
 * is passed through unchanged. The stage deploys every change automatically.
 *
 * The VPC link's security group has no inbound rules, and no outbound rules until they are added
 * through `connections` (as PrivateApiStack adds the rules it plans): one to each load balancer
 * listener, whose group must admit `vpcLinkSecurityGroupId` on the listener port.
 *
 * Alarms and a custom domain are not part of it: addStageAlarms and addStageCustomDomain
 * (./api-stage-addons.ts) add them to a REST and an HTTP API the same way.
 */
export class PrivateHttpApi extends Construct {
  /** Which kind of API this is. */
  public readonly apiType = "http" as const;
  /** Id of the HTTP API. */
  public readonly apiId: string;
  /** Default endpoint of the API, for example https://abc123.execute-api.eu-west-2.amazonaws.com. */
  public readonly apiEndpoint: string;
  /** URL of the stage, for example https://abc123.execute-api.eu-west-2.amazonaws.com/v1. */
  public readonly invokeUrl: string;
  /** Name of the stage, as given. */
  public readonly stageName: string;
  /** Id of the stage (API Gateway's id of an HTTP API stage is its name), for API mappings. */
  public readonly stageId: string;
  /** Id of the VPC link v2. */
  public readonly vpcLinkId: string;
  /** Id of the VPC link's security group; the load balancers' groups admit it. */
  public readonly vpcLinkSecurityGroupId: string;
  /** The VPC link's security group, for rules from it to the load balancers. */
  public readonly connections: Connections;

  constructor(scope: Construct, id: string, props: PrivateHttpApiProps) {
    super(scope, id);
    const routes = checkRoutes(props);
    const authorizerConfigs = checkAuthorizers(props);
    const stageName = props.stageName ?? DEFAULT_STAGE_NAME;
    if (props.subnetIds.length === 0)
      throw new Error(`PrivateHttpApi "${props.name}": subnetIds is empty; the VPC link needs at least one subnet`);
    const targets = integrationTargets(this, props.routes);

    const api = new Apigatewayv2Api(this, "Resource", {
      name: props.name,
      description: props.description ?? `Private ECS services behind ${props.name}`,
      protocolType: "HTTP",
    });
    this.apiId = api.id;
    this.apiEndpoint = api.apiEndpoint;

    // The link and its group sit directly under this construct (see VpcLinkV2): `VpcLink`,
    // `VpcLinkSecurityGroup`, and the group's rules.
    const vpcLink = new VpcLinkV2(this, "VpcLink", {
      vpcLinkName: props.name,
      securityGroupName: httpVpcLinkSecurityGroupName(props.name),
      vpcId: props.vpcId,
      subnetIds: props.subnetIds,
    });
    this.vpcLinkSecurityGroupId = vpcLink.securityGroupId;
    this.connections = vpcLink.connections;
    this.vpcLinkId = vpcLink.vpcLinkId;

    const integrations = new Map<string, Apigatewayv2Integration>();
    for (const [key, target] of targets) {
      const integration = new Apigatewayv2Integration(this, `Integration-${key}`, {
        apiId: api.id,
        integrationType: "HTTP_PROXY",
        integrationMethod: "ANY",
        connectionType: "VPC_LINK",
        connectionId: vpcLink.vpcLinkId,
        integrationUri: target.listenerArn,
        // HTTP_PROXY integrations support only payload format 1.0.
        payloadFormatVersion: "1.0",
        tlsConfig: target.https ? { serverNameToVerify: target.serverName } : undefined,
      });
      // Until 0.x the id was built from the listener's own logical id, so it changed whenever the
      // listener moved (to another NLB, say). The integration moves from that address.
      const legacy = `Integration-${legacyTargetKey(this, target.listenerArn)}`;
      if (legacy !== `Integration-${key}`) moveFromOldId(integration, this, legacy);
      integrations.set(key, integration);
    }

    const authorizers = new Map<string, Apigatewayv2Authorizer>();
    for (const [name, authorizer] of authorizerConfigs) {
      authorizers.set(
        name,
        authorizer.type === "jwt" ? this.jwtAuthorizer(api, name, authorizer) : this.lambdaAuthorizer(api, name, authorizer, props.region),
      );
    }

    for (const { route, segments } of routes) {
      const integration = integrations.get(route.target.key) as Apigatewayv2Integration;
      const auth = route.authorization ?? DEFAULT_ROUTE_AUTHORIZATION;
      const authorization =
        typeof auth === "string"
          ? { authorizationType: auth }
          : {
              authorizationType: authorizerConfigs.get(auth.authorizer)?.type === "jwt" ? "JWT" : "CUSTOM",
              authorizerId: authorizers.get(auth.authorizer)?.id,
              authorizationScopes: auth.scopes && auth.scopes.length > 0 ? [...auth.scopes] : undefined,
            };
      for (const method of route.methods) {
        const apiRoute = new Apigatewayv2Route(this, methodConstructId("http", pathId(segments), method), {
          apiId: api.id,
          routeKey: `${method} ${route.path}`,
          target: `integrations/${integration.id}`,
          ...authorization,
        });
        if (auth === "NONE") {
          Annotations.of(apiRoute).addWarning(
            `${method} ${route.path} has authorization NONE: anyone on the internet can call it. This was chosen explicitly in the config.`,
          );
        }
      }
    }

    const logGroup = props.accessLogs
      ? new CloudwatchLogGroup(this, "AccessLogs", {
          name: httpAccessLogGroupName(props.name),
          retentionInDays: props.accessLogs.retentionDays ?? DEFAULT_ACCESS_LOG_RETENTION_DAYS,
          kmsKeyId: props.accessLogs.kmsKeyArn,
        })
      : undefined;
    const stage = new Apigatewayv2Stage(this, "Stage", {
      apiId: api.id,
      name: stageName,
      autoDeploy: true,
      defaultRouteSettings: {
        throttlingRateLimit: props.throttling?.rateLimit,
        throttlingBurstLimit: props.throttling?.burstLimit,
        detailedMetricsEnabled: props.detailedMetrics ?? false,
      },
      accessLogSettings: logGroup ? { destinationArn: logGroup.arn, format: HTTP_ACCESS_LOG_FORMAT } : undefined,
    });
    this.invokeUrl = stage.invokeUrl;
    this.stageName = stageName;
    this.stageId = stage.id;
  }

  private jwtAuthorizer(api: Apigatewayv2Api, name: string, config: JwtAuthorizer): Apigatewayv2Authorizer {
    return new Apigatewayv2Authorizer(this, `Authorizer-${name}`, {
      apiId: api.id,
      name,
      authorizerType: "JWT",
      identitySources: [config.identitySource ?? DEFAULT_HTTP_IDENTITY_SOURCE],
      jwtConfiguration: { issuer: config.issuer, audience: [...config.audience] },
    });
  }

  private lambdaAuthorizer(api: Apigatewayv2Api, name: string, config: LambdaAuthorizer, region: string): Apigatewayv2Authorizer {
    const authorizer = new Apigatewayv2Authorizer(this, `Authorizer-${name}`, {
      apiId: api.id,
      name,
      authorizerType: "REQUEST",
      authorizerUri: lambdaAuthorizerUri(region, config.functionArn),
      authorizerPayloadFormatVersion: "2.0",
      enableSimpleResponses: true,
      identitySources: [config.identitySource ?? DEFAULT_HTTP_IDENTITY_SOURCE],
      authorizerResultTtlInSeconds: config.resultTtlSeconds ?? DEFAULT_AUTHORIZER_RESULT_TTL_SECONDS,
    });
    allowAuthorizerInvoke(this, `AuthorizerPermission-${name}`, {
      functionArn: config.functionArn,
      apiExecutionArn: api.executionArn,
      authorizerId: authorizer.id,
    });
    return authorizer;
  }
}

/** HTTP APIs have JWT and Lambda authorizers; Cognito user pools are used through a JWT authorizer. */
function checkAuthorizers(props: PrivateHttpApiProps): Map<string, JwtAuthorizer | LambdaAuthorizer> {
  const valid = new Map<string, JwtAuthorizer | LambdaAuthorizer>();
  for (const [name, authorizer] of Object.entries(props.authorizers ?? {})) {
    if (authorizer.type === "jwt" || authorizer.type === "lambda") {
      valid.set(name, authorizer);
      continue;
    }
    const type: string = authorizer.type;
    const hint =
      type === "cognito"
        ? ` For a Cognito user pool, use a "jwt" authorizer with issuer https://cognito-idp.<region>.amazonaws.com/<user pool id> and the app client id as audience.`
        : "";
    throw new Error(
      `PrivateHttpApi: authorizer "${name}" has type "${type}"; HTTP APIs support only "jwt" and "lambda" authorizers.${hint}`,
    );
  }
  return valid;
}

/** The distinct targets of the routes, by key; one key must always mean one listener with one TLS setting. */
function integrationTargets(scope: Construct, routes: readonly HttpApiRoute[]): Map<string, HttpApiIntegrationTarget> {
  const targets = new Map<string, HttpApiIntegrationTarget>();
  const listenerOf = new Map<string, string>();
  for (const route of routes) {
    const key = route.target.key;
    const listener = legacyTargetKey(scope, route.target.listenerArn);
    const known = targets.get(key);
    if (known && listenerOf.get(key) !== listener) {
      throw new Error(
        `PrivateHttpApi: routes with integration key "${key}" target different listeners (${listenerOf.get(key)} and ${listener} for ${route.path})`,
      );
    }
    if (known && (known.https !== route.target.https || (known.https && known.serverName !== route.target.serverName))) {
      throw new Error(
        `PrivateHttpApi: routes target listener ${key} with different TLS settings (https ${known.https}, serverName ${known.serverName ?? "unset"} and https ${route.target.https}, serverName ${route.target.serverName ?? "unset"} for ${route.path})`,
      );
    }
    if (!known) {
      targets.set(key, route.target);
      listenerOf.set(key, listener);
    }
  }
  return targets;
}

/**
 * A stable name for a listener: the logical id of the listener resource for a reference
 * (Nlb_Listener-orders_1A2B3C4D), or the listener part of a literal ARN. Tokens are resolved for
 * this because every read of a resource attribute gives a new token string for the same listener.
 * Integration ids were once built from it; now it only names the address they move from.
 */
function legacyTargetKey(scope: Construct, listenerArn: string): string {
  if (!Token.isUnresolved(listenerArn)) {
    const listener = /^arn:[a-z-]+:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener\/(.+)$/.exec(listenerArn);
    if (!listener) throw new Error(`PrivateHttpApi: target.listenerArn "${listenerArn}" is not a load balancer listener ARN`);
    return listener[1].replace(/\//g, ":");
  }
  const resolved = String(Tokenization.resolve(listenerArn, { scope, resolver: new DefaultTokenResolver(new StringConcat()) }));
  const expression = /^\$\{(.+)\}$/.exec(resolved)?.[1] ?? resolved;
  return expression
    .replace(/^aws_a?lb_listener\./, "")
    .replace(/\.arn$/, "")
    .replace(/\//g, ":");
}

/** Parses every route path and rejects a (path, method) pair given twice. */
function checkRoutes(props: PrivateHttpApiProps): { route: HttpApiRoute; segments: PathSegment[] }[] {
  const seen = new Set<string>();
  return props.routes.map((route) => {
    const segments = parseRoutePath(route.path);
    if (typeof segments === "string") throw new Error(`PrivateHttpApi: route path "${route.path}" ${segments}`);
    for (const method of route.methods) {
      const key = methodIdPart(pathId(segments), method);
      if (seen.has(key)) throw new Error(`PrivateHttpApi: route "${method} ${route.path}" is given twice`);
      seen.add(key);
    }
    const target = route.target;
    if (target.https && !target.serverName) {
      throw new Error(
        `PrivateHttpApi: route ${route.path} targets an HTTPS listener but target.serverName is not set; it must be the name on the listener's certificate`,
      );
    }
    const auth = route.authorization;
    if (typeof auth === "object") {
      const authorizers = props.authorizers ?? {};
      const authorizer = Object.hasOwn(authorizers, auth.authorizer) ? authorizers[auth.authorizer] : undefined;
      if (!authorizer) {
        const known = Object.keys(authorizers);
        throw new Error(
          `PrivateHttpApi: route ${route.path} uses authorizer "${auth.authorizer}", which is not defined (authorizers: ${known.length > 0 ? known.join(", ") : "none"})`,
        );
      }
      if (authorizer.type === "lambda" && auth.scopes && auth.scopes.length > 0) {
        throw new Error(
          `PrivateHttpApi: route ${route.path} gives scopes for Lambda authorizer "${auth.authorizer}"; HTTP APIs check scopes only with JWT authorizers`,
        );
      }
    }
    return { route, segments };
  });
}
