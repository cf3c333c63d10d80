"""Loopback servers for the credential tests: IMDS, the container endpoint, the SSO
portal and SSO-OIDC, and sign-in. Each can misbehave on cue (slow, 404, 401 on the
token, garbage JSON, expired credentials) and records the requests it received.

Never the real 169.254.x addresses: tests point squall (and botocore) at these with
``ec2_metadata_service_endpoint``, ``AWS_CONTAINER_CREDENTIALS_FULL_URI`` and
``AWS_ENDPOINT_URL_<SERVICE>``.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlparse

__all__ = ["Received", "LoopbackServer", "ImdsServer", "ContainerServer", "SsoServer", "SigninServer",
           "iso_in"]


def iso_in(seconds: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes


Response = tuple[int, dict[str, str], bytes]


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 whose ``respond(received)`` subclasses define."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.delay = 0.0  # seconds to wait before answering any request
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parsed = urlparse(self.path)
                received = Received(self.command, parsed.path, parse_qs(parsed.query),
                                    {k.lower(): v for k, v in self.headers.items()}, body)
                outer.requests.append(received)
                if outer.delay:
                    time.sleep(outer.delay)
                status, headers, payload = outer.respond(received)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_PUT = do_POST = _serve

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def respond(self, received: Received) -> Response:  # pragma: no cover - overridden
        return 404, {}, b""

    def __enter__(self) -> "LoopbackServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.delay = 0.0
        self._server.shutdown()
        self._server.server_close()


def _json(status: int, value: Any, headers: dict[str, str] | None = None) -> Response:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(value).encode()


class ImdsServer(LoopbackServer):
    """IMDS: PUT /latest/api/token, GET .../iam/security-credentials/[role], placement zone."""

    def __init__(self, *, role: str = "test-role", expires_in: float = 6 * 3600) -> None:
        super().__init__()
        self.role = role
        self.token = "imds-token-abc"
        self.token_status = 200        # 404/403/405: v1 fallback; 400: give up; 401: odd
        self.require_token = True      # GETs without the token get 401 (IMDSv2 only)
        self.credentials_body: bytes | None = None  # raw override (garbage JSON)
        self.credentials_status = 200
        self.fail_first = 0            # first N credential GETs answer 500
        self.expires_in = expires_in
        self.zone = "eu-west-3b"
        self.key_counter = 0

    def respond(self, received: Received) -> Response:
        path = received.path
        if path == "/latest/api/token":
            if received.method != "PUT":
                return 405, {}, b""
            if self.token_status != 200:
                return self.token_status, {}, b""
            return 200, {}, self.token.encode()
        if self.require_token and received.headers.get("x-aws-ec2-metadata-token") != self.token:
            return 401, {}, b""
        if path == "/latest/meta-data/placement/availability-zone/":
            return 200, {}, self.zone.encode()
        base = "/latest/meta-data/iam/security-credentials/"
        if path == base:
            return 200, {}, self.role.encode()
        if path == base + self.role:
            if self.fail_first > 0:
                self.fail_first -= 1
                return 500, {}, b""
            if self.credentials_body is not None:
                return self.credentials_status, {}, self.credentials_body
            self.key_counter += 1
            return _json(self.credentials_status, {
                "Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": f"IMDSKEY{self.key_counter}",
                "SecretAccessKey": "imds-secret", "Token": "imds-session-token",
                "Expiration": iso_in(self.expires_in), "LastUpdated": iso_in(0),
            })
        return 404, {}, b""


class ContainerServer(LoopbackServer):
    """The ECS/EKS credentials endpoint at any path; checks Authorization when set."""

    def __init__(self, *, expires_in: float = 6 * 3600) -> None:
        super().__init__()
        self.expected_token: str | None = None
        self.status = 200
        self.body: bytes | None = None
        self.expires_in = expires_in
        self.account_id: str | None = None
        self.key_counter = 0

    def respond(self, received: Received) -> Response:
        if self.expected_token is not None and received.headers.get("authorization") != self.expected_token:
            return _json(401, {"message": "bad token"})
        if self.body is not None:
            return self.status, {}, self.body
        self.key_counter += 1
        value = {"AccessKeyId": f"CONTAINERKEY{self.key_counter}", "SecretAccessKey": "container-secret",
                 "Token": "container-token", "Expiration": iso_in(self.expires_in)}
        if self.account_id:
            value["AccountId"] = self.account_id
        return _json(self.status, value)


class SsoServer(LoopbackServer):
    """The SSO portal (GetRoleCredentials) and SSO-OIDC (CreateToken) on one port."""

    def __init__(self) -> None:
        super().__init__()
        self.valid_tokens: set[str] = {"sso-access-token"}
        self.refresh_tokens: set[str] = {"sso-refresh-token"}
        self.issued = 0
        self.expires_in_ms = 3600 * 1000

    def respond(self, received: Received) -> Response:
        if received.path == "/federation/credentials" and received.method == "GET":
            token = received.headers.get("x-amz-sso_bearer_token")
            if token not in self.valid_tokens:
                return _json(401, {"message": "Session token not found or invalid"},
                             {"x-amzn-ErrorType": "UnauthorizedException"})
            role = received.query.get("role_name", [""])[0]
            account = received.query.get("account_id", [""])[0]
            return _json(200, {"roleCredentials": {
                "accessKeyId": f"SSOKEY-{account}-{role}", "secretAccessKey": "sso-secret",
                "sessionToken": "sso-session-token",
                "expiration": int(time.time() * 1000) + self.expires_in_ms,
            }})
        if received.path == "/token" and received.method == "POST":
            body = json.loads(received.body or b"{}")
            if body.get("grantType") != "refresh_token" or body.get("refreshToken") not in self.refresh_tokens:
                return _json(400, {"error": "invalid_grant", "error_description": "bad refresh token"},
                             {"x-amzn-ErrorType": "InvalidGrantException"})
            self.issued += 1
            new_access = f"sso-access-token-{self.issued}"
            self.valid_tokens.add(new_access)
            self.refresh_tokens.add(f"sso-refresh-token-{self.issued}")
            return _json(200, {"accessToken": new_access, "tokenType": "Bearer", "expiresIn": 28800,
                               "refreshToken": f"sso-refresh-token-{self.issued}"})
        return 404, {}, b""


class SigninServer(LoopbackServer):
    """Sign-in's CreateOAuth2Token (POST /v1/token); checks the DPoP proof with ``verify``."""

    def __init__(self, verify: Callable[[str, str], None] | None = None) -> None:
        super().__init__()
        self.verify = verify
        self.status = 200
        self.error: str | None = None

    def respond(self, received: Received) -> Response:
        if received.path != "/v1/token" or received.method != "POST":
            return 404, {}, b""
        if self.verify is not None:
            self.verify(received.headers.get("dpop", ""), self.url + received.path)
        if self.error is not None:
            return _json(self.status, {"error": self.error, "message": "denied"},
                         {"x-amzn-ErrorType": "AccessDeniedException"})
        body = json.loads(received.body or b"{}")
        # the output's payload member is tokenOutput: the body is that structure itself
        return _json(200, {
            "accessToken": {"accessKeyId": "LOGINNEWKEY", "secretAccessKey": "login-new-secret",
                            "sessionToken": "login-new-token"},
            "tokenType": "aws_sigv4", "expiresIn": 900,
            "refreshToken": "new-" + str(body.get("refreshToken")),
        })
