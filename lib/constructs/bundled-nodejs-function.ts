import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { AssetType, TerraformAsset } from "cdktf";
import { hashPath } from "cdktf/lib/private/fs";
import { Construct } from "constructs";
import { type BuildOptions, buildSync } from "esbuild";
import { zipSync } from "fflate";
import { DEFAULT_LOG_RETENTION_DAYS } from "../core/defaults";
import { processTempDir } from "../core/temp-dirs";
import { lambdaLogGroupName } from "../model/names";

/** The Lambda runtime the bundles target; nodejs20.x is deprecated. */
export const LAMBDA_RUNTIME = "nodejs22.x";

/** One IAM policy statement. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: string | string[];
}

export interface BundledNodejsFunctionProps {
  /** Function name; also names its role and log group. */
  readonly functionName: string;
  readonly description: string;
  /** TypeScript file exporting `handler`. */
  readonly entry: string;
  /** What the function may do, beyond writing its own logs. */
  readonly statements: readonly PolicyStatement[];
  readonly environment: Record<string, string>;
  /** @default 30 */
  readonly timeoutSeconds?: number;
  /** @default 256 */
  readonly memoryMiB?: number;
  /**
   * Reserved concurrency; 1 makes runs of the function never overlap.
   * @default - unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * Retention of the function's log group, days.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * ARN of a customer-managed KMS key that encrypts the function's log group (its key policy must
   * let CloudWatch Logs use it: docs/logging.md). The function itself needs no KMS permission.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logKmsKeyArn?: string;
  /**
   * Bundle the AWS SDK into the archive instead of using the copy in the Lambda runtime.
   * @default false
   */
  readonly bundleAwsSdk?: boolean;
}

/**
 * The esbuild options {@link BundledNodejsFunction} bundles `entry` into `outfile` with during synth. Pure; exported so
 * that scripts/bench.ts measures exactly the bundle that synth builds.
 */
export function lambdaBundleOptions(entry: string, outfile: string, bundleAwsSdk: boolean): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    minify: true,
    legalComments: "none",
    external: bundleAwsSdk ? [] : ["@aws-sdk/*"],
    // The TypeScript settings esbuild reads, stated here instead of found on disk: in this repo it
    // would find tsconfig.json (strict, ES2022), but installed as a package in node_modules the
    // handlers have no tsconfig.json above them, and the bundle would lose "use strict" (another
    // hash, sloppy-mode semantics). These are what the repo's tsconfig.json implies, so the bundle,
    // and its asset hash, are the same in both layouts.
    tsconfigRaw: { compilerOptions: { alwaysStrict: true, useDefineForClassFields: true } },
    logLevel: "error",
  };
}

/** A bundled handler: its directory's hash (as CDKTF hashes an ARCHIVE asset's directory), the bundle, and the zip of it. */
export interface LambdaBundle {
  readonly file: string;
  readonly archive: string;
  readonly hash: string;
}

/** Bundles built in this process, by entry and options: the sources do not change while a process synthesises. */
const bundles = new Map<string, LambdaBundle>();

/** Fixed timestamp of the archive's entry (the zip format's earliest), so the same bundle gives the same zip. */
const ZIP_TIME = new Date(1980, 0, 1);

/**
 * Bundles `entry` into `index.js` and zips it (as `index.js` at the archive's root, readable by
 * all, as Lambda wants it), once per process and options. Exported so that scripts/bench.ts
 * measures exactly what synth builds.
 */
export function bundleOnce(entry: string, bundleAwsSdk: boolean): LambdaBundle {
  const key = JSON.stringify([entry, bundleAwsSdk]);
  const known = bundles.get(key);
  if (known !== undefined && existsSync(known.file) && existsSync(known.archive)) return known;
  const dir = processTempDir("lambda-bundle-");
  const file = join(dir, "index.js");
  buildSync(lambdaBundleOptions(entry, file, bundleAwsSdk));
  const hash = hashPath(dir);
  const archive = join(processTempDir("lambda-archive-"), "archive.zip");
  // Unix, regular file, mode 0644.
  const attrs = (0o100644 << 16) >>> 0;
  writeFileSync(archive, zipSync({ "index.js": [readFileSync(file), { mtime: ZIP_TIME, os: 3, attrs, level: 9 }] }));
  const bundle = { file, archive, hash };
  bundles.set(key, bundle);
  return bundle;
}

/**
 * A Node.js Lambda function built from TypeScript during synth: esbuild bundles the entry (the
 * AWS SDK v3 stays external by default, the runtime provides it) into a Terraform asset archive,
 * whose hash becomes `source_code_hash`. Users run no separate build step and nothing goes to the
 * network. The function gets its own role with the given statements plus logging to its own log
 * group, which has a retention period and, optionally, a customer-managed KMS key.
 */
export class BundledNodejsFunction extends Construct {
  public readonly functionName: string;
  public readonly functionArn: string;
  /** The underlying resource, for invocations, permissions and alarms. */
  public readonly resource: LambdaFunction;
  /** The role's policy; whatever invokes the function during apply or destroy should depend on it. */
  public readonly policy: IamRolePolicy;
  /** The bundled `index.js`, as written during synth. */
  public readonly bundleFile: string;

  constructor(scope: Construct, id: string, props: BundledNodejsFunctionProps) {
    super(scope, id);
    if (!existsSync(props.entry)) throw new Error(`BundledNodejsFunction ${this.node.path}: no entry file at ${props.entry}`);
    const bundle = bundleOnce(props.entry, props.bundleAwsSdk ?? false);
    this.bundleFile = bundle.file;
    // A FILE asset of our own archive.zip, with the hash CDKTF gives the bundle's directory: the
    // same asset path and source_code_hash as an ARCHIVE asset of that directory, without CDKTF
    // zipping it again in a child process on every synth.
    const asset = new TerraformAsset(this, "Code", { path: bundle.archive, type: AssetType.FILE, assetHash: bundle.hash });

    const logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: lambdaLogGroupName(props.functionName),
      retentionInDays: props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
      kmsKeyId: props.logKmsKeyArn,
    });
    const role = new IamRole(this, "Role", {
      name: props.functionName,
      description: props.description,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    this.policy = new IamRolePolicy(this, "Policy", {
      role: role.name,
      name: props.functionName,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "OwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroup.arn}:*` },
          ...props.statements,
        ],
      }),
    });

    this.resource = new LambdaFunction(this, "Resource", {
      functionName: props.functionName,
      description: props.description,
      role: role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      filename: asset.path,
      sourceCodeHash: asset.assetHash,
      timeout: props.timeoutSeconds ?? 30,
      memorySize: props.memoryMiB ?? 256,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { variables: props.environment },
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      dependsOn: [logGroup],
    });
    this.functionName = this.resource.functionName;
    this.functionArn = this.resource.arn;
  }
}
