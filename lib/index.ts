export * from "./config/schema";
export * from "./config/load";
export * from "./constructs/private-network";
export * from "./constructs/ecs-ec2-cluster";
export * from "./constructs/fixed-port-ecs-service";
export * from "./constructs/internal-network-load-balancer";
export * from "./constructs/private-rest-api";
export * from "./stacks/private-api-stack";
