"""Service quirks compared with botocore's handlers (used here as oracles only)."""
from __future__ import annotations

import copy
import io
import json
import os
from urllib.parse import quote

import botocore.handlers as bh
import botocore.session
import botocore.utils
import pytest

from squall.customizations import for_service, s3 as s3q
from squall.customizations.glacier import tree_hash
from squall.exceptions import ParamValidationError
from squall.http import HttpResponse, SerializedRequest
from squall.models import Loader, service_model_for

LOADER = Loader.from_data_path()
BOTO = botocore.session.get_session()


def op(service: str, name: str):
    return service_model_for(LOADER, service).operation_model(name)


@pytest.mark.parametrize("source", [
    "bucket/key", "bucket/dir/ünïcode key+plus", "bucket/key?versionId=abc123", "b/k%20already", "b/a b?versionId=v1",
    {"Bucket": "b", "Key": "k ey/ü"}, {"Bucket": "b", "Key": "k", "VersionId": "v9"},
    {"Bucket": "arn:aws:s3:us-west-2:123456789012:accesspoint:ap", "Key": "k"},
])
def test_copy_source_matches_botocore(source) -> None:
    theirs = {"CopySource": copy.deepcopy(source)}
    bh.handle_copy_source_param(theirs)
    ours = for_service("s3").before_parameter_build(op("s3", "CopyObject"), {"Bucket": "dst", "Key": "k", "CopySource": source})
    assert ours["CopySource"] == theirs["CopySource"]


def test_copy_source_dict_missing_key() -> None:
    with pytest.raises(ParamValidationError, match="Missing required parameter"):
        s3q.copy_source({"Bucket": "b"})


@pytest.mark.parametrize("key", ["a" * 32, b"\x00\xff" * 16])
def test_sse_customer_key_matches_botocore(key) -> None:
    theirs = {"Bucket": "b", "Key": "k", "SSECustomerKey": key, "CopySourceSSECustomerKey": key}
    bh.sse_md5(theirs)
    bh.copy_source_sse_md5(theirs)
    ours = for_service("s3").before_parameter_build(op("s3", "CopyObject"), {
        "Bucket": "b", "Key": "k", "CopySource": "x/y", "SSECustomerKey": key, "CopySourceSSECustomerKey": key})
    for member in ("SSECustomerKey", "SSECustomerKeyMD5", "CopySourceSSECustomerKey", "CopySourceSSECustomerKeyMD5"):
        assert ours[member] == theirs[member]


def test_bucket_name_and_metadata_validation() -> None:
    hook = for_service("s3").before_parameter_build
    with pytest.raises(ParamValidationError, match='Invalid bucket name "bad/name"'):
        hook(op("s3", "GetObject"), {"Bucket": "bad/name", "Key": "k"})
    hook(op("s3", "GetObject"), {"Bucket": "arn:aws:s3:us-west-2:123456789012:accesspoint:ap", "Key": "k"})
    with pytest.raises(ParamValidationError, match="Non ascii characters found in S3 metadata"):
        hook(op("s3", "PutObject"), {"Bucket": "b", "Key": "k", "Metadata": {"k": "vä"}})


def test_listing_encoding_requested_and_decoded_only_when_auto_set() -> None:
    quirks, listing = for_service("s3"), op("s3", "ListObjectsV2")
    assert quirks.before_parameter_build(listing, {"Bucket": "b"})["EncodingType"] == "url"
    parsed = {"EncodingType": "url", "Prefix": "a%20b", "Contents": [{"Key": "x%2By%0A"}], "CommonPrefixes": [{"Prefix": "p%2F"}]}
    theirs = copy.deepcopy(parsed)
    bh.decode_list_object_v2(theirs, {"encoding_type_auto_set": True})
    response = HttpResponse(status_code=200, headers={}, body=b"")
    assert quirks.after_parse(listing, {"Bucket": "b"}, response, copy.deepcopy(parsed)) == theirs
    assert quirks.after_parse(listing, {"Bucket": "b", "EncodingType": "url"}, response, copy.deepcopy(parsed)) == parsed


@pytest.mark.parametrize(("name", "body", "expect_error"), [
    ("CopyObject", b"<Error><Code>InternalError</Code></Error>", True),
    ("CopyObject", b"<CopyObjectResult><ETag>x</ETag></CopyObjectResult>", False),
    ("CompleteMultipartUpload", b"<?xml version='1.0'?><CompleteMultipartUploadResult", True),  # truncated
    ("GetObject", b"<Error>looks like xml but is the object</Error>", False),  # streaming payload
])
def test_errors_hidden_in_200(name: str, body: bytes, expect_error: bool) -> None:
    operation = op("s3", name)
    response = HttpResponse(status_code=200, headers={}, body=body)
    theirs = {"status_code": 200, "body": body, "headers": {}}
    bh._handle_200_error(BOTO.get_service_model("s3").operation_model(name), theirs)
    ours = for_service("s3").before_parse(operation, response)
    assert ours.status_code == theirs["status_code"] == (500 if expect_error else 200)


