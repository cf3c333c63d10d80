"""Glacier: ``accountId`` defaults to ``-``; API version header; SHA-256 and tree-hash
headers on uploads."""
from __future__ import annotations

import hashlib
import io
from typing import Any, BinaryIO, Mapping

from ..http import SerializedRequest
from ..models import OperationModel
from . import Customizations

_MIB = 1024 * 1024


def default_account_id(op: OperationModel, params: Mapping[str, Any]) -> Mapping[str, Any]:
    if params.get("accountId") is None:
        return {**params, "accountId": "-"}
    return params


def tree_hash(body: BinaryIO) -> str:
    """The Glacier tree hash: SHA-256 of 1 MiB chunks, combined pairwise up to one root."""
    level = [hashlib.sha256(chunk).digest() for chunk in iter(lambda: body.read(_MIB), b"")]
    if not level:
        return hashlib.sha256(b"").hexdigest()
    while len(level) > 1:
        level = [
            hashlib.sha256(level[i] + level[i + 1]).digest() if i + 1 < len(level) else level[i]
            for i in range(0, len(level), 2)
        ]
    return level[0].hex()


def _checksums(request: SerializedRequest) -> SerializedRequest:
    body: Any = request.body
    stream: BinaryIO = io.BytesIO(body) if isinstance(body, (bytes, bytearray)) else body
    start = stream.tell()
    headers = {k.lower(): v for k, v in request.headers.items()}
    extra: dict[str, str] = {}
    if "x-amz-content-sha256" not in headers:
        digest = hashlib.sha256()
        for chunk in iter(lambda: stream.read(_MIB), b""):
            digest.update(chunk)
        extra["x-amz-content-sha256"] = digest.hexdigest()
        stream.seek(start)
    if "x-amz-sha256-tree-hash" not in headers:
        extra["x-amz-sha256-tree-hash"] = tree_hash(stream)
        stream.seek(start)
    return request.with_headers(extra) if extra else request


def after_serialize(op: OperationModel, params: Mapping[str, Any], request: SerializedRequest) -> SerializedRequest:
    request = request.with_headers({"x-amz-glacier-version": op.service_model.api_version})
    if op.name in ("UploadArchive", "UploadMultipartPart"):
        request = _checksums(request)
    return request


CUSTOMIZATIONS = Customizations(before_parameter_build=default_account_id, after_serialize=after_serialize)
