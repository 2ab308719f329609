/**
 * `npm run check`: security rules over a synthesised stack or a Terraform plan, so users can hold
 * their own output to the promises the README makes. Pure functions; scripts/check.ts does the I/O.
 */
export {
  checkInput,
  checkPlan,
  checkSynth,
  inputKind,
  openRouteConstructPaths,
  PolicyInputError,
  stackOptOuts,
  type SynthJson,
} from "./check";
export type { PlanJson } from "../plan/plan-json";
export { READ_ONLY_VERBS } from "../core/iam-statement";
export { RULE_REFERENCES, referencesText } from "./references";
export { RULES } from "./rules";
export { LAMBDA_RUNTIME_DEPRECATION, RUNTIME_TABLE_AS_OF, RUNTIME_TABLE_SOURCE, runtimeStatus } from "./runtimes";
export type {
  AllowedFinding,
  CheckOptions,
  CheckResult,
  Finding,
  Rule,
  RuleId,
  RuleReferences,
  SynthCheckOptions,
  Unchecked,
} from "./types";
