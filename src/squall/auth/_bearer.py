"""Bearer-token auth (RFC 6750 section 2.1), as used by services such as CodeCatalyst."""
from __future__ import annotations

from ..http._values import HttpRequest

__all__ = ["sign_bearer"]


def sign_bearer(request: HttpRequest, *, token: str) -> HttpRequest:
    """A copy of ``request`` with ``Authorization: Bearer <token>`` (replacing any)."""
    if not token:
        # botocore raises NoAuthTokenError here; callers resolve the token first.
        raise ValueError("a bearer token is required to sign this request")
    return request.with_headers({"Authorization": f"Bearer {token}"})
