"""The quirks of docs/botocore-quirks.md that shape the wire request, each compared with
the request botocore sends for the same call (caught in its before-send event), and the
client surface (method names, aliases, removed methods) compared with boto3's."""
from __future__ import annotations

import contextlib
import json
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, Iterator
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import boto3
import botocore.config
import botocore.session
import pytest

import squall
from squall.exceptions import AliasConflictParameterError, ParamValidationError
from squall.http import HttpResponse

NOW = datetime(2024, 5, 17, 12, 34, 56, tzinfo=timezone.utc)
KEYS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}


class Caught(Exception):
    """Raised from before-send: the request went no further."""

    def __init__(self, request: Any) -> None:
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        self.method = request.method
        self.url = request.url
        self.headers = {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        self.body = body or b""


def _catch(request: Any, **kwargs: Any) -> None:
    raise Caught(request)


@contextlib.contextmanager
def frozen_botocore() -> Iterator[None]:
    """botocore's clock at NOW, and its pure-Python SigV4 signers even where awscrt is
    installed (the CRT signers read the clock themselves)."""
    import botocore.auth as auth

    naive = NOW.replace(tzinfo=None)
    python_signers = {"v4": auth.SigV4Auth, "v4-query": auth.SigV4QueryAuth}
    with mock.patch("botocore.auth.get_current_datetime", return_value=naive), \
            mock.patch("botocore.signers.get_current_datetime", return_value=naive), \
            mock.patch.dict(auth.AUTH_TYPE_MAPS, python_signers):
        yield


def botocore_request(service: str, method: str, params: dict[str, Any], region: str = "us-east-1",
                     **kwargs: Any) -> Caught:
    client = botocore.session.get_session().create_client(service, region_name=region, **KEYS, **kwargs)
    client.meta.events.register("before-send", _catch)
    with frozen_botocore(), pytest.raises(Caught) as caught:
        getattr(client, method)(**params)
    return caught.value


def squall_client(service: str, region: str = "us-east-1", **kwargs: Any) -> Any:
    client = squall.session.Session(region_name=region).client(service, **KEYS, **kwargs)
    client._context = replace(client._context, clock=lambda: NOW)
    return client


def squall_request(service: str, method: str, params: dict[str, Any], region: str = "us-east-1",
                   **kwargs: Any) -> Caught:
    client = squall_client(service, region, **kwargs)
    client.meta.events.register("before-send", _catch)
    with pytest.raises(Caught) as caught:
        getattr(client, method)(**params)
    return caught.value


def _form(body: bytes) -> list[tuple[str, str]]:
    return parse_qsl(body.decode(), keep_blank_values=True)


# -- cross-region copies with a presigned URL -----------------------------------------------

def test_ec2_copy_snapshot_presigned_url_matches_botocore() -> None:
    params = {"SourceRegion": "us-west-1", "SourceSnapshotId": "snap-1234", "Description": "a copy"}
    theirs = botocore_request("ec2", "copy_snapshot", dict(params), region="eu-west-1")
    ours = squall_request("ec2", "copy_snapshot", dict(params), region="eu-west-1")
    assert ours.url == theirs.url
    assert _form(ours.body) == _form(theirs.body)
    sent = dict(_form(ours.body))
    assert sent["DestinationRegion"] == "eu-west-1"
    url = urlsplit(sent["PresignedUrl"])
    assert url.netloc == "ec2.us-west-1.amazonaws.com"
    query = dict(parse_qsl(url.query))
    assert query["Action"] == "CopySnapshot" and query["DestinationRegion"] == "eu-west-1"
    assert "/us-west-1/ec2/aws4_request" in query["X-Amz-Credential"] and query["X-Amz-Expires"] == "3600"


def test_ec2_copy_snapshot_keeps_a_given_presigned_url() -> None:
    params = {"SourceRegion": "us-west-1", "SourceSnapshotId": "snap-1", "PresignedUrl": "https://mine"}
    ours = squall_request("ec2", "copy_snapshot", dict(params), region="eu-west-1")
    theirs = botocore_request("ec2", "copy_snapshot", dict(params), region="eu-west-1")
    assert _form(ours.body) == _form(theirs.body)
    assert dict(_form(ours.body))["PresignedUrl"] == "https://mine"
    assert "DestinationRegion" not in dict(_form(ours.body))


@pytest.mark.parametrize(("service", "method", "params"), [
    ("rds", "copy_db_snapshot", {"SourceDBSnapshotIdentifier": "arn:aws:rds:us-west-2:123456789012:snapshot:s",
                                 "TargetDBSnapshotIdentifier": "copy", "KmsKeyId": "k", "SourceRegion": "us-west-2"}),
    ("rds", "create_db_instance_read_replica", {"DBInstanceIdentifier": "replica", "SourceRegion": "us-west-2",
                                                "SourceDBInstanceIdentifier": "arn:aws:rds:us-west-2:1:db:src"}),
    ("rds", "copy_db_snapshot", {"SourceDBSnapshotIdentifier": "local", "TargetDBSnapshotIdentifier": "copy"}),
    ("rds", "copy_db_snapshot", {"SourceDBSnapshotIdentifier": "s", "TargetDBSnapshotIdentifier": "c",
                                 "SourceRegion": "us-west-2", "PreSignedUrl": "https://given"}),
    ("neptune", "copy_db_cluster_snapshot", {"SourceDBClusterSnapshotIdentifier": "s", "SourceRegion": "us-west-2",
                                             "TargetDBClusterSnapshotIdentifier": "t"}),
    ("docdb", "create_db_cluster", {"DBClusterIdentifier": "c", "Engine": "docdb", "SourceRegion": "us-west-2"}),
], ids=["rds-copy", "rds-replica", "rds-local", "rds-given-url", "neptune", "docdb"])
def test_rds_family_presigned_url_matches_botocore(service: str, method: str, params: dict[str, Any]) -> None:
    theirs = botocore_request(service, method, dict(params), region="eu-central-1")
    ours = squall_request(service, method, dict(params), region="eu-central-1")
    assert ours.url == theirs.url
    assert _form(ours.body) == _form(theirs.body)
    assert "SourceRegion" not in dict(_form(ours.body))  # the SDK's parameter, never sent


def test_db_auth_tokens_match_botocore() -> None:
    rds = botocore.session.get_session().create_client("rds", region_name="us-east-1", **KEYS)
    dsql = botocore.session.get_session().create_client("dsql", region_name="us-east-1", **KEYS)
    with frozen_botocore():
        expected = [
            rds.generate_db_auth_token("db.example.com", 5432, "app user"),
            rds.generate_db_auth_token(DBHostname="db.example.com", Port=3306, DBUsername="u", Region="eu-west-1"),
            dsql.generate_db_connect_auth_token("abc.dsql.us-east-1.on.aws"),
            dsql.generate_db_connect_admin_auth_token("abc.dsql.us-east-1.on.aws", "us-east-2", 60),
        ]
    ours_rds, ours_dsql = squall_client("rds"), squall_client("dsql")
    got = [
        ours_rds.generate_db_auth_token("db.example.com", 5432, "app user"),
        ours_rds.generate_db_auth_token(DBHostname="db.example.com", Port=3306, DBUsername="u", Region="eu-west-1"),
        ours_dsql.generate_db_connect_auth_token("abc.dsql.us-east-1.on.aws"),
        ours_dsql.generate_db_connect_admin_auth_token("abc.dsql.us-east-1.on.aws", "us-east-2", 60),
    ]
    assert got == expected
    assert not got[0].startswith("https://") and "X-Amz-Signature=" in got[0]


# -- request rewrites -----------------------------------------------------------------------

def test_machinelearning_predict_goes_to_the_predict_endpoint() -> None:
    params = {"MLModelId": "ml-1", "Record": {"a": "1"}, "PredictEndpoint": "https://realtime.machinelearning.example.com"}
    theirs = botocore_request("machinelearning", "predict", dict(params))
    ours = squall_request("machinelearning", "predict", dict(params))
    assert ours.url == theirs.url == "https://realtime.machinelearning.example.com/"
    assert json.loads(ours.body) == json.loads(theirs.body)
    assert "realtime.machinelearning.example.com" in ours.headers.get("host", ours.url)


def test_cloudsearchdomain_search_is_a_form_post() -> None:
    params = {"query": "star wars", "size": 5, "returnFields": "title,year", "queryParser": "simple"}
    endpoint = {"endpoint_url": "https://search-movies.us-east-1.cloudsearch.amazonaws.com"}
    theirs = botocore_request("cloudsearchdomain", "search", dict(params), **endpoint)
    ours = squall_request("cloudsearchdomain", "search", dict(params), **endpoint)
    assert (ours.method, ours.url) == (theirs.method, theirs.url) == ("POST", endpoint["endpoint_url"] + "/2013-01-01/search")
    assert _form(ours.body) == _form(theirs.body)
    assert ("return", "title,year") in _form(ours.body)
    assert ours.headers["content-type"] == theirs.headers["content-type"] == "application/x-www-form-urlencoded"


def test_parameter_aliases_match_botocore() -> None:
    params = {"logGroupName": "g", "fromTime": 1, "to": 2, "destination": "bucket"}
    theirs = botocore_request("logs", "create_export_task", dict(params))
    ours = squall_request("logs", "create_export_task", dict(params))
    assert json.loads(ours.body) == json.loads(theirs.body) == {
        "logGroupName": "g", "from": 1, "to": 2, "destination": "bucket"}
    ec2 = {"Filter": [{"Name": "state", "Values": ["available"]}]}
    assert _form(squall_request("ec2", "describe_nat_gateways", {"Filters": ec2["Filter"]}).body) == \
        _form(botocore_request("ec2", "describe_nat_gateways", {"Filters": ec2["Filter"]}).body)
    with pytest.raises(AliasConflictParameterError, match="Parameter 'from' and its alias 'fromTime'"):
        squall_client("logs").create_export_task(**params, **{"from": 3})


@pytest.mark.parametrize("lambda_env", [True, False])
def test_recursion_detection_header(monkeypatch: pytest.MonkeyPatch, lambda_env: bool) -> None:
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:0 é"
    monkeypatch.setenv("_X_AMZN_TRACE_ID", trace)
    if lambda_env:
        monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "fn")
    else:
        monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    client = squall_client("sqs")
    client.meta.events.register("before-send", _catch)
    for invocation in ("1", "2"):  # the trace id changes per invocation: read per call
        monkeypatch.setenv("_X_AMZN_TRACE_ID", trace + invocation)
        with pytest.raises(Caught) as caught:
            client.list_queues()
        theirs = botocore_request("sqs", "list_queues", {})
        assert caught.value.headers.get("x-amzn-trace-id") == theirs.headers.get("x-amzn-trace-id")
        assert ("x-amzn-trace-id" in caught.value.headers) is lambda_env


