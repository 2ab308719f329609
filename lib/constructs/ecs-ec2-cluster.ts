import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchConfiguration } from "@cdktf/provider-aws/lib/launch-configuration";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import {
  autoscalingGroupName,
  capacityProviderName,
  instanceRoleName,
  instanceSecurityGroupName,
  launchTemplatePrefix,
  partitionOf,
} from "../model/names";
import { Connections } from "./connections";
import {
  DEFAULT_CLUSTER_DESIRED_CAPACITY,
  DEFAULT_CLUSTER_MAX_SIZE,
  DEFAULT_CLUSTER_MIN_SIZE,
  DEFAULT_ECS_AMI_SSM_PARAMETER,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_ROOT_VOLUME_SIZE_GIB,
  DEFAULT_TARGET_CAPACITY_PERCENT,
} from "../core/defaults";

/** How the autoscaling group launches instances. */
export type ClusterCapacity =
  | {
      /** A launch template (the default). */
      readonly type: "launchTemplate";
      /**
       * SSM parameter holding the AMI id; EC2 resolves it at launch (`resolve:ssm:`).
       * @default DEFAULT_ECS_AMI_SSM_PARAMETER (the current ECS-optimised Amazon Linux 2023 image)
       */
      readonly amiSsmParameter?: string;
    }
  | {
      /** A legacy launch configuration, for accounts or state that already have one. */
      readonly type: "launchConfiguration";
      /** AMI of the instances. */
      readonly imageId: string;
    };

/** How the cluster's ECS capacity provider scales the autoscaling group. */
export interface CapacityProviderOptions {
  /**
   * Target capacity of managed scaling, 1 to 100: ECS adds and removes instances so that this
   * percentage of them runs tasks. 100 keeps no empty instance beyond the group's minimum; less
   * keeps headroom, so new tasks start without waiting for an instance.
   * @default 100
   */
  readonly targetCapacityPercent?: number;
}

/** A capacity provider services can name in their strategy, and what must exist before they do. */
export interface EcsCapacityProviderRef {
  /** Name of the capacity provider. */
  readonly name: string;
  /** The association with the cluster: ECS refuses a strategy naming a provider the cluster does not have. */
  readonly attachedBy: readonly ITerraformDependable[];
}

/** An ECS cluster with EC2 capacity that someone else runs. */
export interface ExistingEcsCluster {
  readonly clusterName: string;
  /** Security group of its instances; the host-port rules go on it. */
  readonly instanceSecurityGroupId: string;
}

export interface EcsEc2ClusterProps {
  /** Cluster name, and prefix of the other names. */
  readonly name: string;
  /** Region, for the partition of AWS-managed policy ARNs. */
  readonly region: string;
  readonly vpcId: string;
  /** Subnets the autoscaling group launches into; they should be private. */
  readonly subnetIds: string[];
  /**
   * Instance type of the capacity.
   * @default "t3.medium"
   */
  readonly instanceType?: string;
  /**
   * Minimum size of the autoscaling group.
   * @default 2
   */
  readonly minSize?: number;
  /**
   * Maximum size of the autoscaling group.
   * @default 4
   */
  readonly maxSize?: number;
  /**
   * Desired capacity of the autoscaling group.
   * @default 2
   */
  readonly desiredCapacity?: number;
  /**
   * Launch template or legacy launch configuration.
   * @default - a launch template with the current ECS-optimised Amazon Linux 2023 AMI
   */
  readonly capacity?: ClusterCapacity;
  /**
   * Root volume size of each instance, GiB.
   * @default 30
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * The ECS capacity provider on the autoscaling group: managed scaling at this target capacity,
   * and managed termination protection (instances that run tasks are protected from scale-in). It
   * is the cluster's default capacity provider strategy. The group's desired capacity is then
   * ECS's to set (Terraform ignores changes to it).
   * @default - a capacity provider with target capacity 100 %
   */
  readonly capacityProvider?: CapacityProviderOptions;
  /**
   * Run on an existing cluster: nothing of the cluster is created; rules added through
   * `connections` go on its instances' security group. The size and capacity props must not be given then.
   * @default - a new cluster, instances and autoscaling group
   */
  readonly existing?: ExistingEcsCluster;
  /**
   * Create the EC2 capacity: instances, their role, profile and security group, the launch
   * template or configuration, the autoscaling group and its capacity provider. false for a
   * cluster whose services all run on Fargate: only the cluster is created. Not with `existing`.
   * @default true
   */
  readonly ec2Capacity?: boolean;
  /**
   * Add the FARGATE and FARGATE_SPOT capacity providers to the cluster, for services that run on
   * Fargate. The EC2 capacity provider, if any, stays the default strategy. Not with `existing`:
   * an existing cluster's capacity providers are its owner's (it needs these two for Fargate
   * services with a strategy).
   * @default false
   */
  readonly fargateCapacityProviders?: boolean;
}

