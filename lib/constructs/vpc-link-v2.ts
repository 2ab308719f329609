import { Apigatewayv2VpcLink } from "@cdktf/provider-aws/lib/apigatewayv2-vpc-link";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import type { Construct } from "constructs";
import { Connections } from "./connections";

export interface VpcLinkV2Props {
  /** Name of the VPC link. */
  readonly vpcLinkName: string;
  /** Name of the link's security group. */
  readonly securityGroupName: string;
  /** VPC of the load balancers; the security group is created in it. */
  readonly vpcId: string;
  /** Private subnets the link's network interfaces are placed in. */
  readonly subnetIds: readonly string[];
}

/**
 * An HTTP API VPC link (API Gateway v2) and its security group. The group has no inbound rules and
 * no outbound rules of its own: rules to the load balancers' listener ports are added through
 * `connections`, and the load balancers' groups must admit `securityGroupId`.
 *
 * Not a Construct, on purpose: its resources are created directly in `scope`, the link with `id`
 * and the group with `<id>SecurityGroup`, and the rules of `connections` go under `scope` too. So
 * they keep the construct paths, and with them the Terraform addresses, that they had when
 * PrivateHttpApi created them inline (`HttpApi/VpcLink`, `HttpApi/VpcLinkSecurityGroup`,
 * `HttpApi/EgressToTargets-...`). A construct of its own would add a level to those paths, and
 * Terraform would destroy and recreate them.
 */
export class VpcLinkV2 {
  /** Id of the VPC link, for integrations' connection_id. */
  public readonly vpcLinkId: string;
  /** Id of the link's security group. */
  public readonly securityGroupId: string;
  /** The link's security group, for rules from it to the load balancers (created under `scope`). */
  public readonly connections: Connections;

  constructor(scope: Construct, id: string, props: VpcLinkV2Props) {
    if (props.subnetIds.length === 0) {
      throw new Error(`VpcLinkV2 "${props.vpcLinkName}": subnetIds is empty; the VPC link needs at least one subnet`);
    }
    const sg = new SecurityGroup(scope, `${id}SecurityGroup`, {
      name: props.securityGroupName,
      description: "HTTP API VPC link: no inbound rules; outbound only to the load balancers' listener ports",
      vpcId: props.vpcId,
      tags: { Name: props.securityGroupName },
    });
    this.securityGroupId = sg.id;
    this.connections = new Connections(scope, sg.id);
    const link = new Apigatewayv2VpcLink(scope, id, {
      name: props.vpcLinkName,
      subnetIds: [...props.subnetIds],
      securityGroupIds: [sg.id],
      tags: { Name: props.vpcLinkName },
    });
    this.vpcLinkId = link.id;
  }
}
