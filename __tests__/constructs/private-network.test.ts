import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route } from "@cdktf/provider-aws/lib/route";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { ECS_INTERFACE_ENDPOINTS, PrivateNetwork, type PrivateNetworkProps } from "../../lib/constructs/private-network";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

const REGION = "eu-west-2";

/** The network's own props: a new VPC's CIDRs and zones, or an existing VPC. */
type NetworkShape = Omit<PrivateNetworkProps, "name" | "region">;

function createNetwork(overrides: Partial<NetworkShape> = {}): NetworkShape {
  return {
    vpcCidr: "10.40.0.0/16",
    availabilityZones: ["eu-west-2a", "eu-west-2b", "eu-west-2c"],
    privateSubnetCidrs: ["10.40.0.0/20", "10.40.16.0/20", "10.40.32.0/20"],
    vpcEndpoints: true,
    ...overrides,
  };
}

const EXISTING: NetworkShape = {
  vpcCidr: "172.31.0.0/16",
  existing: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] },
};

function synthNetwork(network: NetworkShape): string {
  return Testing.synthScope((scope) => new PrivateNetwork(scope, "Network", { name: "team-api", region: REGION, ...network }));
}

/** A stack holding only the network, with the construct's attributes as outputs so they can be checked resolved. */
function networkStack(network: NetworkShape): { net: PrivateNetwork; json: TerraformJson } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: REGION });
  const net = new PrivateNetwork(stack, "Network", { name: "team-api", region: REGION, ...network });
  new TerraformOutput(stack, "vpc_id", { value: net.vpcId });
  new TerraformOutput(stack, "subnet_ids", { value: net.privateSubnetIds });
  const json = JSON.parse(Testing.synth(stack, true)) as TerraformJson;
  return { net, json };
}

/** The synthesised value of an output. */
function outputValue(json: TerraformJson, name: string): unknown {
  return (json.output ?? {})[name]?.value;
}

/** `${aws_<type>.<logical id>.<attr>}` for the single resource of a type. */
function refTo(json: TerraformJson, type: string, attr: string): string {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return `\${${type}.${all[0][0]}.${attr}}`;
}

