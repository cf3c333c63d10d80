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

__all__ = ["available_partitions", "available_regions", "partition_for_region"]


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
