"""Resource scenarios run with squall and boto3 against one moto server (``_oracle``):
results that hold resources are compared by class, identifiers and loaded data."""
from __future__ import annotations

import re
from typing import Any, Callable

import boto3

import squall
from _oracle import compare, record

# Identifier values the server makes up anew on every run and the id numbering of
# ``_oracle`` does not recognise.
_VOLATILE_IDENTIFIERS = frozenset({"receipt_handle", "secret"})
# Data keys with values moto makes up per run (beyond ``_oracle.VOLATILE_KEYS``).
_VOLATILE_DATA = frozenset({"UserId", "GroupId", "PolicyId", "RoleId", "InstanceProfileId"})
_ACCESS_KEY = re.compile(r"^(AKIA|ASIA)[A-Z0-9]{12,}$")


def describe(value: Any) -> Any:
    """A value made comparable across libraries: resources as (class, identifiers, data),
    streaming bodies read, everything else as is."""
    meta = getattr(value, "meta", None)
    if meta is not None and hasattr(meta, "identifiers") and hasattr(meta, "data"):
        ids = {name: "<volatile>" if name in _VOLATILE_IDENTIFIERS or (
            isinstance(getattr(value, name), str) and _ACCESS_KEY.match(getattr(value, name)))
            else getattr(value, name) for name in meta.identifiers}
        return {"resource": type(value).__name__, "identifiers": ids, "data": describe(meta.data)}
    if hasattr(value, "read") and hasattr(value, "iter_chunks"):
        return {"body": value.read()}
    if isinstance(value, dict):
        return {k: "<volatile>" if k in _VOLATILE_DATA else describe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [describe(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(describe(v) for v in value)
    if type(value).__name__ == "Binary":
        return {"binary": bytes(value.value)}
    return value


def step(steps: list, name: str, call: Callable[[], Any]) -> Any:
    """``record`` with resources described; returns the raw result for later steps."""
    holder: list = []

    def run() -> Any:
        result = call()
        holder.append(result)
        return describe(result)

    record(steps, name, run)
    return holder[0] if holder else None


def compare_resources(moto_url: str, service: str, scenario: Callable[[Any, list], None],
                      **kwargs: Any) -> dict[str, Any]:
    steps = compare(
        moto_url, scenario,
        lambda: squall.session.Session().resource(service, **kwargs),
        lambda: boto3.session.Session().resource(service, **kwargs),
    )
    return dict(steps)
