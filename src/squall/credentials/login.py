"""``login``: credentials of an ``aws login`` session (profiles with ``login_session``).

The session lives in ``AWS_LOGIN_CACHE_DIRECTORY`` or ``~/.aws/login/cache``, file
``<sha256(login_session)>.json``. Its cached keys are used as they are (even expired:
the first use then refreshes). A refresh re-reads the file (another process may have
refreshed already), else calls sign-in ``CreateOAuth2Token`` with the refresh token and a
DPoP proof (an ES256 JWT signed with the session's EC P-256 key), and writes the new keys
and refresh token back. DPoP needs the ``cryptography`` package, imported only then.
"""
from __future__ import annotations

import base64
import json
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from datetime import datetime
from typing import Any, Callable, Mapping

from ..exceptions import ClientError
from ..http import HttpRequest
from ._common import Found, ProfileView, Skipped, after, format_time, parse_time, seconds_left
from ._effects import CallService, Flow, Now
from ._errors import (
    LoginError, LoginInsufficientPermissions, LoginRefreshRequired, LoginTokenLoadError,
    MissingDependencyException,
)
from ._values import Credentials
from .cache import entry_path, load_entry, login_cache_key, save_entry
from .refreshable import RefreshableCredentials

__all__ = ["LoginProvider", "dpop_header", "load_dpop_key"]

_REQUIRED = ("accessToken", "refreshToken", "dpopKey", "clientId")
_REFRESH_THRESHOLD_SECONDS = 5 * 60


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def load_dpop_key(pem: str) -> Any:
    """The session's EC private key (PKCS#8 PEM body, as the CLI writes it)."""
    try:
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.serialization import load_der_private_key
    except ImportError:
        raise MissingDependencyException(msg=(
            "Refreshing an 'aws login' session needs the 'cryptography' package for its DPoP "
            "proof: pip install cryptography"
        )) from None
    body = "".join(line for line in pem.splitlines() if not line.startswith("-----")).strip()
    try:
        key = load_der_private_key(base64.b64decode(body), password=None)
    except (ValueError, TypeError):
        raise LoginTokenLoadError(error_msg="Unable to load private key from cached token.") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise LoginTokenLoadError(error_msg="The cached DPoP key is not an EC P-256 key.")
    return key


def dpop_header(private_key: Any, url: str, *, iat: int, jti: str) -> str:
    """An RFC 9449 DPoP proof for ``POST url``: ES256 over a JWT carrying the public key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    numbers = private_key.public_key().public_numbers()
    header = {
        "typ": "dpop+jwt",
        "alg": "ES256",
        "jwk": {
            "kty": "EC",
            "x": _b64url(numbers.x.to_bytes(32, "big")),
            "y": _b64url(numbers.y.to_bytes(32, "big")),
            "crv": "P-256",
        },
    }
    payload = {"htm": "POST", "htu": url, "iat": iat, "jti": jti}
    signing_input = (
        _b64url(json.dumps(header, separators=(",", ":")).encode())
        + "." + _b64url(json.dumps(payload, separators=(",", ":")).encode())
    )
    r, s = decode_dss_signature(private_key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return f"{signing_input}.{_b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def _dpop_hook(private_key: Any, now: datetime) -> Callable[[HttpRequest], HttpRequest]:
    import uuid  # imported when a login token is refreshed, not with the chain

    iat, jti = int(now.timestamp()), str(uuid.uuid4())

    def hook(request: HttpRequest) -> HttpRequest:
        return request.with_headers({"DPoP": dpop_header(private_key, request.url, iat=iat, jti=jti)})

    return hook


def _to_credentials(token: Mapping[str, Any], source: str) -> Credentials:
    try:
        access = token["accessToken"]
        return Credentials(
            access_key=access["accessKeyId"], secret_key=access["secretAccessKey"],
            token=access["sessionToken"], account_id=access.get("accountId"),
            expiry=parse_time(access["expiresAt"]), method="login", source=source,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LoginTokenLoadError(error_msg=f"Failed to load access token from token cache: bad {exc}.") from None


@dataclass(frozen=True, slots=True, repr=False)
class LoginProvider:
    profile: ProfileView
    cache_dir: str
    region: str | None = None
    method: str = "login"

    def load(self) -> Flow[Found | Skipped]:
        session = self.profile.get("login_session")
        if session is None:
            return Skipped(f"profile {self.profile.name} has no login_session")
        key = login_cache_key(session)
        path = entry_path(self.cache_dir, key)
        source = f"login_session {session} ({self.profile.source('login_session')}; cache {path})"
        token = yield from load_entry(self.cache_dir, key)
        if token is None:
            raise LoginTokenLoadError(error_msg=(
                f"Unable to load a existing login session for session {session}. "
                "Please reauthenticate with 'aws login'."
            ))
        missing = [k for k in _REQUIRED if k not in token]
        if missing:
            raise LoginTokenLoadError(error_msg=(
                f"Failed to load access token from token cache, missing required fields: {', '.join(missing)}."
            ))
        return RefreshableCredentials(
            method=self.method, current=_to_credentials(token, source), source=source,
            refresh=lambda: self._refresh(session, key, source),
        )

    def _refresh(self, session: str, key: str, source: str) -> Flow[Credentials]:
        token = yield from load_entry(self.cache_dir, key)
        if token is None or "dpopKey" not in token:
            raise LoginTokenLoadError(error_msg="Private key not found in cached token.")
        now = yield Now()
        access = token.get("accessToken")
        if isinstance(access, Mapping) and "expiresAt" in access:
            # Someone (another process, the CLI) may have refreshed it already.
            if seconds_left(access["expiresAt"], now) > _REFRESH_THRESHOLD_SECONDS:
                return _to_credentials(token, source)
        private_key = load_dpop_key(token["dpopKey"])
        try:
            response = yield CallService(
                "signin", "CreateOAuth2Token",
                {"tokenInput": {"clientId": token["clientId"], "refreshToken": token["refreshToken"],
                                "grantType": "refresh_token"}},
                self.region, None, _dpop_hook(private_key, now),
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "AccessDeniedException":
                raise
            error_type = exc.response.get("error", "")
            if error_type in ("TOKEN_EXPIRED", "USER_CREDENTIALS_CHANGED"):
                raise LoginRefreshRequired() from exc
            if error_type == "INSUFFICIENT_PERMISSIONS":
                raise LoginInsufficientPermissions() from exc
            raise LoginError() from exc
        output = (response or {}).get("tokenOutput")
        if not output:
            raise LoginTokenLoadError(error_msg=(
                "Unable to refresh access token due to an invalid service response. Please try "
                "running 'aws login' again. If the issue persists, there may be a temporary "
                "signin service problem."
            ))
        token.update({
            "accessToken": {
                "accessKeyId": output["accessToken"]["accessKeyId"],
                "secretAccessKey": output["accessToken"]["secretAccessKey"],
                "sessionToken": output["accessToken"]["sessionToken"],
                "accountId": (access or {}).get("accountId"),
                "expiresAt": format_time(after(now, output["expiresIn"])),
            },
            "refreshToken": output["refreshToken"],
        })
        yield from save_entry(self.cache_dir, key, token)
        return _to_credentials(token, source)

    def __repr__(self) -> str:
        return f"LoginProvider(profile={self.profile.name!r})"
