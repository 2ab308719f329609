/**
 * The load balancers' config (lib/config/schema.ts and lib/config/semantics.ts): `deletionProtection`
 * and `alb.logs`, shapes and cross-field rules, both through parseConfig.
 */
import { parseConfig } from "../../lib/config/load";
import { DEFAULT_CONFIG } from "../../lib/config/default-config";
import { configErrorOf, exampleConfig } from "../helpers/fixtures";

const native = () => exampleConfig("alb-bridge-native");
const existingAlb = () => exampleConfig("existing-alb");
const errorOf = (cfg: unknown): string => configErrorOf(() => parseConfig(cfg));

describe("deletionProtection", () => {
  test("is true unless the config says false", () => {
    expect(parseConfig(DEFAULT_CONFIG).deletionProtection).toBe(true);
    expect(parseConfig({ ...DEFAULT_CONFIG, deletionProtection: false }).deletionProtection).toBe(false);
  });

  test("is a boolean", () => {
    expect(errorOf({ ...DEFAULT_CONFIG, deletionProtection: "off" })).toMatch(/deletionProtection: .*boolean/);
  });
});

describe("alb.logs", () => {
  test("absent: no logs, as before", () => {
    expect(parseConfig(native()).alb?.logs).toBeUndefined();
  });

  test("{} turns both kinds on, to a bucket the stack creates, kept 90 days; the prefix stays unset (the plan uses the ALB's name)", () => {
    const cfg = native();
    cfg.alb = { logs: {} };
    expect(parseConfig(cfg).alb?.logs).toEqual({ access: true, connection: true, bucket: { type: "create", expireAfterDays: 90 } });
  });

  test("takes an existing bucket by name, and a prefix", () => {
    const cfg = native();
    cfg.alb = { logs: { access: true, connection: false, bucket: { type: "existing", name: "org-alb-logs" }, prefix: "shop/alb" } };
    expect(parseConfig(cfg).alb?.logs).toEqual({
      access: true,
      connection: false,
      bucket: { type: "existing", name: "org-alb-logs" },
      prefix: "shop/alb",
    });
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    [
      "both kinds off",
      { access: false, connection: false },
      /^ {2}- alb\.logs: access and connection are both false: leave alb\.logs out for no logs$/m,
    ],
    [
      "a prefix with AWSLogs",
      { prefix: "x/AWSLogs" },
      /^ {2}- alb\.logs\.prefix: may not contain AWSLogs: Elastic Load Balancing adds AWSLogs\/<account>\/\.\.\. after it \(got "x\/AWSLogs"\)$/m,
    ],
    // A * would be a wildcard in the bucket policy's Resource.
    [
      "a prefix with a wildcard",
      { prefix: "alb*" },
      /^ {2}- alb\.logs\.prefix: must be an S3 key prefix such as payments-alb or logs\/alb/m,
    ],
    [
      "a prefix with a leading slash",
      { prefix: "/alb" },
      /^ {2}- alb\.logs\.prefix: must be an S3 key prefix such as payments-alb or logs\/alb/m,
    ],
    [
      "a bucket name that is no S3 name",
      { bucket: { type: "existing", name: "Org_Logs" } },
      /^ {2}- alb\.logs\.bucket\.name: must be an S3 bucket name \(got "Org_Logs"\)$/m,
    ],
    [
      "a bucket that keeps logs for no day",
      { bucket: { type: "create", expireAfterDays: 0 } },
      /^ {2}- alb\.logs\.bucket\.expireAfterDays: /m,
    ],
    ["an unknown field", { format: "json" }, /^ {2}- alb\.logs: unknown field\(s\) "format"$/m],
  ])("refuses %s, naming the field", (_name, logs, message) => {
    // The shapes under test are not valid config types: the config goes in as JSON would.
    expect(errorOf({ ...native(), alb: { logs } })).toMatch(message);
  });

  test("is refused with an existing ALB, naming the field and the ALB", () => {
    const cfg = existingAlb();
    const arn = cfg.alb?.existing?.loadBalancerArn;
    cfg.alb = { ...cfg.alb, logs: {} };
    expect(errorOf(cfg)).toMatch(
      new RegExp(
        `^ {2}- alb\\.logs: the stack does not manage an existing ALB \\(alb\\.existing ${arn}\\): turn its logs on where it is managed$`,
        "m",
      ),
    );
  });
});
