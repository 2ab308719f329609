import { TerraformElement, type TerraformResource } from "cdktf";

/**
 * A Terraform `moved` block from an older address to `resource`, written as a plain block.
 *
 * CDKTF's own `moveFromId` writes the same block, but a stack with one also gets a validation that
 * runs `terraform version` on every synth, so synth would start a process, and fail on a machine
 * without Terraform. The moves this package adds for every user (ids that changed under it) must
 * not make synth need Terraform; a plain same-type `moved` block needs Terraform 1.1, which every
 * plan of these stacks has anyway.
 */
export class MovedBlock extends TerraformElement {
  private readonly from: string;
  private readonly resource: TerraformResource;

  /** Adds the block as a child of `resource`: the move of `from` (a full address) to it. */
  constructor(resource: TerraformResource, from: string) {
    super(resource, "MovedFrom");
    this.from = from;
    this.resource = resource;
  }

  private get to(): string {
    return `${this.resource.terraformResourceType}.${this.resource.friendlyUniqueId}`;
  }

  public override toTerraform(): Record<string, unknown> {
    return { moved: [{ to: this.to, from: this.from }] };
  }

  public override toHclTerraform(): Record<string, unknown> {
    const ref = (value: string) => ({ value, isBlock: false, type: "simple", storageClassType: "reference" });
    return { moved: [{ to: ref(this.to), from: ref(this.from) }] };
  }
}
