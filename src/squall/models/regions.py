"""Region and partition listings from ``endpoints.json``, answering as boto3 does.

Endpoint *resolution* uses the rule sets (``squall.endpoints``); this legacy data file is
only the catalogue behind ``get_available_regions`` and friends.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..exceptions import UnknownRegionError
from .loader import Loader

__all__ = ["available_partitions", "available_regions", "partition_for_region", "client_region"]


def _endpoint_data(loader: Loader) -> Any:
    return loader.load_data("endpoints")


def available_partitions(loader: Loader) -> list[str]:
    return [p["partition"] for p in _endpoint_data(loader)["partitions"]]


def available_regions(
    loader: Loader, endpoint_prefix: str, partition_name: str = "aws", allow_non_regional: bool = False
) -> list[str]:
    found: list[str] = []
    for partition in _endpoint_data(loader)["partitions"]:
        if partition["partition"] != partition_name:
            continue
        service = partition["services"].get(endpoint_prefix)
        if service is None:
            continue
        for name in service["endpoints"]:
            if allow_non_regional or name in partition["regions"]:
                found.append(name)
    return found


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def partition_for_region(loader: Loader, region_name: str) -> str:
    for partition in _endpoint_data(loader)["partitions"]:
        if region_name in partition["regions"]:
            return str(partition["partition"])
        regex = partition.get("regionRegex")
        if regex and _compiled(regex).match(region_name):
            return str(partition["partition"])
    raise UnknownRegionError(region_name=region_name, error_msg="No partition found for provided region_name.")


def _endpoint_name(partition: Any, prefix: str, region: str | None, force: bool) -> str | None:
    """The legacy endpoint name in one partition, or None when the region is not in it."""
    service = partition["services"].get(prefix, {"endpoints": {}})
    if region is None:
        if "partitionEndpoint" in service:
            region = service["partitionEndpoint"]
        else:
            from ..exceptions import NoRegionError

            raise NoRegionError()
    if region in service["endpoints"]:
        return region
    regex = partition.get("regionRegex")
    matches = region in partition["regions"] or (regex is not None and _compiled(regex).match(region))
    if matches or force:
        if service.get("partitionEndpoint") and not service.get("isRegionalized", True):
            return str(service["partitionEndpoint"])
        return region
    return None


def client_region(loader: Loader, endpoint_prefix: str, region: str | None) -> str | None:
    """The region a client reports as ``meta.region_name``, as botocore derives it from
    the endpoint catalogue: global services answer with their partition endpoint
    (``aws-global`` for IAM), and a missing region is a ``NoRegionError`` unless the
    service has one."""
    partitions = _endpoint_data(loader)["partitions"]
    for partition in partitions:
        name = _endpoint_name(partition, endpoint_prefix, region, force=False)
        if name is not None:
            return name
    for partition in partitions:  # unknown region: assume the aws partition
        if partition["partition"] == "aws":
            return _endpoint_name(partition, endpoint_prefix, region, force=True)
    return region
