/**
 * Where each service's tasks run and how many there may be, decided once from a validated config:
 * the stack builds it, the diagram draws it. Pure, like the topology.
 */
import type { PrivateApiConfig, ServiceConfig } from "../config/schema";
import { capacityProviderName } from "./names";

/** The cluster's capacity provider; none on an existing cluster. */
export interface CapacityProviderModel {
  /** AWS name of the capacity provider. */
  readonly name: string;
  readonly targetCapacityPercent: number;
}

/** How one service gets its instances. */
export interface ServiceCapacityModel {
  /** `launchType`: the EC2 launch type. `provider`: the cluster's capacity provider strategy. */
  readonly capacity: "launchType" | "provider";
  /** The task range Application Auto Scaling keeps the service in; none without autoscaling. */
  readonly tasks?: { readonly min: number; readonly max: number };
  /**
   * Instances free for a deployment of a fixed-port service at its largest task count (the
   * autoscaling maximum, or desiredCount). With the launch type nothing adds instances, so only
   * `cluster.minSize` is certain; the capacity provider adds them up to `cluster.maxSize`.
   */
  readonly spareInstances: number;
}

/** The capacity provider a config's cluster gets, or none for `cluster.existing`. */
export function capacityProviderOf(cfg: PrivateApiConfig): CapacityProviderModel | undefined {
  if (cfg.cluster.existing) return undefined;
  return { name: capacityProviderName(cfg.name), targetCapacityPercent: cfg.cluster.capacityProvider.targetCapacityPercent };
}

/** How a service of a validated config gets its instances. */
export function serviceCapacity(cfg: PrivateApiConfig, svc: ServiceConfig): ServiceCapacityModel {
  const scaling = svc.autoscaling;
  const mostTasks = scaling?.max ?? svc.desiredCount;
  const instances = svc.capacity === "provider" ? cfg.cluster.maxSize : cfg.cluster.minSize;
  return {
    capacity: svc.capacity,
    tasks: scaling ? { min: scaling.min, max: scaling.max } : undefined,
    spareInstances: Math.max(0, instances - mostTasks),
  };
}
