import { TerraformElement, type TerraformResource } from "cdktf";

/**
 * Terraform `moved` and `import` blocks for a resource, written as plain blocks.
 *
 * CDKTF's own `moveFromId` and `importFrom` write the same blocks, but a stack with either also gets
 * a validation that runs `terraform version` on every synth: synth would start a process, and fail
 * on a machine without Terraform. The moves this package adds for every user (ids that changed
 * under them), renames and adoptions must not make synth need Terraform. Terraform itself checks
 * the blocks at plan time (`moved` needs 1.1, `import` 1.5; this project pins 1.11).
 */
abstract class StateBlock extends TerraformElement {
  protected constructor(
    protected readonly resource: TerraformResource,
    id: string,
  ) {
    super(resource, id);
  }

  /** The resource's address in the stack. */
  protected get address(): string {
    return `${this.resource.terraformResourceType}.${this.resource.friendlyUniqueId}`;
  }
}

/** An HCL attribute value, as CDKTF's HCL renderer takes it. */
const hcl = (value: string, storageClassType: "reference" | "string") => ({ value, isBlock: false, type: "simple", storageClassType });

/** The move of an older address (`aws_lb.Old_1234ABCD`) to `resource`. */
export class MovedBlock extends StateBlock {
  constructor(
    resource: TerraformResource,
    private readonly from: string,
  ) {
    super(resource, "MovedFrom");
  }

  public override toTerraform(): Record<string, unknown> {
    return { moved: [{ to: this.address, from: this.from }] };
  }

  public override toHclTerraform(): Record<string, unknown> {
    return { moved: [{ to: hcl(this.address, "reference"), from: hcl(this.from, "reference") }] };
  }
}

/** The import of an existing AWS resource (its import id, taken literally) into `resource`. */
export class ImportBlock extends StateBlock {
  constructor(
    resource: TerraformResource,
    private readonly importId: string,
  ) {
    super(resource, "ImportFrom");
  }

  public override toTerraform(): Record<string, unknown> {
    return { import: [{ id: this.importId, to: this.address }] };
  }

  public override toHclTerraform(): Record<string, unknown> {
    return { import: [{ to: hcl(this.address, "reference"), id: hcl(this.importId, "string") }] };
  }
}
