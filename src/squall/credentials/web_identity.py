"""``assume-role-with-web-identity``: a token file exchanged for role credentials.

From the profile (``web_identity_token_file``, ``role_arn``, ``role_session_name``) or,
unless a profile was named explicitly, from ``AWS_WEB_IDENTITY_TOKEN_FILE``,
``AWS_ROLE_ARN`` and ``AWS_ROLE_SESSION_NAME`` (the variables win, as in botocore).
The call is unsigned; the token file is read on every refresh (it is rotated by EKS).
"""
from __future__ import annotations

from .._dataclass import dataclass  # the stdlib's, cheaper to define
from typing import Any, Mapping

from ..exceptions import CredentialRetrievalError, InvalidConfigError
from ._common import Found, ProfileView, Skipped
from ._effects import Flow, ReadFile
from ._sts import StsRoleCall
from .refreshable import RefreshableCredentials

__all__ = ["WebIdentityProvider"]

_ENV = {
    "web_identity_token_file": "AWS_WEB_IDENTITY_TOKEN_FILE",
    "role_session_name": "AWS_ROLE_SESSION_NAME",
    "role_arn": "AWS_ROLE_ARN",
}


@dataclass(frozen=True, slots=True, repr=False)
class WebIdentityProvider:
    profile: ProfileView
    env: Mapping[str, str]
    disable_env: bool = False
    region: str | None = None
    cache_dir: str | None = None
    method: str = "assume-role-with-web-identity"

    def _get(self, key: str) -> tuple[str, str] | None:
        var = _ENV[key]
        if not self.disable_env and var in self.env:
            return self.env[var], f"env {var}"
        located = self.profile.located(key)
        if located is not None:
            return located.value, located.source
        return None

    def load(self) -> Found | Skipped:
        token_file = self._get("web_identity_token_file")
        if token_file is None or not token_file[0]:
            where = f"profile {self.profile.name} has no web_identity_token_file"
            if self.disable_env:
                return Skipped(f"{where} (AWS_WEB_IDENTITY_TOKEN_FILE ignored: a profile was named)")
            return Skipped(f"{where} and AWS_WEB_IDENTITY_TOKEN_FILE not set")
        role_arn = self._get("role_arn")
        if role_arn is None or not role_arn[0]:
            raise InvalidConfigError(error_msg=(
                "The provided profile or the current environment is configured to assume role "
                "with web identity but has no role ARN configured. Ensure that the profile has "
                "the role_arn configuration set or the AWS_ROLE_ARN env var is set."
            ))
        kwargs: dict[str, Any] = {"RoleArn": role_arn[0]}
        session_name = self._get("role_session_name")
        if session_name is not None:
            kwargs["RoleSessionName"] = session_name[0]
        path = token_file[0]

        def read_token() -> Flow[dict[str, Any]]:
            try:
                token = yield ReadFile(path)
            except OSError as exc:
                raise CredentialRetrievalError(
                    provider=self.method, error_msg=f"cannot read web identity token file {path}: {exc}",
                ) from None
            return {"WebIdentityToken": token}

        call = StsRoleCall(
            operation="AssumeRoleWithWebIdentity", kwargs=kwargs, method=self.method,
            source=(f"AssumeRoleWithWebIdentity {role_arn[0]} (role_arn: {role_arn[1]}; "
                    f"token file {path}: {token_file[1]})"),
            region=self.region, cache_dir=self.cache_dir, extra=read_token,
        )
        return RefreshableCredentials(method=self.method, refresh=call.fetch, source=call.source)

    def __repr__(self) -> str:
        return f"WebIdentityProvider(profile={self.profile.name!r})"
