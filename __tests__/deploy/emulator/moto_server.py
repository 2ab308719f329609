"""
moto's server, with the few changes the deploy tier needs (see ../../../../shared/EMULATOR_NOTES.md
and __tests__/deploy/README.md). Each change makes moto answer as real AWS does where moto's answer
would crash the provider, hang it or fail a destroy; none of them hides a mistake in the generated
Terraform. Test-only: it never runs against AWS.

Usage: python3 moto_server.py <port>   (binds 127.0.0.1 only)

1. Retried calls are answered once. moto's development web server drops connections under load,
   after it has already run the call; the AWS SDK then retries the call with the same
   `amz-sdk-invocation-id`, and moto would run it twice ("Stage already exists", or a destroy that
   finds its target group gone). A successful answer is kept per invocation id and given again to
   a retry of that invocation. Error answers are not kept: a retry after an error runs again.
2. ECS: moto returns `"networkConfiguration": {}` for bridge-mode services; real ECS leaves the
   field out, and the provider panics on the empty object (nil pointer in
   flattenNetworkConfiguration). Empty networkConfiguration objects are dropped from ECS answers.
3. API Gateway v2 domain names: moto returns no domainNameStatus, apiGatewayDomainName or
   hostedZoneId, and the provider waits for AVAILABLE forever. They are filled in as AWS does.
4. API Gateway usage plans: moto keeps an API stage with its throttle settings and then cannot find
   it when asked to remove `apiId:stage` (HTTP 500, which the provider retries for 15 minutes). The
   stage is removed by API id and stage name, as AWS does.
5. Route 53: moto makes hosted zone ids of 22 random characters, where AWS's start with "Z" (and the
   config refuses any other). The first character is made a "Z".
6. Accounts by access key: a call signed with a 12-digit access key id runs in that account (moto's
   own `x-moto-account-id` header, set from the key), so that each stack of a root applies in an
   account of its own, as the examples' ARNs intend. Other keys use moto's default account.
7. API Gateway integrations: moto neither keeps an integration's connectionId (the VPC link) nor
   has UpdateIntegration, so every plan after apply would update each integration, and the update
   would hang. connectionId is kept and returned, and UpdateIntegration replaces the fields
   Terraform patches; any other patch is refused with a message naming it.
8. ECS DescribeCapacityProviders without names: AWS lists every capacity provider of the account
   and Region; moto fails on the missing list (HTTP 500). Without names, moto's own providers are
   listed (not FARGATE and FARGATE_SPOT, which are AWS's and never the stack's), so the inventory
   can see a capacity provider left behind.
9. Auto Scaling instance protection: AWS keeps a group at its desired capacity all the time, so
   instances whose scale-in protection is removed (SetInstanceProtection) are terminated when the
   group has more than it wants. moto scales only when the capacity is set. The provider destroys
   a group by setting its capacity to 0 and then removing the protection the ECS capacity
   provider's managed termination protection needs; moto then kept the instances and the destroy
   waited 10 minutes and failed. After protection is removed, the group is brought to its desired
   capacity, as AWS does.
10. Application Auto Scaling tags: moto has no ListTagsForResource, TagResource or UntagResource
   there (HTTP 500), and the provider reads a scalable target's tags after it creates one and
   before the target's policies; the SDK's retries of the 500 held the apply for over ten
   minutes. The three calls keep tags per account, Region and ARN, as AWS does, and so do the
   tags RegisterScalableTarget is given (moto drops them, and every plan would add them again).
11. ECS services on a capacity provider (the stack's EC2 providers, or FARGATE and FARGATE_SPOT):
   moto drops a service's capacityProviderStrategy and gives every service the EC2 launch type,
   so the next plan would replace each such service (adding a strategy to a service without one
   forces a new one). A service created with a strategy keeps it and has no launch type, as in
   AWS; UpdateService already keeps what it is given.
"""

import json
import os
import re
import sys
import threading
from collections import OrderedDict

os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from werkzeug.serving import WSGIRequestHandler, run_simple  # noqa: E402

from moto.apigateway import models as apigateway_models  # noqa: E402
from moto.apigateway.responses import APIGatewayResponse  # noqa: E402
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse  # noqa: E402
from moto.autoscaling import models as autoscaling_models  # noqa: E402
from moto.ecs.responses import EC2ContainerServiceResponse  # noqa: E402
from moto.ecs import models as ecs_models  # noqa: E402
from moto.route53 import models as route53_models  # noqa: E402
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app  # noqa: E402

# --- 4. usage plan stages -------------------------------------------------------------------------
_original_apply_patch = apigateway_models.UsagePlan.apply_patch_operations


