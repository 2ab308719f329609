"""
The world outside a stack, made in the emulator for the deploy tier (test-only, never AWS).

  python3 world.py create    < {"endpoint": ..., "account": "<12 digits>", "config": <config as in examples/*.json>}
      Creates what the config refers to but does not create itself: an existing VPC and its
      subnets, an existing ALB with its listener and security group, an existing cluster and its
      instance security group, ACM certificates, authorizer functions, hosted zones, Cognito user
      pools, SNS topics, an AMI, an existing web ACL, and the NLB and VPC link that `adopt` entries
      name. Prints {"<placeholder in the config>": "<id or ARN in the emulator>"}; the test
      replaces each placeholder in its copy of the config with the emulator's value (the example
      files are never changed).

  python3 world.py inventory < {"endpoint": ..., "account": "<12 digits>", "regions": [...]}
      Prints, per region, the ids of what a stack creates (VPCs, subnets, security groups, load
      balancers, target groups, listeners, APIs, VPC links, web ACLs and their logging, roles,
      policies, instance profiles, functions, log groups, parameters, clusters, services, task
      definitions, autoscaling groups, launch templates and configurations, alarms, event rules,
      schedules, queues, topics).
      Compared before apply and after destroy: what destroy leaves behind shows up as a difference.
"""

import ipaddress
import io
import json
import re
import sys
import zipfile

import boto3

def clients(endpoint, region, account):
    """boto3 clients for one account: the emulator's wrapper (moto_server.py) takes a 12-digit key id as the account."""

    def client(name):
        return boto3.client(
            name,
            region_name=region,
            endpoint_url=endpoint,
            aws_access_key_id=account,
            aws_secret_access_key="emulator",
        )

    return client


def walk_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from walk_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk_strings(v)


def function_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.js", "exports.handler = async () => ({ isAuthorized: false });\n")
    return buf.getvalue()


