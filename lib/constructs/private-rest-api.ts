import { createHash } from "node:crypto";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { ApiGatewayVpcLink } from "@cdktf/provider-aws/lib/api-gateway-vpc-link";
import { Annotations, Fn } from "cdktf";
import { Construct } from "constructs";
import { integrationPath, parseRoutePath, pathId, type PathSegment } from "../config/paths";
import type { HttpMethod } from "../config/schema";
import type { InternalNetworkLoadBalancer } from "./internal-network-load-balancer";

/** One API path and its methods, sent to one NLB port. */
export interface RestApiRoute {
  /** API path: `/orders`, `/orders/{id}`, `/orders/{proxy+}`. */
  readonly path: string;
  readonly methods: readonly HttpMethod[];
  /** NLB listener port of the service behind the route (the bridge port for services behind the ALB). */
  readonly port: number;
  /**
   * `https` when the port leads to an HTTPS listener (the ALB with a certificate, through the bridge).
   * @default "http"
   */
  readonly protocol?: "http" | "https";
  /**
   * `AWS_IAM` requires SigV4-signed callers; `NONE` leaves the methods open and is reported as a
   * warning at synth time.
   * @default "AWS_IAM"
   */
  readonly authorization?: "AWS_IAM" | "NONE";
}

export interface PrivateRestApiProps {
  /** Name of the REST API and VPC Link. */
  readonly name: string;
  /** The internal NLB the VPC Link targets; integration URIs use its DNS name. */
  readonly loadBalancer: InternalNetworkLoadBalancer;
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
}

/**
 * A regional REST API whose only way in to the VPC is a VPC Link to the internal NLB. Every route
 * method gets an HTTP_PROXY integration to `http://<nlb dns>:<port>/<path>` over the VPC Link,
 * with path parameters (greedy ones too) passed through. The deployment is replaced whenever a
 * route or an integration changes, and the stage moves to the new one.
 */
export class PrivateRestApi extends Construct {
  /** Id of the REST API. */
  public readonly restApiId: string;
  /** Id of the VPC Link to the NLB. */
  public readonly vpcLinkId: string;
  /** URL of the stage, for example https://abc123.execute-api.eu-west-2.amazonaws.com/v1. */
  public readonly invokeUrl: string;
  /** ARN prefix for IAM policies that allow calling this API: arn:...:execute-api:region:account:id/stage. */
  public readonly stageExecutionArn: string;

  constructor(scope: Construct, id: string, props: PrivateRestApiProps) {
    super(scope, id);
    const api = new ApiGatewayRestApi(this, "Resource", {
      name: props.name,
      description: props.description ?? `Private ECS services behind ${props.name}`,
      endpointConfiguration: { types: ["REGIONAL"] },
    });
    this.restApiId = api.id;

    const vpcLink = new ApiGatewayVpcLink(this, "VpcLink", {
      name: props.name,
      description: `API Gateway to the internal NLB of ${props.name}`,
      targetArns: [props.loadBalancer.loadBalancerArn],
    });
    this.vpcLinkId = vpcLink.id;

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
      const authorization = route.authorization ?? "AWS_IAM";
      for (const method of route.methods) {
        const id = `${pathId(segments)}-${method}`;
        const apiMethod = new ApiGatewayMethod(this, `Method-${id}`, {
          restApiId: api.id,
          resourceId,
          httpMethod: method,
          authorization,
          requestParameters: Object.fromEntries(parameters.map((p) => [`method.request.path.${p}`, true])),
        });
        if (authorization === "NONE") {
          Annotations.of(apiMethod).addWarning(
            `${method} ${route.path} has authorization NONE: anyone on the internet can call it. This was chosen explicitly in the config.`,
          );
        }
        const https = route.protocol === "https";
        const uri = `${https ? "https" : "http"}://${props.loadBalancer.loadBalancerDnsName}:${route.port}${integrationPath(segments)}`;
        const integration = new ApiGatewayIntegration(this, `Integration-${id}`, {
          restApiId: api.id,
          resourceId,
          httpMethod: apiMethod.httpMethod,
          type: "HTTP_PROXY",
          integrationHttpMethod: method,
          uri,
          connectionType: "VPC_LINK",
          connectionId: vpcLink.id,
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
    const stage = new ApiGatewayStage(this, "Stage", {
      restApiId: api.id,
      stageName: props.stageName ?? "v1",
      deploymentId: deployment.id,
    });
    this.invokeUrl = stage.invokeUrl;
    this.stageExecutionArn = stage.executionArn;
  }
}
