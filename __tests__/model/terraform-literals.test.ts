/**
 * Config strings reach the Terraform JSON as literals (lib/model/terraform-literals.ts): configs
 * the config fuzzer (__tests__/fuzz) found that passed validation and then broke the synth must
 * synthesise to Terraform that means what the config says.
 */
import { terraformLiteral } from "../../lib/model/terraform-literals";
import { defaultConfig } from "../helpers/fixtures";
import { synthToTemp } from "../helpers/synth";

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
