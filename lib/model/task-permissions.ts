/**
 * What a service's two IAM roles may do, decided once from what the service runs: the execution
 * role (the ECS agent's: pull the image, write the logs, read the secrets) and the task role (the
 * application's). Pure: the construct (lib/constructs/ecs-ec2-service.ts) turns these documents
 * into resources, and the tests read them here.
 */
import { managedPolicyKey, SECRETS_MANAGER_SECRET_ARN, SSM_PARAMETER_ARN } from "../core/arn";
import { ACTIONS_WITHOUT_RESOURCE_TYPES } from "../core/iam-statement";
import type { TaskRoleStatement } from "../core/types";
import { partitionOf } from "./names";

/** One Allow statement of an IAM policy document, as IAM reads it. */
export interface IamStatement {
  readonly Sid?: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
}

/** An image in a private ECR repository, from its URI. */
export interface EcrImage {
  readonly account: string;
  readonly region: string;
  readonly repository: string;
  /** `arn:<partition>:ecr:<region>:<account>:repository/<repository>`. */
  readonly repositoryArn: string;
}

/**
 * `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]`, the forms
 * the ECS agent pulls with the execution role. Repository names are lower-case path components.
 */
const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+){1,2}-\d)\.amazonaws\.com(?:\.cn)?\/((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|@sha256:[0-9a-f]{64})?$/;

/** The ECR repository an image is pulled from, or undefined for any other registry. */
export function ecrImageOf(image: string): EcrImage | undefined {
  const m = ECR_IMAGE.exec(image);
  if (!m) return undefined;
  const [, account, region, repository] = m;
  return { account, region, repository, repositoryArn: `arn:${partitionOf(region)}:ecr:${region}:${account}:repository/${repository}` };
}

/** Where a secret's value comes from, and the ARN IAM authorises reading it on. */
export type SecretSource = { readonly kind: "secretsmanager" | "ssm"; readonly arn: string };

/**
 * The source of a `secrets` value: a Secrets Manager secret (its ARN without the `:json-key:...`
 * suffix ECS reads, which IAM does not know) or an SSM parameter; undefined for anything else.
 */
export function secretSourceOf(valueFrom: string): SecretSource | undefined {
  if (SECRETS_MANAGER_SECRET_ARN.test(valueFrom)) {
    // arn:partition:secretsmanager:region:account:secret:name-AbCdEf[:key:stage:id]
    return { kind: "secretsmanager", arn: valueFrom.split(":").slice(0, 7).join(":") };
  }
  if (SSM_PARAMETER_ARN.test(valueFrom)) return { kind: "ssm", arn: valueFrom };
  return undefined;
}

/** What decides the execution role's permissions. */
export interface ExecutionRoleInputs {
  /** ARN of the service's log group (without the `:*` suffix). */
  readonly logGroupArn: string;
  readonly image: string;
  /** Environment variable name -> secret or parameter ARN (as ECS takes it). */
  readonly secrets?: Readonly<Record<string, string>>;
  /** The only key `kms:Decrypt` is allowed on. */
  readonly secretsKmsKeyArn?: string;
}

const unique = (values: readonly string[]): string[] => [...new Set(values)].sort();

/**
 * The execution role's statements, and nothing more: writing to the service's own log group;
 * pulling from the image's ECR repository (the authorization token has no resource-level
 * permission, so it is on `*`); reading exactly the secrets and parameters named; decrypting with
 * exactly the KMS key named. A statement with nothing to allow is left out. Throws for a secret
 * that is neither a whole Secrets Manager secret ARN nor an SSM parameter ARN.
 */
export function executionRoleStatements(inputs: ExecutionRoleInputs): IamStatement[] {
  const statements: IamStatement[] = [
    { Sid: "OwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${inputs.logGroupArn}:*` },
  ];
  const ecr = ecrImageOf(inputs.image);
  if (ecr) {
    statements.push(
      { Sid: "EcrAuthorization", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
      {
        Sid: "EcrPull",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
        Resource: ecr.repositoryArn,
      },
    );
  }
  const sources = Object.entries(inputs.secrets ?? {}).map(([name, valueFrom]) => {
    const source = secretSourceOf(valueFrom);
    if (!source)
      throw new Error(`secret ${name}: ${JSON.stringify(valueFrom)} is neither a Secrets Manager secret ARN nor an SSM parameter ARN`);
    return source;
  });
  const secretArns = unique(sources.filter((s) => s.kind === "secretsmanager").map((s) => s.arn));
  const parameterArns = unique(sources.filter((s) => s.kind === "ssm").map((s) => s.arn));
  if (secretArns.length > 0)
    statements.push({ Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretArns });
  if (parameterArns.length > 0)
    statements.push({ Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: parameterArns });
  if (inputs.secretsKmsKeyArn)
    statements.push({ Sid: "DecryptSecrets", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [inputs.secretsKmsKeyArn] });
  return statements;
}

/**
 * What ECS Exec needs in the task role: the SSM agent in the task opens its control and data
 * channels. These actions support no resource type, so "*" is the only Resource IAM accepts.
 */
export function execCommandStatement(): IamStatement {
  return { Sid: "EcsExec", Effect: "Allow", Action: [...ACTIONS_WITHOUT_RESOURCE_TYPES], Resource: ["*"] };
}

/** The task role's inline statements, as written (Allow only); empty when there are none. */
export function taskRoleStatements(statements: readonly TaskRoleStatement[] = []): IamStatement[] {
  return statements.map((s) => ({ Effect: "Allow", Action: [...s.actions], Resource: [...s.resources] }));
}

/**
 * A trust policy that lets one AWS service assume the role for this account's resources only:
 * `aws:SourceAccount` is the account and `aws:SourceArn` must match `sourceArn`, the conditions AWS
 * documents against the confused deputy problem. `account` may be a Terraform expression.
 */
export function serviceTrustPolicy(service: string, account: string, sourceArn: string): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": sourceArn } },
      },
    ],
  };
}

/**
 * The trust policy of the task role: ECS tasks of this account only, with the conditions AWS
 * documents for task roles against the confused deputy problem. `aws:SourceArn` may only name the
 * account's ECS resources in the region (ECS does not support a narrower, per-cluster ARN there).
 */
export function ecsTasksTrustPolicy(region: string, account: string): Record<string, unknown> {
  return serviceTrustPolicy("ecs-tasks.amazonaws.com", account, `arn:${partitionOf(region)}:ecs:${region}:${account}:*`);
}

/**
 * The trust policy of the execution role: the ECS tasks service, as AWS documents it for task
 * execution roles. AWS documents the `aws:SourceAccount` / `aws:SourceArn` conditions for task
 * roles only; the execution role is assumed by the ECS agent to start the task, and a condition
 * ECS does not supply there would stop every task from starting, which no test here can rule out
 * (the emulator does not evaluate trust policies). A role cannot be passed to ECS from another
 * account (iam:PassRole), which is what the conditions guard against.
 */
export function ecsExecutionTrustPolicy(): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
  };
}

/**
 * The construct id of a managed policy's attachment to a task role: `ManagedPolicy-<account>-<name>`
 * (`aws` for AWS's own policies). A policy name is unique in its account, whatever its path, so two
 * different policies never share an id, and the id does not move when the list is reordered.
 */
export function managedPolicyAttachmentId(policyArn: string): string {
  return `ManagedPolicy-${managedPolicyKey(policyArn)}`;
}
