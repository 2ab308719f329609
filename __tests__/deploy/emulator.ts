/**
 * The deploy tier's emulator: moto (an independent AWS emulator, a Python package) started on
 * 127.0.0.1 as a child process of the test file, with Lambda set not to use Docker, and Terraform
 * pointed at it by a test-only override. Nothing here runs against AWS or goes into the product.
 *
 * Environment:
 * - MOTO_PYTHON: the python3 that has moto 5.2.1 (`pip install "moto[server]==5.2.1"`); default `python3`.
 * Under CI=true a missing moto (or Terraform) fails the tier; elsewhere it is skipped with the reason printed.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import { locateTerraform, type TerraformEnv } from "../../scripts/tooling/terraform";
import { describeIfAvailable } from "../helpers/ci-gate";

/** The moto version the tier was written against (EMULATOR_NOTES.md and the allow-list were checked on it). */
export const MOTO_VERSION = "5.2.1";

const EMULATOR_DIR = join(__dirname, "emulator");

/** The python3 that has moto, with its version, or the reason there is none. */
export function locateMoto(env: NodeJS.ProcessEnv = process.env): { python: string; version: string } | string {
  const python = env.MOTO_PYTHON ?? "python3";
  const probe = spawnSync(python, ["-c", "import moto, werkzeug, boto3; print(moto.__version__)"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) {
    return `moto is not importable by "${python}" (pip install "moto[server]==${MOTO_VERSION}", or set MOTO_PYTHON)`;
  }
  const version = probe.stdout.trim();
  if (version !== MOTO_VERSION) return `"${python}" has moto ${version}; the deploy tier needs moto ${MOTO_VERSION}`;
  return { python, version };
}

export interface EmulatorTools {
  readonly tf: TerraformEnv;
  readonly python: string;
}

/**
 * `describe` for the deploy tier: needs Terraform with the provider mirror, and moto. Skipped with
 * a printed reason where either is missing, and failing under CI=true (describeIfAvailable).
 */
export function describeWithEmulator(name: string, body: (tools: EmulatorTools) => void): void {
  const tf = locateTerraform();
  const moto = locateMoto();
  const problems = [tf, moto].filter((found): found is string => typeof found === "string");
  const problem = problems.length > 0 ? problems.join("; ") : undefined;
  describeIfAvailable("terraform, the provider mirror and moto are available", problem)(name, () =>
    body({ tf: tf as TerraformEnv, python: (moto as { python: string }).python }),
  );
}

/** A free TCP port on 127.0.0.1 (the kernel's choice; released before moto binds it). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** What world.py's inventory lists: region -> kind ("vpcs", "load balancers", ...) -> ids. */
export type Inventory = Record<string, Record<string, string[]>>;

/** A running moto server, owned by the test file that started it. */
export class Emulator {
  private constructor(
    private readonly child: ChildProcess,
    readonly endpoint: string,
    readonly python: string,
    private readonly logFile: string,
  ) {}

  /** Starts moto (emulator/moto_server.py) on a free loopback port and sets Lambda not to use Docker. */
  static async start(python: string): Promise<Emulator> {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      // To a file, not a pipe: the tests run terraform synchronously, and a pipe nobody reads
      // would stop moto once it filled.
      const logFile = join(mkdtempSync(join(tmpdir(), "moto-")), "moto.log");
      const log = openSync(logFile, "w");
      const child = spawn(python, [join(EMULATOR_DIR, "moto_server.py"), String(port)], {
        stdio: ["ignore", log, log],
        env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: "true", PYTHONUNBUFFERED: "1" },
      });
      closeSync(log);
      const emulator = new Emulator(child, `http://127.0.0.1:${port}`, python, logFile);
      if (await emulator.ready()) {
        await emulator.post("/moto-api/config", { lambda: { use_docker: false } });
        return emulator;
      }
      await emulator.stop();
      // Another process can take the port between freePort() and moto's bind: try a new one.
      if (attempt === 3) throw new Error(`moto did not start on 127.0.0.1 after 3 attempts:\n${emulator.log()}`);
    }
  }

  private async ready(): Promise<boolean> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) return false;
      try {
        const res = await fetch(`${this.endpoint}/moto-api/data.json`);
        if (res.ok) return true;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  }

  /** POSTs JSON to one of moto's own endpoints (`/moto-api/...`). */
  async post(path: string, body: unknown): Promise<void> {
    const res = await fetch(`${this.endpoint}${path}`, { method: "POST", body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`moto ${path} answered ${res.status}: ${await res.text()}`);
  }

  /** The last lines moto printed (tracebacks of calls it failed), for failure messages. */
  log(): string {
    return readFileSync(this.logFile, "utf8").slice(-20_000);
  }

  /** Runs one of the world.py commands (emulator/world.py) and returns its JSON answer. */
  world<T>(command: "create" | "inventory", request: Record<string, unknown>): T {
    const run = spawnSync(this.python, [join(EMULATOR_DIR, "world.py"), command], {
      input: JSON.stringify({ endpoint: this.endpoint, ...request }),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`world.py ${command} failed:\n${run.stderr}`);
    return JSON.parse(run.stdout) as T;
  }

  /** Everything of one account in `regions` that a stack creates (world.py inventory). */
  inventory(account: string, regions: readonly string[]): Inventory {
    return this.world<Inventory>("inventory", { account, regions });
  }

  /** Stops moto by its own PID and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The AWS services the stacks call, each pointed at the emulator in the test-only override. */
export const EMULATED_SERVICES = [
  "acm",
  "apigateway",
  "apigatewayv2",
  "autoscaling",
  "applicationautoscaling",
  "cloudwatch",
  "cognitoidp",
  "ec2",
  "ecr",
  "ecs",
  "elb",
  "elbv2",
  "events",
  "iam",
  "kms",
  "lambda",
  "logs",
  "route53",
  "s3",
  "scheduler",
  "secretsmanager",
  "sns",
  "sqs",
  "ssm",
  "sts",
  "wafv2",
] as const;

/** File name of the emulator override in a stack directory. */
export const EMULATOR_OVERRIDE_FILE = "emulator_override.tf.json";

/**
 * Writes the test-only override that points a stack's provider at the emulator: dummy keys, no
 * credential or region validation, no metadata API, path-style S3, and every service's endpoint.
 * The access key is the stack's account id: the emulator gives each stack an account of its own.
 * The account id is looked up (from moto's STS): with `skip_requesting_account_id`, rules that
 * reference a security group get a perpetual diff ("123456789012/sg-…" against "sg-…").
 */
export function writeEmulatorOverride(stackDir: string, region: string, endpoint: string, account: string): void {
  writeFileSync(
    join(stackDir, EMULATOR_OVERRIDE_FILE),
    JSON.stringify(
      {
        provider: {
          aws: [
            {
              region,
              // The emulator's wrapper runs a call signed with a 12-digit key id in that account.
              access_key: account,
              secret_key: "emulator",
              skip_credentials_validation: true,
              skip_metadata_api_check: "true",
              skip_region_validation: true,
              skip_requesting_account_id: false,
              s3_use_path_style: true,
              endpoints: [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, endpoint]))],
            },
          ],
        },
      },
      null,
      2,
    ),
  );
}
