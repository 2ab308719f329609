/**
 * The config fuzzing campaign, shared by config-fuzz.test.ts (which runs it) and
 * config-fuzz.process.test.ts (which plans a sample of its valid configs with Terraform).
 *
 * Config fuzzing. Thousands of inputs (the embedded default and every example with one to three
 * random mutations, and random JSON at the top level and inside known sections) each give either
 * a config or a ConfigError whose every problem starts with a field path: no other exception. A
 * bounded sample of the valid ones is synthesised: each gives Terraform JSON, or a ConfigError
 * before any file is written. A few of those, chosen deterministically, go through one offline
 * `terraform plan`.
 *
 * The run is bounded and repeatable: a fixed seed and number of runs. A failure prints the seed
 * and the counterexample's path; to replay it, set FUZZ_SEED and FUZZ_PATH as the message says.
 * FUZZ_RUNS multiplies the number of runs, for a longer search on a developer machine:
 *
 *   FUZZ_RUNS=20 npx jest __tests__/fuzz
 */
import fc from "fast-check";
import { bridgeMode } from "../../lib/config/implied";
import type { PrivateApiConfig } from "../../lib/config/schema";
import { allConfigs, defaultConfig, ledgerOf } from "../helpers/fixtures";
import { applyMutation, fargateMutation, mutationArb, pathsOf, showPath, type Json, type Mutation } from "./mutations";
import { parseOrExplain, problemPath, synthOrExplain, type ParseOutcome } from "./oracle";
import { TOP_LEVEL_FIELDS, type JsonPath } from "./schema-walk";

export const SEED = Number(process.env.FUZZ_SEED ?? 20250611);
const REPLAY_PATH = process.env.FUZZ_PATH;
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);

/** Inputs per property in one `npm test` run; parsing costs about a millisecond, synthesis 0.1-0.5 s. */
const RUNS = { mutated: 2500 * SCALE, randomJson: 600 * SCALE, sections: 900 * SCALE, fargate: 600 * SCALE };
/** Valid configs synthesised per run, across the properties; configs with more than 50 services cost seconds, so few of those. */
export const SYNTH_CAP = { all: 50 * SCALE, large: 2 * SCALE, fargate: 12 * SCALE };
/** Share of valid inputs (in percent) that is synthesised while under the cap, so the sample spreads over the whole run. */
const SYNTH_PERCENT = 25;
/** Valid synthesised configs planned with Terraform, in one run. */
export const TERRAFORM_SAMPLE = 5;

/**
 * The embedded default with every container field of a service set (secrets of both kinds, a KMS
 * key, a task role of both kinds, command, entry point, health check, stop timeout, read-only root,
 * memory reservation), so that mutations reach them and their cross-field rules; no example has
 * them all.
 */
function withContainerFields(): Json {
  const cfg = defaultConfig();
  cfg.services[0] = {
    ...cfg.services[0],
    memory: 1024,
    memoryReservation: 512,
    environment: { LOG_LEVEL: "info" },
    secrets: {
      DB_PASSWORD: "arn:aws:secretsmanager:eu-west-2:123456789012:secret:orders/db-AbCdEf:password::",
      API_KEY: "arn:aws:ssm:eu-west-2:123456789012:parameter/orders/api-key",
    },
    secretsKmsKeyArn: "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    taskRole: {
      managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
      statements: [{ actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:eu-west-2:123456789012:orders"] }],
    },
    command: ["serve", "--port", "8080"],
    entryPoint: ["/usr/bin/tini", "--"],
    containerHealthCheck: { command: ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], startPeriodSeconds: 10 },
    stopTimeout: 60,
    readonlyRootFilesystem: true,
  };
  return JSON.parse(JSON.stringify(cfg)) as Json;
}

const BASES: readonly [string, Json][] = [
  ...allConfigs().map(([name, input]): [string, Json] => [name, JSON.parse(JSON.stringify(input)) as Json]),
  ["embedded default with every container field", withContainerFields()],
];
/** Regions of the default and the examples: real ones, so an offline plan can configure the provider. */
export const KNOWN_REGIONS = new Set(BASES.map(([, b]) => (b as { region: string }).region));

/** The shard ledger committed next to each example, read once. */
const LEDGERS = new Map(BASES.map(([name]) => [name, ledgerOf(name)]));

export const stats = { valid: 0, rejected: 0, synthesised: 0, synthesisedLarge: 0, refusedAtSynth: 0 };
/** The Fargate property's outcomes: changes meant to be valid that parsed, and meant to be wrong that were refused at their field. */
export const fargateStats = { valid: 0, synthesised: 0, refusedAtField: 0 };
let failedOnce = false;

