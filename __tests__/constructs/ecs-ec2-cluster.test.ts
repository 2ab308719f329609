import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { planStack } from "../../lib/model/stack-plan";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchConfiguration } from "@cdktf/provider-aws/lib/launch-configuration";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformStack, Testing } from "cdktf";
import { makeUniqueId } from "cdktf/lib/private/unique";
import { parseConfig } from "../../lib/config/load";
import { EcsEc2Cluster, type EcsEc2ClusterProps } from "../../lib/constructs/ecs-ec2-cluster";
import { DEFAULT_ECS_AMI_SSM_PARAMETER, DEFAULT_INSTANCE_TYPE } from "../../lib/core/defaults";
import { PrivateApiStack } from "../../lib/stacks/private-api-stack";
import { defaultConfig } from "../helpers/fixtures";
import { resourcesOf, type TerraformJson } from "../helpers/synth";
import { objectContaining } from "../helpers/expect";

const SUBNETS = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"];
const HOST_PORTS = [
  { id: "orders", port: 10000 },
  { id: "inventory", port: 10001 },
] as const;

/** The cluster's own props: sizes and capacity, or an existing cluster. */
type ClusterShape = Omit<EcsEc2ClusterProps, "name" | "region" | "vpcId" | "subnetIds">;

const LAUNCH_TEMPLATE: ClusterShape = {
  instanceType: "t3.large",
  minSize: 1,
  maxSize: 3,
  desiredCapacity: 2,
  capacity: { type: "launchTemplate", amiSsmParameter: "/custom/ecs/ami" },
  rootVolumeSizeGiB: 40,
};

const LAUNCH_CONFIGURATION: ClusterShape = {
  ...LAUNCH_TEMPLATE,
  capacity: { type: "launchConfiguration", imageId: "ami-0123456789abcdef0" },
};

const NLB_SG = "sg-0123456789abcdef0";

interface SynthOptions {
  readonly region?: string;
  /** Rules added through the cluster's `connections`, as PrivateApiStack adds the ones it plans. */
  readonly rules?: (cluster: EcsEc2Cluster) => void;
}

/** One ingress rule per host port, from the NLB's group, as the stack plans them. */
function hostPortRules(cluster: EcsEc2Cluster): void {
  const connections = cluster.connections;
  if (!connections) throw new Error("the cluster has no instances' security group");
  for (const { id, port } of HOST_PORTS) {
    connections.allowFrom(
      { securityGroupId: NLB_SG },
      { id: `HostPort-${id}`, fromPort: port, description: `${id}: load balancer traffic and health checks`, createBeforeDestroy: true },
    );
  }
}

function synthCluster(cluster: ClusterShape, opts: SynthOptions & { readonly name?: string } = {}): string {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  const region = opts.region ?? "eu-west-2";
  new AwsProvider(stack, "aws", { region });
  const built = new EcsEc2Cluster(stack, "Cluster", {
    name: opts.name ?? "team-api",
    region,
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: SUBNETS,
    ...cluster,
  });
  opts.rules?.(built);
  return Testing.synth(stack, true);
}

/** The single resource of a type, as [logical id, attributes]. */
function single(json: TerraformJson, type: string): [string, Record<string, unknown>] {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return all[0];
}

/** Every CIDR that some ingress rule admits, whichever resource form declares it. */
function ingressCidrs(json: TerraformJson): string[] {
  const cidrs: string[] = [];
  const collect = (rule: Record<string, unknown>): void => {
    for (const key of ["cidr_ipv4", "cidr_ipv6", "cidr_blocks", "ipv6_cidr_blocks"]) {
      const value = rule[key];
      if (typeof value === "string") cidrs.push(value);
      if (Array.isArray(value)) cidrs.push(...value.map(String));
    }
  };
  for (const [, rule] of resourcesOf(json, "aws_vpc_security_group_ingress_rule")) collect(rule);
  for (const [, rule] of resourcesOf(json, "aws_security_group_rule")) if (rule.type === "ingress") collect(rule);
  for (const [, sg] of [...resourcesOf(json, "aws_security_group"), ...resourcesOf(json, "aws_default_security_group")]) {
    const inline = sg.ingress;
    if (Array.isArray(inline)) inline.forEach((rule) => collect(rule as Record<string, unknown>));
  }
  return cidrs;
}

