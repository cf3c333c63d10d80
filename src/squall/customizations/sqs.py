"""SQS: JSON protocol, but its modelled errors are named by the old query error code.

SQS moved from query to JSON before models could say so; its error shapes carry no
``error.code``, so the ``x-amzn-query-error`` code (``QueryErrorCode``) names the class,
e.g. ``AWS.SimpleQueueService.NonExistentQueue`` -> ``QueueDoesNotExist``.
"""
from __future__ import annotations

from typing import Any, Mapping

from . import Customizations


def _error_class_code(parsed: Mapping[str, Any]) -> str | None:
    error = parsed.get("Error", {})
    return error.get("QueryErrorCode") or error.get("Code")


CUSTOMIZATIONS = Customizations(error_class_code=_error_class_code)
