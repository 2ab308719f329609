/** Configs with services on several ports, shared by the tests of `services[].ports`. */
import type { PrivateApiConfigInput } from "../../lib/config/schema";
import { defaultConfig, exampleConfig } from "./fixtures";

type Input = PrivateApiConfigInput;
type Service = Input["services"][number];
type Port = NonNullable<Service["ports"]>[number];

/** A one-port service in the ports form, its one port named `name`, then `more`: nothing else changes. */
export function asPorts(svc: Service, name = "http", more: Port[] = []): Service {
  const { containerPort, hostPort, healthCheck, ...rest } = svc;
  return { ...rest, ports: [{ name, containerPort: containerPort as number, hostPort, healthCheck }, ...more] };
}

/** The default config, "orders" on two ports as seed 003 has them: 8080 -> 10000 and 7777 -> 10002 ("admin"), with a route to each. */
export function ordersWithAdmin(): Input {
  const cfg = defaultConfig() as Input;
  cfg.services[0] = asPorts(cfg.services[0], "http", [{ name: "admin", containerPort: 7777, hostPort: 10002 }]);
  cfg.routes.push({ path: "/admin/{proxy+}", methods: ["ANY"], service: "orders", port: "admin" });
  return cfg;
}

/** An example with its service `name` (behind the ALB) on its ALB port and 7777 -> 10100 ("admin") on the NLB, with a route to that. */
export function albServiceWithAdmin(example: "alb-bridge-native" | "http-api", name: string): Input {
  const cfg = exampleConfig(example);
  const i = cfg.services.findIndex((s) => s.name === name);
  cfg.services[i] = asPorts(cfg.services[i], "http", [{ name: "admin", containerPort: 7777, hostPort: 10100 }]);
  cfg.routes.push({ path: "/admin", methods: ["GET"], service: name, port: "admin" });
  return cfg;
}
