import type { TerraformJson } from "./synth";

/**
 * Structural promises checked on synthesised Terraform JSON: nothing internet-facing, no ingress
 * from the whole internet, every HTTP integration through the VPC link, no instance with a public
 * IP, and no method open unless the config opted out. Returns the violations, empty when none.
 */
export function structuralViolations(json: TerraformJson, allowedOpenMethods: ReadonlySet<string> = new Set()): string[] {
  const found: string[] = [];
  const each = (type: string, fn: (id: string, r: Record<string, unknown>) => void) =>
    Object.entries(json.resource[type] ?? {}).forEach(([id, r]) => fn(`${type}.${id}`, r));
  const openCidr = (v: unknown) => v === "0.0.0.0/0" || v === "::/0";

  each("aws_lb", (id, r) => {
    if (r.internal !== true) found.push(`${id} is not internal`);
  });
  each("aws_vpc_security_group_ingress_rule", (id, r) => {
    if (openCidr(r.cidr_ipv4) || openCidr(r.cidr_ipv6)) found.push(`${id} admits the whole internet`);
  });
  each("aws_security_group_rule", (id, r) => {
    const cidrs = [...((r.cidr_blocks as string[]) ?? []), ...((r.ipv6_cidr_blocks as string[]) ?? [])];
    if (r.type === "ingress" && cidrs.some(openCidr)) found.push(`${id} admits the whole internet`);
  });
  each("aws_security_group", (id, r) => {
    for (const rule of (r.ingress as Record<string, unknown>[]) ?? []) {
      const cidrs = [...((rule.cidr_blocks as string[]) ?? []), ...((rule.ipv6_cidr_blocks as string[]) ?? [])];
      if (cidrs.some(openCidr)) found.push(`${id} has an inline ingress from the whole internet`);
    }
  });
  each("aws_api_gateway_integration", (id, r) => {
    const http = r.type === "HTTP" || r.type === "HTTP_PROXY";
    const viaLink = r.connection_type === "VPC_LINK" && /^\$\{aws_api_gateway_vpc_link\.[^.]+\.id\}$/.test(String(r.connection_id));
    if (http && !viaLink) found.push(`${id} is an HTTP integration that does not go through the VPC link`);
  });
  each("aws_apigatewayv2_integration", (id, r) => {
    const viaLink = r.connection_type === "VPC_LINK" && /^\$\{aws_apigatewayv2_vpc_link\.[^.]+\.id\}$/.test(String(r.connection_id));
    if (!viaLink) found.push(`${id} is an HTTP API integration that does not go through the VPC link`);
  });
  each("aws_api_gateway_method", (id, r) => {
    if (r.authorization === "NONE" && !allowedOpenMethods.has(id)) found.push(`${id} has authorization NONE`);
  });
  each("aws_apigatewayv2_route", (id, r) => {
    if (r.authorization_type === "NONE" && !allowedOpenMethods.has(id)) found.push(`${id} has authorization NONE`);
  });
  each("aws_launch_template", (id, r) => {
    const nics = (r.network_interfaces as Record<string, unknown>[]) ?? [];
    if (nics.length === 0 || nics.some((n) => n.associate_public_ip_address !== "false"))
      found.push(`${id} may give instances a public IP`);
  });
  each("aws_launch_configuration", (id, r) => {
    if (r.associate_public_ip_address !== false) found.push(`${id} may give instances a public IP`);
  });
  each("aws_subnet", (id, r) => {
    if (r.map_public_ip_on_launch !== false) found.push(`${id} maps public IPs on launch`);
  });
  for (const type of ["aws_internet_gateway", "aws_nat_gateway", "aws_eip"]) each(type, (id) => found.push(`${id} should not exist`));
  return found;
}
