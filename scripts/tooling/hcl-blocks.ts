/**
 * A repair of CDKTF 0.21's HCL output (scripts/synth-hcl.ts runs it): attributes that the provider
 * bindings leave untyped are rendered as HCL objects (`statement = { ... }`) where the provider's
 * schema has nested blocks, which Terraform refuses. Here, in a module of its own so that tests can
 * load it without running the script.
 */

/**
 * Attributes that CDKTF's provider bindings leave untyped (`any`) although the provider's schema
 * makes them nested blocks all the way down: `statement` of an `aws_wafv2_web_acl` rule. Inside
 * them every object is a block, and a list of objects is a block repeated.
 */
export const UNTYPED_BLOCK_ATTRIBUTES: readonly string[] = ["statement"];

/** The comment CDKTF writes before an attribute it renders without a type. */
const UNTYPED_WARNING = "# Warning: The following attribute is of an unexpected type.";

/** A value as CDKTF renders an untyped attribute: objects, lists, and scalars kept as written. */
type Rendered = { readonly raw: string } | readonly Rendered[] | { readonly [key: string]: Rendered };

/** Parses CDKTF's rendering of an untyped value from `text[at]` on; returns it and the index after it. */
function parseRendered(text: string, at: number): [Rendered, number] {
  const skip = (i: number) => {
    while (i < text.length && /[\s,]/.test(text[i])) i += 1;
    return i;
  };
  let i = skip(at);
  if (text[i] === "{") {
    const object: Record<string, Rendered> = {};
    i = skip(i + 1);
    while (text[i] !== "}") {
      const key = /^("(?:[^"\\]|\\.)*"|[A-Za-z_][\w-]*)\s*=\s*/.exec(text.slice(i));
      if (!key) throw new Error(`cannot read the untyped attribute's HCL at: ${text.slice(i, i + 40)}`);
      const [value, next] = parseRendered(text, i + key[0].length);
      object[key[1].replace(/^"|"$/g, "")] = value;
      i = skip(next);
    }
    return [object, i + 1];
  }
  if (text[i] === "[") {
    const list: Rendered[] = [];
    i = skip(i + 1);
    while (text[i] !== "]") {
      const [value, next] = parseRendered(text, i);
      list.push(value);
      i = skip(next);
    }
    return [list, i + 1];
  }
  if (text[i] === '"') {
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
    return [{ raw: text.slice(i, j + 1) }, j + 1];
  }
  const scalar = /^[^\s,\]}]+/.exec(text.slice(i));
  if (!scalar) throw new Error(`cannot read the untyped attribute's HCL at: ${text.slice(i, i + 40)}`);
  return [{ raw: scalar[0] }, i + scalar[0].length];
}

const isRaw = (v: Rendered): v is { readonly raw: string } => !Array.isArray(v) && typeof (v as { raw?: unknown }).raw === "string";

/** `value` under `key` as HCL: objects as blocks, lists of objects as repeated blocks, the rest as attributes. */
function renderBlocks(key: string, value: Rendered): string[] {
  if (isRaw(value)) return [`${key} = ${value.raw}`];
  if (Array.isArray(value)) {
    const list = value as readonly Rendered[];
    const raws = list.filter(isRaw);
    if (raws.length === list.length) return [`${key} = [${raws.map((v) => v.raw).join(", ")}]`];
    return list.flatMap((v) => renderBlocks(key, v));
  }
  return [`${key} {`, ...Object.entries(value as Record<string, Rendered>).flatMap(([k, v]) => renderBlocks(k, v)), "}"];
}

/**
 * CDKTF's HCL with each untyped attribute of UNTYPED_BLOCK_ATTRIBUTES (after CDKTF's warning
 * comment) rewritten as the nested blocks the provider's schema has; the comment goes too.
 */
export function reblockUntypedAttributes(hcl: string): { hcl: string; rewritten: number } {
  let out = "";
  let rewritten = 0;
  let i = 0;
  for (;;) {
    const warning = hcl.indexOf(UNTYPED_WARNING, i);
    if (warning < 0) break;
    const attribute = /\n\s*([A-Za-z_][\w-]*) = (?=[{[])/g;
    attribute.lastIndex = warning;
    const found = attribute.exec(hcl);
    if (!found || !UNTYPED_BLOCK_ATTRIBUTES.includes(found[1]) || /\n\s*\n(?!#)[^\n]*\n/.test(hcl.slice(warning, found.index))) {
      // Not one of ours: left as CDKTF wrote it.
      out += hcl.slice(i, warning + UNTYPED_WARNING.length);
      i = warning + UNTYPED_WARNING.length;
      continue;
    }
    const [value, end] = parseRendered(hcl, found.index + found[0].length);
    out += `${hcl.slice(i, warning)}${renderBlocks(found[1], value).join("\n")}`;
    i = end;
    rewritten += 1;
  }
  return { hcl: out + hcl.slice(i), rewritten };
}
