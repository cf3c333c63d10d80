"""Resource customizations that boto3 users rely on, applied when a class is built.

Registered explicitly, by service and resource name ("ServiceResource" for the service
resource, "*" for every class of the service), instead of through an event bus. Each
hook may add methods to the class attributes and base classes in front of
``ServiceResource``; the modules are imported only when their service is used.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

__all__ = ["customize", "inject_attribute"]

Hook = Callable[[dict[str, Any], list[type]], None]

# (service, resource) -> "module:function" under squall
_HOOKS: dict[tuple[str, str], tuple[str, ...]] = {
    ("s3", "Bucket"): ("squall.s3.inject:inject_bucket_methods",),
    ("s3", "Object"): ("squall.s3.inject:inject_object_methods",),
    ("s3", "ObjectSummary"): ("squall.s3.inject:inject_object_summary_methods",),
    ("dynamodb", "*"): ("squall.dynamodb.transform:register_high_level_interface",),
    ("dynamodb", "Table"): ("squall.dynamodb.table:register_table_methods",),
    ("ec2", "ServiceResource"): ("squall.ec2.tags:inject_create_tags",),
    ("ec2", "Instance"): ("squall.ec2.tags:inject_delete_tags",),
}


def _load(path: str) -> Hook:
    module, name = path.split(":")
    hook: Hook = getattr(importlib.import_module(module), name)
    return hook


def customize(service_name: str, resource_name: str, attrs: dict[str, Any], bases: list[type]) -> None:
    # Most specific first, as boto3's hierarchical events: a "*" base ends up in front.
    for key in ((service_name, resource_name), (service_name, "*")):
        for path in _HOOKS.get(key, ()):
            _load(path)(attrs, bases)


def inject_attribute(attrs: dict[str, Any], name: str, value: Any) -> None:
    """Add a method, refusing to replace one the model defines (as boto3)."""
    if name in attrs:
        raise RuntimeError(f'Cannot inject class attribute "{name}", attribute already exists in class dict.')
    attrs[name] = value
