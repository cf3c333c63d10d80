"""Everything a call needs that is fixed when the client is made (immutable, shareable)."""
from __future__ import annotations

from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..customizations import NONE as NO_CUSTOMIZATIONS
from ..customizations import Customizations
from ..http import HttpRequest, HttpResponse, SerializedRequest
from ..models import OperationModel, ServiceModel
from ..retries import RetryPolicy
from ._auth_schemes import DEFAULT_AUTH_SETTINGS, AuthSettings
from ._bodies import DEFAULT_PAYLOAD_SETTINGS, PayloadSettings
from ._exceptions import ClientExceptions

if TYPE_CHECKING:
    from datetime import datetime  # imported on first call, not per client

__all__ = ["ClientContext", "ResolvedEndpoint"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolvedEndpoint:
    url: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientContext:
    service_model: ServiceModel
    region_name: str | None
    exceptions: ClientExceptions
    # rule-set parameters for an operation call -> endpoint (memoised by the engine)
    resolve_endpoint: Callable[[OperationModel, Mapping[str, Any]], ResolvedEndpoint]
    serialize: Callable[[OperationModel, Mapping[str, Any]], SerializedRequest]
    parse: Callable[[OperationModel, HttpResponse], dict[str, Any]]
    parse_error: Callable[[OperationModel, HttpResponse], dict[str, Any]]
    validate: Callable[[Any, Mapping[str, Any]], None] | None
    retry_policy: RetryPolicy
    user_agent: str
    inject_host_prefix: bool = True
    signing_name: str
    unsigned: bool = False
    clock: Callable[[], datetime]
    # (request, credentials, signing properties, now) -> signed request
    sign: Callable[[HttpRequest, Any, Mapping[str, Any], datetime], HttpRequest]
    # the service's quirks (squall.customizations), applied at fixed points of the flow
    customizations: Customizations = NO_CUSTOMIZATIONS
    # the client's interceptors (boto3's meta.events among them); None: no hooks at all
    interceptors: Any = None
    # how bodies go on the wire: checksums, compression, S3 payload signing (runtime._bodies)
    payload: PayloadSettings = DEFAULT_PAYLOAD_SETTINGS
    # S3 only, per client (thread-safe): bucket regions learned from redirects
    # (customizations.s3_redirect) and S3 Express sessions (customizations.s3_express)
    s3_regions: Any = None
    s3_express: Any = None
    # auth_scheme_preference and sigv4a_signing_region_set (runtime._auth_schemes)
    auth: AuthSettings = DEFAULT_AUTH_SETTINGS
    # () -> the X-Amzn-Trace-Id value for this call, read from the environment at call
    # time inside AWS Lambda (botocore's recursion detection); None: never
    trace_header: Callable[[], str | None] | None = None
    # endpoint discovery (runtime._discovery): None, BLOCKED or the client's endpoint cache
    endpoint_discovery: Any = None
