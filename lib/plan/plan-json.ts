/**
 * The shape of `terraform show -json <planfile>` output: the parts this project reads. One set of
 * declarations, imported by the plan review (lib/review), the policy check (lib/policy) and the
 * Terraform tooling (through lib/review's re-export), so the two judges of a plan read the same thing.
 *
 * Reference: Terraform's "JSON Output Format" (internals/json-format), format_version 1.x.
 */

/** An attribute path: names and list indexes (`replace_paths`, `after_unknown` lookups). */
export type PlanAttributePath = readonly (string | number)[];

/** One entry of `resource_changes`: a resource instance and what the plan does to it. */
export interface ResourceChange {
  /** Full address: `module.api["eu"].aws_lb.Nlb[0]`. */
  readonly address: string;
  /** The module part of `address` (`module.api["eu"]`); absent for the root module. */
  readonly module_address?: string;
  readonly type: string;
  /** `managed` or `data`. */
  readonly mode?: string;
  readonly name?: string;
  /** `count` or `for_each` key, when the resource has one. */
  readonly index?: unknown;
  readonly change: {
    /** `create`, `update`, `delete`, `delete,create` / `create,delete` (replace), `no-op`, `read`, `forget`. */
    readonly actions: readonly string[];
    readonly before?: Record<string, unknown> | null;
    readonly after?: Record<string, unknown> | null;
    /** Attributes only known after apply: `true`, or nested objects/arrays of booleans. */
    readonly after_unknown?: Record<string, unknown> | boolean | null;
    readonly before_sensitive?: Record<string, unknown> | boolean | null;
    readonly after_sensitive?: Record<string, unknown> | boolean | null;
    /** For replacements: the attribute paths that force them. */
    readonly replace_paths?: readonly PlanAttributePath[];
  };
}

/** One resource of a plan's `configuration` section. */
export interface ConfigResource {
  /** Address within its module: `aws_lb.Nlb`. */
  readonly address: string;
  readonly mode?: string;
  /** Attribute -> `{ constant_value }`, `{ references }`, or nested blocks. */
  readonly expressions?: Record<string, unknown>;
}

/** A module of a plan's `configuration` section. */
export interface ConfigModule {
  readonly resources?: readonly ConfigResource[];
  readonly module_calls?: Record<string, { readonly module?: ConfigModule }>;
}

/** `terraform show -json` of a saved plan. */
export interface PlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly planned_values?: unknown;
  /** The configuration, with each attribute's expression and references; absent from plans cut out of a larger one. */
  readonly configuration?: { readonly root_module?: ConfigModule };
}
