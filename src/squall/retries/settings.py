"""Which retry mode and how many attempts, with botocore's precedence and errors.

``Config(retries=...)`` wins: its ``total_max_attempts`` (attempts), else its
``max_attempts`` (retries, so one more attempt); otherwise the ``max_attempts`` setting
(``AWS_MAX_ATTEMPTS`` or the profile, counting attempts). The mode is the Config's
``mode``, else the ``retry_mode`` setting. The result is validated as botocore validates
the Config it builds for the client, so a bad environment variable or profile value fails
with the same error class (and squall adds where the value came from).
"""
from __future__ import annotations

from .._dataclass import dataclass  # the stdlib's, cheaper to define
from typing import Any, Callable, Literal, Mapping

from ..exceptions import (
    InvalidMaxRetryAttemptsError, InvalidRetryConfigurationError, InvalidRetryModeError,
    InvalidSettingError,
)

__all__ = ["RetrySettings", "resolve_retry_settings", "VALID_MODES", "VALID_OPTIONS"]

VALID_MODES = ("legacy", "standard", "adaptive")
VALID_OPTIONS = ("max_attempts", "mode", "total_max_attempts")


@dataclass(frozen=True, slots=True, kw_only=True)
class RetrySettings:
    mode: Literal["legacy", "standard", "adaptive"]
    total_max_attempts: int | None  # None: the mode's (or, legacy, the service's) default
    new_retries: bool = False  # AWS_NEW_RETRIES_2026=true
    mode_source: str = ""
    max_attempts_source: str = ""


def _with_source(error: Exception, source: str) -> Exception:
    if source:
        error.args = (f"{error.args[0]} (set by {source})",)
    return error


def resolve_retry_settings(
    client_retries: Mapping[str, Any] | None,
    get_setting: Callable[[str], tuple[Any, str]],
    *, new_retries: bool = False,
) -> RetrySettings:
    """``get_setting(name) -> (value, source)`` reads a session setting; it is only called
    for what the Config does not give (botocore reads no more than that either)."""
    retries = dict(client_retries or {})
    for key in retries:
        if key not in VALID_OPTIONS:
            raise InvalidRetryConfigurationError(retry_config_option=key, valid_options=VALID_OPTIONS)
    total: Any
    if "total_max_attempts" in retries:
        total, total_source = retries["total_max_attempts"], "Config(retries={'total_max_attempts': ...})"
    elif "max_attempts" in retries:  # retries, not attempts
        total, total_source = retries["max_attempts"] + 1, "Config(retries={'max_attempts': ...})"
    else:
        total, total_source = get_setting("max_attempts")
    if total is not None and total < 1:
        raise _with_source(InvalidMaxRetryAttemptsError(provided_max_attempts=total, min_value=1), total_source)
    if "mode" in retries:
        mode, mode_source = retries["mode"], "Config(retries={'mode': ...})"
    else:
        try:
            mode, mode_source = get_setting("retry_mode")
        except InvalidSettingError as exc:
            error = InvalidRetryModeError(provided_retry_mode=exc.kwargs.get("value"), valid_modes=VALID_MODES)
            raise _with_source(error, str(exc.kwargs.get("source", ""))) from exc
        if mode is None:
            mode, mode_source = "legacy", "built-in default"
    if mode not in VALID_MODES:
        raise _with_source(InvalidRetryModeError(provided_retry_mode=mode, valid_modes=VALID_MODES), mode_source)
    return RetrySettings(
        mode=mode, total_max_attempts=None if total is None else int(total), new_retries=new_retries,
        mode_source=mode_source, max_attempts_source=total_source if total is not None else "",
    )
