"""Run one scenario with squall and with boto3 against the same moto server, then
compare what each returned, step by step (volatile values masked)."""
from __future__ import annotations

import datetime
import urllib.request
from typing import Any, Callable

VOLATILE_KEYS = frozenset({
    "RequestId", "MessageId", "ReceiptHandle", "date", "x-amzn-requestid", "x-amz-crc32",
    "CreationDateTime", "LastUpdateToPayPerRequestDateTime", "CreatedTimestamp",
    "LastModifiedTimestamp", "SentTimestamp", "ApproximateFirstReceiveTimestamp",
    "content-length", "TableId", "LatestStreamLabel", "LatestStreamArn", "SequenceNumber",
    "server", "x-amz-id-2",
})


def reset(moto_url: str) -> None:
    req = urllib.request.Request(moto_url + "/moto-api/reset", method="POST", data=b"")
    urllib.request.urlopen(req, timeout=10).read()


def mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("<volatile>" if k in VOLATILE_KEYS else mask(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    if isinstance(value, datetime.datetime):
        assert value.tzinfo is not None, "timestamps must be timezone-aware"
        return "<datetime>"
    return value


def record(steps: list[tuple[str, Any]], name: str, call: Callable[[], Any]) -> Any:
    """Run one step; keep its result, or its error's class name and response."""
    try:
        result = call()
    except Exception as exc:  # both libraries' ClientErrors carry .response
        response = getattr(exc, "response", None)
        steps.append((name, {"error": type(exc).__name__, "response": mask(response)}))
        return None
    steps.append((name, mask(result)))
    return result


def compare(moto_url: str, scenario: Callable[[Any, list], None], make_squall: Callable[[], Any],
            make_boto3: Callable[[], Any]) -> list[tuple[str, Any]]:
    reset(moto_url)
    ours: list[tuple[str, Any]] = []
    scenario(make_squall(), ours)
    reset(moto_url)
    theirs: list[tuple[str, Any]] = []
    scenario(make_boto3(), theirs)
    assert [n for n, _ in ours] == [n for n, _ in theirs]
    for (name, mine), (_, expected) in zip(ours, theirs):
        assert mine == expected, f"step {name!r} differs from boto3"
    return ours
