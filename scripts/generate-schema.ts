/**
 * Writes config.schema.json from the zod schema, for editor completion (`"$schema"` in a config).
 * `npm test` fails when the committed file is out of date.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderJsonSchema } from "../lib/config/json-schema";

const target = join(__dirname, "..", "config.schema.json");
writeFileSync(target, renderJsonSchema());
process.stdout.write(`wrote ${target}\n`);