/**
 * IMDSv2 only, and a hop limit of 1: a token's response does not survive the extra hop into a
 * bridge-mode container, so only processes on the host (the ECS agent runs in the host's network)
 * can read the instance role's credentials. Tasks get theirs from their task role instead.
 */
const INSTANCE_METADATA_OPTIONS = { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 } as const;

/** The props that describe instances, which an existing cluster does not take. */
const SIZE_AND_CAPACITY_PROPS = [
  "instanceType",
  "minSize",
  "maxSize",
  "desiredCapacity",
  "capacity",
  "rootVolumeSizeGiB",
  "capacityProvider",
] as const;

/**
 * An ECS cluster on EC2: the cluster, an instance role and profile, a security group, a launch
 * template (or a legacy launch configuration) whose user data joins the cluster, and an
 * autoscaling group in the private subnets. Instances never get a public IP, and require IMDSv2
 * with a hop limit of 1. The security group admits nothing until rules are added through
 * `connections`: the services' host ports, from the load balancers' groups, as PrivateApiStack adds
 * the rules it plans.
 */
export class EcsEc2Cluster extends Construct {
  /** Name of the ECS cluster. */
  public readonly clusterName: string;
  /** ARN of the ECS cluster (its name, for an existing one: ECS accepts either). */
  public readonly clusterArn: string;
  /** Id of the instances' security group; none without EC2 capacity. */
  public readonly instanceSecurityGroupId?: string;
  /** The instances' security group, for rules to and from it; none without EC2 capacity. */
  public readonly connections?: Connections;
  /** Name of the autoscaling group; none for an existing cluster. */
  public readonly autoScalingGroupName?: string;
  /** The capacity provider on the autoscaling group; none for an existing cluster or without EC2 capacity. */
  public readonly capacityProvider?: EcsCapacityProviderRef;
  /** The association that gives the cluster FARGATE and FARGATE_SPOT, with fargateCapacityProviders: what a Fargate service's strategy waits for. */
  public readonly fargateCapacityAttachedBy: readonly ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: EcsEc2ClusterProps) {
    super(scope, id);
    const partition = partitionOf(props.region);

    if (props.existing) {
      const given = [...SIZE_AND_CAPACITY_PROPS, "ec2Capacity", "fargateCapacityProviders"].filter(
        (p) => props[p as keyof EcsEc2ClusterProps] !== undefined,
      );
      if (given.length > 0) {
        throw new Error(
          `EcsEc2Cluster "${props.name}": an existing cluster's instances are not managed here. Don't supply ${given.join(", ")} with existing.`,
        );
      }
      // Someone else's cluster and instances: only the rules our services need go on their group.
      this.clusterName = props.existing.clusterName;
      this.clusterArn = props.existing.clusterName;
      this.instanceSecurityGroupId = props.existing.instanceSecurityGroupId;
      this.connections = new Connections(this, this.instanceSecurityGroupId);
      return;
    }

    const targetCapacityPercent = props.capacityProvider?.targetCapacityPercent ?? DEFAULT_TARGET_CAPACITY_PERCENT;
    if (!Number.isInteger(targetCapacityPercent) || targetCapacityPercent < 1 || targetCapacityPercent > 100) {
      throw new Error(
        `EcsEc2Cluster "${props.name}": capacityProvider.targetCapacityPercent ${targetCapacityPercent} must be a whole number from 1 to 100`,
      );
    }

    const cluster = new EcsCluster(this, "Resource", {
      name: props.name,
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
    this.clusterName = cluster.name;
    this.clusterArn = cluster.arn;
    const fargateProviders = props.fargateCapacityProviders ? ["FARGATE", "FARGATE_SPOT"] : [];

    if (props.ec2Capacity === false) {
      const given = SIZE_AND_CAPACITY_PROPS.filter((p) => props[p] !== undefined);
      if (given.length > 0) {
        throw new Error(
          `EcsEc2Cluster "${props.name}": a cluster without EC2 capacity has no instances. Don't supply ${given.join(", ")} with ec2Capacity false.`,
        );
      }
      if (fargateProviders.length > 0) {
        const association = new EcsClusterCapacityProviders(this, "CapacityProviders", {
          clusterName: cluster.name,
          capacityProviders: fargateProviders,
          defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
        });
        this.fargateCapacityAttachedBy = [association];
      }
      return;
    }

    const role = new IamRole(this, "InstanceRole", {
      name: instanceRoleName(props.name),
      description: "ECS container instances: register with the cluster, pull from ECR, write task logs",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    new IamRolePolicyAttachment(this, "InstanceRoleEcsPolicy", {
      role: role.name,
      policyArn: `arn:${partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role`,
    });
    const profile = new IamInstanceProfile(this, "InstanceProfile", { name: instanceRoleName(props.name), role: role.name });

    const sg = new SecurityGroup(this, "InstanceSecurityGroup", {
      name: instanceSecurityGroupName(props.name),
      description: "ECS container instances: service host ports from the internal load balancers only",
      vpcId: props.vpcId,
      tags: { Name: instanceSecurityGroupName(props.name) },
    });
    this.instanceSecurityGroupId = sg.id;
    this.connections = new Connections(this, sg.id);
    // Outbound stays open: the ECS agent, ECR and CloudWatch Logs are reached over HTTPS, and the
    // services themselves usually call databases and other APIs. Exposure is an ingress question.
    new VpcSecurityGroupEgressRule(this, "AllOutbound", {
      securityGroupId: sg.id,
      description: "Outbound to AWS endpoints and the services' dependencies",
      ipProtocol: "-1",
      cidrIpv4: "0.0.0.0/0",
    });

    const userData = `#!/bin/bash\necho ECS_CLUSTER=${props.name} >> /etc/ecs/ecs.config\n`;
    const asgCommon = {
      minSize: props.minSize ?? DEFAULT_CLUSTER_MIN_SIZE,
      maxSize: props.maxSize ?? DEFAULT_CLUSTER_MAX_SIZE,
      desiredCapacity: props.desiredCapacity ?? DEFAULT_CLUSTER_DESIRED_CAPACITY,
      vpcZoneIdentifier: props.subnetIds,
      healthCheckType: "EC2",
      tag: [
        { key: "Name", value: `${props.name}-ecs`, propagateAtLaunch: true },
        // ECS adds this tag when the capacity provider takes the group; declared here so that
        // Terraform does not remove it, and so that every instance carries it from launch.
        { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
      ],
      // Managed termination protection needs it: ECS lifts the protection of an instance only once
      // it runs no task, so scale-in never stops a task.
      protectFromScaleIn: true,
      // The capacity provider's managed scaling sets the desired capacity from now on.
      lifecycle: { ignoreChanges: ["desired_capacity"] },
    };

    const capacity: ClusterCapacity = props.capacity ?? { type: "launchTemplate" };
    const instanceType = props.instanceType ?? DEFAULT_INSTANCE_TYPE;
    const rootVolumeSizeGiB = props.rootVolumeSizeGiB ?? DEFAULT_ROOT_VOLUME_SIZE_GIB;
    let asg: AutoscalingGroup;
    if (capacity.type === "launchTemplate") {
      const template = new LaunchTemplate(this, "LaunchTemplate", {
        namePrefix: launchTemplatePrefix(props.name),
        description: "ECS container instances",
        imageId: `resolve:ssm:${capacity.amiSsmParameter ?? DEFAULT_ECS_AMI_SSM_PARAMETER}`,
        instanceType,
        iamInstanceProfile: { arn: profile.arn },
        userData: Buffer.from(userData).toString("base64"),
        metadataOptions: INSTANCE_METADATA_OPTIONS,
        // Set on the interface rather than vpc_security_group_ids so the "no public IP" choice is
        // explicit, whatever the subnet's own default says.
        networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: [sg.id], deleteOnTermination: "true" }],
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: { volumeSize: rootVolumeSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
          },
        ],
        tagSpecifications: [{ resourceType: "instance", tags: { Name: `${props.name}-ecs` } }],
      });
      asg = new AutoscalingGroup(this, "AutoScalingGroup", {
        ...asgCommon,
        name: autoscalingGroupName(props.name),
        launchTemplate: { id: template.id, version: template.latestVersion.toString() },
        // Every instance with tasks is protected from scale-in; the API's default would wait an
        // hour for that to end and then fail the refresh. Replaced instances are drained by ECS first
        // (the capacity provider's managed draining).
        instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 50, scaleInProtectedInstances: "Refresh" } },
      });
    } else {
      const launchConfig = new LaunchConfiguration(this, "LaunchConfiguration", {
        namePrefix: launchTemplatePrefix(props.name),
        imageId: capacity.imageId,
        instanceType,
        iamInstanceProfile: profile.name,
        securityGroups: [sg.id],
        associatePublicIpAddress: false,
        userData,
        metadataOptions: INSTANCE_METADATA_OPTIONS,
        rootBlockDevice: { volumeSize: rootVolumeSizeGiB, volumeType: "gp3", encrypted: true, deleteOnTermination: true },
        // A launch configuration cannot be changed in place; the ASG must point at the new one first.
        lifecycle: { createBeforeDestroy: true },
      });
      asg = new AutoscalingGroup(this, "AutoScalingGroup", {
        ...asgCommon,
        name: autoscalingGroupName(props.name),
        launchConfiguration: launchConfig.name,
      });
    }
    this.autoScalingGroupName = asg.name;

    const provider = new EcsCapacityProvider(this, "CapacityProvider", {
      name: capacityProviderName(props.name),
      autoScalingGroupProvider: {
        autoScalingGroupArn: asg.arn,
        managedTerminationProtection: "ENABLED",
        // ECS drains an instance's tasks before the group terminates it (the API's default, stated).
        managedDraining: "ENABLED",
        managedScaling: { status: "ENABLED", targetCapacity: targetCapacityPercent },
      },
    });
    const association = new EcsClusterCapacityProviders(this, "CapacityProviders", {
      clusterName: cluster.name,
      capacityProviders: [provider.name, ...fargateProviders],
      // Services that name no launch type and no strategy use the provider.
      defaultCapacityProviderStrategy: [{ capacityProvider: provider.name, weight: 1 }],
      // No replace_triggered_by on the provider, though its docs suggest one for a provider that
      // must be replaced: ours is replaced only with the group or the stack's name, never in
      // place, and the HCL export (npm run synth:hcl) would write the reference as a string,
      // which Terraform refuses there.
    });
    this.capacityProvider = { name: provider.name, attachedBy: [association] };
    if (fargateProviders.length > 0) this.fargateCapacityAttachedBy = [association];
  }
}
