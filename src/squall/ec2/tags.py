"""``ec2.create_tags(...)`` returning Tag resources, and ``instance.delete_tags(...)``.

The resource model cannot say "one Tag per (resource, tag) pair", so boto3 replaces the
service resource's ``create_tags`` action with this one; instances also get
``delete_tags``, which the model lacks.
"""
from __future__ import annotations

from typing import Any

from ..resources._customize import inject_attribute

__all__ = ["create_tags", "delete_tags", "inject_create_tags", "inject_delete_tags"]


def create_tags(self: Any, **kwargs: Any) -> list[Any]:
    """Calls EC2.Client.create_tags() and returns the ec2.Tag resources it created, one
    per resource id and tag.

    Parameters: Resources (list of ids) **[REQUIRED]**, Tags (list of {'Key', 'Value'})
    **[REQUIRED]**, DryRun (boolean)."""
    self.meta.client.create_tags(**kwargs)
    return [self.Tag(resource, tag["Key"], tag["Value"])
            for resource in kwargs.get("Resources", []) for tag in kwargs.get("Tags", [])]


def delete_tags(self: Any, **kwargs: Any) -> dict[str, Any]:
    """Calls EC2.Client.delete_tags() for this instance (Resources=[instance.id]).

    Parameters: Tags (list of {'Key'[, 'Value']}; all tags when omitted), DryRun (boolean).
    Returns: the response (dict)."""
    kwargs["Resources"] = [self.id]
    result: dict[str, Any] = self.meta.client.delete_tags(**kwargs)
    return result


def inject_create_tags(attrs: dict[str, Any], bases: list[type]) -> None:
    attrs["create_tags"] = create_tags  # replaces the model's action, as boto3


def inject_delete_tags(attrs: dict[str, Any], bases: list[type]) -> None:
    inject_attribute(attrs, "delete_tags", delete_tags)
