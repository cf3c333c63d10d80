"""S3 transfers: the settings, the interface a transfer manager offers, and the factory.

``upload_file``, ``download_file``, ``upload_fileobj``, ``download_fileobj`` and ``copy``
(on the S3 client, ``Bucket`` and ``Object``) all go through ``create_transfer_manager``.
Today it returns ``SequentialTransferManager``: correct for any size (multipart above
``multipart_threshold``, ranged downloads with per-part retries), one request at a time.
A concurrent manager will replace it behind the same ``TransferManager`` interface;
nothing else changes. ``S3Transfer`` is boto3's wrapper class, for code that uses it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import IO, Any, Callable, Mapping, Protocol, Union

from ..exceptions import ClientError, S3UploadFailedError

__all__ = [
    "KB", "MB", "GB", "TransferConfig", "TransferManager", "ProgressCallback", "create_transfer_manager",
    "S3Transfer", "ALLOWED_DOWNLOAD_ARGS", "ALLOWED_UPLOAD_ARGS", "ALLOWED_COPY_ARGS",
    "FULL_OBJECT_CHECKSUM_ARGS",
]

KB = 1024
MB = KB * KB
GB = MB * KB

ProgressCallback = Callable[[int], Any]
Source = Union[str, "os.PathLike[str]", IO[bytes]]

ALLOWED_DOWNLOAD_ARGS = (
    "ChecksumMode", "VersionId", "SSECustomerAlgorithm", "SSECustomerKey", "SSECustomerKeyMD5",
    "RequestPayer", "ExpectedBucketOwner",
)
FULL_OBJECT_CHECKSUM_ARGS = (
    "ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumMD5", "ChecksumSHA1",
    "ChecksumSHA256", "ChecksumSHA512", "ChecksumXXHASH3", "ChecksumXXHASH64", "ChecksumXXHASH128",
)
_ALLOWED_SHARED_ARGS = (
    "ACL", "CacheControl", "ChecksumAlgorithm", "ContentDisposition", "ContentEncoding",
    "ContentLanguage", "ContentType", "ExpectedBucketOwner", "Expires", "GrantFullControl",
    "GrantRead", "GrantReadACP", "GrantWriteACP", "Metadata", "ObjectLockLegalHoldStatus",
    "ObjectLockMode", "ObjectLockRetainUntilDate", "RequestPayer", "ServerSideEncryption",
    "StorageClass", "SSECustomerAlgorithm", "SSECustomerKey", "SSECustomerKeyMD5", "SSEKMSKeyId",
    "SSEKMSEncryptionContext", "Tagging", "WebsiteRedirectLocation",
)
ALLOWED_UPLOAD_ARGS = _ALLOWED_SHARED_ARGS + ("ChecksumType", "MpuObjectSize") + FULL_OBJECT_CHECKSUM_ARGS
ALLOWED_COPY_ARGS = _ALLOWED_SHARED_ARGS + (
    "CopySourceIfMatch", "CopySourceIfModifiedSince", "CopySourceIfNoneMatch",
    "CopySourceIfUnmodifiedSince", "CopySourceSSECustomerAlgorithm", "CopySourceSSECustomerKey",
    "CopySourceSSECustomerKeyMD5", "MetadataDirective", "TaggingDirective",
)


@dataclass(frozen=True, slots=True)
class TransferConfig:
    """boto3's ``TransferConfig``, same names, order and defaults; an immutable value
    (use ``dataclasses.replace`` for a variant).

    ``max_concurrency``, ``max_io_queue``, ``use_threads`` and ``max_bandwidth`` are
    accepted for the concurrent manager; the sequential one sends one request at a time.
    """

    multipart_threshold: int = 8 * MB
    max_concurrency: int = 10
    multipart_chunksize: int = 8 * MB
    num_download_attempts: int = 5
    max_io_queue: int = 100
    io_chunksize: int = 256 * KB
    use_threads: bool = True
    max_bandwidth: int | None = None
    preferred_transfer_client: str = "auto"

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0:
                raise ValueError(f"Provided parameter {f.name} of value {value} must be greater than 0.")

    # s3transfer's names for two of the settings.
    @property
    def max_request_concurrency(self) -> int:
        return self.max_concurrency

    @property
    def max_io_queue_size(self) -> int:
        return self.max_io_queue


class TransferManager(Protocol):
    """What the S3 transfer methods need from a transfer manager. Each call returns when
    the transfer is complete, or raises (``ClientError``, ``RetriesExceededError``, ...)."""

    def upload(
        self, source: Source, bucket: str, key: str, extra_args: Mapping[str, Any] | None = None,
        callback: ProgressCallback | None = None,
    ) -> None: ...

    def download(
        self, bucket: str, key: str, target: Source, extra_args: Mapping[str, Any] | None = None,
        callback: ProgressCallback | None = None,
    ) -> None: ...

    def copy(
        self, copy_source: Mapping[str, Any], bucket: str, key: str, extra_args: Mapping[str, Any] | None = None,
        callback: ProgressCallback | None = None, source_client: Any = None,
    ) -> None: ...

    def close(self) -> None: ...


def create_transfer_manager(client: Any, config: TransferConfig | None = None) -> TransferManager:
    """The transfer manager for ``client`` (the one place that picks the implementation)."""
    from ._sequential import SequentialTransferManager

    return SequentialTransferManager(client, config or TransferConfig())


class S3Transfer:
    """boto3's ``S3Transfer``: ``upload_file``/``download_file`` over a transfer manager."""

    ALLOWED_DOWNLOAD_ARGS = list(ALLOWED_DOWNLOAD_ARGS)
    ALLOWED_UPLOAD_ARGS = list(ALLOWED_UPLOAD_ARGS)
    ALLOWED_COPY_ARGS = list(ALLOWED_COPY_ARGS)

    def __init__(self, client: Any = None, config: TransferConfig | None = None, osutil: Any = None,
                 manager: TransferManager | None = None) -> None:
        if not client and not manager:
            raise ValueError("Either a squall client or a TransferManager must be provided")
        if manager and any([client, config, osutil]):
            raise ValueError(
                "Manager cannot be provided with client, config, nor osutil. These parameters are mutually exclusive."
            )
        self._manager = manager or create_transfer_manager(client, config or TransferConfig())

    def upload_file(self, filename: Any, bucket: str, key: str, callback: ProgressCallback | None = None,
                    extra_args: Mapping[str, Any] | None = None) -> None:
        filename = _filename(filename)
        try:
            self._manager.upload(filename, bucket, key, extra_args, callback)
        except ClientError as exc:
            raise S3UploadFailedError(f"Failed to upload {filename} to {bucket}/{key}: {exc}") from exc

    def download_file(self, bucket: str, key: str, filename: Any, extra_args: Mapping[str, Any] | None = None,
                      callback: ProgressCallback | None = None) -> None:
        self._manager.download(bucket, key, _filename(filename), extra_args, callback)

    def __enter__(self) -> "S3Transfer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self._manager.close()


def _filename(filename: Any) -> str:
    if isinstance(filename, os.PathLike):
        filename = os.fspath(filename)
    if not isinstance(filename, str):
        raise ValueError("Filename must be a string or a path-like object")
    return filename
