/**
 * The plan of stacks with Fargate services, without building them: what the cluster and the VPC
 * get, and who may reach whom.
 */
import { parseConfig } from "../../lib/config/load";
import { planStack } from "../../lib/model/stack-plan";
import { exampleConfig } from "../helpers/fixtures";

const seed001 = planStack(parseConfig(exampleConfig("fargate-http-api")));
const spotRest = planStack(parseConfig(exampleConfig("fargate-spot-rest")));

describe("a stack whose services all run on Fargate", () => {
  test("the cluster gets no EC2 capacity, only FARGATE and FARGATE_SPOT", () => {
    expect(seed001.cluster.props).toEqual({
      name: "storefront",
      region: "eu-central-1",
      ec2Capacity: false,
      fargateCapacityProviders: true,
    });
  });

  test("the VPC gets the endpoints Fargate needs, and Secrets Manager, SSM or ssmmessages only where a service uses them", () => {
    expect(seed001.network.props.interfaceEndpoints).toEqual(["ecr.api", "ecr.dkr", "logs", "secretsmanager"]);
    expect(spotRest.network.props.interfaceEndpoints).toEqual(["ecr.api", "ecr.dkr", "logs", "ssm", "ssmmessages"]);
  });

  test("each service's group admits its load balancer on its container ports, and reaches the endpoints on HTTPS; the instances have no rule", () => {
    const rules = spotRest.topology.securityGroupRules.map(
      (r) => `${r.direction} ${r.group.kind === "service" ? `service:${r.group.service}` : r.group.kind} ${r.fromPort} ${r.peer.kind}`,
    );
    expect(rules.filter((r) => r.includes("instances"))).toEqual([]);
    expect(rules.filter((r) => r.startsWith("ingress service:ledger")).sort()).toEqual([
      "ingress service:ledger 8080 nlb",
      "ingress service:ledger 8081 nlb",
      "ingress service:ledger 9090 nlb",
    ]);
    expect(rules.filter((r) => r.startsWith("egress service:"))).toEqual([
      "egress service:ledger 443 endpoints",
      "egress service:fx-rates 443 endpoints",
    ]);
    expect(rules.filter((r) => r.startsWith("egress nlb")).sort()).toEqual([
      "egress nlb 8080 service",
      "egress nlb 8080 service",
      "egress nlb 8081 service",
      "egress nlb 9090 service",
    ]);
  });

  test("the services carry their Fargate settings and the egress beyond the topology's rules", () => {
    const ledger = spotRest.services.find((s) => s.name === "ledger");
    expect(ledger?.compute).toBe("fargate");
    expect(ledger?.fargate).toEqual({
      architecture: "X86_64",
      ephemeralStorageGiB: undefined,
      capacityProviderStrategy: [
        { capacityProvider: "FARGATE", base: 1, weight: 1 },
        { capacityProvider: "FARGATE_SPOT", weight: 3 },
      ],
      enableExecuteCommand: true,
      securityGroupName: "ledger-ledger-tasks",
      egress: [
        {
          id: "EgressToS3",
          description: "HTTPS to S3 through the gateway endpoint: image layers",
          fromPort: 443,
          toPort: 443,
          to: { s3PrefixList: true },
        },
        {
          id: "Egress-10.95.128.0_20-5432",
          description: "The ledger database (Aurora PostgreSQL)",
          fromPort: 5432,
          toPort: 5432,
          to: { cidr: "10.95.128.0/20" },
        },
      ],
    });
    expect(spotRest.nlbs[0].props.ports.map((p) => [p.port, p.targetPort, p.targetType, p.targetGroupName])).toEqual([
      [10000, 8080, "ip", "ledger-ip-10000"],
      [10001, 8081, "ip", "ledger-ip-10001"],
      [10002, 9090, "ip", "ledger-ip-10002"],
      [10003, 8080, "ip", "ledger-ip-10003"],
    ]);
  });
});

describe("a stack of EC2 services only", () => {
  test("its plan has no Fargate part: the cluster, the endpoints and the services are planned as before", () => {
    const plan = planStack(parseConfig(exampleConfig("two-services")));
    expect(plan.cluster.props).not.toHaveProperty("ec2Capacity");
    expect(plan.cluster.props).not.toHaveProperty("fargateCapacityProviders");
    expect(plan.network.props).not.toHaveProperty("interfaceEndpoints");
    expect(plan.services.map((s) => [s.compute, s.fargate])).toEqual([
      ["ec2", undefined],
      ["ec2", undefined],
    ]);
  });
});
