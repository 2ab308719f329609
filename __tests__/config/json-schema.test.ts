import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderJsonSchema } from "../../lib/config/json-schema";

test("config.schema.json is up to date (run `npm run schema`)", () => {
  expect(readFileSync(join(__dirname, "..", "..", "config.schema.json"), "utf8")).toBe(renderJsonSchema());
});

test("the schema describes the fields editors should complete", () => {
  const schema = JSON.parse(renderJsonSchema()) as {
    required: string[];
    properties: { services: { items: { required: string[]; oneOf: { required: string[] }[] } } };
    additionalProperties: boolean;
  };
  expect(schema.required).toEqual(expect.arrayContaining(["name", "region", "network", "services", "routes"]));
  const service = schema.properties.services.items;
  expect(service.required).toEqual(expect.arrayContaining(["name", "image"]));
  // One port, or several: exactly one of the two forms (hostPort on EC2 and its absence on Fargate are checkPortForm's).
  expect(service.oneOf).toEqual([{ required: ["containerPort"] }, { required: ["ports"] }]);
  expect(schema.additionalProperties).toBe(false);
});
