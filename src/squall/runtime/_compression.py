"""Request compression (the ``requestcompression`` trait), as botocore's compress.py.

An operation that lists encodings (only gzip exists; CloudWatch ``PutMetricData`` uses
it) has its body compressed unless ``disable_request_compression``: a streaming body
always (unless its shape ``requiresLength``), any other body once it is at least
``request_min_compression_size_bytes`` long (10 KiB by default). The encoding is
appended to any ``Content-Encoding`` already set. A seekable stream is compressed from
where it is and left there; a one-shot stream is consumed.

gzip output uses mtime 0, so the same body always compresses to the same bytes (and
the core reads no clock).
"""
from __future__ import annotations

import gzip
import io
from typing import Any, Callable

from ..http import HttpRequest
from ..models import OperationModel
from ._bodies import content_length, is_seekable

__all__ = ["maybe_compress", "should_compress", "gzip_body"]


def _compressible(body: Any) -> bool:
    return isinstance(body, (str, bytes, bytearray)) or hasattr(body, "read")


def should_compress(op: OperationModel, body: Any, *, disabled: bool, min_size: int) -> bool:
    if disabled or op.request_compression is None or not _compressible(body):
        return False
    if op.has_streaming_input:
        shape = op.input_shape
        payload = shape.serialization.get("payload") if shape is not None else None
        member = shape.members[payload] if shape is not None and payload else None
        return member is None or "requiresLength" not in member.metadata
    size = content_length(body)
    return min_size <= (size or 0)


def gzip_body(body: Any) -> bytes:
    if isinstance(body, str):
        return gzip.compress(body.encode("utf-8"), mtime=0)
    if isinstance(body, (bytes, bytearray)):
        return gzip.compress(bytes(body), mtime=0)
    position = body.tell() if is_seekable(body) else None
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
        while chunk := body.read(8192):
            gz.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
    if position is not None:
        body.seek(position)
    return out.getvalue()


_ENCODERS: dict[str, Callable[[Any], bytes]] = {"gzip": gzip_body}


def maybe_compress(op: OperationModel, request: HttpRequest, *, disabled: bool, min_size: int) -> HttpRequest:
    """``request`` with its body compressed by the first supported modelled encoding."""
    if not should_compress(op, request.body, disabled=disabled, min_size=min_size):
        return request
    for encoding in (op.request_compression or {}).get("encodings", ()):
        encoder = _ENCODERS.get(encoding)
        if encoder is None:
            continue
        headers = dict(request.headers)
        key = next((k for k in headers if k.lower() == "content-encoding"), None)
        if key is None:
            headers["Content-Encoding"] = encoding
        else:
            headers[key] = f"{headers[key]},{encoding}"
        return request.replace(headers=headers, body=encoder(request.body))
    return request
