import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { EcsEc2Cluster } from "../../lib/constructs/ecs-ec2-cluster";
import { EcsFargateService, type EcsFargateServiceProps } from "../../lib/constructs/ecs-fargate-service";
import { resourcesOf, type TerraformJson } from "../helpers/synth";

type Own = Omit<EcsFargateServiceProps, "name" | "region" | "clusterArn" | "vpcId" | "subnetIds" | "targetGroup" | "targetGroupAttachedBy">;

/** Synthesises a Fargate service with an ip target group and listener of its own. */
function synth(own: Partial<Own> = {}): TerraformJson {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const targetGroup = new LbTargetGroup(stack, "TargetGroup", {
    name: "t-ip-10000",
    port: 8080,
    protocol: "TCP",
    targetType: "ip",
    vpcId: "vpc-0123456789abcdef0",
  });
  const listener = new LbListener(stack, "Listener", {
    loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/net/t-nlb/0123456789abcdef",
    port: 10000,
    protocol: "TCP",
    defaultAction: [{ type: "forward", targetGroupArn: targetGroup.arn }],
  });
  new EcsFargateService(stack, "Service", {
    name: "team-api",
    region: "eu-west-2",
    clusterArn: "arn:aws:ecs:eu-west-2:123456789012:cluster/team-api",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0123456789abcdef0"],
    serviceName: "orders",
    image: "123456789012.dkr.ecr.eu-west-2.amazonaws.com/orders:1.4.2",
    containerPort: 8080,
    targetGroup,
    targetGroupAttachedBy: [listener],
    ...own,
  });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

describe("EcsFargateService", () => {
  test("defaults: 256 CPU units and 512 MiB in awsvpc on FARGATE (X86_64), all tasks on FARGATE, no public IP, rolling at 100-200 %", () => {
    const json = synth();
    const [[, td]] = resourcesOf(json, "aws_ecs_task_definition");
    expect(td).toMatchObject({
      network_mode: "awsvpc",
      requires_compatibilities: ["FARGATE"],
      cpu: "256",
      memory: "512",
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "X86_64" },
    });
    expect(td.ephemeral_storage).toBeUndefined();
    const [container] = JSON.parse(String(td.container_definitions)) as Record<string, unknown>[];
    // The task's size governs: the container sets neither.
    expect(container.cpu).toBeUndefined();
    expect(container.memory).toBeUndefined();
    expect(container.portMappings).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }]);
    const [[, svc]] = resourcesOf(json, "aws_ecs_service");
    expect(svc).toMatchObject({
      capacity_provider_strategy: [{ capacity_provider: "FARGATE", weight: 1 }],
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
      enable_execute_command: false,
      network_configuration: { assign_public_ip: false, subnets: ["subnet-0123456789abcdef0"] },
    });
    expect(svc.launch_type).toBeUndefined();
    expect(svc.placement_constraints).toBeUndefined();
    expect(svc.ordered_placement_strategy).toBeUndefined();
  });

  test("its group has no rules until they are added; egress given as props goes to a CIDR or a prefix list", () => {
    const json = synth({
      egress: [
        { id: "EgressToS3", description: "S3", fromPort: 443, peer: { prefixListId: "pl-6da54004" } },
        { id: "Egress-db", description: "db", fromPort: 5432, peer: { cidrIpv4: "10.1.0.0/24" } },
      ],
    });
    expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).toEqual([]);
    const egress = resourcesOf(json, "aws_vpc_security_group_egress_rule").map(([, r]) => [
      r.prefix_list_id ?? r.cidr_ipv4,
      r.from_port,
      r.to_port,
    ]);
    expect(egress).toEqual(
      expect.arrayContaining([
        ["pl-6da54004", 443, 443],
        ["10.1.0.0/24", 5432, 5432],
      ]),
    );
    expect(egress).toHaveLength(2);
  });

  test("ARM64, ephemeral storage and a larger size", () => {
    const json = synth({ architecture: "ARM64", ephemeralStorageGiB: 50, cpu: 1024, memoryLimitMiB: 4096 });
    const [[, td]] = resourcesOf(json, "aws_ecs_task_definition");
    expect(td).toMatchObject({
      cpu: "1024",
      memory: "4096",
      ephemeral_storage: { size_in_gib: 50 },
      runtime_platform: { cpu_architecture: "ARM64" },
    });
  });

  test("a size Fargate does not accept is refused, listing the memory sizes of that CPU", () => {
    expect(() => synth({ cpu: 512, memoryLimitMiB: 512 })).toThrow(
      "memoryLimitMiB 512 is not a size Fargate allows with cpu 512; it allows 1024, 2048, 3072, 4096 MiB",
    );
    expect(() => synth({ cpu: 100 })).toThrow("cpu 100 is not a Fargate task size");
  });
});

describe("EcsEc2Cluster without EC2 capacity", () => {
  test("only the cluster and its FARGATE and FARGATE_SPOT providers; size props are refused", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const cluster = new EcsEc2Cluster(stack, "Cluster", {
      name: "team-api",
      region: "eu-west-2",
      vpcId: "vpc-0123456789abcdef0",
      subnetIds: ["subnet-0123456789abcdef0"],
      ec2Capacity: false,
      fargateCapacityProviders: true,
    });
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    expect(Object.keys(json.resource).sort()).toEqual(["aws_ecs_cluster", "aws_ecs_cluster_capacity_providers"]);
    expect(cluster.connections).toBeUndefined();
    expect(cluster.fargateCapacityAttachedBy).toHaveLength(1);
    const other = new TerraformStack(app, "other");
    expect(
      () =>
        new EcsEc2Cluster(other, "Cluster", {
          name: "team-api",
          region: "eu-west-2",
          vpcId: "vpc-0123456789abcdef0",
          subnetIds: [],
          ec2Capacity: false,
          minSize: 2,
        }),
    ).toThrow("a cluster without EC2 capacity has no instances. Don't supply minSize with ec2Capacity false.");
  });
});
