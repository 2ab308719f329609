import type { PrivateApiConfigInput } from "./schema";

/**
 * The embedded default: what `npm run synth` builds with no arguments. Two services on fixed host
 * ports in a new private-only VPC, behind IAM-authorised routes. examples/ holds more.
 */
export const DEFAULT_CONFIG: PrivateApiConfigInput = {
  name: "private-api",
  region: "eu-west-2",
  tags: { project: "private-ecs-api", managedBy: "cdktf" },
  network: {
    type: "create",
    vpcCidr: "10.40.0.0/16",
    availabilityZones: ["eu-west-2a", "eu-west-2b"],
    privateSubnetCidrs: ["10.40.0.0/20", "10.40.16.0/20"],
  },
  cluster: { instanceType: "t3.medium", minSize: 2, maxSize: 4, desiredCapacity: 2 },
  services: [
    {
      name: "orders",
      image: "123456789012.dkr.ecr.eu-west-2.amazonaws.com/orders:1.4.2",
      containerPort: 8080,
      hostPort: 10000,
      desiredCount: 2,
      healthCheck: { protocol: "HTTP", path: "/health" },
    },
    {
      name: "inventory",
      image: "123456789012.dkr.ecr.eu-west-2.amazonaws.com/inventory:2.0.1",
      containerPort: 8080,
      hostPort: 10001,
      desiredCount: 2,
      environment: { LOG_LEVEL: "info" },
    },
  ],
  routes: [
    { path: "/orders", methods: ["GET", "POST"], service: "orders" },
    { path: "/orders/{proxy+}", methods: ["ANY"], service: "orders" },
    { path: "/inventory/{sku}", methods: ["GET"], service: "inventory" },
  ],
};
