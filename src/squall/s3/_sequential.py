"""A transfer manager that does one request at a time, correctly for any size.

It follows s3transfer's protocol so objects come out the same as with boto3: one
PutObject below ``multipart_threshold``, otherwise CreateMultipartUpload, UploadPart per
chunk (chunks grown to stay within 10,000 parts and at least 5 MiB) and
CompleteMultipartUpload, aborting the upload on failure; downloads HEAD the object, then
GET it whole or in ranges pinned to its ETag, retrying a part whose body fails midway
and writing files through a temporary name; copies use CopyObject or UploadPartCopy.
Only one part is held in memory at a time.
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
from typing import IO, Any, Callable, Iterator, Mapping

from ..exceptions import (
    ClientError, ConnectionClosedError, IncompleteReadError, ReadTimeoutError, ResponseStreamingError,
    RetriesExceededError, S3TransferFailedError,
)
from .transfer import (
    ALLOWED_COPY_ARGS, ALLOWED_DOWNLOAD_ARGS, ALLOWED_UPLOAD_ARGS, FULL_OBJECT_CHECKSUM_ARGS, GB, MB,
    ProgressCallback, TransferConfig,
)

__all__ = ["SequentialTransferManager", "adjust_chunksize", "range_parameter"]

log = logging.getLogger(__name__)

MAX_PARTS = 10_000
MIN_PART_SIZE = 5 * MB
MAX_PART_SIZE = 5 * GB

# Failures while reading a body that a new GET of the same range can fix.
_RETRYABLE_DOWNLOAD_ERRORS = (
    socket.timeout, OSError, ReadTimeoutError, IncompleteReadError, ResponseStreamingError, ConnectionClosedError,
)

# Which of the caller's extra args go to which call (s3transfer's lists).
_PUT_OBJECT_BLOCKLIST = ("ChecksumType", "MpuObjectSize")
_CREATE_MULTIPART_BLOCKLIST = FULL_OBJECT_CHECKSUM_ARGS + ("MpuObjectSize",)
_UPLOAD_PART_ARGS = ("ChecksumAlgorithm", "SSECustomerKey", "SSECustomerAlgorithm", "SSECustomerKeyMD5",
                     "RequestPayer", "ExpectedBucketOwner")
_COMPLETE_MULTIPART_ARGS = ("SSECustomerKey", "SSECustomerAlgorithm", "SSECustomerKeyMD5", "RequestPayer",
                            "ExpectedBucketOwner", "ChecksumType", "MpuObjectSize") + FULL_OBJECT_CHECKSUM_ARGS
_ABORT_ARGS = ("RequestPayer", "ExpectedBucketOwner")
_COPY_TO_HEAD_ARGS = {
    "CopySourceIfMatch": "IfMatch", "CopySourceIfModifiedSince": "IfModifiedSince",
    "CopySourceIfNoneMatch": "IfNoneMatch", "CopySourceIfUnmodifiedSince": "IfUnmodifiedSince",
    "CopySourceSSECustomerKey": "SSECustomerKey", "CopySourceSSECustomerAlgorithm": "SSECustomerAlgorithm",
    "CopySourceSSECustomerKeyMD5": "SSECustomerKeyMD5", "RequestPayer": "RequestPayer",
    "ExpectedBucketOwner": "ExpectedBucketOwner",
}
_UPLOAD_PART_COPY_ARGS = (
    "CopySourceIfMatch", "CopySourceIfModifiedSince", "CopySourceIfNoneMatch", "CopySourceIfUnmodifiedSince",
    "CopySourceSSECustomerKey", "CopySourceSSECustomerAlgorithm", "CopySourceSSECustomerKeyMD5",
    "SSECustomerKey", "SSECustomerAlgorithm", "SSECustomerKeyMD5", "RequestPayer", "ExpectedBucketOwner",
)
_COPY_CREATE_MULTIPART_BLOCKLIST = (
    "CopySourceIfMatch", "CopySourceIfModifiedSince", "CopySourceIfNoneMatch", "CopySourceIfUnmodifiedSince",
    "CopySourceSSECustomerKey", "CopySourceSSECustomerAlgorithm", "CopySourceSSECustomerKeyMD5",
    "MetadataDirective", "TaggingDirective",
)
_COPY_COMPLETE_ARGS = ("SSECustomerKey", "SSECustomerAlgorithm", "SSECustomerKeyMD5", "RequestPayer",
                       "ExpectedBucketOwner")


def adjust_chunksize(chunksize: int, size: int | None = None) -> int:
    """Grow the part size until the object fits in 10,000 parts; keep it in [5 MiB, 5 GiB]."""
    if size is not None:
        while -(-size // chunksize) > MAX_PARTS:
            chunksize *= 2
    return min(max(chunksize, MIN_PART_SIZE), MAX_PART_SIZE)


def range_parameter(part_size: int, index: int, num_parts: int, total_size: int | None = None) -> str:
    """``bytes=start-end`` for part ``index``; the last part is open-ended unless the size is given."""
    start = index * part_size
    if index == num_parts - 1:
        end = "" if total_size is None else str(total_size - 1)
    else:
        end = str(start + part_size - 1)
    return f"bytes={start}-{end}"


def _only(args: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in args.items() if k in allowed}


def _without(args: Mapping[str, Any], blocked: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in args.items() if k not in blocked}


def _validate(args: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key in args:
        if key not in allowed:
            raise ValueError(f"Invalid extra_args key '{key}', must be one of: {', '.join(allowed)}")


def _progress(callback: ProgressCallback | None) -> Callable[[int], None]:
    def report(amount: int) -> None:
        if callback is not None and amount:
            callback(amount)

    return report


class SequentialTransferManager:
    """``TransferManager`` that performs each transfer in the calling thread."""

    def __init__(self, client: Any, config: TransferConfig) -> None:
        self._client = client
        self._config = config

    def __enter__(self) -> "SequentialTransferManager":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        return None  # nothing pooled: requests go through the client's own pool

    # -- upload ---------------------------------------------------------------------
    def upload(
        self, source: Any, bucket: str, key: str, extra_args: Mapping[str, Any] | None = None,
        callback: ProgressCallback | None = None,
    ) -> None:
        args = dict(extra_args or {})
        _validate(args, ALLOWED_UPLOAD_ARGS)
        if self._checksum_by_default() and not any(c in args for c in FULL_OBJECT_CHECKSUM_ARGS):
            args.setdefault("ChecksumAlgorithm", "CRC32")  # as s3transfer: uploads carry CRC32
        progress = _progress(callback)
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as fh:
                self._upload_stream(fh, os.fstat(fh.fileno()).st_size, bucket, key, args, progress)
            return
        if not hasattr(source, "read"):
            raise ValueError("Fileobj must implement read")
        self._upload_stream(source, _remaining_size(source), bucket, key, args, progress)

    def _checksum_by_default(self) -> bool:
        payload = getattr(getattr(self._client, "_context", None), "payload", None)
        setting = getattr(payload, "request_checksum_calculation", None) or getattr(
            self._client.meta.config, "request_checksum_calculation", None) or "when_supported"
        return str(setting) == "when_supported"

    def _upload_stream(
        self, stream: IO[bytes], size: int | None, bucket: str, key: str, args: dict[str, Any],
        progress: Callable[[int], None],
    ) -> None:
        threshold = self._config.multipart_threshold
        if size is not None and size < threshold:
            body = stream.read(size)
            self._put(body, bucket, key, args, progress)
            return
        # Unknown size: read up to the threshold first; a short stream is one PutObject.
        chunksize = adjust_chunksize(self._config.multipart_chunksize, size)
        first = _read_exactly(stream, threshold if size is None else chunksize)
        if size is None and len(first) < threshold:
            self._put(first, bucket, key, args, progress)
            return
        self._multipart(_chunks(stream, first, chunksize), bucket, key, args, progress)

    def _put(self, body: bytes, bucket: str, key: str, args: dict[str, Any], progress: Callable[[int], None]) -> None:
        self._client.put_object(Bucket=bucket, Key=key, Body=body, **_without(args, _PUT_OBJECT_BLOCKLIST))
        progress(len(body))

    def _multipart(
        self, chunks: Iterator[bytes], bucket: str, key: str, args: dict[str, Any], progress: Callable[[int], None],
    ) -> None:
        for checksum in FULL_OBJECT_CHECKSUM_ARGS:  # a whole-object checksum given by the caller
            if checksum in args:
                args["ChecksumType"] = "FULL_OBJECT"
                args["ChecksumAlgorithm"] = checksum.replace("Checksum", "")
        upload_id = self._client.create_multipart_upload(
            Bucket=bucket, Key=key, **_without(args, _CREATE_MULTIPART_BLOCKLIST))["UploadId"]
        part_args = _only(args, _UPLOAD_PART_ARGS)
        algorithm = args.get("ChecksumAlgorithm")
        parts = []
        try:
            for number, chunk in enumerate(chunks, start=1):
                response = self._client.upload_part(
                    Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=chunk, **part_args)
                part = {"ETag": response["ETag"], "PartNumber": number}
                if algorithm:
                    member = f"Checksum{str(algorithm).upper()}"
                    if member in response:
                        part[member] = response[member]
                parts.append(part)
                progress(len(chunk))
            self._client.complete_multipart_upload(
                Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts},
                **_only(args, _COMPLETE_MULTIPART_ARGS))
        except BaseException:
            self._abort(bucket, key, upload_id, args)
            raise

    def _abort(self, bucket: str, key: str, upload_id: str, args: Mapping[str, Any]) -> None:
        try:
            self._client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, **_only(args, _ABORT_ARGS))
        except Exception:  # noqa: BLE001 - the original failure is the one to report
            log.debug("Could not abort multipart upload %s of %s/%s", upload_id, bucket, key, exc_info=True)

    # -- download -------------------------------------------------------------------
    def download(
        self, bucket: str, key: str, target: Any, extra_args: Mapping[str, Any] | None = None,
        callback: ProgressCallback | None = None,
    ) -> None:
        args = dict(extra_args or {})
        _validate(args, ALLOWED_DOWNLOAD_ARGS)
        if isinstance(target, (str, os.PathLike)):
            self._download_to_file(bucket, key, os.fspath(target), args, callback)
            return
        if not hasattr(target, "write"):
            raise ValueError("Fileobj must implement write")
        self._download_into(bucket, key, target, args, _progress(callback))

    def _download_to_file(
        self, bucket: str, key: str, filename: str, args: dict[str, Any], callback: ProgressCallback | None,
    ) -> None:
        # Written under a temporary name and renamed when complete, so a failed download
        # never leaves a truncated file where the caller expects the object.
        temp = f"{filename}{os.extsep}{secrets.token_hex(4)}"
        try:
            with open(temp, "wb") as fh:
                self._download_into(bucket, key, fh, args, _progress(callback))
            os.replace(temp, filename)
        except BaseException:
            try:
                os.remove(temp)
            except OSError:
                pass
            raise

    def _download_into(
        self, bucket: str, key: str, out: IO[bytes], args: dict[str, Any], progress: Callable[[int], None],
    ) -> None:
        head = self._client.head_object(Bucket=bucket, Key=key, **args)
        size = int(head.get("ContentLength", 0))
        etag = head.get("ETag")
        if size < self._config.multipart_threshold:
            self._get_part(bucket, key, args, out, progress)
            return
        part_size = self._config.multipart_chunksize
        num_parts = -(-size // part_size)
        for index in range(num_parts):
            part_args = {"Range": range_parameter(part_size, index, num_parts)}
            if etag is not None:
                part_args["IfMatch"] = etag  # the object must not change between parts
            part_args.update(args)
            self._get_part(bucket, key, part_args, out, progress)

    def _get_part(
        self, bucket: str, key: str, args: Mapping[str, Any], out: IO[bytes], progress: Callable[[int], None],
    ) -> None:
        """One GET, its body held in memory until complete (at most one part), retried
        when the body fails midway; progress is taken back for a failed attempt."""
        last: BaseException | None = None
        for _ in range(self._config.num_download_attempts):
            received: list[bytes] = []
            got = 0
            try:
                body = self._client.get_object(Bucket=bucket, Key=key, **args)["Body"]
                try:
                    for chunk in iter(lambda: body.read(self._config.io_chunksize), b""):
                        received.append(chunk)
                        got += len(chunk)
                        progress(len(chunk))
                finally:
                    body.close()
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "PreconditionFailed":
                    raise S3TransferFailedError(
                        f'Contents of stored object "{key}" in bucket "{bucket}" did not match expected ETag.'
                    ) from exc
                raise
            except _RETRYABLE_DOWNLOAD_ERRORS as exc:
                log.debug("Retrying download of %s/%s after %r", bucket, key, exc)
                last = exc
                progress(-got)
                continue
            for chunk in received:
                out.write(chunk)
            return
        raise RetriesExceededError(last)

    # -- copy -----------------------------------------------------------------------
    def copy(
        self, copy_source: Mapping[str, Any], bucket: str, key: str, extra_args: Mapping[str, Any] | None = None,
        callback: ProgressCallback | None = None, source_client: Any = None,
    ) -> None:
        args = dict(extra_args or {})
        _validate(args, ALLOWED_COPY_ARGS)
        if not isinstance(copy_source, dict):
            raise TypeError(
                'Expecting dictionary formatted: {"Bucket": bucket_name, "Key": key} '
                f"but got {copy_source} or type {type(copy_source)}."
            )
        progress = _progress(callback)
        head_args = dict(copy_source)
        for name, value in args.items():
            if name in _COPY_TO_HEAD_ARGS:
                head_args[_COPY_TO_HEAD_ARGS[name]] = value
        head = (source_client or self._client).head_object(**head_args)
        size = int(head.get("ContentLength", 0))
        if size < self._config.multipart_threshold:
            self._client.copy_object(CopySource=copy_source, Bucket=bucket, Key=key, **args)
            progress(size)
            return
        etag = head.get("ETag")
        upload_id = self._client.create_multipart_upload(
            Bucket=bucket, Key=key, **_without(args, _COPY_CREATE_MULTIPART_BLOCKLIST))["UploadId"]
        part_size = adjust_chunksize(self._config.multipart_chunksize, size)
        num_parts = -(-size // part_size)
        algorithm = args.get("ChecksumAlgorithm")
        parts = []
        try:
            for index in range(num_parts):
                part_args = _only(args, _UPLOAD_PART_COPY_ARGS)
                part_args["CopySourceRange"] = range_parameter(part_size, index, num_parts, size)
                if etag is not None:
                    part_args["CopySourceIfMatch"] = etag
                response = self._client.upload_part_copy(
                    CopySource=copy_source, Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=index + 1,
                    **part_args)
                result = response["CopyPartResult"]
                part = {"ETag": result["ETag"], "PartNumber": index + 1}
                if algorithm:
                    member = f"Checksum{str(algorithm).upper()}"
                    if member in result:
                        part[member] = result[member]
                parts.append(part)
                progress(size - index * part_size if index == num_parts - 1 else part_size)
            self._client.complete_multipart_upload(
                Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts},
                **_only(args, _COPY_COMPLETE_ARGS))
        except BaseException:
            self._abort(bucket, key, upload_id, args)
            raise


def _remaining_size(stream: Any) -> int | None:
    """Bytes left in a seekable stream, or None when it cannot seek."""
    try:
        if not stream.seekable():
            return None
        here = stream.tell()
        end = stream.seek(0, os.SEEK_END)
        stream.seek(here)
        return int(end - here)
    except (AttributeError, OSError, ValueError):
        return None


def _read_exactly(stream: IO[bytes], amount: int) -> bytes:
    """Up to ``amount`` bytes; fewer only at the end of the stream (raw reads may be short)."""
    pieces = []
    remaining = amount
    while remaining > 0:
        piece = stream.read(remaining)
        if not piece:
            break
        if isinstance(piece, str):
            piece = piece.encode("utf-8")
        pieces.append(piece)
        remaining -= len(piece)
    return b"".join(pieces)


def _chunks(stream: IO[bytes], first: bytes, chunksize: int) -> Iterator[bytes]:
    """Parts of exactly ``chunksize`` bytes (the last may be shorter): ``first`` (already
    read) then the rest of the stream. An empty object is one empty part."""
    pending = first
    yielded = False
    while True:
        if len(pending) < chunksize:
            pending += _read_exactly(stream, chunksize - len(pending))
        chunk, pending = pending[:chunksize], pending[chunksize:]
        if chunk or not yielded:
            yield chunk
            yielded = True
        if len(chunk) < chunksize:
            return
