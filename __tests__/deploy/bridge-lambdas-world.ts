/**
 * Test-only helpers of bridge-lambdas.deploy.test.ts: the applied stack read from Terraform's state,
 * the real handlers run in a child process against the emulator, and the network interfaces moto
 * does not make for load balancers, made by the test instead. Nothing here runs against AWS.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import {
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  DeleteNetworkInterfaceCommand,
  DescribeImagesCommand,
  DetachNetworkInterfaceCommand,
  type EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import type { DeployRoot, EmulatedStack } from "./root";

const ROOT = join(__dirname, "..", "..");

/** How run-handler.ts marks its last line: what the handler returned, or what it threw. */
export const RESULT_MARKER = "HANDLER_RESULT ";
export const ERROR_MARKER = "HANDLER_ERROR ";

/** One resource of `terraform show -json`. */
export interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly values: Record<string, unknown>;
}

interface ShowJson {
  values?: { root_module?: { child_modules?: { address: string; resources?: StateResource[] }[] } };
}

/** The stack's resources as applied (`terraform show -json`, the stack's child module). */
export function appliedResources(root: DeployRoot, stack: EmulatedStack): StateResource[] {
  const show = JSON.parse(root.run(["show", "-json"]).stdout) as ShowJson;
  const module = show.values?.root_module?.child_modules?.find((m) => m.address === `module.${stack.module}`);
  if (module === undefined) throw new Error(`module.${stack.module} is not in the state`);
  return module.resources ?? [];
}

/** The one resource of `type` for which `where` holds; throws naming the type if there are none or several. */
export function onlyResource(resources: readonly StateResource[], type: string, where: (values: Record<string, unknown>) => boolean) {
  const found = resources.filter((r) => r.type === type && where(r.values));
  if (found.length !== 1)
    throw new Error(`expected one ${type} that matches, found ${found.length}: ${found.map((r) => r.address).join(", ")}`);
  return found[0];
}

/** A function's environment variables as deployed (`environment[0].variables`). */
export function deployedEnvironment(fn: StateResource): Record<string, string> {
  const environment = fn.values.environment as { variables?: Record<string, string> }[] | undefined;
  const variables = environment?.[0]?.variables;
  if (variables === undefined) throw new Error(`${fn.address} has no environment variables`);
  return variables;
}

/** How one handler run ended: what it returned or the error it threw, with everything it printed. */
export type HandlerRun<T> =
  | { readonly ok: true; readonly result: T; readonly output: string }
  | { readonly ok: false; readonly error: { name: string; message: string }; readonly output: string };

/** Where the handlers' AWS SDK clients are sent, and as whom. */
export interface HandlerTarget {
  readonly endpoint: string;
  readonly region: string;
  /** The stack's emulator account: a 12-digit access key id runs in that account (emulator/moto_server.py). */
  readonly account: string;
}

/**
 * Runs a handler of lambdas/ once in a child process (node with tsx, run-handler.ts), with exactly
 * `environment` plus the SDK's endpoint, region and dummy keys (and PATH): nothing of this process's
 * environment (AWS profiles, a real region) reaches it.
 */
export async function runHandler<T>(
  name: "nlb-target-sync" | "alb-ingress-from-nlb",
  environment: Readonly<Record<string, string>>,
  target: HandlerTarget,
  event: unknown,
): Promise<HandlerRun<T>> {
  const env = {
    ...environment,
    PATH: process.env.PATH ?? "",
    AWS_ENDPOINT_URL: target.endpoint,
    AWS_REGION: target.region,
    AWS_ACCESS_KEY_ID: target.account,
    AWS_SECRET_ACCESS_KEY: "emulator",
    // No ~/.aws files: the keys above are the only credentials.
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
  const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "run-handler.ts"), name, JSON.stringify(event)], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  const output = `${stdout}\n--- stderr ---\n${stderr}`;
  // The last such line: the marker comes after everything the handler printed.
  const line = stdout
    .split("\n")
    .reverse()
    .find((l) => l.startsWith(RESULT_MARKER) || l.startsWith(ERROR_MARKER));
  if (line === undefined) throw new Error(`${name} exited ${status} without a result line:\n${output}`);
  if (line.startsWith(RESULT_MARKER)) return { ok: true, result: JSON.parse(line.slice(RESULT_MARKER.length)) as T, output };
  return { ok: false, error: JSON.parse(line.slice(ERROR_MARKER.length)) as { name: string; message: string }, output };
}