def _apply_patch_operations(self, patch_operations):
    rest = []
    for op in patch_operations:
        if op.get("op") == "remove" and op.get("path") == "/apiStages":
            api_id, stage = op["value"].split(":", 1)
            self.api_stages = [s for s in self.api_stages if not (s.get("apiId") == api_id and s.get("stage") == stage)]
        else:
            rest.append(op)
    _original_apply_patch(self, rest)


apigateway_models.UsagePlan.apply_patch_operations = _apply_patch_operations


# --- 8. capacity providers, all of them -----------------------------------------------------------
_original_describe_capacity_providers = ecs_models.EC2ContainerServiceBackend.describe_capacity_providers


def _describe_capacity_providers(self, names):
    if not names:
        return list(self.capacity_providers.values()), []
    return _original_describe_capacity_providers(self, names)


ecs_models.EC2ContainerServiceBackend.describe_capacity_providers = _describe_capacity_providers


# --- 9. instances unprotected from scale-in leave a group that wants fewer ----------------------
_original_set_instance_protection = autoscaling_models.AutoScalingBackend.set_instance_protection


def _set_instance_protection(self, group_name, instance_ids, protected_from_scale_in):
    _original_set_instance_protection(self, group_name, instance_ids, protected_from_scale_in)
    group = self.autoscaling_groups[group_name]
    if not protected_from_scale_in and len(group.active_instances()) > (group.desired_capacity or 0):
        group.set_desired_capacity(group.desired_capacity)


autoscaling_models.AutoScalingBackend.set_instance_protection = _set_instance_protection


# --- 10. Application Auto Scaling tags -------------------------------------------------------------
_autoscaling_tags = {}  # (account, region, resource ARN) -> {key: value}
_autoscaling_tags_lock = threading.Lock()


def _tags_key(self):
    return (self.current_account, self.region, self._get_param("ResourceARN"))


def _list_tags_for_resource(self):
    with _autoscaling_tags_lock:
        return json.dumps({"Tags": dict(_autoscaling_tags.get(_tags_key(self), {}))})


def _tag_resource(self):
    with _autoscaling_tags_lock:
        _autoscaling_tags.setdefault(_tags_key(self), {}).update(self._get_param("Tags") or {})
    return json.dumps({})


def _untag_resource(self):
    with _autoscaling_tags_lock:
        tags = _autoscaling_tags.get(_tags_key(self), {})
        for key in self._get_param("TagKeys") or []:
            tags.pop(key, None)
    return json.dumps({})


_original_register_scalable_target = ApplicationAutoScalingResponse.register_scalable_target


def _register_scalable_target(self):
    answer = _original_register_scalable_target(self)
    tags = self._get_param("Tags")
    if tags:
        key = (self.current_account, self.region, json.loads(answer)["ScalableTargetARN"])
        with _autoscaling_tags_lock:
            _autoscaling_tags.setdefault(key, {}).update(tags)
    return answer


ApplicationAutoScalingResponse.register_scalable_target = _register_scalable_target
ApplicationAutoScalingResponse.list_tags_for_resource = _list_tags_for_resource
ApplicationAutoScalingResponse.tag_resource = _tag_resource
ApplicationAutoScalingResponse.untag_resource = _untag_resource


# --- 11. services keep their capacity provider strategy -------------------------------------------
_original_create_service = EC2ContainerServiceResponse.create_service


def _create_service(self):
    answer = _original_create_service(self)
    strategy = self._get_param("capacityProviderStrategy")
    if strategy:
        service = answer.result["service"]
        service.capacity_provider_strategy = strategy
        if self._get_param("launchType") is None:
            service.launch_type = None
            for deployment in service.deployments:
                deployment.pop("launchType", None)
    return answer


EC2ContainerServiceResponse.create_service = _create_service


# --- 7. integrations: connectionId, and UpdateIntegration -----------------------------------------
_original_integration_json = apigateway_models.Integration.to_json


def _integration_json(self):
    answer = _original_integration_json(self)
    if getattr(self, "connection_id", None):
        answer["connectionId"] = self.connection_id
    return answer


apigateway_models.Integration.to_json = _integration_json
_original_put_integration = APIGatewayResponse.put_integration


def _integration_of(response):
    parts = response.path.split("/")
    return response.backend.get_integration(parts[2], parts[4], parts[6])


def _put_integration(self):
    status, headers, _ = _original_put_integration(self)
    integration = _integration_of(self)
    integration.connection_id = self._get_param("connectionId")
    return status, headers, json.dumps(integration.to_json())


# Patch paths of UpdateIntegration -> the attribute of moto's Integration they replace.
INTEGRATION_FIELDS = {
    "/connectionId": "connection_id",
    "/connectionType": "connection_type",
    "/uri": "uri",
    "/httpMethod": "http_method",
    "/timeoutInMillis": "timeout_in_millis",
    "/passthroughBehavior": "passthrough_behaviour",
    "/contentHandling": "content_handling",
    "/credentials": "credentials",
}


