"""HTTP values and transports. The only package in squall that performs network I/O."""
from ._values import HttpRequest, HttpResponse, SerializedRequest, encode_query, join_url

__all__ = ["HttpRequest", "HttpResponse", "SerializedRequest", "encode_query", "join_url"]
