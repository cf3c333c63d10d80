"""Rule-set parameters the rules never read (S3's Key) do not split the endpoint cache."""
from __future__ import annotations

from typing import Any

import pytest

import squall
from squall.config import Config
from squall.exceptions import EndpointResolutionError
from squall.http import HttpResponse
from squall.runtime._endpoint_params import _read_parameters


def _s3(**config: Any) -> Any:
    client = squall.Session(aws_access_key_id="AKID", aws_secret_access_key="secret", region_name="us-west-2").client(
        "s3", config=Config(**config) if config else None)
    sent: list[Any] = []

    def send(request: Any, stream: bool = False) -> HttpResponse:
        sent.append(request)
        return HttpResponse(status_code=200, headers={"etag": '"abc"'}, body=b"")

    client._transport.send = send
    return client, sent


def test_s3_rules_read_bucket_but_not_key() -> None:
    client, _ = _s3()
    ruleset = client._context.resolve_endpoint.__self__.ruleset
    read = _read_parameters(ruleset)
    assert {"Bucket", "Region", "ForcePathStyle", "Endpoint"} <= read
    assert not read & {"Key", "Prefix", "CopySource"}


def test_new_keys_reuse_one_resolved_endpoint() -> None:
    client, sent = _s3()
    cached = client._context.resolve_endpoint.__self__.ruleset._cached
    client.put_object(Bucket="bucket-a", Key="first", Body=b"x")
    before = cached.cache_info()
    for i in range(5):
        client.put_object(Bucket="bucket-a", Key=f"key-{i}", Body=b"x")
    after = cached.cache_info()
    assert after.hits - before.hits == 5 and after.misses == before.misses
    assert [r.url for r in sent[-2:]] == [
        "https://bucket-a.s3.us-west-2.amazonaws.com/key-3", "https://bucket-a.s3.us-west-2.amazonaws.com/key-4"]
    client.put_object(Bucket="bucket-b", Key="key-0", Body=b"x")  # a read parameter still counts
    assert sent[-1].url == "https://bucket-b.s3.us-west-2.amazonaws.com/key-0"


def test_a_key_of_the_wrong_type_is_still_reported() -> None:
    client, _ = _s3(parameter_validation=False)
    with pytest.raises(EndpointResolutionError, match="Key"):
        client.get_object(Bucket="bucket-a", Key=42)
