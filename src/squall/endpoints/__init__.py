"""Endpoint resolution: the AWS endpoint rules engine, its standard library, partitions.

Pure apart from ``load_ruleset``/``load_partitions``, which read the model data once
per process::

    ruleset = load_ruleset("s3")
    endpoint = ruleset.resolve({"Region": "us-west-2", "Bucket": "my-bucket"}, load_partitions())
    endpoint.url  # 'https://my-bucket.s3.us-west-2.amazonaws.com'
"""
from ._load import load_partitions, load_ruleset
from ._partitions import Partition, Partitions
from ._ruleset import EndpointRuleSet
from ._values import Endpoint, FrozenDict, FrozenList, Parameter, thaw

__all__ = [
    "EndpointRuleSet", "Endpoint", "Parameter", "Partitions", "Partition",
    "load_partitions", "load_ruleset", "FrozenDict", "FrozenList", "thaw",
]
