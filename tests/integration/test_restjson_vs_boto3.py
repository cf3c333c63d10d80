"""rest-json services through squall, call for call against boto3, on moto's server:
API Gateway (REST APIs, resources, methods, integrations, deployments, stages, API keys
and usage plans) and Lambda (layers, functions, aliases, tags, URL configs)."""
from __future__ import annotations

import io
import zipfile
from typing import Any

import boto3

import squall
from _oracle import compare, record

# Keys whose values moto makes up anew on every run (API Gateway's 10-character ids,
# Lambda's code hashes and revision ids): numbered by first appearance in each run.
GENERATED = frozenset({
    "id", "restApiId", "rootResourceId", "parentId", "deploymentId", "resourceId", "keyId", "value", "RevisionId",
    "CodeSha256", "CodeSize", "LastModified", "CreatedDate", "Location", "FunctionUrl", "CreationTime",
})


class Ids:
    """Generated values -> "<gen N>", the same value getting the same N in one run."""

    def __init__(self) -> None:
        self.seen: dict[Any, str] = {}

    def scrub(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: (self.number(v) if k in GENERATED else self.scrub(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        if isinstance(value, str):
            for raw, label in self.seen.items():  # ids inside paths and ARNs
                if isinstance(raw, str) and len(raw) >= 8 and raw in value:
                    value = value.replace(raw, label)
        return value

    def number(self, value: Any) -> Any:
        if isinstance(value, (dict, list)):
            return self.scrub(value)
        return self.seen.setdefault(value, f"<gen {len(self.seen) + 1}>")


def recorder(steps: list) -> Any:
    """``step(name, call)``: run and record one call, its generated values numbered."""
    ids = Ids()

    def step(name: str, call: Any) -> Any:
        result = record(steps, name, call)
        steps[-1] = (name, ids.scrub(steps[-1][1]))
        return result

    return step


def apigateway_scenario(api: Any, steps: list) -> None:
    step = recorder(steps)
    created = step("create_api", lambda: api.create_rest_api(
        name="pets ünï", description="a demo API", tags={"team": "core"},
        endpointConfiguration={"types": ["REGIONAL"]}))
    rest_id = created["id"]
    resources = step("resources", lambda: api.get_resources(restApiId=rest_id))
    root = resources["items"][0]["id"]
    pets = step("create_pets", lambda: api.create_resource(restApiId=rest_id, parentId=root, pathPart="pets"))
    pet = step("create_pet", lambda: api.create_resource(restApiId=rest_id, parentId=pets["id"], pathPart="{petId}"))
    step("put_method", lambda: api.put_method(
        restApiId=rest_id, resourceId=pet["id"], httpMethod="GET", authorizationType="NONE",
        requestParameters={"method.request.path.petId": True, "method.request.querystring.verbose": False}))
    step("method_response", lambda: api.put_method_response(
        restApiId=rest_id, resourceId=pet["id"], httpMethod="GET", statusCode="200",
        responseModels={"application/json": "Empty"}))
    step("integration", lambda: api.put_integration(
        restApiId=rest_id, resourceId=pet["id"], httpMethod="GET", type="MOCK",
        requestTemplates={"application/json": '{"statusCode": 200}'}))
    step("integration_response", lambda: api.put_integration_response(
        restApiId=rest_id, resourceId=pet["id"], httpMethod="GET", statusCode="200",
        responseTemplates={"application/json": '{"name": "rex"}'}))
    step("get_method", lambda: api.get_method(restApiId=rest_id, resourceId=pet["id"], httpMethod="GET"))
    step("get_integration", lambda: api.get_integration(restApiId=rest_id, resourceId=pet["id"], httpMethod="GET"))
    step("resources_embedded", lambda: api.get_resources(restApiId=rest_id, embed=["methods"], limit=10))
    deployment = step("deploy", lambda: api.create_deployment(
        restApiId=rest_id, stageName="dev", description="first", variables={"color": "blue"}))
    step("deployments", lambda: api.get_deployments(restApiId=rest_id))
    step("stage", lambda: api.get_stage(restApiId=rest_id, stageName="dev"))
    step("update_stage", lambda: api.update_stage(restApiId=rest_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/variables/color", "value": "green"},
        {"op": "replace", "path": "/description", "value": "the dev stage"}]))
    step("create_stage", lambda: api.create_stage(
        restApiId=rest_id, stageName="prod", deploymentId=deployment["id"], tags={"env": "prod"}))
    step("stages", lambda: api.get_stages(restApiId=rest_id))
    key = step("api_key", lambda: api.create_api_key(name="partner", enabled=True, tags={"tier": "gold"}))
    plan = step("usage_plan", lambda: api.create_usage_plan(
        name="basic", apiStages=[{"apiId": rest_id, "stage": "dev"}],
        throttle={"burstLimit": 10, "rateLimit": 5.5}, quota={"limit": 1000, "period": "MONTH"}))
    step("plan_key", lambda: api.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY"))
    step("plan_keys", lambda: api.get_usage_plan_keys(usagePlanId=plan["id"]))
    step("api_keys", lambda: api.get_api_keys(includeValues=True))
    step("apis", lambda: api.get_rest_apis())
    step("missing_api", lambda: api.get_rest_api(restApiId="nope000000"))
    step("missing_method", lambda: api.get_method(restApiId=rest_id, resourceId=pets["id"], httpMethod="POST"))
    step("delete_resource", lambda: api.delete_resource(restApiId=rest_id, resourceId=pet["id"]))
    step("resources_after", lambda: api.get_resources(restApiId=rest_id))
    step("delete_api", lambda: api.delete_rest_api(restApiId=rest_id))


def _zip(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))  # the same bytes every run
        archive.writestr(info, text)
    return buffer.getvalue()


ROLE_POLICY = '{"Version": "2012-10-17", "Statement": []}'


def lambda_scenario(clients: Any, steps: list) -> None:
    iam, fn = clients
    step = recorder(steps)
    role = iam.create_role(RoleName="runner", AssumeRolePolicyDocument=ROLE_POLICY)["Role"]["Arn"]
    step("layer", lambda: fn.publish_layer_version(
        LayerName="common", Description="shared code", Content={"ZipFile": _zip("python/lib.py", "X = 1\n")},
        CompatibleRuntimes=["python3.12"], LicenseInfo="MIT"))
    step("layers", lambda: fn.list_layers())
    step("layer_versions", lambda: fn.list_layer_versions(LayerName="common"))
    step("create", lambda: fn.create_function(
        FunctionName="hello", Runtime="python3.12", Role=role, Handler="app.handler",
        Code={"ZipFile": _zip("app.py", "def handler(event, context):\n    return 1\n")},
        Description="says hello", Timeout=5, MemorySize=256,
        Environment={"Variables": {"GREETING": "hi ünï"}}, Tags={"team": "core"}))
    step("get", lambda: fn.get_function(FunctionName="hello"))
    step("configuration", lambda: fn.get_function_configuration(FunctionName="hello"))
    step("update_config", lambda: fn.update_function_configuration(FunctionName="hello", Timeout=9))
    step("version", lambda: fn.publish_version(FunctionName="hello", Description="v1"))
    step("alias", lambda: fn.create_alias(FunctionName="hello", Name="live", FunctionVersion="1"))
    step("aliases", lambda: fn.list_aliases(FunctionName="hello"))
    step("versions", lambda: fn.list_versions_by_function(FunctionName="hello"))
    step("tag", lambda: fn.tag_resource(
        Resource="arn:aws:lambda:us-east-1:123456789012:function:hello", Tags={"stage": "dev"}))
    step("tags", lambda: fn.list_tags(Resource="arn:aws:lambda:us-east-1:123456789012:function:hello"))
    step("untag", lambda: fn.untag_resource(
        Resource="arn:aws:lambda:us-east-1:123456789012:function:hello", TagKeys=["team"]))
    step("concurrency", lambda: fn.put_function_concurrency(FunctionName="hello", ReservedConcurrentExecutions=3))
    step("functions", lambda: fn.list_functions())
    step("missing", lambda: fn.get_function(FunctionName="nope"))
    step("delete", lambda: fn.delete_function(FunctionName="hello"))
    step("functions_after", lambda: fn.list_functions())


def test_apigateway_matches_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, apigateway_scenario, lambda: squall.session.Session().client("apigateway"),
                         lambda: boto3.session.Session().client("apigateway")))
    assert steps["create_api"]["name"] == "pets ünï"
    assert [r["path"] for r in steps["resources_embedded"]["items"]] == ["/", "/pets", "/pets/{petId}"]
    assert steps["update_stage"]["variables"] == {"color": "green"}
    assert steps["missing_api"]["error"] == "NotFoundException"
    assert steps["usage_plan"]["throttle"] == {"burstLimit": 10, "rateLimit": 5.5}


def test_lambda_matches_boto3(moto_env: str) -> None:
    def clients(lib: Any) -> Any:
        session = lib.session.Session()
        return session.client("iam"), session.client("lambda")

    steps = dict(compare(moto_env, lambda_scenario, lambda: clients(squall), lambda: clients(boto3)))
    assert steps["configuration"]["Environment"]["Variables"] == {"GREETING": "hi ünï"}
    assert steps["tags"]["Tags"] == {"team": "core", "stage": "dev"}
    assert steps["missing"]["error"] == "ResourceNotFoundException"
    assert steps["functions_after"]["Functions"] == []