describe("EcsEc2Cluster with a launch template", () => {
  test("the launch template resolves the AMI from the SSM parameter at launch", () => {
    // WHEN
    const synth = synthCluster(LAUNCH_TEMPLATE);
    // THEN
    expect(synth).toHaveResourceWithProperties(LaunchTemplate, {
      image_id: "resolve:ssm:/custom/ecs/ami",
      instance_type: "t3.large",
    });
  });

  test("instances get no public IP and require IMDSv2 with hop limit 1, so containers cannot reach the instance role", () => {
    // WHEN
    const synth = synthCluster(LAUNCH_TEMPLATE);
    // THEN
    expect(synth).toHaveResourceWithProperties(LaunchTemplate, {
      network_interfaces: [objectContaining({ device_index: 0, associate_public_ip_address: "false" })],
      metadata_options: { http_tokens: "required", http_endpoint: "enabled", http_put_response_hop_limit: 1 },
    });
  });

  test("the network interface carries the instance security group", () => {
    // WHEN
    const json = JSON.parse(synthCluster(LAUNCH_TEMPLATE)) as TerraformJson;
    // THEN
    const [sgId] = single(json, "aws_security_group");
    const [, template] = single(json, "aws_launch_template");
    expect(template.network_interfaces).toEqual([objectContaining({ security_groups: [`\${aws_security_group.${sgId}.id}`] })]);
    expect(template).not.toHaveProperty("vpc_security_group_ids");
  });

  test("user data is base64 and joins the instance to the cluster", () => {
    // WHEN
    const json = JSON.parse(synthCluster(LAUNCH_TEMPLATE)) as TerraformJson;
    // THEN
    const [, template] = single(json, "aws_launch_template");
    expect(typeof template.user_data).toBe("string");
    const script = Buffer.from(String(template.user_data), "base64").toString("utf8");
    expect(script.startsWith("#!/bin/bash\n")).toBe(true);
    expect(script).toContain("ECS_CLUSTER=team-api");
    expect(script).toContain("/etc/ecs/ecs.config");
  });

  test("the autoscaling group uses the latest launch template version in the given subnets", () => {
    // WHEN
    const json = JSON.parse(synthCluster(LAUNCH_TEMPLATE)) as TerraformJson;
    // THEN
    const [templateId] = single(json, "aws_launch_template");
    const [, asg] = single(json, "aws_autoscaling_group");
    expect(asg).toEqual(
      objectContaining({
        launch_template: {
          id: `\${aws_launch_template.${templateId}.id}`,
          version: `\${aws_launch_template.${templateId}.latest_version}`,
        },
        vpc_zone_identifier: SUBNETS,
        min_size: 1,
        max_size: 3,
        desired_capacity: 2,
      }),
    );
    expect(asg).not.toHaveProperty("launch_configuration");
    expect(json.resource).not.toHaveProperty("aws_launch_configuration");
  });
});

