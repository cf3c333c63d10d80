"""Waiters: poll an operation until an acceptor of the ``waiters-2`` model decides.

The decisions are pure: ``Acceptor.matches`` and ``evaluate`` turn a response and the
state so far into the next state (or a ``WaiterError``), and ``wait_flow`` is a generator
that yields ``Call`` (the driver calls the operation, answering with the parsed result or
a ClientError's ``response``) and ``Sleep``. ``Waiter.wait`` is the small sync driver; it
sleeps with the callable it was given (``time.sleep`` unless a test passes another).

Reasons in ``WaiterError`` are botocore's, word for word.
"""
from __future__ import annotations

import functools
from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import Any, Callable, Generator, Mapping

import jmespath  # type: ignore[import-untyped]
from jmespath.parser import ParsedResult  # type: ignore[import-untyped]

from ..exceptions import ClientError, DataNotFoundError, SquallError, WaiterError
from ..models import Loader, xform_name
from ._effects import Sleep
from .paginate import Call, service_module_name

__all__ = [
    "Acceptor", "SingleWaiterConfig", "WaiterModel", "WaitState", "Waiter", "WaiterConfigError",
    "evaluate", "wait_flow", "is_valid_waiter_error", "waiter_model_for", "waiter_names", "get_waiter",
]


class WaiterConfigError(SquallError):
    fmt = "Error processing waiter config: {error_msg}"


def is_valid_waiter_error(response: Mapping[str, Any]) -> bool:
    error = response.get("Error")
    return isinstance(error, dict) and "Code" in error


_MATCHERS = ("path", "pathAll", "pathAny", "status", "error")


@dataclass(frozen=True, slots=True, kw_only=True)
class Acceptor:
    """One acceptor: if ``matcher`` finds ``expected`` in a response, go to ``state``."""

    state: str
    matcher: str
    expected: Any
    argument: str | None = None
    _expression: ParsedResult | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Acceptor":
        matcher = config["matcher"]
        if matcher not in _MATCHERS:
            raise WaiterConfigError(error_msg=f"Unknown acceptor: {matcher}")
        argument = config.get("argument")
        expression = jmespath.compile(argument) if matcher.startswith("path") else None
        return cls(state=config["state"], matcher=matcher, expected=config["expected"],
                   argument=argument, _expression=expression)

    @property
    def explanation(self) -> str:
        if self.matcher == "path":
            return f'For expression "{self.argument}" we matched expected path: "{self.expected}"'
        if self.matcher == "pathAll":
            return f'For expression "{self.argument}" all members matched expected path: "{self.expected}"'
        if self.matcher == "pathAny":
            return f'For expression "{self.argument}" we matched expected path: "{self.expected}" at least once'
        if self.matcher == "status":
            return f"Matched expected HTTP status code: {self.expected}"
        return f"Matched expected service error code: {self.expected}"

    @property
    def matcher_func(self) -> Callable[[Mapping[str, Any]], bool]:
        """botocore's name for ``matches``."""
        return self.matches

    def matches(self, response: Mapping[str, Any]) -> bool:
        """Does this acceptor match a parsed response (or an error response dict)?"""
        if self.matcher == "status":
            # Error responses carry ResponseMetadata too, so status also matches errors.
            return bool(response.get("ResponseMetadata", {}).get("HTTPStatusCode") == self.expected)
        if self.matcher == "error":
            if self.expected is True:
                return "Error" in response and "Code" in response["Error"]
            if self.expected is False:
                return "Error" not in response
            return bool(response.get("Error", {}).get("Code", "") == self.expected)
        # Path matchers look at successful responses only.
        if is_valid_waiter_error(response):
            return False
        assert self._expression is not None
        result = self._expression.search(response)
        if self.matcher == "path":
            return bool(result == self.expected)
        # pathAll / pathAny need a non-empty list.
        if not isinstance(result, list) or not result:
            return False
        if self.matcher == "pathAll":
            return all(element == self.expected for element in result)
        return any(element == self.expected for element in result)


@dataclass(frozen=True, slots=True, kw_only=True)
class SingleWaiterConfig:
    """One named waiter: the operation it polls, its default delay and attempts, acceptors."""

    operation: str
    delay: Any
    max_attempts: Any
    acceptors: tuple[Acceptor, ...]
    description: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "SingleWaiterConfig":
        return cls(
            operation=config["operation"], delay=config["delay"], max_attempts=config["maxAttempts"],
            acceptors=tuple(Acceptor.from_config(a) for a in config["acceptors"]),
            description=config.get("description", ""),
        )


class WaiterModel:
    """A service's ``waiters-2`` data (read-only, shared by every client)."""

    SUPPORTED_VERSION = 2

    def __init__(self, waiter_config: Mapping[str, Any]) -> None:
        version = waiter_config.get("version", "unknown")
        if version != self.SUPPORTED_VERSION:
            raise WaiterConfigError(error_msg=(
                f"Unsupported waiter version, supported version must be: {self.SUPPORTED_VERSION}, "
                f"but version of waiter config is: {version}"
            ))
        self.version = version
        self._waiter_config: Mapping[str, Any] = waiter_config["waiters"]
        self.waiter_names: list[str] = sorted(self._waiter_config)
        self._parsed: dict[str, SingleWaiterConfig] = {}

    def get_waiter(self, waiter_name: str) -> SingleWaiterConfig:
        found = self._parsed.get(waiter_name)
        if found is None:
            try:
                raw = self._waiter_config[waiter_name]
            except KeyError:
                raise ValueError(f"Waiter does not exist: {waiter_name}") from None
            found = self._parsed.setdefault(waiter_name, SingleWaiterConfig.from_config(raw))
        return found


