"""Resources: boto3's object-oriented API (``squall.resource('s3').Bucket('b')``), built
from the resource models that boto3 ships as data (``resources-1.json``).

Classes are built once per process per service model and shared by every Session; an
instance holds its client (``meta.client``), identifiers and loaded data (``meta.data``).
"""
from __future__ import annotations

from ._factory import ServiceContext, classes_for
from ._session import create_resource
from .base import ResourceMeta, ServiceResource
from .collection import CollectionManager, ResourceCollection

__all__ = [
    "ServiceResource", "ResourceMeta", "ResourceCollection", "CollectionManager",
    "ServiceContext", "classes_for", "create_resource",
]