describe("EcsEc2Cluster instance security group", () => {
  test("connections adds rules on the instances' group, under the cluster: one ingress rule per host port, from the peer only", () => {
    // WHEN
    const json = JSON.parse(synthCluster(LAUNCH_TEMPLATE, { rules: hostPortRules })) as TerraformJson;
    // THEN
    const [sgId] = single(json, "aws_security_group");
    const rules = resourcesOf(json, "aws_vpc_security_group_ingress_rule");
    expect(rules.map(([id]) => id).sort()).toEqual(HOST_PORTS.map(({ id }) => makeUniqueId(["Cluster", `HostPort-${id}`])).sort());
    for (const { port } of HOST_PORTS) {
      expect(rules.map(([, r]) => r)).toContainEqual(
        objectContaining({
          security_group_id: `\${aws_security_group.${sgId}.id}`,
          ip_protocol: "tcp",
          from_port: port,
          to_port: port,
          referenced_security_group_id: NLB_SG,
        }),
      );
    }
    for (const [, rule] of rules) expect(rule).not.toHaveProperty("cidr_ipv4");
  });

  test.each<[string, ClusterShape]>([
    ["launch template", LAUNCH_TEMPLATE],
    ["launch configuration", LAUNCH_CONFIGURATION],
  ])("the cluster adds no ingress of its own (%s)", (_what, cluster) => {
    // WHEN
    const synth = synthCluster(cluster);
    // THEN
    expect(synth).not.toHaveResource(VpcSecurityGroupIngressRule);
    expect(ingressCidrs(JSON.parse(synth) as TerraformJson)).toEqual([]);
  });

  test("no ingress rule anywhere in the whole default stack admits 0.0.0.0/0 or ::/0", () => {
    // GIVEN
    const app = Testing.app();
    const config = parseConfig(defaultConfig());
    // WHEN
    const json = JSON.parse(Testing.synth(new PrivateApiStack(app, "private-api", { plan: planStack(config) }), true)) as TerraformJson;
    // THEN
    const cidrs = ingressCidrs(json);
    expect(cidrs).not.toContain("0.0.0.0/0");
    expect(cidrs).not.toContain("::/0");
    const rules = resourcesOf(json, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
    expect(rules.length).toBeGreaterThan(config.services.length);
    for (const rule of rules) {
      // Every rule has a bounded source: the VPC range or another security group.
      expect(rule.cidr_ipv4 === config.network.vpcCidr || typeof rule.referenced_security_group_id === "string").toBe(true);
    }
  });
});

describe("EcsEc2Cluster with a launch configuration", () => {
  test("the launch configuration uses the explicit AMI, no public IP, and IMDSv2 with hop limit 1", () => {
    // WHEN
    const synth = synthCluster(LAUNCH_CONFIGURATION);
    // THEN
    expect(synth).toHaveResourceWithProperties(LaunchConfiguration, {
      image_id: "ami-0123456789abcdef0",
      instance_type: "t3.large",
      associate_public_ip_address: false,
      metadata_options: { http_tokens: "required", http_endpoint: "enabled", http_put_response_hop_limit: 1 },
    });
  });

  test("the launch configuration is created before the old one is destroyed", () => {
    // WHEN
    const synth = synthCluster(LAUNCH_CONFIGURATION);
    // THEN
    expect(synth).toHaveResourceWithProperties(LaunchConfiguration, {
      lifecycle: objectContaining({ create_before_destroy: true }),
    });
  });

  test("user data is plain text that joins the instance to the cluster", () => {
    // WHEN
    const json = JSON.parse(synthCluster(LAUNCH_CONFIGURATION)) as TerraformJson;
    // THEN
    const [, launchConfig] = single(json, "aws_launch_configuration");
    expect(String(launchConfig.user_data)).toContain("ECS_CLUSTER=team-api");
  });

  test("the autoscaling group references the launch configuration and no launch template exists", () => {
    // WHEN
    const synth = synthCluster(LAUNCH_CONFIGURATION);
    const json = JSON.parse(synth) as TerraformJson;
    // THEN
    const [launchConfigId, launchConfig] = single(json, "aws_launch_configuration");
    const [sgId] = single(json, "aws_security_group");
    expect(launchConfig.security_groups).toEqual([`\${aws_security_group.${sgId}.id}`]);
    expect(synth).toHaveResourceWithProperties(AutoscalingGroup, {
      launch_configuration: `\${aws_launch_configuration.${launchConfigId}.name}`,
      vpc_zone_identifier: SUBNETS,
    });
    const [, asg] = single(json, "aws_autoscaling_group");
    expect(asg).not.toHaveProperty("launch_template");
    expect(synth).not.toHaveResource(LaunchTemplate);
  });
});

describe("EcsEc2Cluster instance role", () => {
  test.each([
    ["eu-west-2", "aws"],
    ["cn-north-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
  ])("in %s the ECS policy ARN uses the %s partition", (region, partition) => {
    // WHEN
    const synth = synthCluster(LAUNCH_TEMPLATE, { region });
    // THEN
    expect(synth).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      policy_arn: `arn:${partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role`,
    });
  });
});

describe("EcsEc2Cluster on an existing cluster", () => {
  test("creates nothing of the cluster; rules added through connections go on the given instance group", () => {
    // GIVEN
    const existing = { clusterName: "shared-ec2", instanceSecurityGroupId: "sg-0d1e2f3a4b5c60718" };
    // WHEN
    const json = JSON.parse(synthCluster({ existing }, { rules: hostPortRules })) as TerraformJson;
    // THEN
    expect(Object.keys(json.resource).sort()).toEqual(["aws_vpc_security_group_ingress_rule"]);
    for (const [, rule] of resourcesOf(json, "aws_vpc_security_group_ingress_rule")) {
      expect(rule).toMatchObject({ security_group_id: existing.instanceSecurityGroupId, referenced_security_group_id: NLB_SG });
    }
  });

  test("refuses size and capacity props, which an existing cluster does not use", () => {
    // GIVEN
    const existing = { clusterName: "shared-ec2", instanceSecurityGroupId: "sg-0d1e2f3a4b5c60718" };
    // WHEN / THEN
    expect(() => synthCluster({ existing, minSize: 1, capacity: LAUNCH_TEMPLATE.capacity })).toThrow(
      /an existing cluster's instances are not managed here\. Don't supply minSize, capacity with existing/,
    );
  });
});

describe("EcsEc2Cluster defaults", () => {
  test("without sizes or capacity: a t3.medium launch template with the ECS-optimised AMI, 2 to 4 instances, 30 GiB", () => {
    // WHEN
    const json = JSON.parse(synthCluster({})) as TerraformJson;
    // THEN
    const [, template] = single(json, "aws_launch_template");
    expect(template).toMatchObject({
      instance_type: DEFAULT_INSTANCE_TYPE,
      image_id: `resolve:ssm:${DEFAULT_ECS_AMI_SSM_PARAMETER}`,
      block_device_mappings: [{ ebs: { volume_size: 30 } }],
    });
    const [, asg] = single(json, "aws_autoscaling_group");
    expect(asg).toMatchObject({ min_size: 2, max_size: 4, desired_capacity: 2 });
  });
});

