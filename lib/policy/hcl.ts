/**
 * Reads the argument of a `${jsonencode(...)}` expression as CDKTF writes it into `cdk.tf.json`,
 * so that an IAM document built with `Fn.jsonencode` can be checked like a JSON one.
 *
 * CDKTF renders the argument as an HCL object: `{"Version" = "2012-10-17", "Statement" = [...]}`,
 * with references left bare (`"Resource" = aws_lb.Nlb_1A2B.arn`) and, in 0.21, string literals
 * written without escaping their quotes (`"a "b" c"`). So a quote closes a string only where
 * something that can follow a value comes next (`,` `}` `]` `)` `=` `:`, a line end or the end).
 * Bare expressions become `${...}` strings, as they would be inside a JSON string.
 */

/** The value of a jsonencode argument, or why it could not be read. */
export type HclReadResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

const JSONENCODE = /^\$\{\s*jsonencode\(([\s\S]*)\)\s*\}$/;

/** Whether `text` is one whole `${jsonencode(...)}` expression. */
export function isJsonencodeExpression(text: string): boolean {
  return JSONENCODE.test(text.trim());
}

/** Reads `${jsonencode(<object>)}` into the value it encodes. */
export function readJsonencode(text: string): HclReadResult {
  const match = JSONENCODE.exec(text.trim());
  if (!match) return { ok: false, reason: "not a ${jsonencode(...)} expression" };
  const reader = new HclReader(match[1]);
  try {
    const value = reader.value();
    reader.end();
    return { ok: true, value };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/** Characters that may follow a complete value. */
const AFTER_VALUE = new Set([",", "}", "]", ")", "=", ":", "\n"]);
const CLOSERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

class HclReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  value(): unknown {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.tuple();
    if (c === '"') return this.string();
    const expr = this.expression(false);
    if (expr === "") throw new Error(`expected a value at offset ${this.pos}`);
    if (expr === "true") return true;
    if (expr === "false") return false;
    if (expr === "null") return null;
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(expr)) return Number(expr);
    return `\${${expr}}`;
  }

  end(): void {
    this.skipSpace();
    if (this.pos < this.text.length) throw new Error(`unexpected "${this.text.slice(this.pos, this.pos + 20)}"`);
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++; // {
    for (;;) {
      this.skipSpace(true);
      if (this.text[this.pos] === "}") {
        this.pos++;
        return out;
      }
      const key = this.text[this.pos] === '"' ? this.string() : this.expression(true);
      this.skipSpace();
      const sep = this.text[this.pos];
      if (sep !== "=" && sep !== ":") throw new Error(`expected = after key "${key}"`);
      this.pos++;
      out[key] = this.value();
      this.skipSpace();
      if (this.text[this.pos] === ",") this.pos++;
    }
  }

  private tuple(): unknown[] {
    const out: unknown[] = [];
    this.pos++; // [
    for (;;) {
      this.skipSpace(true);
      if (this.text[this.pos] === "]") {
        this.pos++;
        return out;
      }
      out.push(this.value());
      this.skipSpace(true);
      if (this.text[this.pos] === ",") this.pos++;
      else if (this.text[this.pos] !== "]") throw new Error(`expected , or ] at offset ${this.pos}`);
    }
  }

  /** A quoted template; interpolations are kept as `${...}` text. */
  private string(): string {
    this.pos++; // opening quote
    let out = "";
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === "\\") {
        const unicode = this.text[this.pos + 1] === "u" ? /^[0-9A-Fa-f]{4}/.exec(this.text.slice(this.pos + 2)) : null;
        out += unicode ? String.fromCharCode(parseInt(unicode[0], 16)) : unescape(this.text[this.pos + 1]);
        this.pos += unicode ? 6 : 2;
      } else if (this.text.startsWith("$${", this.pos) || this.text.startsWith("%%{", this.pos)) {
        out += this.text.slice(this.pos + 1, this.pos + 3);
        this.pos += 3;
      } else if (this.text.startsWith("${", this.pos) || this.text.startsWith("%{", this.pos)) {
        const start = this.pos;
        this.pos += 1;
        this.balanced();
        out += this.text.slice(start, this.pos);
      } else if (c === '"' && this.closesString()) {
        this.pos++;
        return out;
      } else {
        out += c;
        this.pos++;
      }
    }
    throw new Error("unterminated string");
  }

  /** Whether the quote at `pos` ends the string: a value-ending character (or the end) follows it. */
  private closesString(): boolean {
    let i = this.pos + 1;
    while (i < this.text.length && (this.text[i] === " " || this.text[i] === "\t" || this.text[i] === "\r")) i++;
    return i >= this.text.length || AFTER_VALUE.has(this.text[i]);
  }

  /**
   * A bare expression (reference, function call, conditional), up to a `,` `}` `]` `)` or line end
   * outside brackets; an object key also ends at `=` or `:`.
   */
  private expression(key: boolean): string {
    const start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === "," || c === "}" || c === "]" || c === ")" || c === "\n") break;
      if (key && (c === "=" || c === ":")) break;
      if (c in CLOSERS) this.balanced();
      else if (c === '"') this.string();
      else this.pos++;
    }
    return this.text.slice(start, this.pos).trim();
  }

  /** Skips a bracketed group starting at `pos` (strings inside included). */
  private balanced(): void {
    const close = CLOSERS[this.text[this.pos]];
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === close) {
        this.pos++;
        return;
      }
      if (c in CLOSERS) this.balanced();
      else if (c === '"') this.string();
      else this.pos++;
    }
    throw new Error(`unbalanced brackets: missing ${close}`);
  }

  private skipSpace(newlines = false): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]) && (newlines || this.text[this.pos] !== "\n")) this.pos++;
  }
}

function unescape(c: string | undefined): string {
  if (c === "n") return "\n";
  if (c === "t") return "\t";
  if (c === "r") return "\r";
  return c ?? "";
}
