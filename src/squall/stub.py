"""``Stubber``: queue canned responses for a client in your own tests (botocore's API).

While active, a call on the stubbed client checks the queue's order and expected
parameters, still runs squall's parameter handling and validation (so bad parameters
fail as they would for real), and returns the queued response or raises the queued
error without sending anything.
"""
from __future__ import annotations

import collections
import threading
from pprint import pformat
from typing import Any, Mapping

from .exceptions import ParamValidationError, SquallError

__all__ = ["Stubber", "ANY", "StubResponseError", "StubAssertionError", "UnStubbedResponseError"]


class _Any:
    """Matches any value in ``expected_params``."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    def __repr__(self) -> str:
        return "<ANY>"


ANY = _Any()


class StubResponseError(SquallError):
    fmt = "Error getting response stub for operation {operation_name}: {reason}"


class StubAssertionError(StubResponseError, AssertionError):
    pass


class UnStubbedResponseError(StubResponseError):
    pass


class Stubber:
    def __init__(self, client: Any) -> None:
        self.client = client
        self._queue: collections.deque[dict[str, Any]] = collections.deque()
        self._lock = threading.Lock()

    def __enter__(self) -> "Stubber":
        self.activate()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.deactivate()

    def activate(self) -> None:
        self.client._stubber = self

    def deactivate(self) -> None:
        if getattr(self.client, "_stubber", None) is self:
            self.client._stubber = None

    # -- queueing --------------------------------------------------------------------
    def add_response(self, method: str, service_response: Mapping[str, Any],
                     expected_params: Mapping[str, Any] | None = None) -> None:
        operation_name = self._operation_for(method)
        output = self.client.meta.service_model.operation_model(operation_name).output_shape
        self._validate(output, service_response)
        self._queue.append({"operation_name": operation_name, "status": 200,
                            "response": service_response, "expected_params": expected_params})

    def add_client_error(
        self, method: str, service_error_code: str = "", service_message: str = "",
        http_status_code: int = 400, service_error_meta: Mapping[str, Any] | None = None,
        expected_params: Mapping[str, Any] | None = None, response_meta: Mapping[str, Any] | None = None,
        modeled_fields: Mapping[str, Any] | None = None,
    ) -> None:
        operation_name = self._operation_for(method)
        parsed: dict[str, Any] = {
            "ResponseMetadata": {"HTTPStatusCode": http_status_code},
            "Error": {"Message": service_message, "Code": service_error_code},
        }
        if service_error_meta is not None:
            parsed["Error"].update(service_error_meta)
        if response_meta is not None:
            parsed["ResponseMetadata"].update(response_meta)
        if modeled_fields is not None:
            model = self.client.meta.service_model
            shape = next((s for s in model.error_shapes if s.error_code == service_error_code), None)
            if shape is not None:
                self._validate(shape, modeled_fields)
            parsed.update(modeled_fields)
        self._queue.append({"operation_name": operation_name, "status": http_status_code,
                            "response": parsed, "expected_params": expected_params})

    def assert_no_pending_responses(self) -> None:
        remaining = len(self._queue)
        if remaining != 0:
            raise AssertionError(f"{remaining} responses remaining in queue.")

    # -- answering (called by the client) -------------------------------------------
    def _respond(self, operation_name: str, params: Mapping[str, Any]) -> dict[str, Any]:
        from .runtime._flow import prepare_request

        with self._lock:
            entry = self._next(operation_name)
            self._check_params(operation_name, entry["expected_params"], params)
            self._queue.popleft()
        context = self.client._context
        op = context.service_model.operation_model(operation_name)
        prepare_request(context, op, params)  # customizations + validation, as for real
        response = entry["response"]
        if entry["status"] >= 300:
            code = response.get("Error", {}).get("Code")
            raise self.client.exceptions.from_code(code)(response, operation_name)
        return response  # type: ignore[no-any-return]

    def _next(self, operation_name: str) -> dict[str, Any]:
        if not self._queue:
            raise UnStubbedResponseError(
                operation_name=operation_name,
                reason="Unexpected API Call: A call was made but no additional calls expected. "
                       "Either the API Call was not stubbed or it was called multiple times.",
            )
        queued = self._queue[0]["operation_name"]
        if queued != operation_name:
            raise StubResponseError(operation_name=operation_name, reason=f"Operation mismatch: found response for {queued}.")
        return self._queue[0]

    @staticmethod
    def _check_params(operation_name: str, expected: Mapping[str, Any] | None, params: Mapping[str, Any]) -> None:
        if expected is None:
            return
        mismatch = any(name not in params or expected[name] != params[name] for name in expected)
        if mismatch or sorted(expected) != sorted(params):
            raise StubAssertionError(
                operation_name=operation_name,
                reason=f"Expected parameters:\n{pformat(dict(expected))},\nbut received:\n{pformat(dict(params))}",
            )

    def _operation_for(self, method: str) -> str:
        mapping = self.client.meta.method_to_api_mapping
        if method not in mapping:
            raise ValueError(f"Client {self.client.meta.service_model.service_name} does not have method: {method}")
        return str(mapping[method])

    @staticmethod
    def _validate(shape: Any, response: Mapping[str, Any]) -> None:
        if shape is None:
            return
        from .runtime.validate import validation_errors

        body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        errors = validation_errors(shape, body)
        if errors:
            raise ParamValidationError(report="\n".join(errors))
