import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Construct } from "constructs";
import type { CustomDomainOptions } from "../core/types";

export interface RestApiCustomDomainProps extends CustomDomainOptions {
  /** Id of the REST API. */
  readonly restApiId: string;
  /** Name of the stage to map. */
  readonly stageName: string;
}

/** A regional custom domain for a REST API stage: the domain (TLS 1.2), a base path mapping and a Route 53 alias. */
export class RestApiCustomDomain extends Construct {
  /** https://<domain>/<basePath> */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: RestApiCustomDomainProps) {
    super(scope, id);
    const domain = new ApiGatewayDomainName(this, "Resource", {
      domainName: props.domainName,
      regionalCertificateArn: props.certificateArn,
      endpointConfiguration: { types: ["REGIONAL"] },
      securityPolicy: "TLS_1_2",
    });
    new ApiGatewayBasePathMapping(this, "Mapping", {
      apiId: props.restApiId,
      stageName: props.stageName,
      domainName: domain.domainName,
      basePath: props.basePath,
    });
    new Route53Record(this, "Alias", {
      zoneId: props.hostedZoneId,
      name: props.domainName,
      type: "A",
      alias: { name: domain.regionalDomainName, zoneId: domain.regionalZoneId, evaluateTargetHealth: false },
    });
    this.url = `https://${props.domainName}/${props.basePath ?? ""}`;
  }
}