/** What a handler returned; fails with its output when it threw. */
export function resultOf<T>(run: HandlerRun<T>): T {
  if (!run.ok) throw new Error(`the handler failed: ${run.error.message}\n${run.output}`);
  return run.result;
}

/** A network interface the test made. */
export interface TestInterface {
  readonly id: string;
  readonly ip: string;
  readonly subnetId: string;
  attachmentId?: string;
}

/**
 * The load balancers' network interfaces, which moto does not make: interfaces with the
 * description Elastic Load Balancing gives its own (`ELB app/…`, `ELB net/…`), attached to an
 * instance of the test's in the same subnet, so that their status is `in-use` as a load balancer's
 * are. `cleanup()` removes every interface and instance it made.
 */
export class InterfaceFixture {
  private readonly instances = new Map<string, string>();
  private readonly devices = new Map<string, number>();
  private readonly made = new Map<string, TestInterface>();
  private imageId: string | undefined;

  constructor(private readonly ec2: EC2Client) {}

  /** The test's instances' ids, one per subnet used. */
  instanceIds(): string[] {
    return [...this.instances.values()];
  }

  /** Every interface made and not removed. */
  interfaces(): TestInterface[] {
    return [...this.made.values()];
  }

  /** An interface with `description` in `subnetId`, attached (in-use) unless `attach` is false (available). */
  async create(subnetId: string, description: string, { attach = true } = {}): Promise<TestInterface> {
    const created = await this.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Description: description }));
    const eni = created.NetworkInterface;
    if (eni?.NetworkInterfaceId === undefined || eni.PrivateIpAddress === undefined)
      throw new Error("CreateNetworkInterface returned no interface");
    const made: TestInterface = { id: eni.NetworkInterfaceId, ip: eni.PrivateIpAddress, subnetId };
    this.made.set(made.id, made);
    if (attach) await this.attach(made);
    return made;
  }

  async attach(eni: TestInterface): Promise<void> {
    const instanceId = await this.instanceIn(eni.subnetId);
    // Device 0 is the instance's own interface; a detached index is not reused.
    const device = (this.devices.get(instanceId) ?? 0) + 1;
    this.devices.set(instanceId, device);
    const attached = await this.ec2.send(
      new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eni.id, InstanceId: instanceId, DeviceIndex: device }),
    );
    eni.attachmentId = attached.AttachmentId;
  }

  /** Detaches the interface (it becomes `available`), as when a load balancer node goes away. */
  async detach(eni: TestInterface): Promise<void> {
    if (eni.attachmentId === undefined) return;
    await this.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: eni.attachmentId }));
    eni.attachmentId = undefined;
  }

  /** Detaches and deletes the interface. */
  async remove(eni: TestInterface): Promise<void> {
    await this.detach(eni);
    await this.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni.id }));
    this.made.delete(eni.id);
  }

  /** Removes every interface made, then terminates the instances (their own interfaces go with them). */
  async cleanup(): Promise<void> {
    for (const eni of [...this.made.values()]) await this.remove(eni);
    const ids = this.instanceIds();
    if (ids.length > 0) await this.ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
    this.instances.clear();
  }

  private async instanceIn(subnetId: string): Promise<string> {
    const existing = this.instances.get(subnetId);
    if (existing !== undefined) return existing;
    this.imageId ??= (await this.ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }))).Images?.[0]?.ImageId;
    if (this.imageId === undefined) throw new Error("moto lists no AMI owned by amazon");
    const run = await this.ec2.send(
      new RunInstancesCommand({
        ImageId: this.imageId,
        InstanceType: "t3.micro",
        MinCount: 1,
        MaxCount: 1,
        // Stated: moto otherwise keeps the primary interface (in-use) after the instance is terminated.
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetId, DeleteOnTermination: true }],
      }),
    );
    const instanceId = run.Instances?.[0]?.InstanceId;
    if (instanceId === undefined) throw new Error("RunInstances returned no instance");
    this.instances.set(subnetId, instanceId);
    return instanceId;
  }
}
