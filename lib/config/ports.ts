/**
 * A service's ports, in one form. A service gives either one port (`containerPort`, `hostPort`,
 * `healthCheck`) or several (`ports`); the schema allows exactly one of the two. Everything after
 * the schema (the cross-field rules, the topology, the stack, the diagram) reads a service's ports
 * through `portsOf`, never the raw fields, so the two forms cannot be told apart past this file
 * except by the port's `name`.
 */
import { DEFAULT_PORT_HEALTH_CHECK, type HealthCheckConfig, type RouteConfig, type ServiceConfig } from "./schema";

/** One port of a service. */
export interface ServicePort {
  /** The port's name in `ports`; undefined for a service with the single-port form. */
  readonly name?: string;
  readonly containerPort: number;
  /**
   * The port the load balancer sends to at the target's address. On EC2 the instance port: fixed,
   * or 0 for a dynamic one (the ALB port of a via "alb" service only). On Fargate the container
   * port, as awsvpc networking requires.
   */
  readonly hostPort: number;
  /** The port's NLB listener port, where the NLB serves it: hostPort on EC2; on Fargate listenerPort, default the container port. */
  readonly listenerPort: number;
  /** With every default filled in. */
  readonly healthCheck: HealthCheckConfig;
  /** Its place among the service's ports: 0 is the first, the service's main port. */
  readonly index: number;
}

/** The fields of a service that hold its ports. */
export type ServicePortFields = Pick<ServiceConfig, "containerPort" | "hostPort" | "listenerPort" | "healthCheck" | "ports" | "fargate">;

/** The ports of a service that passed the schema, in order; one for the single-port form. */
export function portsOf(service: ServicePortFields): ServicePort[] {
  const onFargate = service.fargate !== undefined;
  /** A port's target and listener ports: the instance port on EC2; the container port on Fargate. */
  const at = (p: { containerPort: number; hostPort?: number; listenerPort?: number }): { hostPort: number; listenerPort: number } => {
    if (onFargate) return { hostPort: p.containerPort, listenerPort: p.listenerPort ?? p.containerPort };
    if (p.hostPort === undefined) throw new Error("portsOf: an EC2 service's port has no hostPort (the config schema refuses that)");
    return { hostPort: p.hostPort, listenerPort: p.hostPort };
  };
  if (service.ports !== undefined) {
    return service.ports.map((p, index) => ({
      name: p.name,
      containerPort: p.containerPort,
      ...at(p),
      healthCheck: p.healthCheck,
      index,
    }));
  }
  if (service.containerPort === undefined) {
    throw new Error("portsOf: the service has neither containerPort nor ports (the config schema refuses that)");
  }
  return [
    {
      containerPort: service.containerPort,
      ...at({ containerPort: service.containerPort, hostPort: service.hostPort, listenerPort: service.listenerPort }),
      healthCheck: service.healthCheck ?? DEFAULT_PORT_HEALTH_CHECK,
      index: 0,
    },
  ];
}

/** Where a port's fields are, below its service: `[]` for the single-port form, `["ports", i]` otherwise. */
export function portPath(port: ServicePort): (string | number)[] {
  return port.name === undefined ? [] : ["ports", port.index];
}

/** `service "orders"`, or `service "orders" port "admin"` for a named port: how messages name a port. */
export function describePort(service: string, port: ServicePort): string {
  return port.name === undefined ? `service "${service}"` : `service "${service}" port "${port.name}"`;
}

/**
 * The port a route is sent to: the one it names, or the service's first. Undefined when it names
 * a port the service does not have, or names one of a single-port service (the rules refuse both).
 */
export function portOfRoute(service: ServicePortFields, route: Pick<RouteConfig, "port">): ServicePort | undefined {
  const ports = portsOf(service);
  if (route.port === undefined) return ports[0];
  return ports.find((p) => p.name !== undefined && p.name === route.port);
}
