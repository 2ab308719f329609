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
  });
});
