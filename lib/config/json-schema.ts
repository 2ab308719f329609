import { z } from "zod";
import { configShape } from "./schema";

/** The JSON Schema of the config as a user writes it (defaults are optional), pretty-printed. */
export function renderJsonSchema(): string {
  const schema = z.toJSONSchema(configShape, { io: "input", target: "draft-2020-12" });
  return `${JSON.stringify({ ...schema, title: "private-ecs-api config" }, null, 2)}\n`;
}