# -- the decisions ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class WaitState:
    attempts: int = 0
    state: str = "waiting"
    last_matched: Acceptor | None = None
    # The acceptor botocore's matching loop stopped on (the match, else the last one):
    # botocore's "Previously accepted state" reason names this one, so squall does too.
    last_examined: Acceptor | None = None


def evaluate(
    name: str, acceptors: tuple[Acceptor, ...], response: Mapping[str, Any], prior: WaitState,
    max_attempts: int,
) -> WaitState:
    """The state after one more response; raises WaiterError when waiting must stop
    unsuccessfully. ``state == "success"`` in the result means done."""
    attempts = prior.attempts + 1
    state, last_matched = prior.state, prior.last_matched
    examined: Acceptor | None = acceptors[-1] if acceptors else None
    for acceptor in acceptors:
        if acceptor.matches(response):
            examined = last_matched = acceptor
            state = acceptor.state
            break
    else:
        if is_valid_waiter_error(response):
            error = response["Error"]
            raise WaiterError(
                name=name,
                reason=f"An error occurred ({error.get('Code', 'Unknown')}): {error.get('Message', 'Unknown')}",
                last_response=response,
            )
    if state == "success":
        return WaitState(attempts=attempts, state=state, last_matched=last_matched, last_examined=examined)
    if state == "failure":
        explanation = examined.explanation if examined else ""
        raise WaiterError(name=name, reason=f"Waiter encountered a terminal failure state: {explanation}",
                          last_response=response)
    if attempts >= max_attempts:
        if last_matched is None:
            reason = "Max attempts exceeded"
        else:
            explanation = examined.explanation if examined else ""
            reason = f"Max attempts exceeded. Previously accepted state: {explanation}"
        raise WaiterError(name=name, reason=reason, last_response=response)
    return WaitState(attempts=attempts, state=state, last_matched=last_matched, last_examined=examined)


def wait_flow(
    name: str, config: SingleWaiterConfig, kwargs: Mapping[str, Any],
) -> Generator[Call | Sleep, Any, None]:
    """Poll until success (returns) or failure (raises WaiterError)."""
    params = dict(kwargs)
    waiter_config = params.pop("WaiterConfig", {})
    delay = waiter_config.get("Delay", config.delay)
    max_attempts = waiter_config.get("MaxAttempts", config.max_attempts)
    state = WaitState()
    while True:
        response = yield Call(params)
        state = evaluate(name, config.acceptors, response, state, max_attempts)
        if state.state == "success":
            return
        yield Sleep(delay)


# -- the sync driver --------------------------------------------------------------------


def _default_sleep(seconds: float) -> None:
    import time  # the driver's only use of the clock, imported where it is used

    time.sleep(seconds)


class Waiter:
    """``client.get_waiter(name)``: ``wait(**params, WaiterConfig={"Delay", "MaxAttempts"})``."""

    def __init__(
        self, name: str, config: SingleWaiterConfig, operation_method: Callable[..., Any],
        *, sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.name = name
        self.config = config
        self._operation_method = operation_method
        self._sleep = sleep or _default_sleep

    def _call(self, params: Mapping[str, Any]) -> Mapping[str, Any]:
        # Errors are answers too: acceptors match on their codes and status.
        try:
            result: Mapping[str, Any] = self._operation_method(**params)
        except ClientError as err:
            return err.response
        return result

    def wait(self, **kwargs: Any) -> None:
        from ._sync import run_flow

        run_flow(wait_flow(self.name, self.config, kwargs), self._perform)

    def _perform(self, effect: Call | Sleep) -> Any:
        if isinstance(effect, Call):
            return self._call(effect.params)
        self._sleep(effect.seconds)
        return None


# -- client glue ------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def waiter_model_for(loader: Loader, service_name: str, api_version: str | None) -> WaiterModel | None:
    """The service's waiters (None when it has none), parsed once per process."""
    try:
        raw = loader.load_service_model(service_name, "waiters-2", api_version)
    except DataNotFoundError:
        return None
    return WaiterModel(raw) if raw else None


def _model_for_client(client: Any) -> WaiterModel | None:
    service_model = client.meta.service_model
    loader = client._loader or Loader.from_data_path()
    return waiter_model_for(loader, service_model.service_name, service_model.api_version or None)


def waiter_names(client: Any) -> list[str]:
    model = _model_for_client(client)
    return [xform_name(name) for name in model.waiter_names] if model else []


@functools.lru_cache(maxsize=None)
def _waiter_class(class_name: str, base: type[Waiter]) -> type[Waiter]:
    # botocore names the class after the service and waiter (``DynamoDB.Waiter.TableExists``).
    return type(class_name, (base,), {"__module__": base.__module__})


def get_waiter(client: Any, waiter_name: str, *, sleep: Callable[[float], None] | None = None,
               base: type[Waiter] | None = None) -> Waiter:
    """The waiter ``waiter_name`` (snake_case) of the client's service; ``base``: Waiter,
    or the asyncio one."""
    model = _model_for_client(client)
    mapping = {xform_name(name): name for name in model.waiter_names} if model else {}
    if model is None or waiter_name not in mapping:
        raise ValueError(f"Waiter does not exist: {waiter_name}")
    name = mapping[waiter_name]
    config = model.get_waiter(name)
    service_model = client.meta.service_model
    cls = _waiter_class(f"{service_module_name(service_model.metadata, service_model.service_name)}.Waiter.{name}",
                        base or Waiter)  # type: ignore[arg-type]  # classes hash by identity
    return cls(name, config, getattr(client, xform_name(config.operation)), sleep=sleep)
