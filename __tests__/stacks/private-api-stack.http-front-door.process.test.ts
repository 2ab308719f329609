/** The variant of examples/http-api.json with no NLB service (see private-api-stack.http-front-door.test.ts), planned by Terraform. */
import { httpApiBehindAlbOnly } from "../helpers/fixtures";
import { synthToTemp } from "../helpers/synth";
import { describeWithTerraform, initValidatePlan } from "../helpers/terraform";

describe("an HTTP API whose services all sit behind the ALB", () => {
  const stack = synthToTemp(httpApiBehindAlbOnly());

  describeWithTerraform("terraform", (tf) => {
    test("plans cleanly", () => {
      const { stdout } = initValidatePlan(tf, stack.stackDir, stack.config.region);
      expect(stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./);
    });
  });
});