def create(endpoint, account, config):
    region = config["region"]
    client = clients(endpoint, region, account)
    ec2, elbv2 = client("ec2"), client("elbv2")
    mapping = {}
    network = config.get("network", {})
    vpc_id = None
    subnet_ids = []
    if network.get("type") == "existing":
        cidr = ipaddress.ip_network(network["vpcCidr"])
        vpc_id = ec2.create_vpc(CidrBlock=str(cidr))["Vpc"]["VpcId"]
        mapping[network["vpcId"]] = vpc_id
        zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
        blocks = cidr.subnets(new_prefix=min(cidr.prefixlen + 4, 28))
        for i, placeholder in enumerate(network["privateSubnetIds"]):
            subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock=str(next(blocks)), AvailabilityZone=zones[i % len(zones)])
            subnet_ids.append(subnet["Subnet"]["SubnetId"])
            mapping[placeholder] = subnet_ids[-1]

    def security_group(name, placeholder):
        group = ec2.create_security_group(GroupName=name, Description=f"emulator world: {name}", VpcId=vpc_id)
        mapping[placeholder] = group["GroupId"]
        return group["GroupId"]

    existing_alb = config.get("alb", {}).get("existing")
    if existing_alb:
        group = security_group("world-alb", existing_alb["securityGroupId"])
        lb = elbv2.create_load_balancer(
            Name=existing_alb["loadBalancerArn"].split("/")[-2][:32],
            Subnets=subnet_ids,
            SecurityGroups=[group],
            Scheme="internal",
            Type="application",
        )["LoadBalancers"][0]
        mapping[existing_alb["loadBalancerArn"]] = lb["LoadBalancerArn"]
        listener = elbv2.create_listener(
            LoadBalancerArn=lb["LoadBalancerArn"],
            Protocol="HTTP",
            Port=existing_alb.get("listenerPort", 80),
            DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
        )["Listeners"][0]
        mapping[existing_alb["listenerArn"]] = listener["ListenerArn"]

    existing_cluster = config.get("cluster", {}).get("existing")
    if existing_cluster:
        client("ecs").create_cluster(clusterName=existing_cluster["clusterName"])
        security_group("world-instances", existing_cluster["instanceSecurityGroupId"])

    for adopt in config.get("adopt", []):
        if adopt["resource"] == "Nlb":
            # With a security group of its own: an NLB made without one can never be given one
            # (the stack's would then force a replacement).
            group = ec2.create_security_group(GroupName="world-nlb", Description="emulator world: the NLB to adopt", VpcId=vpc_id)
            nlb = elbv2.create_load_balancer(
                Name=adopt["id"].split("/")[-2][:32],
                Subnets=subnet_ids,
                SecurityGroups=[group["GroupId"]],
                Scheme="internal",
                Type="network",
            )["LoadBalancers"][0]
            mapping[adopt["id"]] = nlb["LoadBalancerArn"]
    for adopt in config.get("adopt", []):
        if adopt["resource"] == "Api/VpcLink":
            nlbs = [mapping[a["id"]] for a in config["adopt"] if a["resource"] == "Nlb"]
            # As the stack would make it (lib/constructs/rest-vpc-link.ts): moto can neither rename a
            # VPC link (no UpdateVpcLink) nor tag one (its TagResource knows only stages), so any
            # difference would fail the apply in the emulator, though not in AWS.
            link = client("apigateway").create_vpc_link(
                name=config["name"],
                description=f"API Gateway to the internal NLB of {config['name']}",
                targetArns=nlbs,
                tags=config.get("tags", {}),
            )
            mapping[adopt["id"]] = link["id"]

    custom_domain = config.get("api", {}).get("customDomain", {}).get("domainName", "emulator.example.com")
    role_arn = None
    for value in sorted(set(walk_strings(config))):
        if value in mapping:
            continue
        if value.startswith("arn:aws:acm:"):
            mapping[value] = client("acm").request_certificate(DomainName=custom_domain)["CertificateArn"]
        elif m := re.fullmatch(r"arn:aws:lambda:[^:]+:\d+:function:([^:/]+)", value):
            if role_arn is None:
                role_arn = client("iam").create_role(
                    RoleName=f"world-authorizer-{config['name']}",
                    AssumeRolePolicyDocument=json.dumps(
                        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
                    ),
                )["Role"]["Arn"]
            fn = client("lambda").create_function(
                FunctionName=m.group(1), Runtime="nodejs20.x", Role=role_arn, Handler="index.handler", Code={"ZipFile": function_zip()}
            )
            mapping[value] = fn["FunctionArn"]
        elif m := re.fullmatch(r"arn:aws:sns:[^:]+:\d+:([^:]+)", value):
            mapping[value] = client("sns").create_topic(Name=m.group(1))["TopicArn"]
        elif value.startswith("arn:aws:cognito-idp:"):
            mapping[value] = client("cognito-idp").create_user_pool(PoolName=f"world-{config['name']}")["UserPool"]["Arn"]
        elif m := re.fullmatch(r"arn:aws:wafv2:[^:]+:\d+:regional/webacl/([^/]+)/[^/]+", value):
            # A web ACL managed outside the stack ("webAcl": {"mode": "existing"}): the stack only associates it.
            visibility = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": m.group(1)}
            acl = client("wafv2").create_web_acl(
                Name=m.group(1), Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=visibility, Rules=[]
            )
            mapping[value] = acl["Summary"]["ARN"]
        elif re.fullmatch(r"ami-[0-9a-f]+", value):
            image = ec2.register_image(Name=f"world-{config['name']}", RootDeviceName="/dev/xvda", Architecture="x86_64")
            mapping[value] = image["ImageId"]

    def hosted_zones(value, parent_domain=None):
        if isinstance(value, dict):
            domain = value.get("domainName", parent_domain)
            if isinstance(value.get("hostedZoneId"), str):
                zone_name = domain.split(".", 1)[1] if domain and domain.count(".") >= 2 else (domain or "example.com")
                zone = client("route53").create_hosted_zone(Name=zone_name, CallerReference=value["hostedZoneId"])
                mapping[value["hostedZoneId"]] = zone["HostedZone"]["Id"].split("/")[-1]
            for v in value.values():
                hosted_zones(v, domain)
        elif isinstance(value, list):
            for v in value:
                hosted_zones(v, parent_domain)

    hosted_zones(config)
    return mapping


def pages(call, key, **kwargs):
    """Every item of a paginated list call (boto3's paginators, where the operation has one)."""
    client, op = call
    if client.can_paginate(op):
        for page in client.get_paginator(op).paginate(**kwargs):
            yield from page.get(key, [])
    else:
        yield from getattr(client, op)(**kwargs).get(key, [])


def described(client, op, arg, key, ids, **kwargs):
    """The items of a describe call for `ids` (in tens, the most ECS takes), without those INACTIVE."""
    items = []
    for i in range(0, len(ids), 10):
        items += getattr(client, op)(**{arg: ids[i : i + 10]}, **kwargs)[key]
    return [item for item in items if item.get("status") != "INACTIVE"]


