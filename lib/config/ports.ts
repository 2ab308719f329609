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
  /** The instance port: fixed, or 0 for a dynamic one (the ALB port of a via "alb" service only). */
  readonly hostPort: number;
  /** With every default filled in. */
  readonly healthCheck: HealthCheckConfig;
  /** Its place among the service's ports: 0 is the first, the service's main port. */
  readonly index: number;
}

/** The fields of a service that hold its ports. */
export type ServicePortFields = Pick<ServiceConfig, "containerPort" | "hostPort" | "healthCheck" | "ports">;

/** The ports of a service that passed the schema, in order; one for the single-port form. */
export function portsOf(service: ServicePortFields): ServicePort[] {
  if (service.ports !== undefined) {
    return service.ports.map((p, index) => ({
      name: p.name,
      containerPort: p.containerPort,
      hostPort: p.hostPort,
      healthCheck: p.healthCheck,
      index,
    }));
  }
  if (service.containerPort === undefined || service.hostPort === undefined) {
    throw new Error("portsOf: the service has neither containerPort and hostPort nor ports (the config schema refuses that)");
  }
  return [
    {
      containerPort: service.containerPort,
      hostPort: service.hostPort,
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
