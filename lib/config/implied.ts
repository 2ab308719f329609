/**
 * What a config implies where it leaves a field out and the answer depends on other fields: the
 * bridge mode and port in force, whether the ALB speaks HTTPS, which ports the NLB serves. They
 * are config defaults, like the schema's, only too wide for one field: the cross-field phase
 * (./semantics.ts) checks them and the model (lib/model/topology.ts) builds on them, both through
 * these functions, so each question has one answer.
 */
import { portsOf, type ServicePort, type ServicePortFields } from "./ports";
import type { PrivateApiConfig, ServiceConfig } from "./schema";

/** The bridge mode in force: the configured one, "native" when ALB services exist, else "none". */
export function bridgeMode(cfg: Pick<PrivateApiConfig, "bridge" | "services" | "api">): "native" | "lambda" | "none" {
  // An HTTP API's VPC link reaches the ALB directly; only a REST API needs the bridge.
  if (cfg.api.type === "http") return "none";
  if (cfg.bridge) return cfg.bridge.mode;
  return cfg.services.some((s) => s.via === "alb") ? "native" : "none";
}

/** Whether the ALB listener speaks HTTPS: a new ALB with a certificate, or an existing one that says so. */
export function albHttps(cfg: Pick<PrivateApiConfig, "alb">): boolean {
  return cfg.alb?.existing ? cfg.alb.existing.https : cfg.alb?.certificateArn !== undefined;
}

/** The ALB listener port, which is also the bridge's NLB listener port. */
export function bridgePort(cfg: Pick<PrivateApiConfig, "bridge" | "alb">): number {
  if (cfg.alb?.existing) return cfg.alb.existing.listenerPort;
  const explicit = cfg.bridge && cfg.bridge.mode !== "none" ? cfg.bridge.port : undefined;
  return explicit ?? (cfg.alb?.certificateArn ? 443 : 80);
}

/**
 * What serves a port of a service: the ALB serves the first port of a via "alb" service (by path
 * rules, one port per service), and the NLB every other port, each with its own listener.
 */
export function portVia(service: Pick<ServiceConfig, "via">, port: Pick<ServicePort, "index">): "nlb" | "alb" {
  return service.via === "alb" && port.index === 0 ? "alb" : "nlb";
}

/** Every port the NLB serves, with its service: in config order, a service's ports in their order. */
export function nlbServicePorts<S extends Pick<ServiceConfig, "via" | "name"> & ServicePortFields>(cfg: {
  readonly services: readonly S[];
}): { service: S; port: ServicePort }[] {
  return cfg.services.flatMap((service) =>
    portsOf(service)
      .filter((port) => portVia(service, port) === "nlb")
      .map((port) => ({ service, port })),
  );
}

/** NLB listener ports of a config, ascending: each port the NLB serves, and the bridge's. */
export function nlbPorts(cfg: PrivateApiConfig): number[] {
  const ports = nlbServicePorts(cfg).map((p) => p.port.listenerPort);
  if (cfg.services.some((s) => s.via === "alb") && bridgeMode(cfg) !== "none") ports.push(bridgePort(cfg));
  return ports.sort((a, b) => a - b);
}

/** Where a service's tasks run: on the cluster's EC2 instances (the default), or on Fargate (with `fargate`). */
export function computeOf(service: Pick<ServiceConfig, "fargate">): "ec2" | "fargate" {
  return service.fargate === undefined ? "ec2" : "fargate";
}

/** Whether the stack creates the VPC endpoints (a created VPC with `vpcEndpoints`): the Fargate tasks' egress goes to them. */
export function createsVpcEndpoints(cfg: Pick<PrivateApiConfig, "network">): boolean {
  return cfg.network.type === "create" && cfg.network.vpcEndpoints;
}
