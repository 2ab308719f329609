import { type EC2Client, paginateDescribeNetworkInterfaces } from "@aws-sdk/client-ec2";

/**
 * Private IPv4 addresses of the in-use network interfaces whose description is exactly
 * `description`. Elastic Load Balancing describes a load balancer's interfaces as
 * `ELB <arn suffix>`: `ELB app/<name>/<id>` for an ALB, `ELB net/<name>/<id>` for an NLB.
 * Pages through every result; returns the addresses sorted and without duplicates.
 */
export async function eniPrivateIps(ec2: EC2Client, description: string): Promise<string[]> {
  const ips = new Set<string>();
  const pages = paginateDescribeNetworkInterfaces(
    { client: ec2, pageSize: 1000 },
    {
      Filters: [
        { Name: "description", Values: [description] },
        { Name: "status", Values: ["in-use"] },
      ],
    },
  );
  for await (const page of pages) {
    for (const eni of page.NetworkInterfaces ?? []) {
      // The paginator's filter runs server-side; check again so a mocked or odd answer cannot leak in.
      if (eni.Description !== description || eni.Status !== "in-use") continue;
      for (const addr of eni.PrivateIpAddresses ?? []) if (addr.PrivateIpAddress) ips.add(addr.PrivateIpAddress);
      if (!eni.PrivateIpAddresses?.length && eni.PrivateIpAddress) ips.add(eni.PrivateIpAddress);
    }
  }
  return [...ips].sort();
}
