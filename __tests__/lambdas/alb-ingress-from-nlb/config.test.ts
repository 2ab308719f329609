import { type AlbIngressConfig, loadConfig } from "../../../lambdas/alb-ingress-from-nlb/config";

const VALID = {
  NLB_ENI_DESCRIPTION: "ELB net/api-nlb/50dc6c495c0c9188",
  SECURITY_GROUP_ID: "sg-0123456789abcdef0",
  PORTS: "80",
};
const VARIABLES = ["NLB_ENI_DESCRIPTION", "SECURITY_GROUP_ID", "PORTS", "RULE_DESCRIPTION_PREFIX"] as const;

describe("environment checks at module load", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of VARIABLES) delete process.env[name];
    Object.assign(process.env, saved);
  });

  /** Loads a fresh copy of the handler module with exactly `env` set for its variables. */
  function loadHandler(env: Partial<Record<(typeof VARIABLES)[number], string>>): void {
    for (const name of VARIABLES) delete process.env[name];
    Object.assign(process.env, env);
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh load inside isolateModules: the module reads its env at load
      require("../../../lambdas/alb-ingress-from-nlb/handler");
    });
  }

  test.each<[string, Partial<Record<(typeof VARIABLES)[number], string>>, RegExp]>([
    ["NLB_ENI_DESCRIPTION missing", { ...VALID, NLB_ENI_DESCRIPTION: undefined }, /environment variable NLB_ENI_DESCRIPTION is required/],
    ["SECURITY_GROUP_ID missing", { ...VALID, SECURITY_GROUP_ID: undefined }, /environment variable SECURITY_GROUP_ID is required/],
    ["PORTS missing", { ...VALID, PORTS: undefined }, /environment variable PORTS is required/],
    ["PORTS out of range", { ...VALID, PORTS: "80,70000" }, /PORTS must be comma-separated TCP ports from 1 to 65535.*"70000" is not one/],
  ])("%s: loading the handler throws naming the variable", (_name, env, message) => {
    // GIVEN
    const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));

    // WHEN
    const load = () => loadHandler(defined);

    // THEN
    expect(load).toThrow(message);
  });

  test("a valid environment loads", () => {
    // WHEN
    const load = () => loadHandler(VALID);

    // THEN
    expect(load).not.toThrow();
  });
});

describe("loadConfig", () => {
  test("reads every variable, sorting the ports and defaulting the prefix", () => {
    // WHEN
    const config = loadConfig({ ...VALID, PORTS: " 443, 80 " });

    // THEN
    expect(config).toEqual<AlbIngressConfig>({
      nlbEniDescription: "ELB net/api-nlb/50dc6c495c0c9188",
      securityGroupId: "sg-0123456789abcdef0",
      ports: [80, 443],
      ruleDescriptionPrefix: "alb-ingress-from-nlb",
    });
  });

  test.each([
    ["unset", undefined, "alb-ingress-from-nlb"],
    ["empty", "", "alb-ingress-from-nlb"],
    ["set", "api-bridge", "api-bridge"],
  ])("RULE_DESCRIPTION_PREFIX %s", (_name, value, expected) => {
    // WHEN
    const config = loadConfig({ ...VALID, RULE_DESCRIPTION_PREFIX: value });

    // THEN
    expect(config.ruleDescriptionPrefix).toBe(expected);
  });

  test.each<[string, Record<string, string>, RegExp]>([
    [
      "an ALB's description",
      { NLB_ENI_DESCRIPTION: "ELB app/api-alb/50dc6c495c0c9188" },
      /NLB_ENI_DESCRIPTION must describe the NLB's interfaces.*not an ALB's \(got "ELB app\//,
    ],
    ["a bare NLB name", { NLB_ENI_DESCRIPTION: "api-nlb" }, /NLB_ENI_DESCRIPTION must look like "ELB net\/<name>\/<id>" \(got "api-nlb"\)/],
    ["a security group name", { SECURITY_GROUP_ID: "alb-sg" }, /SECURITY_GROUP_ID must be a security group id.*\(got "alb-sg"\)/],
    ["port 0", { PORTS: "0" }, /PORTS .* "0" is not one \(got "0"\)/],
    ["a named port", { PORTS: "http" }, /PORTS .* "http" is not one/],
    ["an empty item", { PORTS: "80,,443" }, /PORTS .* "" is not one \(got "80,,443"\)/],
    ["a fractional port", { PORTS: "80.5" }, /PORTS .* "80.5" is not one/],
    ["a repeated port", { PORTS: "80,443,80" }, /PORTS lists port 80 twice/],
    [
      "a prefix with characters EC2 refuses",
      { RULE_DESCRIPTION_PREFIX: "bridge<nlb>" },
      /RULE_DESCRIPTION_PREFIX may only use .*\(got "bridge<nlb>"\)/,
    ],
    [
      "a prefix with surrounding spaces",
      { RULE_DESCRIPTION_PREFIX: " bridge" },
      /RULE_DESCRIPTION_PREFIX must not start or end with spaces/,
    ],
    [
      "a prefix too long for a description",
      { RULE_DESCRIPTION_PREFIX: "x".repeat(235) },
      /RULE_DESCRIPTION_PREFIX must be at most 234 characters \(got 235\)/,
    ],
  ])("refuses %s", (_name, override, message) => {
    // WHEN
    const load = () => loadConfig({ ...VALID, ...override });

    // THEN
    expect(load).toThrow(message);
  });

  test("accepts the longest prefix that still fits EC2's 255-character description", () => {
    // WHEN
    const config = loadConfig({ ...VALID, RULE_DESCRIPTION_PREFIX: "x".repeat(234) });

    // THEN
    expect(`${config.ruleDescriptionPrefix}: NLB 255.255.255.255`).toHaveLength(255);
  });
});
