"""AWS partitions (``partitions.json``) and the ``aws.partition`` lookup."""
from __future__ import annotations

import re
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from types import MappingProxyType
from typing import Any, Mapping

__all__ = ["Partition", "Partitions"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Partition:
    """One partition: its id, region regex, explicit regions and outputs.

    ``outputs`` is what ``aws.partition`` returns (``name``, ``dnsSuffix``,
    ``dualStackDnsSuffix``, ``supportsFIPS``, ``supportsDualStack``,
    ``implicitGlobalRegion``, ...), read-only.
    """

    id: str
    region_regex: re.Pattern[str]
    regions: Mapping[str, Mapping[str, Any]]
    outputs: Mapping[str, Any]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Partition":
        # "name" is the partition id, whether or not the outputs repeat it.
        outputs = {**data.get("outputs", {}), "name": data["id"]}
        regions = {
            name: MappingProxyType(dict(info or {})) for name, info in data.get("regions", {}).items()
        }
        return cls(
            id=data["id"],
            region_regex=re.compile(data["regionRegex"]),
            regions=MappingProxyType(regions),
            outputs=MappingProxyType(outputs),
        )

    def outputs_for(self, region: str) -> Mapping[str, Any]:
        """The outputs, with any per-region overrides the region's entry carries."""
        overrides = {k: v for k, v in self.regions.get(region, {}).items() if k != "description"}
        if not overrides:
            return self.outputs
        return MappingProxyType({**self.outputs, **overrides})


@dataclass(frozen=True, slots=True, eq=False)
class Partitions:
    """All partitions, in file order. Immutable; share one per process.

    ``lookup(region)`` finds the partition listing the region explicitly, else the
    first whose regex matches, else the first partition (``aws``), as the spec and
    botocore do.
    """

    partitions: tuple[Partition, ...]
    _explicit: Mapping[str, Mapping[str, Any]]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Partitions":
        partitions = tuple(Partition.from_dict(p) for p in data["partitions"])
        if not partitions:
            raise ValueError("partitions data lists no partitions")
        explicit: dict[str, Mapping[str, Any]] = {}
        for partition in partitions:
            for region in partition.regions:
                explicit.setdefault(region, partition.outputs_for(region))
        return cls(partitions, MappingProxyType(explicit))

    def lookup(self, region: str | None) -> Mapping[str, Any]:
        """The ``aws.partition`` result for ``region`` (read-only mapping)."""
        if region is not None:
            found = self._explicit.get(region)
            if found is not None:
                return found
            for partition in self.partitions:
                if partition.region_regex.match(region) is not None:
                    return partition.outputs
        return self.partitions[0].outputs

    def partition_for(self, region: str | None) -> Partition:
        """The Partition object ``lookup`` would take its outputs from."""
        name = self.lookup(region)["name"]
        return next(p for p in self.partitions if p.id == name)
