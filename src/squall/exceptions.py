"""Errors with botocore's names, so ``except botocore.exceptions.X`` code ports by import.

Each ``SquallError`` subclass formats ``fmt`` with its keyword arguments and keeps them
as attributes (``err.kwargs`` too), as botocore's errors do.
"""
from __future__ import annotations

from typing import Any

__all__ = [
    "AliasConflictParameterError", "UnsupportedS3ControlArnError", "EndpointDiscoveryException",
    "EndpointDiscoveryRequired", "EndpointDiscoveryRefreshFailed", "InvalidEndpointDiscoveryConfigurationError",
    "BotoCoreError", "SquallError", "DataNotFoundError", "UnknownServiceError",
    "UnknownRegionError", "ApiVersionNotFoundError", "HTTPClientError", "ConnectionError",
    "EndpointConnectionError", "SSLError", "ConnectionClosedError", "ReadTimeoutError",
    "ConnectTimeoutError", "ProxyConnectionError", "ResponseStreamingError",
    "NoCredentialsError", "NoAuthTokenError", "PartialCredentialsError", "CredentialRetrievalError",
    "UnknownSignatureVersionError", "UnsupportedSignatureVersionError", "AsyncUnsupportedError", "NoRegionError", "ProfileNotFound", "ConfigParseError",
    "ConfigNotFound", "ParamValidationError", "ValidationError", "InvalidRegionError",
    "UnknownServiceStyle", "PaginationError", "OperationNotPageableError",
    "ChecksumError", "UnseekableStreamError", "WaiterError", "IncompleteReadError",
    "UnknownClientMethodError", "ClientError", "EventStreamError", "EndpointResolutionError",
    "InvalidConfigError", "InvalidRetryConfigurationError", "InvalidMaxRetryAttemptsError",
    "UnknownEndpointError", "InvalidEndpointConfigurationError",
    "InvalidRetryModeError", "InvalidS3AddressingStyleError", "InvalidDefaultsMode",
    "InvalidSettingError", "FlexibleChecksumError", "AwsChunkedWrapperError",
    "InvalidChecksumConfigError", "MissingDependencyException",
    # boto3's own errors (boto3.exceptions): resources, S3 transfers, DynamoDB conditions
    "Boto3Error", "ResourceNotExistsError", "UnknownAPIVersionError", "ResourceLoadException",
    "S3TransferFailedError", "S3UploadFailedError", "RetriesExceededError",
    "DynamoDBOperationNotSupportedError", "DynamoDBNeedsConditionError", "DynamoDBNeedsKeyConditionError",
]


class SquallError(Exception):
    """Base of every squall error that is not a service's ClientError."""

    fmt = "An unspecified error occurred"

    def __init__(self, **kwargs: Any) -> None:
        msg = self.fmt.format(**kwargs)
        super().__init__(msg)
        self.kwargs = kwargs
        for key, value in kwargs.items():
            setattr(self, key, value)

    def __reduce__(self) -> Any:
        return _rebuild, (type(self), self.kwargs)


def _rebuild(cls: type[SquallError], kwargs: dict[str, Any]) -> SquallError:
    return cls(**kwargs)


# botocore's base-class name, for ``except BotoCoreError``.
BotoCoreError = SquallError


class DataNotFoundError(SquallError):
    fmt = "Unable to load data for: {data_path}"


class UnknownServiceError(DataNotFoundError):
    fmt = "Unknown service: '{service_name}'. Valid service names are: {known_service_names}"


class UnknownRegionError(SquallError):
    fmt = "Unknown region: '{region_name}'. {error_msg}"


class ApiVersionNotFoundError(SquallError):
    fmt = "Unable to load data {data_path} for: {api_version}"


class HTTPClientError(SquallError):
    fmt = "An HTTP Client raised an unhandled exception: {error}"

    def __init__(self, request: Any = None, response: Any = None, **kwargs: Any) -> None:
        self.request = request
        self.response = response
        super().__init__(**kwargs)


class ConnectionError(SquallError):  # noqa: A001 - botocore's name
    fmt = "An HTTP Client failed to establish a connection: {error}"


class EndpointConnectionError(ConnectionError):
    fmt = 'Could not connect to the endpoint URL: "{endpoint_url}"'


class SSLError(ConnectionError):
    fmt = "SSL validation failed for {endpoint_url} {error}"


class ConnectionClosedError(HTTPClientError):
    fmt = "Connection was closed before we received a valid response from endpoint URL: \"{endpoint_url}\"."


