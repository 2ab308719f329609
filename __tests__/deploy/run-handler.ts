/**
 * Runs one of the bridge Lambdas' real handlers once, in this process, as Lambda would: the handler
 * module is loaded (it reads its environment at load, as in Lambda), called with the event, and its
 * answer printed. Test-only (bridge-lambdas.deploy.test.ts starts it with tsx against the emulator).
 *
 *   node --import tsx __tests__/deploy/run-handler.ts <nlb-target-sync|alb-ingress-from-nlb> '<event JSON>'
 *
 * The handler's own log lines go to stdout as they are written; the last line is
 * `HANDLER_RESULT <json>` (what the handler returned) or `HANDLER_ERROR <json>` ({name, message}),
 * then exit status 0 or 1.
 */
import { join } from "node:path";
import { ERROR_MARKER, RESULT_MARKER } from "./bridge-lambdas-world";

const HANDLERS = ["nlb-target-sync", "alb-ingress-from-nlb"] as const;

async function main(): Promise<void> {
  const [name, eventJson = "{}"] = process.argv.slice(2);
  if (!(HANDLERS as readonly string[]).includes(name))
    throw new Error(`run-handler: the handler must be one of ${HANDLERS.join(", ")}, got "${name}"`);
  const event = JSON.parse(eventJson) as unknown;
  // Loaded only now, so that a configuration error is reported below like any other failure.
  const mod = (await import(join(__dirname, "..", "..", "lambdas", name, "handler.ts"))) as {
    handler: (event: unknown) => Promise<unknown>;
  };
  const result = await mod.handler(event);
  process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  const error = err instanceof Error ? { name: err.name, message: err.message } : { name: "Error", message: String(err) };
  process.stdout.write(`\n${ERROR_MARKER}${JSON.stringify(error)}\n`);
  process.exitCode = 1;
});
