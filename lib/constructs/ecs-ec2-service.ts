import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Construct } from "constructs";
import { serviceLogGroupName } from "../config/names";
import type { ServiceConfig } from "../config/schema";

export interface FixedPortEcsServiceProps {
  /** Prefix of the task family and log group. */
  readonly name: string;
  readonly region: string;
  /** ARN of the cluster the service runs in. */
  readonly clusterArn: string;
  /** The service as configured: image, sizes, ports, count, environment. */
  readonly service: ServiceConfig;
  /** NLB target group the container's host port is registered in. */
  readonly targetGroup: LbTargetGroup;
  /** The listener forwarding to that group; ECS refuses a target group with no load balancer. */
  readonly listener: LbListener;
  /**
   * Instances the cluster always has beyond this service's tasks (cluster minimum size minus
   * desired count). With at least one, deployments start new tasks before stopping old ones.
   * @default 0
   */
  readonly spareInstances?: number;
}

/** Deployment limits that let a fixed-host-port service roll at all. */
export function deploymentLimits(desiredCount: number, spareInstances: number): { minimumHealthyPercent: number; maximumPercent: number } {
  // A new task needs an instance where the port is free. With a spare instance, start it first.
  if (spareInstances >= 1) return { minimumHealthyPercent: 100, maximumPercent: 200 };
  // Otherwise an old task must stop first. ECS rounds the minimum up, so with one task anything
  // above 0 % would keep it running forever and the deployment would never progress.
  return { minimumHealthyPercent: desiredCount <= 1 ? 0 : 50, maximumPercent: 100 };
}

/**
 * One ECS service on EC2 with a fixed host port: a task definition in bridge mode that maps
 * `hostPort` to `containerPort`, a log group with a retention period, and a service registered in
 * its NLB target group. With a fixed host port at most one task of the service fits on an
 * instance, so the deployment limits depend on spare instances (see `deploymentLimits`).
 */
export class FixedPortEcsService extends Construct {
  /** ARN of the task definition revision. */
  public readonly taskDefinitionArn: string;
  /** Name of the ECS service. */
  public readonly serviceName: string;

  constructor(scope: Construct, id: string, props: FixedPortEcsServiceProps) {
    super(scope, id);
    const svc = props.service;
    const logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: serviceLogGroupName(props.name, svc.name),
      retentionInDays: svc.logRetentionDays,
    });

    const container = {
      name: svc.name,
      image: svc.image,
      essential: true,
      cpu: svc.cpu,
      memory: svc.memory,
      portMappings: [{ containerPort: svc.containerPort, hostPort: svc.hostPort, protocol: "tcp" }],
      // Sorted so that reordering keys in the config does not create a new task definition revision.
      environment: Object.keys(svc.environment)
        .sort()
        .map((key) => ({ name: key, value: svc.environment[key] })),
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": serviceLogGroupName(props.name, svc.name),
          "awslogs-region": props.region,
          "awslogs-stream-prefix": svc.name,
        },
      },
    };
    const taskDefinition = new EcsTaskDefinition(this, "TaskDefinition", {
      family: `${props.name}-${svc.name}`,
      networkMode: "bridge",
      requiresCompatibilities: ["EC2"],
      containerDefinitions: JSON.stringify([container]),
      dependsOn: [logGroup],
    });
    this.taskDefinitionArn = taskDefinition.arn;

    const limits = deploymentLimits(svc.desiredCount, props.spareInstances ?? 0);
    const service = new EcsService(this, "Resource", {
      name: svc.name,
      cluster: props.clusterArn,
      taskDefinition: taskDefinition.arn,
      desiredCount: svc.desiredCount,
      launchType: "EC2",
      deploymentMinimumHealthyPercent: limits.minimumHealthyPercent,
      deploymentMaximumPercent: limits.maximumPercent,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriodSeconds: 60,
      // One task per instance: the fixed host port would collide anyway; this makes it explicit.
      placementConstraints: [{ type: "distinctInstance" }],
      orderedPlacementStrategy: [{ type: "spread", field: "attribute:ecs.availability-zone" }],
      loadBalancer: [{ targetGroupArn: props.targetGroup.arn, containerName: svc.name, containerPort: svc.containerPort }],
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      dependsOn: [props.listener],
    });
    this.serviceName = service.name;
  }
}
