import { ApiGatewayVpcLink } from "@cdktf/provider-aws/lib/api-gateway-vpc-link";
import type { Construct } from "constructs";
import type { InternalNetworkLoadBalancer } from "./internal-network-load-balancer";

export interface RestVpcLinkProps {
  /** Name of the VPC link. */
  readonly vpcLinkName: string;
  /** The NLB the link targets; a REST API VPC link targets exactly one. */
  readonly loadBalancer: InternalNetworkLoadBalancer;
  /**
   * @default - "API Gateway to the internal NLB of <vpcLinkName>"
   */
  readonly description?: string;
}

/**
 * A REST API VPC link (API Gateway v1) to one internal NLB; PrivateRestApi creates one per NLB.
 *
 * Not a Construct, on purpose: its one resource is created directly in `scope` with `id`, so it
 * keeps the construct path, and with it the Terraform address, that it had when PrivateRestApi
 * created it inline (`Api/VpcLink`, `Api/VpcLink-2`, ...). A construct of its own would add a level
 * to that path, and Terraform would destroy and recreate every link.
 */
export class RestVpcLink {
  /** Id of the VPC link, for integrations' connection_id. */
  public readonly vpcLinkId: string;
  /** The VPC link resource. */
  public readonly resource: ApiGatewayVpcLink;

  constructor(scope: Construct, id: string, props: RestVpcLinkProps) {
    this.resource = new ApiGatewayVpcLink(scope, id, {
      name: props.vpcLinkName,
      description: props.description ?? `API Gateway to the internal NLB of ${props.vpcLinkName}`,
      targetArns: [props.loadBalancer.loadBalancerArn],
    });
    this.vpcLinkId = this.resource.id;
  }
}
