"""Debug-log arguments mask what the model marks ``sensitive`` and members that always hold
secrets, and do the work only when the record is formatted."""
from __future__ import annotations

import squall
from squall._logging import MASK, Redacted, redact_value

KEYS = {"region_name": "us-east-1", "aws_access_key_id": "a", "aws_secret_access_key": "b"}


def test_sensitive_trait_masks_values_the_name_list_does_not_know() -> None:
    ssm = squall.session.Session(**KEYS).client("ssm")
    params = {"Name": "db-password", "Value": "hunter2-value", "Type": "SecureString"}
    text = repr(Redacted.call(ssm, "put_parameter", params))
    assert "hunter2-value" not in text and "db-password" in text
    assert params["Value"] == "hunter2-value"  # the caller's dict is untouched


def test_nested_output_members_are_masked() -> None:
    sts = squall.session.Session(**KEYS).client("sts")
    answer = {"Credentials": {"AccessKeyId": "AKIA", "SecretAccessKey": "s3cr3t", "SessionToken": "t0k3n"}}
    text = repr(Redacted.call(sts, "assume_role", answer, output=True))
    assert "s3cr3t" not in text and "t0k3n" not in text and "AKIA" in text


def test_names_mask_without_a_shape_and_lists_are_walked() -> None:
    value = {"Items": [{"SSECustomerKey": "k1"}, {"Other": "v"}], "Password": "p"}
    assert redact_value(value) == {"Items": [{"SSECustomerKey": MASK}, {"Other": "v"}], "Password": MASK}


def test_nothing_is_computed_unless_formatted() -> None:
    calls = []

    def shape():
        calls.append(1)
        return None
    arg = Redacted({"x": 1}, shape)
    assert calls == []
    assert repr(arg) == "{'x': 1}" and calls == [1]