def test_no_auth_operations_are_sent_unsigned() -> None:
    params = {"ClientId": "c", "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "u"}}
    ours = squall_request("cognito-idp", "initiate_auth", dict(params))
    theirs = botocore_request("cognito-idp", "initiate_auth", dict(params))
    assert "authorization" not in ours.headers and "authorization" not in theirs.headers
    signed = squall_request("cognito-idp", "list_user_pools", {"MaxResults": 1})
    assert "authorization" in signed.headers


def test_sso_oidc_oauth2_error_description_becomes_the_message() -> None:
    client = squall_client("sso-oidc")
    body = b'{"error": "authorization_pending", "error_description": "Waiting for the user"}'
    client.meta.events.register("before-send", lambda **kw: HttpResponse(
        status_code=400, headers={"x-amzn-errortype": "AuthorizationPendingException"}, body=body))
    with pytest.raises(client.exceptions.AuthorizationPendingException) as info:
        client.create_token(clientId="c", clientSecret="s", grantType="urn:ietf:params:oauth:grant-type:device_code")
    assert info.value.response["Error"]["Message"] == "Waiting for the user"
    assert info.value.response["error_description"] == "Waiting for the user"


def test_polly_presigned_synthesize_speech_matches_botocore() -> None:
    params = {"Text": "hello world", "OutputFormat": "mp3", "VoiceId": "Joanna"}
    theirs = botocore.session.get_session().create_client("polly", region_name="us-east-1", **KEYS)
    with frozen_botocore():
        expected = theirs.generate_presigned_url("synthesize_speech", Params=params)
    assert squall_client("polly").generate_presigned_url("synthesize_speech", Params=params) == expected


# -- the client surface ---------------------------------------------------------------------

def _public(client: Any) -> set[str]:
    return {name for name in dir(client) if not name.startswith("_")}


def test_client_methods_match_boto3_for_every_service() -> None:
    """dir(client) and meta.method_to_api_mapping, as boto3's, for all services."""
    kwargs = {"region_name": "us-east-1", **KEYS}
    theirs_session, ours_session = boto3.session.Session(**kwargs), squall.session.Session(**kwargs)
    services = theirs_session.get_available_services()
    assert len(services) > 300
    differences = {}
    for service in services:
        theirs, ours = theirs_session.client(service), ours_session.client(service)
        if _public(theirs) != _public(ours) or theirs.meta.method_to_api_mapping != ours.meta.method_to_api_mapping:
            differences[service] = (sorted(_public(theirs) ^ _public(ours)),
                                    set(theirs.meta.method_to_api_mapping) ^ set(ours.meta.method_to_api_mapping))
    assert differences == {}


@pytest.mark.parametrize(("service", "alias", "actual"), [
    ("mturk", "list_hi_ts_for_qualification_type", "list_hits_for_qualification_type"),
    ("socialmessaging", "delete_whatsapp_media_message", "delete_whatsapp_message_media"),
    ("cloudwatch", "get_o_tel_enrichment", "get_otel_enrichment"),
    ("cloudwatch", "stop_o_tel_enrichment", "stop_otel_enrichment"),
])
def test_method_aliases_answer_as_in_boto3(service: str, alias: str, actual: str) -> None:
    theirs, ours = boto3.client(service, region_name="us-east-1", **KEYS), squall_client(service)
    assert hasattr(theirs, alias) and hasattr(ours, alias)
    assert alias not in dir(ours) and alias not in dir(theirs)
    assert getattr(ours, alias).__name__ == actual
    with pytest.raises(AttributeError, match="object has no attribute 'no_such_method'"):
        ours.no_such_method  # noqa: B018


@pytest.mark.parametrize(("service", "removed"), [
    ("lexv2-runtime", "start_conversation"), ("qbusiness", "chat"),
    ("bedrock-runtime", "invoke_model_with_bidirectional_stream"),
    ("connecthealth", "start_medical_scribe_listening_session"), ("polly", "start_speech_synthesis_stream"),
])
def test_bidirectional_stream_operations_are_removed(service: str, removed: str) -> None:
    theirs, ours = boto3.client(service, region_name="us-east-1", **KEYS), squall_client(service)
    assert not hasattr(theirs, removed) and not hasattr(ours, removed)
    assert removed in ours.meta.method_to_api_mapping  # still an operation of the model, as in botocore


def test_dsql_action_is_checked() -> None:
    from squall.customizations.dsql import _token

    with pytest.raises(ParamValidationError, match="Received Drop for action"):
        _token(squall_client("dsql"), "h", "Drop", None, 900)


# -- header maps keep the names' case as sent ----------------------------------------------

def test_header_map_keys_keep_wire_case() -> None:
    """S3 metadata (a ``location: headers`` map) keyed as the server spelled the names."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_HEAD(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.send_header("x-amz-meta-Mixed-Case", "one")
            self.send_header("X-Amz-Meta-lower", "two")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        theirs = boto3.client("s3", region_name="us-east-1", endpoint_url=url, **KEYS,
                              config=botocore.config.Config(s3={"addressing_style": "path"}))
        expected = theirs.head_object(Bucket="b", Key="k")["Metadata"]
        ours = squall.session.Session(region_name="us-east-1").client(
            "s3", endpoint_url=url, **KEYS,
            config=squall.config.Config(s3={"addressing_style": "path"}))
        assert ours.head_object(Bucket="b", Key="k")["Metadata"] == expected == {"Mixed-Case": "one", "lower": "two"}
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("method", "params"), [
    ("delete_objects", {"Bucket": "b", "Delete": {"Objects": [{"Key": "a\r\nb\nc"}, {"Key": "plain"}]}}),
    ("put_bucket_lifecycle_configuration", {"Bucket": "b", "LifecycleConfiguration": {"Rules": [
        {"ID": "x\ny", "Status": "Enabled", "Filter": {"Prefix": "p\r"}, "Expiration": {"Days": 1}}]}}),
])
def test_s3_xml_payload_escapes_line_breaks(method: str, params: dict[str, Any]) -> None:
    theirs = botocore_request("s3", method, params)
    ours = squall_request("s3", method, params)
    assert ours.body == theirs.body and b"&#xA;" in ours.body and b"\n" not in ours.body
    assert ours.headers["x-amz-checksum-crc32"] == theirs.headers["x-amz-checksum-crc32"]  # of the escaped body


@pytest.mark.parametrize("service", ["dynamodb", "timestream-query"])
def test_endpoint_discovery_operation_names_its_api_version(service: str) -> None:
    theirs = botocore_request(service, "describe_endpoints", {})
    ours = squall_request(service, "describe_endpoints", {})
    assert ours.headers["x-amz-api-version"] == theirs.headers["x-amz-api-version"]
    assert "x-amz-api-version" not in squall_request("dynamodb", "list_tables", {}).headers


OUTPOST_BUCKET = "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/bucket/mybucket"
OUTPOST_AP = "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/myap"


@pytest.mark.parametrize(("method", "params"), [
    ("get_bucket", {"Bucket": OUTPOST_BUCKET}),
    ("get_bucket_tagging", {"Bucket": OUTPOST_BUCKET, "AccountId": "123456789012"}),
    ("get_access_point", {"Name": OUTPOST_AP}),
    ("get_access_point", {"Name": "plain-ap", "AccountId": "111122223333"}),
])
def test_s3control_outpost_arns_supply_the_account(method: str, params: dict[str, Any]) -> None:
    theirs = botocore_request("s3control", method, dict(params), region="us-west-2")
    ours = squall_request("s3control", method, dict(params), region="us-west-2")
    assert ours.url == theirs.url
    for header in ("x-amz-account-id", "x-amz-outpost-id"):
        assert ours.headers.get(header) == theirs.headers.get(header)
    assert ours.headers["x-amz-account-id"] in ("123456789012", "111122223333")


@pytest.mark.parametrize(("params", "message"), [
    ({"Bucket": OUTPOST_BUCKET, "AccountId": "999999999999"}, "Account ID in arn does not match"),
    ({"Bucket": "arn:aws:s3:us-west-2:123456789012:accesspoint/x"}, "The Bucket parameter does not support"),
])
def test_s3control_arn_errors_match_botocore(params: dict[str, Any], message: str) -> None:
    import botocore.exceptions

    theirs = botocore.session.get_session().create_client("s3control", region_name="us-west-2", **KEYS)
    with pytest.raises(botocore.exceptions.UnsupportedS3ControlArnError) as expected:
        theirs.get_bucket(**params)
    with pytest.raises(squall.exceptions.UnsupportedS3ControlArnError) as got:
        squall_client("s3control", "us-west-2").get_bucket(**params)
    assert str(got.value) == str(expected.value) and message in str(got.value)


def test_service_name_alias() -> None:
    ours = squall.session.Session(region_name="us-east-1").client("runtime.sagemaker", **KEYS)
    theirs = boto3.session.Session(region_name="us-east-1").client("runtime.sagemaker", **KEYS)
    assert ours.meta.service_model.service_name == theirs.meta.service_model.service_name == "sagemaker-runtime"
    assert type(ours).__name__ == type(theirs).__name__


@pytest.mark.parametrize("region", ["fips-us-east-1", "us-east-1-fips", "us-gov-west-1-fips"])
def test_fips_pseudo_regions_mean_fips_endpoints(region: str) -> None:
    ours = squall.session.Session(**KEYS).client("sqs", region_name=region)
    theirs = boto3.session.Session(**KEYS).client("sqs", region_name=region)
    assert (ours.meta.region_name, ours.meta.endpoint_url) == (theirs.meta.region_name, theirs.meta.endpoint_url)
    assert "fips" not in ours.meta.region_name
    if region.startswith(("fips-us-east", "us-east")):  # GovCloud's FIPS host is its usual one
        assert ours.meta.endpoint_url == "https://sqs-fips.us-east-1.amazonaws.com"
    sent = squall_request("sqs", "list_queues", {}, region=region)
    assert sent.url == botocore_request("sqs", "list_queues", {}, region=region).url


# -- endpoint discovery --------------------------------------------------------------------

class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._body


def _discovery_answer(address: str) -> bytes:
    return json.dumps({"Endpoints": [{"Address": address, "CachePeriodInMinutes": 10}]}).encode()


def _discovery_run(library: str, service: str, calls: list[tuple[str, dict[str, Any]]], address: str,
                   config: dict[str, Any] | None = None, **kwargs: Any) -> list[tuple[str, str, str | None]]:
    """Each request the client sends for ``calls`` as (method, url, x-amz-target); the
    discovery operation answers with ``address``, every other call with ``{}``."""
    sent: list[tuple[str, str, str | None]] = []

    def answer(request: Any, **kw: Any) -> Any:
        headers = {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}
        target = headers.get("x-amz-target")
        sent.append((request.method, request.url, target))
        body = _discovery_answer(address) if target and target.endswith("DescribeEndpoints") else b"{}"
        if library == "boto3":
            from botocore.awsrequest import AWSResponse

            return AWSResponse(request.url, 200, {"content-type": "application/x-amz-json-1.0"}, _Raw(body))
        return HttpResponse(status_code=200, headers={"content-type": "application/x-amz-json-1.0"}, body=body)

    if library == "boto3":
        from botocore.config import Config as BotoConfig

        client = botocore.session.get_session().create_client(
            service, region_name="us-east-1", config=BotoConfig(**(config or {})), **KEYS, **kwargs)
    else:
        client = squall.session.Session(region_name="us-east-1").client(
            service, config=squall.config.Config(**(config or {})), **KEYS, **kwargs)
    client.meta.events.register("before-send", answer)
    for method, params in calls:
        getattr(client, method)(**params)
    return sent


@pytest.mark.parametrize(("service", "calls", "config"), [
    ("timestream-query", [("query", {"QueryString": "SELECT 1"}), ("query", {"QueryString": "SELECT 2"})], None),
    ("timestream-write", [("describe_database", {"DatabaseName": "db"}), ("list_databases", {})], None),
    ("dynamodb", [("list_tables", {}), ("describe_table", {"TableName": "t"})], {"endpoint_discovery_enabled": True}),
    ("dynamodb", [("list_tables", {})], None),  # optional discovery, not asked for: none
], ids=["timestream-query", "timestream-write", "dynamodb-enabled", "dynamodb-auto"])
def test_endpoint_discovery_matches_botocore(service: str, calls: list[Any], config: dict[str, Any] | None) -> None:
    address = "cell-7.example.amazonaws.com"
    ours = _discovery_run("squall", service, calls, address, config)
    theirs = _discovery_run("boto3", service, calls, address, config)
    assert ours == theirs
    if service.startswith("timestream"):
        assert [url for _, url, _ in ours[1:]] == [f"https://{address}"] * len(calls)  # cached after one discovery


def test_endpoint_discovery_off_or_custom_endpoint() -> None:
    import botocore.discovery

    call = [("query", {"QueryString": "SELECT 1"})]
    with pytest.raises(botocore.discovery.EndpointDiscoveryRequired):
        _discovery_run("boto3", "timestream-query", call, "x", {"endpoint_discovery_enabled": False})
    with pytest.raises(squall.exceptions.EndpointDiscoveryRequired):
        _discovery_run("squall", "timestream-query", call, "x", {"endpoint_discovery_enabled": False})
    endpoint = {"endpoint_url": "https://timestream.example.com"}
    assert _discovery_run("squall", "timestream-query", call, "x", **endpoint) == \
        _discovery_run("boto3", "timestream-query", call, "x", **endpoint) == \
        [("POST", "https://timestream.example.com/", "Timestream_20181101.Query")]
    with pytest.raises(squall.exceptions.InvalidEndpointDiscoveryConfigurationError):
        squall.session.Session().client("dynamodb", region_name="us-east-1",
                                        config=squall.config.Config(endpoint_discovery_enabled="sometimes"))


def test_rejected_discovered_endpoint_is_rediscovered_once() -> None:
    client = squall_client("timestream-query")
    addresses = iter(["old.example.com", "new.example.com"])
    sent: list[str] = []

    def answer(request: Any, **kw: Any) -> HttpResponse:
        target = request.headers.get("X-Amz-Target") or ""
        sent.append(request.url)
        if target.endswith("DescribeEndpoints"):
            return HttpResponse(status_code=200, body=_discovery_answer(next(addresses)))
        if "old." in request.url:
            return HttpResponse(status_code=421, headers={"x-amzn-errortype": "InvalidEndpointException"},
                                body=b'{"__type": "InvalidEndpointException", "Message": "moved"}')
        return HttpResponse(status_code=200, body=b'{"Rows": [], "ColumnInfo": [], "QueryId": "q"}')

    client.meta.events.register("before-send", answer)
    assert client.query(QueryString="SELECT 1")["QueryId"] == "q"
    assert sent == ["https://query.timestream.us-east-1.amazonaws.com/", "https://old.example.com",
                    "https://query.timestream.us-east-1.amazonaws.com/", "https://new.example.com"]


def test_endpoint_discovery_with_an_environment_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only an endpoint_url argument turns discovery off; AWS_ENDPOINT_URL does not (botocore)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://local.example.com")
    call = [("query", {"QueryString": "SELECT 1"})]
    ours = _discovery_run("squall", "timestream-query", call, "cell.example.com")
    assert ours == _discovery_run("boto3", "timestream-query", call, "cell.example.com")
    assert [url for _, url, _ in ours] == ["https://local.example.com/", "https://cell.example.com"]
