"""Service quirks, one module per service, registered explicitly and typed.

Each module defines ``CUSTOMIZATIONS``: a ``Customizations`` value whose hooks the call
flow applies at fixed points. Hooks are pure (values in, values out) and dispatch on the
operation themselves. Services without quirks get the empty default.
"""
from __future__ import annotations

import importlib
import threading
from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import Any, Callable, Mapping

from ..http import HttpRequest, HttpResponse, SerializedRequest
from ..models import OperationModel, ServiceModel

__all__ = ["Customizations", "for_service", "chain", "customized_model"]

Params = Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class Customizations:
    # Rewrite the service model's JSON once per process (e.g. S3's requestUris lose
    # "/{Bucket}" because the endpoint rules already place the bucket).
    model_transform: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    # Before validation and serialization: rewrite the caller's parameters (a copy).
    before_parameter_build: Callable[[OperationModel, Params], Params] | None = None
    # One call's endpoint rule-set parameters (name -> value) -> the values to resolve with.
    endpoint_params: Callable[[OperationModel, Params, dict[str, Any]], dict[str, Any]] | None = None
    # After serialization: headers/body the wire needs (checksums, versions, ...).
    after_serialize: Callable[[OperationModel, Params, SerializedRequest], SerializedRequest] | None = None
    # The request as it will be signed (URL joined, headers set): move the host, change the
    # method (botocore's request-created handlers).
    before_sign: Callable[[OperationModel, Params, HttpRequest], HttpRequest] | None = None
    # Operations whose request carries a URL presigned for another region (EC2 CopySnapshot,
    # RDS & co. with SourceRegion): (op, params, client region) -> None, or the parameters
    # to send plus the presign plan (see customizations._cross_region).
    cross_region_presign: Callable[[OperationModel, Params, str | None], Any] | None = None
    # Headers a presigned URL of the operation does not sign (operation -> header names).
    presign_drops_headers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Operations sent unsigned although the service signs (e.g. STS AssumeRoleWithWebIdentity).
    unsigned_operations: frozenset[str] = frozenset()
    # Before parsing: reinterpret the raw answer (e.g. an error hidden in a 200).
    before_parse: Callable[[OperationModel, HttpResponse], HttpResponse] | None = None
    # After parsing a success, given the caller's own params and the response as received:
    # reshape the result (decode documents, normalise values).
    after_parse: Callable[[OperationModel, Params, HttpResponse, dict[str, Any]], dict[str, Any]] | None = None
    # Parsed error dict -> the code used to pick the modelled exception class.
    error_class_code: Callable[[Mapping[str, Any]], str | None] | None = None
    # The client class's surface, as botocore's creating-client-class and getattr handlers
    # shape it: methods added (name -> function taking the client first), methods removed
    # (operations Python clients cannot call: HTTP/2 bidirectional streams), and old method
    # names still answered though not listed by dir() (old name -> method name).
    client_methods: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    removed_methods: frozenset[str] = frozenset()
    method_aliases: Mapping[str, str] = field(default_factory=dict)


NONE = Customizations()

# service name -> module under squall.customizations defining CUSTOMIZATIONS
_REGISTRY: Mapping[str, str] = {
    "sqs": "sqs",
    "ec2": "ec2",
    "autoscaling": "autoscaling",
    "route53": "route53",
    "glacier": "glacier",
    "iam": "iam",
    "cloudformation": "cloudformation",
    "apigateway": "apigateway",
    "sts": "sts",
    "cognito-identity": "cognito_identity",
    "s3": "s3",
    "s3control": "s3control",
    "mturk": "mturk",
    "socialmessaging": "socialmessaging",
    "cloudwatch": "cloudwatch",
    "lexv2-runtime": "lexv2_runtime",
    "qbusiness": "qbusiness",
    "bedrock-runtime": "bedrock_runtime",
    "connecthealth": "connecthealth",
    "polly": "polly",
    "rds": "rds",
    "neptune": "neptune",
    "docdb": "docdb",
    "dsql": "dsql",
    "logs": "logs",
    "cloudsearchdomain": "cloudsearchdomain",
    "machinelearning": "machinelearning",
    "sso-oidc": "sso_oidc",
}


def for_service(service_name: str) -> Customizations:
    module = _REGISTRY.get(service_name)
    if module is None:
        return NONE
    found: Customizations = importlib.import_module(f"{__name__}.{module}").CUSTOMIZATIONS
    return found


_transformed: dict[tuple[int, int], tuple[ServiceModel, ServiceModel]] = {}
_transformed_lock = threading.Lock()


def customized_model(model: ServiceModel, quirks: Customizations) -> ServiceModel:
    """The model as the service's ``model_transform`` rewrites it (once per process)."""
    transform = quirks.model_transform
    if transform is None:
        return model
    key = (id(model), id(transform))
    found = _transformed.get(key)
    if found is not None and found[0] is model:
        return found[1]
    with _transformed_lock:
        found = _transformed.get(key)
        if found is None or found[0] is not model:
            found = (model, ServiceModel(transform(model.raw), service_name=model.service_name))
            _transformed[key] = found
        return found[1]


def chain(*hooks: Callable[..., Any] | None) -> Callable[..., Any] | None:
    """Compose hooks of one kind that each return the (possibly new) last argument."""
    present = [h for h in hooks if h is not None]
    if not present:
        return None
    if len(present) == 1:
        return present[0]

    def run(*args: Any) -> Any:
        head, value = args[:-1], args[-1]
        for hook in present:
            value = hook(*head, value)
        return value

    return run
