"""squall.stub.Stubber mirrors the boto3 documentation's examples and botocore's behaviour."""
from __future__ import annotations

import datetime

import pytest

import squall
from squall.exceptions import ParamValidationError
from squall.stub import ANY, StubAssertionError, Stubber, StubResponseError, UnStubbedResponseError


@pytest.fixture
def ddb():
    return squall.session.Session(region_name="us-east-1", aws_access_key_id="k",
                                  aws_secret_access_key="s").client("dynamodb")


def test_add_response_with_expected_params(ddb) -> None:
    response = {"Table": {"TableName": "tbl", "TableStatus": "ACTIVE",
                          "CreationDateTime": datetime.datetime(2020, 1, 1)}}
    with Stubber(ddb) as stubber:
        stubber.add_response("describe_table", response, {"TableName": "tbl"})
        assert ddb.describe_table(TableName="tbl") == response
        stubber.assert_no_pending_responses()


def test_any_matches_any_value(ddb) -> None:
    stubber = Stubber(ddb)
    stubber.add_response("get_item", {"Item": {"k": {"S": "v"}}}, {"TableName": "tbl", "Key": ANY})
    stubber.activate()
    assert ddb.get_item(TableName="tbl", Key={"k": {"S": "anything"}})["Item"] == {"k": {"S": "v"}}
    stubber.deactivate()


def test_client_error_is_the_modelled_class(ddb) -> None:
    with Stubber(ddb) as stubber:
        stubber.add_client_error("get_item", "ResourceNotFoundException", "nope", 400)
        with pytest.raises(ddb.exceptions.ResourceNotFoundException) as info:
            ddb.get_item(TableName="tbl", Key={"k": {"S": "v"}})
    assert info.value.response["Error"] == {"Code": "ResourceNotFoundException", "Message": "nope"}
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_wrong_params_order_and_unstubbed_calls(ddb) -> None:
    with Stubber(ddb) as stubber:
        stubber.add_response("list_tables", {"TableNames": []}, {"Limit": 5})
        with pytest.raises(StubAssertionError):
            ddb.list_tables(Limit=6)
        with pytest.raises(StubResponseError, match="Operation mismatch"):
            ddb.describe_table(TableName="tbl")
        ddb.list_tables(Limit=5)
        with pytest.raises(UnStubbedResponseError):
            ddb.list_tables()


def test_responses_and_params_are_validated(ddb) -> None:
    stubber = Stubber(ddb)
    with pytest.raises(ParamValidationError, match="TableNames"):
        stubber.add_response("list_tables", {"TableNames": "not-a-list"})
    with pytest.raises(ValueError, match="does not have method"):
        stubber.add_response("no_such_method", {})
    with stubber:
        stubber.add_response("describe_table", {})
        with pytest.raises(ParamValidationError, match="TableName"):
            ddb.describe_table()


def test_pending_responses_are_reported(ddb) -> None:
    stubber = Stubber(ddb)
    stubber.add_response("list_tables", {})
    with pytest.raises(AssertionError, match="1 responses remaining"):
        stubber.assert_no_pending_responses()
