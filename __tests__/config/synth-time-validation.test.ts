/**
 * Configs the config fuzzer (__tests__/fuzz) found that passed validation and then broke the
 * synth: they must either synthesise to Terraform that means what the config says, or be refused
 * with a ConfigError naming the field, before any file is written.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, parseConfig } from "../../lib/config/load";
import { synthesize } from "../../lib/synth";
import { terraformLiteral } from "../../lib/model/terraform-literals";
import { defaultConfig } from "../helpers/fixtures";
import { synthToTemp } from "../helpers/synth";

/** The problems of the ConfigError a synth of `input` throws, and the files it left in its output directory. */
function refusedAtSynth(input: unknown): { problems: readonly string[]; written: string[] } {
  const config = parseConfig(input);
  const outdir = mkdtempSync(join(tmpdir(), "synth-refused-"));
  try {
    synthesize(config, outdir);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    // CDKTF may have made the empty `stacks` directory; no file may be there.
    const files = readdirSync(outdir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    return { problems: (err as ConfigError).problems, written: files.map((e) => e.name) };
  }
  throw new Error("expected a ConfigError, but the config synthesised");
}

describe("adopt entries naming members of every JavaScript object", () => {
  // The construct lookup found Object.prototype's `constructor` and crashed with a TypeError.
  test.each(["constructor", "__proto__", "toString", "Network/constructor", "Nlb/__proto__/x"])(
    "%s is no resource: refused, nothing written",
    (resource) => {
      const { problems, written } = refusedAtSynth({ ...defaultConfig(), adopt: [{ resource, id: "x7k2pq" }] });
      expect(problems).toEqual([
        expect.stringMatching(new RegExp(`^adopt\\[0\\]\\.resource: no resource at "${resource}"; top-level constructs are `)),
      ]);
      expect(written).toEqual([]);
    },
  );

  test("a line break in the construct path stays inside its one problem line", () => {
    const { problems } = refusedAtSynth({ ...defaultConfig(), adopt: [{ resource: "Nlb\nx", id: "x" }] });
    expect(problems).toEqual([expect.stringMatching(/^adopt\[0\]\.resource: no resource at "Nlb\\nx"; /)]);
  });
});

describe("config strings are literals in the Terraform JSON, never templates", () => {
  // `${...}` in any string was an interpolation: terraform validate failed ("Invalid reference"),
  // or, naming something that exists, the value was silently replaced.
  test("terraformLiteral escapes interpolations and directives, and keeps what is already escaped literal", () => {
    expect(terraformLiteral("${DB_HOST}:5432")).toBe("$${DB_HOST}:5432");
    expect(terraformLiteral("%{ if x }y%{ endif }")).toBe("%%{ if x }y%%{ endif }");
    expect(terraformLiteral("$${a} and $ { and %")).toBe("$$${a} and $ { and %");
    expect(terraformLiteral("no template")).toBe("no template");
  });

  test("environment values, tags, descriptions, health check paths and import ids are escaped; the backend is not", () => {
    const cfg = defaultConfig();
    cfg.services[0].environment = { SPRING_DATASOURCE_URL: "jdbc:postgresql://${DB_HOST}/orders", TEMPLATE: "%{x}" };
    cfg.services[0].healthCheck = { protocol: "HTTP", path: "/health?v=${v}" };
    cfg.tags = { "${team}": "${var.team}" };
    cfg.api = { description: "${aws_vpc.x.id}" };
    cfg.adopt = [{ resource: "Service-orders", id: "${aws_ecs_service.x.id}" }];
    cfg.backend = { type: "local", path: "state/${env}.tfstate" };
    const text = JSON.stringify(synthToTemp(cfg).json);

    expect(text).toContain("jdbc:postgresql://$${DB_HOST}/orders");
    expect(text).toContain("%%{x}");
    expect(text).toContain('"path":"/health?v=$${v}"');
    expect(text).toContain('"$${team}":"$${var.team}"');
    expect(text).toContain('"description":"$${aws_vpc.x.id}"');
    expect(text).toContain('"id":"$${aws_ecs_service.x.id}"');
    // Terraform reads backend settings as written.
    expect(text).toContain('"path":"state/${env}.tfstate"');
    expect(text).not.toMatch(/(?<!\$)\$\{(DB_HOST|v|team|var\.team|aws_vpc\.x|aws_ecs_service\.x)/);
  });
});

describe("container free text is a literal too", () => {
  test("command, entry point and health check command with ${...} reach the task definition as written", () => {
    // GIVEN
    const cfg = defaultConfig();
    cfg.services[0].command = ["sh", "-c", "exec serve --db ${DB_HOST}"];
    cfg.services[0].entryPoint = ["/entry", "%{x}"];
    cfg.services[0].containerHealthCheck = { command: ["CMD-SHELL", "curl -f http://localhost:${PORT}/health || exit 1"] };
    // WHEN
    const { json } = synthToTemp(cfg);
    // THEN the JSON holds them escaped, so Terraform hands AWS exactly what the config says
    const definitions = Object.values(json.resource.aws_ecs_task_definition).map((t) => String(t.container_definitions));
    const orders = definitions.find((d) => d.includes('"name":"orders"')) ?? "";
    expect(orders).toContain('"command":["sh","-c","exec serve --db $${DB_HOST}"]');
    expect(orders).toContain('"entryPoint":["/entry","%%{x}"]');
    expect(orders).toContain('"command":["CMD-SHELL","curl -f http://localhost:$${PORT}/health || exit 1"]');
    expect(orders).not.toMatch(/(?<!\$)\$\{(DB_HOST|PORT)/);
  });
});