def inventory(endpoint, account, regions):
    result = {}
    for region in regions:
        client = clients(endpoint, region, account)
        ec2, elbv2, ecs = client("ec2"), client("elbv2"), client("ecs")
        # moto keeps the primary interface of a terminated instance (AWS deletes it with the
        # instance), lists deleted clusters and services as INACTIVE and deleted VPC endpoints as
        # deleted (as AWS does for a while), and
        # makes the AWS-managed key alias/aws/ebs at the first instance launch: none of them is the
        # stack's.
        terminated = {
            i["InstanceId"]
            for r in pages((ec2, "describe_instances"), "Reservations")
            for i in r["Instances"]
            if i["State"]["Name"] == "terminated"
        }
        aws_managed_keys = {
            a["TargetKeyId"] for a in pages((client("kms"), "list_aliases"), "Aliases") if a["AliasName"].startswith("alias/aws/") and "TargetKeyId" in a
        }
        clusters = [c["clusterArn"] for c in described(ecs, "describe_clusters", "clusters", "clusters", list(pages((ecs, "list_clusters"), "clusterArns")))]
        found = {
            "vpcs": [v["VpcId"] for v in pages((ec2, "describe_vpcs"), "Vpcs") if not v.get("IsDefault")],
            "subnets": [s["SubnetId"] for s in pages((ec2, "describe_subnets"), "Subnets") if not s.get("DefaultForAz")],
            "security groups": [g["GroupId"] for g in pages((ec2, "describe_security_groups"), "SecurityGroups") if g["GroupName"] != "default"],
            "security group rules": [r["SecurityGroupRuleId"] for r in pages((ec2, "describe_security_group_rules"), "SecurityGroupRules")],
            "network interfaces": [
                n["NetworkInterfaceId"]
                for n in pages((ec2, "describe_network_interfaces"), "NetworkInterfaces")
                if n.get("Attachment", {}).get("InstanceId") not in terminated
            ],
            "instances": [
                i["InstanceId"]
                for r in pages((ec2, "describe_instances"), "Reservations")
                for i in r["Instances"]
                if i["State"]["Name"] != "terminated"
            ],
            "launch templates": [t["LaunchTemplateId"] for t in pages((ec2, "describe_launch_templates"), "LaunchTemplates")],
            "route tables": [t["RouteTableId"] for t in pages((ec2, "describe_route_tables"), "RouteTables") if not any(a.get("Main") for a in t.get("Associations", []))],
            "internet gateways": [g["InternetGatewayId"] for g in pages((ec2, "describe_internet_gateways"), "InternetGateways")],
            "nat gateways": [g["NatGatewayId"] for g in pages((ec2, "describe_nat_gateways"), "NatGateways") if g["State"] != "deleted"],
            "elastic ips": [a["AllocationId"] for a in ec2.describe_addresses()["Addresses"]],
            "vpc endpoints": [
                e["VpcEndpointId"] for e in pages((ec2, "describe_vpc_endpoints"), "VpcEndpoints") if e["State"].lower() != "deleted"
            ],
            "load balancers": [lb["LoadBalancerArn"] for lb in pages((elbv2, "describe_load_balancers"), "LoadBalancers")],
            "target groups": [t["TargetGroupArn"] for t in pages((elbv2, "describe_target_groups"), "TargetGroups")],
            "rest apis": [a["id"] for a in pages((client("apigateway"), "get_rest_apis"), "items")],
            "rest vpc links": [v["id"] for v in pages((client("apigateway"), "get_vpc_links"), "items")],
            "api keys": [k["id"] for k in pages((client("apigateway"), "get_api_keys"), "items")],
            "usage plans": [p["id"] for p in pages((client("apigateway"), "get_usage_plans"), "items")],
            "rest domain names": [d["domainName"] for d in pages((client("apigateway"), "get_domain_names"), "items")],
            "web acls": [a["ARN"] for a in client("wafv2").list_web_acls(Scope="REGIONAL")["WebACLs"]],
            "web acl logging configurations": [
                c["ResourceArn"] for c in client("wafv2").list_logging_configurations(Scope="REGIONAL").get("LoggingConfigurations", [])
            ],
            "http apis": [a["ApiId"] for a in client("apigatewayv2").get_apis()["Items"]],
            "http vpc links": [v["VpcLinkId"] for v in client("apigatewayv2").get_vpc_links()["Items"]],
            "http domain names": [d["DomainName"] for d in client("apigatewayv2").get_domain_names()["Items"]],
            "functions": [f["FunctionArn"] for f in pages((client("lambda"), "list_functions"), "Functions")],
            "log groups": [g["logGroupName"] for g in pages((client("logs"), "describe_log_groups"), "logGroups")],
            "parameters": [
                p["Name"] for p in pages((client("ssm"), "describe_parameters"), "Parameters") if not p["Name"].startswith("/aws/service/")
            ],
            "clusters": clusters,
            "services": [
                s["serviceArn"]
                for c in clusters
                for s in described(ecs, "describe_services", "services", "services", list(pages((ecs, "list_services"), "serviceArns", cluster=c)), cluster=c)
            ],
            "capacity providers": [p["capacityProviderArn"] for p in ecs.describe_capacity_providers()["capacityProviders"]],
            "scalable targets": [
                t["ResourceId"] for t in pages((client("application-autoscaling"), "describe_scalable_targets"), "ScalableTargets", ServiceNamespace="ecs")
            ],
            "scaling policies": [
                p["PolicyARN"] for p in pages((client("application-autoscaling"), "describe_scaling_policies"), "ScalingPolicies", ServiceNamespace="ecs")
            ],
            "task definitions": [t for t in pages((ecs, "list_task_definitions"), "taskDefinitionArns", status="ACTIVE")],
            "autoscaling groups": [g["AutoScalingGroupName"] for g in pages((client("autoscaling"), "describe_auto_scaling_groups"), "AutoScalingGroups")],
            "launch configurations": [
                c["LaunchConfigurationName"] for c in pages((client("autoscaling"), "describe_launch_configurations"), "LaunchConfigurations")
            ],
            "alarms": [a["AlarmName"] for a in pages((client("cloudwatch"), "describe_alarms"), "MetricAlarms")],
            "event rules": [r["Name"] for r in pages((client("events"), "list_rules"), "Rules")],
            "schedules": [s["Name"] for s in pages((client("scheduler"), "list_schedules"), "Schedules")],
            "queues": client("sqs").list_queues().get("QueueUrls", []),
            "topics": [t["TopicArn"] for t in pages((client("sns"), "list_topics"), "Topics")],
            "certificates": [c["CertificateArn"] for c in pages((client("acm"), "list_certificates"), "CertificateSummaryList")],
            "kms keys": [
                k["KeyId"]
                for k in pages((client("kms"), "list_keys"), "Keys")
                if (meta := client("kms").describe_key(KeyId=k["KeyId"])["KeyMetadata"])["KeyState"] != "PendingDeletion"
                and k["KeyId"] not in aws_managed_keys
            ],
        }
        if region == regions[0]:  # global services, listed once
            iam = client("iam")
            found["roles"] = [r["RoleName"] for r in pages((iam, "list_roles"), "Roles")]
            found["policies"] = [p["Arn"] for p in pages((iam, "list_policies"), "Policies", Scope="Local")]
            found["instance profiles"] = [p["InstanceProfileName"] for p in pages((iam, "list_instance_profiles"), "InstanceProfiles")]
            # A created ALB log bucket (S3 lists an account's buckets of every region at once).
            found["s3 buckets"] = [b["Name"] for b in client("s3").list_buckets().get("Buckets", [])]
            found["hosted zones"] = [z["Id"] for z in pages((client("route53"), "list_hosted_zones"), "HostedZones")]
            found["record sets"] = [
                f"{z['Id']} {r['Name']} {r['Type']}"
                for z in pages((client("route53"), "list_hosted_zones"), "HostedZones")
                for r in pages((client("route53"), "list_resource_record_sets"), "ResourceRecordSets", HostedZoneId=z["Id"])
                if r["Type"] not in ("NS", "SOA")
            ]
        result[region] = {kind: sorted(ids) for kind, ids in found.items()}
    return result


def main():
    request = json.load(sys.stdin)
    if sys.argv[1] == "create":
        json.dump(create(request["endpoint"], request["account"], request["config"]), sys.stdout)
    elif sys.argv[1] == "inventory":
        json.dump(inventory(request["endpoint"], request["account"], request["regions"]), sys.stdout)
    else:
        raise SystemExit(f"unknown command {sys.argv[1]!r}: create or inventory")


if __name__ == "__main__":
    main()
