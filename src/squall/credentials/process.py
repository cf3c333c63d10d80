"""``credential_process``: run a program (no shell) and read JSON credentials from it.

The command line is split as botocore splits it (``shlex`` rules, or the Windows C
runtime's rules on Windows). The output must be ``{"Version": 1, "AccessKeyId": ...,
"SecretAccessKey": ..., "SessionToken"?, "Expiration"?, "AccountId"?}``; with an
``Expiration`` the credentials refresh by running the program again.
"""
from __future__ import annotations

import json
import shlex
import sys
from .._dataclass import dataclass  # the stdlib's, cheaper to define

from ._common import Found, ProfileView, Skipped, parse_time
from ._effects import Flow, ProcessResult, ProcessTimeout, RunProcess
from ._errors import CredentialProcessError
from ._values import Credentials
from .refreshable import RefreshableCredentials

__all__ = ["ProcessProvider", "split_command", "DEFAULT_PROCESS_TIMEOUT"]

# botocore waits forever; a hung helper should not hang the program, but a helper may
# legitimately wait for a person (a browser login, a hardware key), so be generous.
DEFAULT_PROCESS_TIMEOUT = 300.0


def split_command(command: str, platform: str | None = None) -> list[str]:
    """botocore's ``compat_shell_split``."""
    if (platform or sys.platform) == "win32":
        return _windows_split(command)
    return shlex.split(command)


def _windows_split(s: str) -> list[str]:
    # The Windows C runtime's rules: space/tab delimit, only double quotes quote, and
    # backslashes are literal unless they run up to a double quote.
    if not s:
        return []
    parts: list[str] = []
    buff: list[str] = []
    quoted = False
    slashes = 0
    for ch in s:
        if ch == "\\":
            slashes += 1
            continue
        if ch == '"':
            if slashes:
                buff.append("\\" * (slashes // 2))
                odd = slashes % 2
                slashes = 0
                if odd:
                    buff.append('"')
                    continue
            quoted = not quoted
            buff.append("")
        elif ch in (" ", "\t") and not quoted:
            if slashes:
                buff.append("\\" * slashes)
                slashes = 0
            if buff:
                parts.append("".join(buff))
                buff = []
        else:
            if slashes:
                buff.append("\\" * slashes)
                slashes = 0
            buff.append(ch)
    if slashes:
        buff.append("\\" * slashes)
    if quoted:
        raise ValueError(f"No closing quotation in string: {s}")
    if buff:
        parts.append("".join(buff))
    return parts


@dataclass(frozen=True, slots=True)
class ProcessProvider:
    profile: ProfileView
    timeout: float | None = DEFAULT_PROCESS_TIMEOUT
    method: str = "custom-process"

    def load(self) -> Flow[Found | Skipped]:
        command = self.profile.get("credential_process")
        if command is None:
            return Skipped(f"profile {self.profile.name} has no credential_process")
        creds = yield from self._run(command)
        if creds.expiry is None:
            return creds
        return RefreshableCredentials(
            method=self.method, current=creds, source=creds.source, refresh=lambda: self._run(command),
        )

    def _fail(self, message: str) -> CredentialProcessError:
        return CredentialProcessError(provider=self.method, error_msg=message)

    def _run(self, command: str) -> Flow[Credentials]:
        where = self.profile.source("credential_process")
        try:
            argv = split_command(command)
        except ValueError as exc:
            raise self._fail(f"cannot split credential_process ({where}): {exc}") from None
        if not argv:
            raise self._fail(f"credential_process is empty ({where})")
        try:
            result: ProcessResult = yield RunProcess(tuple(argv), self.timeout)
        except ProcessTimeout:
            raise self._fail(f"{argv[0]} did not finish within {self.timeout:g} seconds ({where})") from None
        except OSError as exc:
            raise self._fail(f"cannot run {argv[0]} ({where}): {exc}") from None
        if result.returncode != 0:
            stderr = result.stderr.decode("utf-8", "replace").strip()
            raise self._fail(stderr or f"{argv[0]} exited with status {result.returncode} ({where})")
        try:
            parsed = json.loads(result.stdout.decode("utf-8"))
        except ValueError as exc:
            raise self._fail(f"{argv[0]} did not print valid JSON ({where}): {exc}") from None
        if not isinstance(parsed, dict):
            raise self._fail(f"{argv[0]} printed JSON that is not an object ({where})")
        version = parsed.get("Version", "<Version key not provided>")
        if version != 1:
            raise self._fail(
                f"Unsupported version '{version}' for credential process provider, supported versions: 1"
            )
        try:
            access_key, secret_key = parsed["AccessKeyId"], parsed["SecretAccessKey"]
        except KeyError as exc:
            raise self._fail(f"Missing required key in response: {exc}") from None
        expiration = parsed.get("Expiration")
        try:
            expiry = parse_time(expiration) if expiration is not None else None
        except ValueError:
            raise self._fail(f"Expiration {expiration!r} is not a timestamp") from None
        return Credentials(
            access_key=access_key, secret_key=secret_key, token=parsed.get("SessionToken"),
            account_id=parsed.get("AccountId") or self.profile.get("aws_account_id"),
            expiry=expiry, method=self.method, source=f"credential_process ({where})",
        )