describe("PrivateNetwork in create mode", () => {
  test("creates a VPC with DNS support and DNS hostnames", () => {
    // WHEN
    const synth = synthNetwork(createNetwork());
    // THEN
    expect(synth).toHaveResourceWithProperties(Vpc, {
      cidr_block: "10.40.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
      tags: { Name: "team-api" },
    });
  });

  test("creates one private subnet per availability zone, none mapping public IPs", () => {
    // GIVEN
    const network = createNetwork();
    // WHEN
    const { json } = networkStack(network);
    // THEN
    const vpcId = refTo(json, "aws_vpc", "id");
    const subnets = resourcesOf(json, "aws_subnet").map(([, s]) => s);
    expect(subnets).toHaveLength(3);
    expect(subnets.map((s) => [s.availability_zone, s.cidr_block])).toEqual(
      expect.arrayContaining([
        ["eu-west-2a", "10.40.0.0/20"],
        ["eu-west-2b", "10.40.16.0/20"],
        ["eu-west-2c", "10.40.32.0/20"],
      ]),
    );
    for (const subnet of subnets) {
      expect(subnet.map_public_ip_on_launch).toBe(false);
      expect(subnet.vpc_id).toBe(vpcId);
    }
  });

  test("every subnet is associated with the single private route table, which has no routes", () => {
    // WHEN
    const { json } = networkStack(createNetwork());
    // THEN
    const routeTableId = refTo(json, "aws_route_table", "id");
    const [, routeTable] = resourcesOf(json, "aws_route_table")[0];
    expect(routeTable).not.toHaveProperty("route");
    const associated = resourcesOf(json, "aws_route_table_association").map(([, a]) => a.subnet_id);
    const subnetIds = resourcesOf(json, "aws_subnet").map(([id]) => `\${aws_subnet.${id}.id}`);
    expect([...associated].sort()).toEqual([...subnetIds].sort());
    for (const [, association] of resourcesOf(json, "aws_route_table_association")) {
      expect(association.route_table_id).toBe(routeTableId);
    }
  });

  test("creates no path to or from the internet: no internet gateway, NAT gateway, EIP or route", () => {
    // WHEN
    const synth = synthNetwork(createNetwork());
    // THEN
    expect(synth).not.toHaveResource(InternetGateway);
    expect(synth).not.toHaveResource(NatGateway);
    expect(synth).not.toHaveResource(Eip);
    expect(synth).not.toHaveResource(Route);
  });

  test("takes over the default security group and leaves it without rules", () => {
    // WHEN
    const { json } = networkStack(createNetwork());
    // THEN
    const defaults = resourcesOf(json, "aws_default_security_group");
    expect(defaults).toHaveLength(1);
    const [, sg] = defaults[0];
    expect(sg.vpc_id).toBe(refTo(json, "aws_vpc", "id"));
    expect(sg).not.toHaveProperty("ingress");
    expect(sg).not.toHaveProperty("egress");
  });

  test("creates an S3 gateway endpoint on the private route table", () => {
    // WHEN
    const { json } = networkStack(createNetwork());
    // THEN
    const gateways = resourcesOf(json, "aws_vpc_endpoint")
      .map(([, e]) => e)
      .filter((e) => e.vpc_endpoint_type === "Gateway");
    expect(gateways).toEqual([
      expect.objectContaining({
        service_name: "com.amazonaws.eu-west-2.s3",
        route_table_ids: [refTo(json, "aws_route_table", "id")],
        vpc_id: refTo(json, "aws_vpc", "id"),
      }),
    ]);
  });

  test("creates the six ECS interface endpoints with private DNS in every private subnet", () => {
    // WHEN
    const { json } = networkStack(createNetwork());
    // THEN
    const subnetIds = resourcesOf(json, "aws_subnet").map(([id]) => `\${aws_subnet.${id}.id}`);
    const endpointSgId = refTo(json, "aws_security_group", "id");
    const interfaces = resourcesOf(json, "aws_vpc_endpoint")
      .map(([, e]) => e)
      .filter((e) => e.vpc_endpoint_type === "Interface");
    expect(interfaces.map((e) => e.service_name).sort()).toEqual(
      ["ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr", "logs"].map((s) => `com.amazonaws.eu-west-2.${s}`).sort(),
    );
    for (const endpoint of interfaces) {
      expect(endpoint.private_dns_enabled).toBe(true);
      expect([...(endpoint.subnet_ids as string[])].sort()).toEqual([...subnetIds].sort());
      expect(endpoint.security_group_ids).toEqual([endpointSgId]);
    }
    expect(resourcesOf(json, "aws_vpc_endpoint")).toHaveLength(1 + ECS_INTERFACE_ENDPOINTS.length);
  });

  test("the endpoints' security group admits only HTTPS from the VPC CIDR", () => {
    // WHEN
    const { json } = networkStack(createNetwork());
    // THEN
    const rules = resourcesOf(json, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
    expect(rules).toEqual([
      expect.objectContaining({
        security_group_id: refTo(json, "aws_security_group", "id"),
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
        cidr_ipv4: "10.40.0.0/16",
      }),
    ]);
  });

  test("vpcEndpoints: false creates no endpoints and no endpoint security group", () => {
    // WHEN
    const synth = synthNetwork(createNetwork({ vpcEndpoints: false }));
    // THEN
    expect(synth).not.toHaveResource(VpcEndpoint);
    expect(synth).not.toHaveResource(SecurityGroup);
    expect(synth).not.toHaveResource(VpcSecurityGroupIngressRule);
    expect(synth).toHaveResource(Vpc);
    expect(synth).toHaveResourceWithProperties(Subnet, { availability_zone: "eu-west-2c", map_public_ip_on_launch: false });
    expect(synth).toHaveResource(DefaultSecurityGroup);
  });

  test("exposes the created VPC, its CIDR and one subnet id per zone", () => {
    // WHEN
    const { net, json } = networkStack(createNetwork());
    // THEN
    expect(outputValue(json, "vpc_id")).toBe(refTo(json, "aws_vpc", "id"));
    expect(net.vpcCidr).toBe("10.40.0.0/16");
    const subnetIds = resourcesOf(json, "aws_subnet").map(([id]) => `\${aws_subnet.${id}.id}`);
    expect(net.privateSubnetIds).toHaveLength(3);
    expect(outputValue(json, "subnet_ids")).toEqual(subnetIds);
  });
});

describe("PrivateNetwork flow log", () => {
  /** The one resource of a type in the JSON. */
  function only(json: TerraformJson, type: string): Record<string, unknown> {
    const all = resourcesOf(json, type);
    expect(all).toHaveLength(1);
    return all[0][1];
  }

  test("a new VPC has a REJECT flow log to a log group of its own, with 30 days' retention, by default", () => {
    // WHEN
    const { json } = networkStack(createNetwork());
    // THEN
    const group = only(json, "aws_cloudwatch_log_group");
    expect(group).toMatchObject({ name: "/aws/vpc/team-api/flow-logs", retention_in_days: 30 });
    expect(group.kms_key_id).toBeUndefined();
    expect(only(json, "aws_flow_log")).toMatchObject({
      vpc_id: refTo(json, "aws_vpc", "id"),
      traffic_type: "REJECT",
      log_destination_type: "cloud-watch-logs",
      log_destination: refTo(json, "aws_cloudwatch_log_group", "arn"),
      iam_role_arn: refTo(json, "aws_iam_role", "arn"),
    });
  });

  test("takes the traffic type, retention and KMS key given", () => {
    // GIVEN
    const kmsKeyArn = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    // WHEN
    const { json } = networkStack(createNetwork({ flowLogs: { trafficType: "ALL", retentionDays: 365, kmsKeyArn } }));
    // THEN
    expect(only(json, "aws_cloudwatch_log_group")).toMatchObject({ retention_in_days: 365, kms_key_id: kmsKeyArn });
    expect(only(json, "aws_flow_log").traffic_type).toBe("ALL");
  });

  test("its role trusts VPC Flow Logs for this account's flow logs only, and may write to its own group only", () => {
    // WHEN
    const { json } = networkStack(createNetwork());
    // THEN
    const group = `aws_cloudwatch_log_group.${resourcesOf(json, "aws_cloudwatch_log_group")[0][0]}.arn`;
    const trust = String(only(json, "aws_iam_role").assume_role_policy);
    expect(trust).toContain('"Service" = "vpc-flow-logs.amazonaws.com"');
    expect(trust).toContain(`"aws:SourceAccount" = element(split(":", ${group}), 4)`);
    expect(trust).toContain(`"aws:SourceArn" = "arn:aws:ec2:eu-west-2:\${element(split(":", ${group}), 4)}:vpc-flow-log/*"`);
    const policy = String(only(json, "aws_iam_role_policy").policy);
    expect(policy).toContain(
      `"Action" = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], "Resource" = [${group}, "\${${group}}:*"]`,
    );
    expect(policy).toContain(`"Action" = ["logs:DescribeLogGroups"], "Resource" = "*"`);
    expect(policy.match(/"Effect" = "Allow"/g)).toHaveLength(2);
  });

  test("false creates no flow log, role or log group, and warns", () => {
    // WHEN
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    const net = new PrivateNetwork(stack, "Network", { name: "team-api", region: REGION, ...createNetwork({ flowLogs: false }) });
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    // THEN
    for (const type of ["aws_flow_log", "aws_iam_role", "aws_iam_role_policy", "aws_cloudwatch_log_group"]) {
      expect(resourcesOf(json, type)).toEqual([]);
    }
    const warnings = net.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringContaining('has no flow log ("flowLogs": "none")')]);
  });
});