def test_get_bucket_location_and_expires() -> None:
    quirks = for_service("s3")
    for body, region in [(b'<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>', "eu-west-1"),
                         (b'<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>', None)]:
        response = HttpResponse(status_code=200, headers={}, body=body)
        assert quirks.after_parse(op("s3", "GetBucketLocation"), {}, response, {})["LocationConstraint"] == region
    get = op("s3", "GetObject")
    bad = HttpResponse(status_code=200, headers={"expires": "not a date"}, body=b"")
    assert "expires" not in quirks.before_parse(get, bad).headers
    assert quirks.after_parse(get, {}, bad, {})["ExpiresString"] == "not a date"
    good = HttpResponse(status_code=200, headers={"expires": "Thu, 01 Dec 1994 16:00:00 GMT"}, body=b"")
    assert quirks.before_parse(get, good).headers["expires"] == "Thu, 01 Dec 1994 16:00:00 GMT"


def test_expect_continue_on_uploads() -> None:
    quirks = for_service("s3")
    request = SerializedRequest(method="PUT", path="/k", headers={}, body=b"data")
    assert quirks.after_serialize(op("s3", "PutObject"), {"Body": b"data"}, request).headers["Expect"] == "100-continue"
    assert "Expect" not in quirks.after_serialize(op("s3", "PutObject"), {}, request).headers
    assert "Expect" not in quirks.after_serialize(op("s3", "PutBucketTagging"), {}, request).headers


@pytest.mark.parametrize("data", ["#!/bin/bash\necho hi", b"\x00\x01binary"])
def test_ec2_user_data_matches_botocore(data) -> None:
    theirs = {"UserData": data}
    bh.base64_encode_user_data(theirs)
    ours = for_service("ec2").before_parameter_build(op("ec2", "RunInstances"), {"UserData": data, "MinCount": 1})
    assert ours["UserData"] == theirs["UserData"]
    assert for_service("autoscaling").before_parameter_build(
        op("autoscaling", "CreateLaunchConfiguration"), {"UserData": data})["UserData"] == theirs["UserData"]


def test_route53_ids_match_botocore() -> None:
    params = {"HostedZoneId": "/hostedzone/Z123", "Id": "/change/C9"}
    for name in ("GetHostedZone", "GetChange", "ChangeResourceRecordSets", "GetReusableDelegationSet"):
        theirs = dict(params)
        bh.fix_route53_ids(theirs, BOTO.get_service_model("route53").operation_model(name))
        assert for_service("route53").before_parameter_build(op("route53", name), dict(params)) == theirs


@pytest.mark.parametrize("size", [0, 1, 1024 * 1024, 3 * 1024 * 1024 + 17])
def test_glacier_tree_hash_and_headers(size: int) -> None:
    data = os.urandom(size)
    assert tree_hash(io.BytesIO(data)) == botocore.utils.calculate_tree_hash(io.BytesIO(data))
    quirks = for_service("glacier")
    assert quirks.before_parameter_build(op("glacier", "UploadArchive"), {"vaultName": "v"})["accountId"] == "-"
    request = SerializedRequest(method="POST", path="/-/vaults/v/archives", headers={}, body=data)
    theirs = {"headers": {}, "body": data}
    bh.add_glacier_checksums(theirs)
    headers = quirks.after_serialize(op("glacier", "UploadArchive"), {}, request).headers
    assert headers["x-amz-content-sha256"] == theirs["headers"]["x-amz-content-sha256"]
    assert headers["x-amz-sha256-tree-hash"] == theirs["headers"]["x-amz-sha256-tree-hash"]
    assert headers["x-amz-glacier-version"] == "2012-06-01"


def test_iam_policy_documents_decoded_like_botocore() -> None:
    doc = quote(json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*"}]}))
    parsed = {"Role": {"RoleName": "r", "AssumeRolePolicyDocument": doc},
              "Policies": [{"PolicyName": "p"}]}
    theirs = copy.deepcopy(parsed)
    bh.json_decode_policies(theirs, BOTO.get_service_model("iam").operation_model("GetRole"))
    ours = for_service("iam").after_parse(op("iam", "GetRole"), {}, HttpResponse(status_code=200), copy.deepcopy(parsed))
    assert ours == theirs and isinstance(ours["Role"]["AssumeRolePolicyDocument"], dict)


def test_cloudformation_and_ec2_output_decoding() -> None:
    response = HttpResponse(status_code=200)
    body = for_service("cloudformation").after_parse(op("cloudformation", "GetTemplate"), {}, response,
                                                     {"TemplateBody": '{"Resources": {}}'})
    assert body["TemplateBody"] == {"Resources": {}}
    assert for_service("cloudformation").after_parse(op("cloudformation", "GetTemplate"), {}, response,
                                                     {"TemplateBody": "Resources: {}"})["TemplateBody"] == "Resources: {}"
    out = for_service("ec2").after_parse(op("ec2", "GetConsoleOutput"), {}, response, {"Output": "aGVsbG8="})
    assert out["Output"] == "hello"


def test_unsigned_operations_and_apigateway_accept() -> None:
    assert "AssumeRoleWithWebIdentity" in for_service("sts").unsigned_operations
    assert "GetId" in for_service("cognito-identity").unsigned_operations
    request = SerializedRequest(method="GET", path="/restapis", headers={}, body=b"")
    assert for_service("apigateway").after_serialize(op("apigateway", "GetRestApis"), {}, request).headers["Accept"] == "application/json"
