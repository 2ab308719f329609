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
}

/**
 * One ECS service on EC2 with a fixed host port: a task definition in bridge mode that maps
 * `hostPort` to `containerPort`, a log group with a retention period, and a service registered in
 * its NLB target group. With a fixed host port at most one task of the service fits on an
 * instance, so deployments stop one old task before starting a new one when the cluster is full.
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

    const service = new EcsService(this, "Resource", {
      name: svc.name,
      cluster: props.clusterArn,
      taskDefinition: taskDefinition.arn,
      desiredCount: svc.desiredCount,
      launchType: "EC2",
      deploymentMinimumHealthyPercent: 50,
      deploymentMaximumPercent: 100,
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