def _update_integration(self):
    integration = _integration_of(self)
    for op in self._get_param("patchOperations") or []:
        field = INTEGRATION_FIELDS.get(op.get("path"))
        if op.get("op") != "replace" or field is None:
            message = f"the emulator cannot {op.get('op')} {op.get('path')} of an integration (moto_server.py, 7.)"
            return 400, {}, json.dumps({"__type": "BadRequestException", "message": message})
        setattr(integration, field, op.get("value"))
    return 200, {}, json.dumps(integration.to_json())


APIGatewayResponse.put_integration = _put_integration
APIGatewayResponse.update_integration = _update_integration


# --- 5. hosted zone ids ---------------------------------------------------------------------------
_original_zone_id = route53_models.HostedZoneIdentifier.generate


def _zone_id(self, existing_ids=None, tags=None):
    return "Z" + _original_zone_id(self, existing_ids=existing_ids, tags=tags)[1:]


route53_models.HostedZoneIdentifier.generate = _zone_id


# --- 2. and 3. answers patched as JSON -----------------------------------------------------------
def _drop_empty_network_configuration(value):
    if isinstance(value, dict):
        return {
            k: _drop_empty_network_configuration(v)
            for k, v in value.items()
            if not (k == "networkConfiguration" and v in ({}, None))
        }
    if isinstance(value, list):
        return [_drop_empty_network_configuration(v) for v in value]
    return value


def _fill_domain_name_status(value):
    if isinstance(value, dict):
        if "domainName" in value and isinstance(value.get("domainNameConfigurations"), list):
            for conf in value["domainNameConfigurations"]:
                conf.setdefault("domainNameStatus", "AVAILABLE")
                conf.setdefault("apiGatewayDomainName", "d-emulator0.execute-api.amazonaws.com")
                conf.setdefault("hostedZoneId", "Z2FDTNDATAQYW2")
        for v in value.values():
            _fill_domain_name_status(v)
    elif isinstance(value, list):
        for v in value:
            _fill_domain_name_status(v)
    return value


def _patch_body(environ, body):
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    path = environ.get("PATH_INFO", "")
    try:
        if target.startswith("AmazonEC2ContainerServiceV20141113."):
            return json.dumps(_drop_empty_network_configuration(json.loads(body))).encode()
        if path.startswith("/v2/domainnames"):
            return json.dumps(_fill_domain_name_status(json.loads(body))).encode()
    except ValueError:
        pass
    return body


# --- 1. one answer per invocation ----------------------------------------------------------------
ACCESS_KEY = re.compile(r"Credential=(\d{12})/")


class AnswerOnce:
    """WSGI middleware: runs each SDK invocation once, and patches the answers (2. and 3.)."""

    KEEP = 20000

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.answers = OrderedDict()  # invocation id -> threading.Event, then (status, headers, body)

    def __call__(self, environ, start_response):
        key = ACCESS_KEY.search(environ.get("HTTP_AUTHORIZATION", ""))
        if key:
            environ["HTTP_X_MOTO_ACCOUNT_ID"] = key.group(1)
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        if not invocation:
            status, headers, body = self.run(environ)
            start_response(status, headers)
            return [body]
        while True:
            with self.lock:
                entry = self.answers.get(invocation)
                if entry is None:
                    running = threading.Event()
                    self.answers[invocation] = running
                    while len(self.answers) > self.KEEP:
                        self.answers.popitem(last=False)
                    break
            if isinstance(entry, tuple):
                status, headers, body = entry
                start_response(status, headers)
                return [body]
            entry.wait(120)
            with self.lock:
                if self.answers.get(invocation) is entry:
                    del self.answers[invocation]  # the first attempt failed or hung: run this one
        try:
            status, headers, body = self.run(environ)
        except BaseException:
            with self.lock:
                self.answers.pop(invocation, None)
            running.set()
            raise
        with self.lock:
            if status.startswith("2"):
                self.answers[invocation] = (status, headers, body)
            else:
                self.answers.pop(invocation, None)
        running.set()
        start_response(status, headers)
        return [body]

    def run(self, environ):
        captured = {}

        def start_response(status, headers, exc_info=None):
            captured["status"] = status
            captured["headers"] = headers

        chunks = self.app(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        patched = _patch_body(environ, body)
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(patched))))
        return captured["status"], headers, patched


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def main():
    port = int(sys.argv[1])
    os.environ["MOTO_PORT"] = str(port)
    app = DomainDispatcherApplication(create_backend_app)
    run_simple("127.0.0.1", port, AnswerOnce(app), threaded=True, request_handler=QuietHandler)


if __name__ == "__main__":
    main()
