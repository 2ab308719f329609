import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Annotations, Fn, Token } from "cdktf";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { endpointSecurityGroupName, flowLogGroupName, flowLogRoleName, partitionOf } from "../model/names";
import { serviceTrustPolicy } from "../model/task-permissions";
import { Connections } from "./connections";
import { DEFAULT_FLOW_LOG_TRAFFIC, DEFAULT_LOG_RETENTION_DAYS, DEFAULT_VPC_ENDPOINTS, EC2_INTERFACE_ENDPOINTS } from "../core/defaults";
import type { LogGroupOptions } from "../core/types";

/** Interface endpoints an ECS container instance needs when its subnets have no route to the internet. */
export const ECS_INTERFACE_ENDPOINTS = EC2_INTERFACE_ENDPOINTS;

/** A new VPC's flow log, to a CloudWatch log group of its own. */
export interface FlowLogOptions extends LogGroupOptions {
  /**
   * REJECT: the traffic security groups refuse. ALL: every connection, accepted or not.
   * @default "REJECT"
   */
  readonly trafficType?: "REJECT" | "ALL";
}

/** A VPC and private subnets that exist already. */
export interface ExistingVpc {
  readonly vpcId: string;
  /** Its private subnets, for the instances and the load balancers. */
  readonly privateSubnetIds: readonly string[];
}

export interface PrivateNetworkProps {
  /** Prefix of the Name tags. */
  readonly name: string;
  readonly region: string;
  /** CIDR block of the VPC (of the existing one, with `existing`); instance and endpoint ingress is limited to it. */
  readonly vpcCidr: string;
  /**
   * AZs of the new VPC's private subnets, one subnet each. Required unless `existing` is given.
   * @default - none; an existing VPC has its own subnets
   */
  readonly availabilityZones?: readonly string[];
  /**
   * CIDR blocks of the private subnets, one per entry of `availabilityZones`, in the same order.
   * @default - none; an existing VPC has its own subnets
   */
  readonly privateSubnetCidrs?: readonly string[];
  /**
   * Create the interface endpoints (ecs, ecs-agent, ecs-telemetry, ecr.api, ecr.dkr, logs) and the
   * S3 gateway endpoint that instances without internet access need. New VPCs only.
   * @default true
   */
  readonly vpcEndpoints?: boolean;
  /**
   * The interface endpoints to create with `vpcEndpoints`, by service (`ecr.api`, `logs`,
   * `secretsmanager`, ...). New VPCs only.
   * @default ECS_INTERFACE_ENDPOINTS, what ECS container instances need
   */
  readonly interfaceEndpoints?: readonly string[];
  /**
   * The new VPC's flow log; `false` for none, which adds a warning. New VPCs only: an existing
   * VPC's flow logs are its owner's.
   * @default - REJECT traffic, 30 days' retention, CloudWatch Logs' own encryption
   */
  readonly flowLogs?: FlowLogOptions | false;
  /**
   * Use an existing VPC: nothing is created, its ids are carried through.
   * @default - a new private-only VPC
   */
  readonly existing?: ExistingVpc;
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
  /** The interface endpoints' security group, for rules to it; none without created endpoints. */
  public readonly endpointConnections?: Connections;
  /** The S3 gateway endpoint's prefix list (where ECR keeps image layers); none without created endpoints. */
  public readonly s3PrefixListId?: string;

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    this.vpcCidr = props.vpcCidr;
    const existing = props.existing;
    if (existing) {
      const given = (["availabilityZones", "privateSubnetCidrs", "vpcEndpoints", "interfaceEndpoints", "flowLogs"] as const).filter(
        (p) => props[p] !== undefined,
      );
      if (given.length > 0) {
        throw new Error(
          `PrivateNetwork "${props.name}": nothing is created in an existing VPC. Don't supply ${given.join(", ")} with existing.`,
        );
      }
      this.vpcId = existing.vpcId;
      this.privateSubnetIds = [...existing.privateSubnetIds];
      return;
    }
    const zones = props.availabilityZones ?? [];
    const cidrs = props.privateSubnetCidrs ?? [];
    if (zones.length === 0 || zones.length !== cidrs.length) {
      throw new Error(
        `PrivateNetwork "${props.name}": a new VPC needs one private subnet CIDR per availability zone; got ${zones.length} availabilityZones and ${cidrs.length} privateSubnetCidrs.`,
      );
    }