interface Synthesised {
  readonly label: string;
  readonly config: PrivateApiConfig;
  readonly input: Json;
  /** False for an example as it is (every mutation found nothing to act on): examples.process.test.ts plans those. */
  readonly mutated: boolean;
  readonly ledger?: Parameters<typeof synthOrExplain>[2];
}
/** Valid configs that synthesised, in generation order (deterministic for a seed), for the Terraform sample. */
export const synthesised: Synthesised[] = [];
let synthesise = true;

/**
 * Runs the campaign without synthesising: `synthesised` then holds every config the campaign
 * would have synthesised (in the same order), including those the synth would refuse.
 */
export function collectOnly(): void {
  synthesise = false;
}

/** Runs fc.check and fails with fast-check's report plus how to replay the failure. */
function runProperty<T>(name: string, property: fc.IProperty<T>, numRuns: number): void {
  const details = fc.check(property, { seed: SEED, numRuns, path: REPLAY_PATH, endOnFailure: REPLAY_PATH !== undefined });
  if (!details.failed) return;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const replay = `To replay: FUZZ_SEED=${details.seed} FUZZ_PATH="${details.counterexamplePath}" npx jest __tests__/fuzz -t "${name}"`;
  throw new Error(
    `${fc.defaultReportMessage(details)}\n\n${cause}\n\n${replay}\n(in code: fc.assert(property, { seed: ${details.seed}, path: "${details.counterexamplePath}" }))`,
  );
}

/**
 * Checks one input: parse, and for a share of the valid ones (under the cap) synthesise. `ticket`
 * (0-99) decides the share, so a failing case keeps its ticket while fast-check shrinks it.
 */
function checkInput(
  input: Json,
  label: string,
  ticket: number,
  ledger?: Parameters<typeof synthOrExplain>[2],
  mutated = true,
  expected?: { readonly refusedAt?: JsonPath },
): void {
  let outcome: ParseOutcome;
  try {
    outcome = parseOrExplain(input);
    if (expected) checkExpected(outcome, expected.refusedAt);
    if ("error" in outcome) {
      stats.rejected++;
      return;
    }
    stats.valid++;
    const config = outcome.config;
    const large = config.services.length > 50;
    // The Fargate property has a cap of its own: it runs after the others have used theirs.
    const underCap = expected
      ? fargateStats.synthesised < SYNTH_CAP.fargate && !large
      : stats.synthesised < SYNTH_CAP.all && (!large || stats.synthesisedLarge < SYNTH_CAP.large);
    // Once a case has failed, fast-check shrinks it: every smaller case must be checked the same way.
    if (ticket >= SYNTH_PERCENT || !(underCap || failedOnce)) return;
    if (expected) fargateStats.synthesised++;
    else stats.synthesised++;
    if (large) stats.synthesisedLarge++;
    if (!synthesise) {
      // Collecting only: the same inputs in the same order, synthesised later by whoever needs them.
      synthesised.push({ label, config, input, mutated, ledger });
      return;
    }
    const result = synthOrExplain(config, input, ledger);
    if ("error" in result) stats.refusedAtSynth++;
    else synthesised.push({ label, config, input, mutated, ledger });
  } catch (err) {
    failedOnce = true;
    const shown = JSON.stringify(input);
    throw new Error(`${(err as Error).message}\n\nInput: ${label}\n${shown.length > 4000 ? `${shown.slice(0, 4000)}...` : shown}`);
  }
}

const ticketArb = fc.integer({ min: 0, max: 99 });

/**
 * For a change whose outcome is known: a config it made wrong is refused with exactly one problem,
 * at the field it made wrong (the oracle already checked the problem shows the value); one it
 * left valid parses.
 */
function checkExpected(outcome: ParseOutcome, refusedAt: JsonPath | undefined): void {
  const show = (path: JsonPath | undefined) => (path === undefined ? "(no path)" : showPath(path) || "(config)");
  if (refusedAt === undefined) {
    if ("error" in outcome) throw new Error(`a change meant to keep the config valid was refused:\n${outcome.error.message}`);
    fargateStats.valid++;
    return;
  }
  if (!("error" in outcome)) throw new Error(`a change meant to be refused at ${show(refusedAt)} was accepted`);
  const problems = outcome.error.problems;
  const at = problems.map((p) => show(problemPath(p)));
  if (problems.length !== 1 || at[0] !== show(refusedAt)) {
    throw new Error(`expected one problem at ${show(refusedAt)}; got ${problems.length}:\n${outcome.error.message}`);
  }
  fargateStats.refusedAtField++;
}

