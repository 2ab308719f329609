import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import type { NetworkConfig } from "../config/schema";
import { endpointSecurityGroupName } from "../model/names";

/** Interface endpoints an ECS container instance needs when its subnets have no route to the internet. */
export const ECS_INTERFACE_ENDPOINTS = ["ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr", "logs"] as const;

export interface PrivateNetworkProps {
  /** Prefix of the Name tags. */
  readonly name: string;
  readonly region: string;
  /** Create a private-only VPC, or describe an existing one (nothing is created then). */
  readonly network: NetworkConfig;
}

/**
 * The network the services live in. In `create` mode: a VPC with private subnets only (no internet
 * gateway, no NAT, no public IPs), one route table, the default security group emptied, and, unless
 * disabled, the VPC endpoints ECS on EC2 needs to work without internet access. In `existing` mode it
 * only carries the ids through, so the rest of the stack does not care which mode was chosen.
 */
export class PrivateNetwork extends Construct {
  /** Id of the VPC. */
  public readonly vpcId: string;
  /** CIDR block of the VPC; instance and endpoint ingress is limited to it. */
  public readonly vpcCidr: string;
  /** Ids of the private subnets for the instances and the NLB. */
  public readonly privateSubnetIds: string[];

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    const net = props.network;
    this.vpcCidr = net.vpcCidr;
    if (net.type === "existing") {
      this.vpcId = net.vpcId;
      this.privateSubnetIds = [...net.privateSubnetIds];
      return;
    }

    const vpc = new Vpc(this, "Resource", {
      cidrBlock: net.vpcCidr,
      // Interface endpoints with private DNS need both.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: props.name },
    });
    this.vpcId = vpc.id;

    // The default security group allows all traffic between its members; leave it with no rules.
    new DefaultSecurityGroup(this, "DefaultSecurityGroup", { vpcId: vpc.id, tags: { Name: `${props.name}-default-unused` } });

    const routeTable = new RouteTable(this, "PrivateRouteTable", { vpcId: vpc.id, tags: { Name: `${props.name}-private` } });
    this.privateSubnetIds = net.availabilityZones.map((az, i) => {
      // Ids follow the AZ name, so reordering the list does not move subnets.
      const subnet = new Subnet(this, `PrivateSubnet-${az}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: net.privateSubnetCidrs[i],
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.name}-private-${az}` },
      });
      new RouteTableAssociation(this, `PrivateSubnetRoutes-${az}`, { subnetId: subnet.id, routeTableId: routeTable.id });
      return subnet.id;
    });

    if (!net.vpcEndpoints) return;
    new VpcEndpoint(this, "S3Endpoint", {
      vpcId: vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [routeTable.id],
      tags: { Name: `${props.name}-s3` },
    });
    const endpointSg = new SecurityGroup(this, "EndpointSecurityGroup", {
      name: endpointSecurityGroupName(props.name),
      description: "HTTPS from inside the VPC to the AWS service endpoints",
      vpcId: vpc.id,
      tags: { Name: endpointSecurityGroupName(props.name) },
    });
    new VpcSecurityGroupIngressRule(this, "EndpointHttpsFromVpc", {
      securityGroupId: endpointSg.id,
      description: "HTTPS from the VPC",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: net.vpcCidr,
    });
    for (const service of ECS_INTERFACE_ENDPOINTS) {
      new VpcEndpoint(this, `Endpoint-${service}`, {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: this.privateSubnetIds,
        securityGroupIds: [endpointSg.id],
        tags: { Name: `${props.name}-${service}` },
      });
    }
  }
}