    const vpc = new Vpc(this, "Resource", {
      cidrBlock: props.vpcCidr,
      // Interface endpoints with private DNS need both.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: props.name },
    });
    this.vpcId = vpc.id;

    if (props.flowLogs === false) {
      Annotations.of(this).addWarning(
        `The VPC of "${props.name}" has no flow log ("flowLogs": "none"): traffic its security groups refuse is not recorded anywhere.`,
      );
    } else {
      this.addFlowLog(vpc.id, props.name, props.region, props.flowLogs ?? {});
    }

    // The default security group allows all traffic between its members; leave it with no rules.
    new DefaultSecurityGroup(this, "DefaultSecurityGroup", { vpcId: vpc.id, tags: { Name: `${props.name}-default-unused` } });

    const routeTable = new RouteTable(this, "PrivateRouteTable", { vpcId: vpc.id, tags: { Name: `${props.name}-private` } });
    this.privateSubnetIds = zones.map((az, i) => {
      // Ids follow the AZ name, so reordering the list does not move subnets.
      const subnet = new Subnet(this, `PrivateSubnet-${az}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: cidrs[i],
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.name}-private-${az}` },
      });
      new RouteTableAssociation(this, `PrivateSubnetRoutes-${az}`, { subnetId: subnet.id, routeTableId: routeTable.id });
      return subnet.id;
    });

    if (!(props.vpcEndpoints ?? DEFAULT_VPC_ENDPOINTS)) return;
    const s3Endpoint = new VpcEndpoint(this, "S3Endpoint", {
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
      cidrIpv4: props.vpcCidr,
    });
    this.s3PrefixListId = s3Endpoint.prefixListId;
    this.endpointConnections = new Connections(this, endpointSg.id);
    for (const service of props.interfaceEndpoints ?? ECS_INTERFACE_ENDPOINTS) {
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

  /**
   * A flow log of the VPC to a log group of its own, written by a role that VPC Flow Logs of this
   * account may assume for this account's flow logs only (the conditions AWS documents against the
   * confused deputy), allowed to write to that group only. The account id comes from the group's
   * ARN, so a plan needs no AWS access.
   */
  private addFlowLog(vpcId: string, name: string, region: string, options: FlowLogOptions): void {
    const logGroup = new CloudwatchLogGroup(this, "FlowLogs", {
      name: flowLogGroupName(name),
      retentionInDays: options.retentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
      kmsKeyId: options.kmsKeyArn,
    });
    const account = Token.asString(Fn.element(Fn.split(":", logGroup.arn), 4));
    const partition = partitionOf(region);
    const role = new IamRole(this, "FlowLogsRole", {
      name: flowLogRoleName(name),
      description: `VPC Flow Logs writes the flow log of ${name} with this role`,
      assumeRolePolicy: Fn.jsonencode(
        serviceTrustPolicy("vpc-flow-logs.amazonaws.com", account, `arn:${partition}:ec2:${region}:${account}:vpc-flow-log/*`),
      ),
    });
    new IamRolePolicy(this, "FlowLogsRolePolicy", {
      role: role.name,
      name: flowLogRoleName(name),
      policy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [logGroup.arn, `${logGroup.arn}:*`],
          },
          // Read-only; DescribeLogGroups takes no log group as its resource.
          { Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: "*" },
        ],
      }),
    });
    new FlowLog(this, "FlowLog", {
      vpcId,
      trafficType: options.trafficType ?? DEFAULT_FLOW_LOG_TRAFFIC,
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      tags: { Name: `${name}-flow-log` },
    });
  }
}