/** The default and every example, with one to three random mutations. */
export function fuzzMutations(): void {
  const caseArb = fc.record({
    base: fc.nat({ max: BASES.length - 1 }),
    mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
    ticket: ticketArb,
  });
  runProperty(
    "mutations",
    fc.property(caseArb, ({ base, mutations, ticket }) => {
      const [name, original] = BASES[base];
      const input = structuredClone(original);
      const others = BASES.filter((_, i) => i !== base).map(([, b]) => b);
      const steps = mutations.map((m: Mutation) => applyMutation(input, m, others)).filter((s): s is string => s !== undefined);
      checkInput(input, `${name}, then: ${steps.join("; ") || "(no mutation applied)"}`, ticket, LEDGERS.get(name), steps.length > 0);
    }),
    RUNS.mutated,
  );
}

/**
 * The default and every example with one Fargate change (mutations.ts fargateMutation): a
 * service moved to Fargate with a task size Fargate accepts or refuses, a hostPort on Fargate, a
 * listenerPort on EC2, strategies with Spot, two bases or no weight, task settings and egress
 * rules. A change meant to be wrong must give one problem at its field; one meant to be valid
 * must parse, and a share of those is synthesised like any valid config.
 */
export function fuzzFargate(): void {
  const caseArb = fc.record({
    base: fc.nat({ max: BASES.length - 1 }),
    mutation: mutationArb.map((m): Mutation => ({ ...m, kind: "fargate" })),
    ticket: ticketArb,
  });
  runProperty(
    "fargate",
    fc.property(caseArb, ({ base, mutation, ticket }) => {
      const [name, original] = BASES[base];
      const input = structuredClone(original);
      const step = fargateMutation(input, mutation);
      if (!step) return;
      checkInput(input, `${name}, then: ${step.step}`, ticket, LEDGERS.get(name), true, { refusedAt: step.expect });
    }),
    RUNS.fargate,
  );
}

/** Random JSON at the top level. */
export function fuzzTopLevel(): void {
  const topLevel = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    // An object with the config's own top-level fields, holding anything.
    fc.dictionary(fc.constantFrom(...TOP_LEVEL_FIELDS, "extra"), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 }),
  ) as fc.Arbitrary<Json>;
  runProperty(
    "top level",
    fc.property(topLevel, ticketArb, (input, ticket) => checkInput(input, "random JSON", ticket)),
    RUNS.randomJson,
  );
}

/** Random JSON inside known sections of the default and every example. */
export function fuzzSections(): void {
  const caseArb = fc.record({
    base: fc.nat({ max: BASES.length - 1 }),
    pick: fc.nat(),
    value: fc.jsonValue({ maxDepth: 3 }),
    ticket: ticketArb,
  });
  runProperty(
    "sections",
    fc.property(caseArb, ({ base, pick, value, ticket }) => {
      const [name, original] = BASES[base];
      const input = structuredClone(original) as Record<string, Json>;
      // A top-level section, or any field or entry below one.
      const paths = [...TOP_LEVEL_FIELDS.map((f) => [f]), ...pathsOf(input)];
      const path = paths[pick % paths.length];
      let parent: Json = input;
      for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[key];
      Object.defineProperty(parent, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
      checkInput(input, `${name}, with ${showPath(path)} set to ${JSON.stringify(value)}`, ticket, LEDGERS.get(name));
    }),
    RUNS.sections,
  );
}

/** Which features a config exercises; the Terraform sample takes the first config of each new combination. */
export function signature(c: PrivateApiConfig): string {
  // Template syntax in free text must reach Terraform as a literal (see lib/model/terraform-literals.ts).
  const templated = /[$%]\{/.test(JSON.stringify({ ...c, $schema: undefined, backend: undefined, renames: undefined, adopt: undefined }));
  return [
    c.api.type,
    c.network.type,
    bridgeMode(c),
    c.cluster.existing ? "existing-cluster" : c.cluster.capacity.type,
    c.alb?.existing ? "existing-alb" : "",
    Object.keys(c.renames.services).length > 0 ? "renames" : "",
    c.services.some((s) => Object.keys(s.secrets).length > 0 || s.taskRole !== undefined) ? "secrets-or-task-role" : "",
    c.services.some((s) => s.ports !== undefined && s.ports.length > 1) ? "ports" : "",
    c.services.some((s) => s.autoscaling) ? "autoscaled" : "",
    c.services.some((s) => s.capacity === "provider") ? "capacity-provider" : "",
    c.services.some((s) => s.fargate) ? (c.services.every((s) => s.fargate) ? "all-fargate" : "fargate") : "",
    c.services.some((s) => s.fargate?.capacityProviderStrategy.some((e) => e.capacityProvider === "FARGATE_SPOT")) ? "fargate-spot" : "",
    templated ? "template-text" : "",
  ].join("/");
}