class ReadTimeoutError(HTTPClientError):
    fmt = 'Read timeout on endpoint URL: "{endpoint_url}"'


class ConnectTimeoutError(ConnectionError):
    fmt = 'Connect timeout on endpoint URL: "{endpoint_url}"'


class ProxyConnectionError(ConnectionError):
    fmt = 'Failed to connect to proxy URL: "{proxy_url}"'


class ResponseStreamingError(HTTPClientError):
    fmt = "An error occurred while reading from response stream: {error}"


class NoCredentialsError(SquallError):
    """No provider in the chain found credentials; ``attempts`` says why each did not."""

    fmt = "Unable to locate credentials"

    def __init__(self, attempts: tuple[tuple[str, str], ...] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.attempts = tuple(attempts)
        if self.attempts:
            lines = [f"  - {name}: {reason}" for name, reason in self.attempts]
            self.args = (
                self.args[0] + ". Providers tried, in order:\n" + "\n".join(lines),
            )

    def __reduce__(self) -> Any:
        return _rebuild_nocreds, (self.attempts,)


def _rebuild_nocreds(attempts: tuple[tuple[str, str], ...]) -> "NoCredentialsError":
    return NoCredentialsError(attempts=attempts)


class NoAuthTokenError(SquallError):
    """A call signs with a bearer token and no token provider had one; the message names
    the call and says why each provider did not apply (see ``squall.credentials.tokens``)."""

    fmt = "Unable to locate authorization token"

    def __init__(self, attempts: tuple[tuple[str, str], ...] = (), needed_by: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.attempts = tuple(attempts)
        self.needed_by = needed_by
        text = self.args[0]
        if needed_by:
            text += f" for {needed_by} (bearer auth)"
        if self.attempts:
            text += ". Token providers tried, in order:\n" + "\n".join(
                f"  - {name}: {reason}" for name, reason in self.attempts)
        self.args = (text,)

    def __reduce__(self) -> Any:
        return _rebuild_noauthtoken, (self.attempts, self.needed_by)


def _rebuild_noauthtoken(attempts: tuple[tuple[str, str], ...], needed_by: str | None) -> "NoAuthTokenError":
    return NoAuthTokenError(attempts=attempts, needed_by=needed_by)


class PartialCredentialsError(SquallError):
    fmt = "Partial credentials found in {provider}, missing: {cred_var}"


class CredentialRetrievalError(SquallError):
    fmt = "Error when retrieving credentials from {provider}: {error_msg}"


class UnknownSignatureVersionError(SquallError):
    fmt = "Unknown Signature Version: {signature_version}."


class UnsupportedSignatureVersionError(SquallError):
    """A signature the operation uses cannot do what was asked (e.g. presign a bearer call)."""

    fmt = "Signature version(s) are not supported: {signature_version}"


class AsyncUnsupportedError(SquallError):
    """Something the blocking client does that squall's asyncio client does not do yet."""

    fmt = "{what} is not available on squall's asyncio client yet; {instead}"


class NoRegionError(SquallError):
    fmt = (
        "You must specify a region. Set region_name on the Session or client, "
        "AWS_DEFAULT_REGION or AWS_REGION, or 'region' in the profile."
    )


class UnknownEndpointError(SquallError, ValueError):
    fmt = "Unable to construct an endpoint for {service_name} in region {region_name}"


class EndpointResolutionError(SquallError):
    """The endpoint rule set rejected the inputs (its message is the rule's error)."""

    fmt = "{msg}"


class InvalidEndpointConfigurationError(SquallError):
    fmt = "Invalid endpoint configuration: {msg}"


class ProfileNotFound(SquallError):
    fmt = "The config profile ({profile}) could not be found"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        searched = kwargs.get("searched")
        if searched:
            self.args = (self.args[0] + f" in {searched}",)


class ConfigParseError(SquallError):
    fmt = "Unable to parse config file: {path}"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if kwargs.get("lineno") is not None:
            self.args = (
                f"{self.args[0]}, line {kwargs['lineno']}: {kwargs.get('reason', 'cannot be parsed')}",
            )


class ConfigNotFound(SquallError):
    fmt = "The specified config file ({path}) could not be found."


class InvalidConfigError(SquallError):
    fmt = "{error_msg}"


class InvalidRetryConfigurationError(SquallError):
    fmt = 'Cannot provide retry configuration for "{retry_config_option}". Valid retry configuration options are: \'max_attempts\', \'total_max_attempts\', \'mode\''


class InvalidMaxRetryAttemptsError(InvalidRetryConfigurationError):
    fmt = "Value provided to \"max_attempts\": {provided_max_attempts} must be an integer greater than or equal to {min_value}."


class InvalidRetryModeError(InvalidRetryConfigurationError):
    fmt = 'Invalid value provided to "mode": "{provided_retry_mode}" must be one of: {valid_modes}'


class InvalidS3AddressingStyleError(SquallError):
    fmt = "S3 addressing style {s3_addressing_style} is invalid. Valid options are: 'auto', 'virtual', and 'path'"


class InvalidDefaultsMode(SquallError):
    fmt = "Client configured with invalid defaults mode: {mode}. Valid defaults modes include: {valid_modes}."

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if kwargs.get("source"):
            self.args = (f"{self.args[0]} (set by {kwargs['source']})",)


class InvalidSettingError(InvalidConfigError, ValueError):
    """A configured value cannot be used; says which setting, what value and where from."""

    fmt = "Invalid value {value!r} for setting '{setting}' (from {source}): {reason}"


class ValidationError(SquallError):
    fmt = "Invalid value ('{value}') for param {param} of type {type_name} "


class InvalidRegionError(ValidationError, ValueError):
    fmt = "Provided region_name '{region_name}' doesn't match a supported format."


class ParamValidationError(SquallError):
    fmt = "Parameter validation failed:\n{report}"


class InvalidEndpointDiscoveryConfigurationError(SquallError):
    fmt = (
        "Unsupported configuration value for endpoint_discovery_enabled. "
        'Expected one of ("true", "false", "auto") but got {config_value}.'
    )


class EndpointDiscoveryException(SquallError):
    pass


class EndpointDiscoveryRequired(EndpointDiscoveryException):
    fmt = "Endpoint Discovery is not enabled but this operation requires it."


class EndpointDiscoveryRefreshFailed(EndpointDiscoveryException):
    fmt = "Endpoint Discovery failed to refresh the required endpoints."


class UnsupportedS3ControlArnError(SquallError):
    fmt = 'S3 ARN "{arn}" provided is invalid for this operation. {msg}'


class AliasConflictParameterError(ValidationError):
    fmt = (
        "Parameter '{original}' and its alias '{alias}' were provided "
        "for operation {operation}.  Only one of them may be used."
    )


class UnknownServiceStyle(SquallError):
    fmt = "The service style ({service_style}) is not understood."


class PaginationError(SquallError):
    fmt = "Error during pagination: {message}"


class OperationNotPageableError(SquallError):
    fmt = "Operation cannot be paginated: {operation_name}"


class ChecksumError(SquallError):
    fmt = "Expected {checksum_type} hash value of {expected_checksum} for the body but got {actual_checksum}"


class FlexibleChecksumError(SquallError):
    """A request checksum could not be computed, or a response failed its checksum."""

    fmt = "{error_msg}"


class AwsChunkedWrapperError(SquallError):
    fmt = "{error_msg}"


class InvalidChecksumConfigError(SquallError):
    fmt = (
        "Unsupported configuration value for {config_key}. "
        "Expected one of {valid_options} but got {config_value}."
    )


class MissingDependencyException(SquallError):
    fmt = "Missing Dependency: {msg}"


class UnseekableStreamError(SquallError):
    fmt = "Need to rewind the stream {stream_object}, but stream is not seekable."


class WaiterError(SquallError):
    fmt = "Waiter {name} failed: {reason}"

    def __init__(self, name: str, reason: str, last_response: Any) -> None:
        super().__init__(name=name, reason=reason)
        self.last_response = last_response


class IncompleteReadError(SquallError):
    fmt = "{actual_bytes} read, but total bytes expected is {expected_bytes}."


class UnknownClientMethodError(SquallError):
    fmt = "Client does not have method: {method_name}"


class Boto3Error(SquallError):
    """Base of boto3's own errors (``boto3.exceptions.Boto3Error``); made from a message."""

    fmt = "{msg}"

    def __init__(self, msg: str = "", **kwargs: Any) -> None:
        super().__init__(msg=msg, **kwargs)


class ResourceNotExistsError(Boto3Error, DataNotFoundError):
    """``session.resource(name)`` for a service without a resource model."""

    def __init__(self, service_name: str, available_services: list[str], has_low_level_client: bool) -> None:
        msg = (
            f"The '{service_name}' resource does not exist.\n"
            "The available resources are:\n"
            "   - " + "\n   - ".join(available_services) + "\n"
        )
        if has_low_level_client:
            msg += (f"\nConsider using a squall.client('{service_name}') instead of a resource "
                    f"for '{service_name}'")
        super().__init__(msg)
        self.kwargs = {"service_name": service_name, "available_services": available_services,
                       "has_low_level_client": has_low_level_client}
        self.service_name = service_name
        self.available_services = available_services
        self.has_low_level_client = has_low_level_client


class UnknownAPIVersionError(Boto3Error, DataNotFoundError):
    def __init__(self, service_name: str, bad_api_version: str | None, available_api_versions: str) -> None:
        super().__init__(
            f"The '{service_name}' resource does not support an API version of: {bad_api_version}\n"
            f"Valid API versions are: {available_api_versions}"
        )
        self.kwargs = {"service_name": service_name, "bad_api_version": bad_api_version,
                       "available_api_versions": available_api_versions}
        self.service_name = service_name
        self.bad_api_version = bad_api_version
        self.available_api_versions = available_api_versions


class ResourceLoadException(Boto3Error):
    pass


class S3TransferFailedError(Boto3Error):
    pass


class S3UploadFailedError(Boto3Error):
    pass


class RetriesExceededError(Boto3Error):
    def __init__(self, last_exception: BaseException | None, msg: str = "Max Retries Exceeded") -> None:
        super().__init__(msg)
        self.kwargs = {"last_exception": last_exception, "msg": msg}
        self.last_exception = last_exception


class DynamoDBOperationNotSupportedError(Boto3Error):
    """An operator (``&``, ``|``, ``~``) applied to something that is not a condition."""

    def __init__(self, operation: str, value: Any) -> None:
        super().__init__(
            f"{operation} operation cannot be applied to value {value} of type {type(value)} directly. "
            "Must use AttributeBase object methods (i.e. Attr().eq()). to generate ConditionBase "
            "instances first."
        )
        self.kwargs = {"operation": operation, "value": value}


class DynamoDBNeedsConditionError(Boto3Error):
    def __init__(self, value: Any) -> None:
        super().__init__(
            f"Expecting a ConditionBase object. Got {value} of type {type(value)}. Use AttributeBase "
            "object methods (i.e. Attr().eq()). to generate ConditionBase instances."
        )
        self.kwargs = {"value": value}


class DynamoDBNeedsKeyConditionError(Boto3Error):
    pass


class ClientError(Exception):
    """A service answered with an error; ``response`` is botocore's error dict."""

    MSG_TEMPLATE = "An error occurred ({error_code}) when calling the {operation_name} operation{retry_info}: {error_message}"

    def __init__(self, error_response: dict[str, Any], operation_name: str) -> None:
        retry_info = self._retry_info(error_response)
        error = error_response.get("Error", {})
        msg = self.MSG_TEMPLATE.format(
            error_code=error.get("Code", "Unknown"),
            error_message=error.get("Message", "Unknown"),
            operation_name=operation_name,
            retry_info=retry_info,
        )
        super().__init__(msg)
        self.response = error_response
        self.operation_name = operation_name

    @staticmethod
    def _retry_info(response: dict[str, Any]) -> str:
        metadata = response.get("ResponseMetadata", {})
        if metadata.get("MaxAttemptsReached") and "RetryAttempts" in metadata:
            return f" (reached max retries: {metadata['RetryAttempts']})"
        return ""

    def __reduce__(self) -> Any:
        return type(self), (self.response, self.operation_name)


class EventStreamError(ClientError):
    """An error event arrived on a response event stream."""


# Credential-provider errors live beside their providers; they are reachable here under
# botocore's names too (loaded on first access, which also avoids an import cycle).
_CREDENTIAL_ERRORS = frozenset({
    "InfiniteLoopConfigError", "RefreshWithMFAUnsupportedError", "MetadataRetrievalError",
    "UnknownCredentialError", "InvalidIMDSEndpointError", "InvalidIMDSEndpointModeError",
    "SSOError", "SSOTokenLoadError", "UnauthorizedSSOTokenError", "TokenRetrievalError",
    "LoginError", "LoginRefreshRequired", "LoginInsufficientPermissions", "LoginTokenLoadError",
    "CredentialProcessError", "ContainerHostNotAllowedError",
})


_RUNTIME_ERRORS = {"WaiterConfigError": "waiter", "InvalidExpressionError": "paginate"}


def __getattr__(name: str) -> Any:
    if name in _CREDENTIAL_ERRORS:
        from .credentials import _errors

        return getattr(_errors, name)
    if name in _RUNTIME_ERRORS:
        import importlib

        return getattr(importlib.import_module(f"squall.runtime.{_RUNTIME_ERRORS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