describe("PrivateNetwork in existing mode", () => {
  test("creates no resources at all", () => {
    // WHEN
    const json = JSON.parse(synthNetwork(EXISTING)) as Partial<TerraformJson>;
    // THEN
    expect(json.resource ?? {}).toEqual({});
    expect(json.data ?? {}).toEqual({});
  });

  test("passes the VPC id, CIDR and subnet ids through unchanged", () => {
    // WHEN
    const { net, json } = networkStack(EXISTING);
    // THEN
    expect(net.vpcId).toBe("vpc-0123456789abcdef0");
    expect(net.vpcCidr).toBe("172.31.0.0/16");
    expect(net.privateSubnetIds).toEqual(["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]);
    expect(outputValue(json, "vpc_id")).toBe("vpc-0123456789abcdef0");
    expect(outputValue(json, "subnet_ids")).toEqual(["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]);
  });
});

describe("PrivateNetwork props", () => {
  test("a new VPC needs one subnet CIDR per availability zone", () => {
    expect(() => synthNetwork(createNetwork({ privateSubnetCidrs: ["10.40.0.0/20"] }))).toThrow(
      /a new VPC needs one private subnet CIDR per availability zone; got 3 availabilityZones and 1 privateSubnetCidrs/,
    );
  });

  test("an existing VPC takes no zones, CIDRs or endpoints", () => {
    expect(() => synthNetwork({ ...EXISTING, vpcEndpoints: true })).toThrow(
      /nothing is created in an existing VPC\. Don't supply vpcEndpoints with existing/,
    );
    expect(() => synthNetwork({ ...EXISTING, flowLogs: false })).toThrow(/Don't supply flowLogs with existing/);
  });
});
