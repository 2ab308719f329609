import { Apigatewayv2ApiMapping } from "@cdktf/provider-aws/lib/apigatewayv2-api-mapping";
import { Apigatewayv2DomainName } from "@cdktf/provider-aws/lib/apigatewayv2-domain-name";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import type { Construct } from "constructs";
import type { CustomDomainOptions } from "../core/types";

export interface HttpApiCustomDomainProps extends CustomDomainOptions {
  /** Id of the HTTP API. */
  readonly apiId: string;
  /** Id of the stage to map. */
  readonly stageId: string;
}

/**
 * A regional custom domain for an HTTP API stage: the domain (TLS 1.2), an API mapping and a
 * Route 53 alias; the HTTP API's counterpart of RestApiCustomDomain.
 *
 * Not a Construct, on purpose: its resources are created directly in `scope` (`DomainName`,
 * `ApiMapping`, `DomainAlias`), so they keep the construct paths, and with them the Terraform
 * addresses, that they had when PrivateHttpApi created them inline (`HttpApi/DomainName`, ...).
 */
export class HttpApiCustomDomain {
  /** https://<domain>/<basePath>, or https://<domain> without a base path. */
  public readonly url: string;

  constructor(scope: Construct, props: HttpApiCustomDomainProps) {
    const domainName = new Apigatewayv2DomainName(scope, "DomainName", {
      domainName: props.domainName,
      domainNameConfiguration: { certificateArn: props.certificateArn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" },
    });
    new Apigatewayv2ApiMapping(scope, "ApiMapping", {
      apiId: props.apiId,
      domainName: domainName.id,
      stage: props.stageId,
      apiMappingKey: props.basePath,
    });
    new Route53Record(scope, "DomainAlias", {
      zoneId: props.hostedZoneId,
      name: props.domainName,
      type: "A",
      alias: {
        name: domainName.domainNameConfiguration.targetDomainName,
        zoneId: domainName.domainNameConfiguration.hostedZoneId,
        evaluateTargetHealth: false,
      },
    });
    this.url = props.basePath ? `https://${props.domainName}/${props.basePath}` : `https://${props.domainName}`;
  }
}