describe("EcsEc2Cluster capacity provider", () => {
  test.each<[string, ClusterShape]>([
    ["launch template", LAUNCH_TEMPLATE],
    ["launch configuration", LAUNCH_CONFIGURATION],
  ])("with a %s: a capacity provider on the group, with managed scaling and managed termination protection", (_what, cluster) => {
    // WHEN
    const json = JSON.parse(synthCluster(cluster)) as TerraformJson;
    // THEN
    const [asgId] = single(json, "aws_autoscaling_group");
    const [, provider] = single(json, "aws_ecs_capacity_provider");
    expect(provider).toMatchObject({
      name: "team-api-capacity",
      auto_scaling_group_provider: {
        auto_scaling_group_arn: `\${aws_autoscaling_group.${asgId}.arn}`,
        managed_termination_protection: "ENABLED",
        managed_draining: "ENABLED",
        managed_scaling: { status: "ENABLED", target_capacity: 100 },
      },
    });
  });

  test("the target capacity is configurable", () => {
    // WHEN
    const synth = synthCluster({ ...LAUNCH_TEMPLATE, capacityProvider: { targetCapacityPercent: 80 } });
    // THEN
    expect(synth).toHaveResourceWithProperties(EcsCapacityProvider, {
      auto_scaling_group_provider: objectContaining({ managed_scaling: { status: "ENABLED", target_capacity: 80 } }),
    });
  });

  test.each([0, 101, 50.5])("refuses target capacity %p", (targetCapacityPercent) => {
    expect(() => synthCluster({ ...LAUNCH_TEMPLATE, capacityProvider: { targetCapacityPercent } })).toThrow(
      new RegExp(`capacityProvider.targetCapacityPercent ${targetCapacityPercent} must be a whole number from 1 to 100`),
    );
  });

  test("is the cluster's only capacity provider and its default strategy", () => {
    // WHEN
    const json = JSON.parse(synthCluster(LAUNCH_TEMPLATE)) as TerraformJson;
    // THEN
    const [clusterId] = single(json, "aws_ecs_cluster");
    const [providerId] = single(json, "aws_ecs_capacity_provider");
    const [, association] = single(json, "aws_ecs_cluster_capacity_providers");
    const name = `\${aws_ecs_capacity_provider.${providerId}.name}`;
    expect(association).toMatchObject({
      cluster_name: `\${aws_ecs_cluster.${clusterId}.name}`,
      capacity_providers: [name],
      default_capacity_provider_strategy: [{ capacity_provider: name, weight: 1 }],
    });
  });

  test("the group protects instances from scale-in, carries the AmazonECSManaged tag and leaves its desired capacity to ECS", () => {
    // WHEN
    const json = JSON.parse(synthCluster(LAUNCH_TEMPLATE)) as TerraformJson;
    // THEN
    const [, asg] = single(json, "aws_autoscaling_group");
    expect(asg).toMatchObject({
      protect_from_scale_in: true,
      desired_capacity: 2,
      lifecycle: { ignore_changes: ["desired_capacity"] },
      tag: [
        { key: "Name", value: "team-api-ecs", propagate_at_launch: true },
        { key: "AmazonECSManaged", value: "true", propagate_at_launch: true },
      ],
    });
  });

  test("an instance refresh replaces protected instances instead of waiting for their protection to end", () => {
    // WHEN
    const synth = synthCluster(LAUNCH_TEMPLATE);
    // THEN
    expect(synth).toHaveResourceWithProperties(AutoscalingGroup, {
      instance_refresh: { strategy: "Rolling", preferences: { min_healthy_percentage: 50, scale_in_protected_instances: "Refresh" } },
    });
  });

  test.each([
    ["team-api", "team-api-capacity"],
    ["ecs-prod", "cp-ecs-prod-capacity"],
    ["awsome", "cp-awsome-capacity"],
    ["fargate-move", "cp-fargate-move-capacity"],
  ])("stack %s names its capacity provider %s (ECS refuses names starting with aws, ecs or fargate)", (name, expected) => {
    expect(synthCluster({}, { name })).toHaveResourceWithProperties(EcsCapacityProvider, { name: expected });
  });

  test("an existing cluster gets no capacity provider, and refuses the prop", () => {
    // GIVEN
    const existing = { clusterName: "shared-ec2", instanceSecurityGroupId: "sg-0d1e2f3a4b5c60718" };
    // WHEN
    const synth = synthCluster({ existing });
    // THEN
    expect(synth).not.toHaveResource(EcsCapacityProvider);
    expect(synth).not.toHaveResource(EcsClusterCapacityProviders);
    expect(() => synthCluster({ existing, capacityProvider: {} })).toThrow(/Don't supply capacityProvider with existing/);
  });
});
