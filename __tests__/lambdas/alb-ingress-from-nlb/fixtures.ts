import type { SecurityGroupRule } from "@aws-sdk/client-ec2";

/** The ALB security group, NLB ENI description and rule prefix the alb-ingress-from-nlb tests use. */
export const SG = "sg-0123456789abcdef0";
export const NLB = "ELB net/api-nlb/50dc6c495c0c9188";
export const PREFIX = "alb-ingress-from-nlb";

/** An ingress rule the function owns: the NLB IP on one port, with its description prefix. */
export function ownedRule(id: string, ip: string, port = 80): SecurityGroupRule {
  return {
    SecurityGroupRuleId: id,
    GroupId: SG,
    IsEgress: false,
    IpProtocol: "tcp",
    FromPort: port,
    ToPort: port,
    CidrIpv4: `${ip}/32`,
    Description: `${PREFIX}: NLB ${ip}`,
  };
}
