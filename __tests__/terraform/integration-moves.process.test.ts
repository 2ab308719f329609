/**
 * HTTP API integrations were named after their listener's generated logical id, and are now named
 * after the service they reach (lib/model/ids.ts). Their `moved` blocks must carry a deployed
 * stack's integrations over: planned against a state that holds them at the old addresses, the
 * new config moves them and replaces nothing.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initAndPlan } from "../../scripts/tooling/terraform";
import { exampleConfig, ledgerOf } from "../helpers/fixtures";
import { describeWithTerraform } from "../helpers/terraform";
import { resourcesOf, synthToTemp } from "../helpers/synth";
import { stateResource } from "../helpers/plans";

const API_ID = "a1b2c3d4e5";
/** The addresses examples/http-api.json's integrations had, as the address snapshot pinned them. */
const OLD_ADDRESSES = [
  "aws_apigatewayv2_integration.HttpApi_Integration-Alb_Listener_403B189F_11E02EA4",
  "aws_apigatewayv2_integration.HttpApi_Integration-Nlb_Listener-legacy-sync_3185EA30_1E8E5D08",
];

describeWithTerraform("HTTP API integrations keep their state across the id change", (tf) => {
  const stack = synthToTemp(exampleConfig("http-api"), { nlbShards: ledgerOf("examples/http-api.json") });
  const moves = (stack.json.moved ?? []).filter((m) => m.from.startsWith("aws_apigatewayv2_integration."));
  const [[apiId, api]] = resourcesOf(stack.json, "aws_apigatewayv2_api");

  test("the synthesised stack moves each integration from its old address", () => {
    expect(moves).toHaveLength(resourcesOf(stack.json, "aws_apigatewayv2_integration").length);
    expect(moves.map((m) => m.from).sort()).toEqual(OLD_ADDRESSES);
  });

  test("an offline plan of the old state against the new config moves them and replaces nothing", () => {
    // GIVEN a state as the last release left it: the API, and its integrations at the old addresses
    const state = {
      version: 4,
      terraform_version: "1.11.4",
      serial: 1,
      lineage: "0b6f7a52-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
      outputs: {},
      resources: [
        stateResource("aws_apigatewayv2_api", apiId, {
          id: API_ID,
          name: api.name,
          description: api.description,
          protocol_type: "HTTP",
          api_endpoint: `https://${API_ID}.execute-api.${stack.config.region}.amazonaws.com`,
          arn: `arn:aws:apigateway:${stack.config.region}::/apis/${API_ID}`,
          execution_arn: `arn:aws:execute-api:${stack.config.region}:123456789012:${API_ID}`,
          route_selection_expression: "$request.method $request.path",
          tags: {},
          tags_all: {},
        }),
        ...OLD_ADDRESSES.map((address, i) =>
          stateResource("aws_apigatewayv2_integration", address.split(".")[1], {
            id: `int${i}abc`,
            api_id: API_ID,
            integration_type: "HTTP_PROXY",
            integration_method: "ANY",
            connection_type: "VPC_LINK",
            connection_id: "vl0abc",
            integration_uri: `arn:aws:elasticloadbalancing:${stack.config.region}:123456789012:listener/app/x/0123456789abcdef/0123456789abcdef`,
            payload_format_version: "1.0",
            timeout_milliseconds: 30000,
          }),
        ),
      ],
    };
    const statePath = join(mkdtempSync(join(tmpdir(), "moves-state-")), "terraform.tfstate");
    writeFileSync(statePath, JSON.stringify(state, null, 2));
    // WHEN
    const { plan } = initAndPlan(tf, stack.stackDir, { offline: true, region: stack.config.region, initialState: statePath });
    // THEN nothing is deleted or replaced; the integrations are moved (and updated in place at most)
    const changes = plan.resource_changes ?? [];
    expect(changes.filter((c) => c.change.actions.includes("delete")).map((c) => c.address)).toEqual([]);
    const moved = changes.filter((c) => (c as { previous_address?: string }).previous_address !== undefined);
    expect(moved.map((c) => (c as { previous_address?: string }).previous_address).sort()).toEqual(OLD_ADDRESSES);
    expect(moved.map((c) => c.address).sort()).toEqual(
      resourcesOf(stack.json, "aws_apigatewayv2_integration")
        .map(([id]) => `aws_apigatewayv2_integration.${id}`)
        .sort(),
    );
    for (const c of moved) expect(["no-op", "update"]).toContain(c.change.actions.join(","));
  });
});
