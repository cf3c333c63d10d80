"""Paginators: botocore's paging rules (tokens, MaxItems truncation, resume tokens).

The paging logic is a generator (``PageIterator._flow``) that yields ``Call`` (the driver
calls the operation and sends the parsed page back) and ``Page`` (the driver hands the
page to the user); it does no I/O itself, so an asyncio driver can reuse it unchanged.
Resume tokens use botocore's format (base64 of JSON, ``boto_truncate_amount`` for a
page cut short by ``MaxItems``, ``boto_encoded_keys`` for bytes), so tokens move freely
between boto3 and squall in both directions.

Parsed paginator models are cached once per process (per search path, service and API
version) and never mutated.
"""
from __future__ import annotations

import base64
import functools
import json
import logging
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from itertools import tee
from typing import Any, Callable, Generator, Iterator, Mapping

import jmespath  # type: ignore[import-untyped]
from jmespath.parser import ParsedResult  # type: ignore[import-untyped]

from ..exceptions import DataNotFoundError, OperationNotPageableError, PaginationError, SquallError
from ..models import Loader, OperationModel

__all__ = [
    "Call", "Page", "Paginator", "PageIterator", "PaginatorModel", "ResultKeyIterator",
    "TokenEncoder", "TokenDecoder", "InvalidExpressionError",
    "can_paginate", "get_paginator", "paginator_model_for", "service_module_name",
]

log = logging.getLogger(__name__)


class InvalidExpressionError(SquallError):
    fmt = "Invalid expression {expression}: Only dotted lookups are supported."


# -- effects of the paging flow ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Call:
    """Call the operation with these parameters; the driver answers with the parsed result."""

    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Page:
    """Hand this page to the user; the driver answers with None."""

    page: dict[str, Any]


# -- resume tokens ----------------------------------------------------------------------


class TokenEncoder:
    """dict -> opaque string: JSON, base64; bytes values are base64'd and their paths listed."""

    def encode(self, token: Mapping[str, Any]) -> str:
        try:
            json_string = json.dumps(token)
        except (TypeError, UnicodeDecodeError):
            encoded, paths = _encode_bytes(token, [])
            encoded["boto_encoded_keys"] = paths
            json_string = json.dumps(encoded)
        return base64.b64encode(json_string.encode("utf-8")).decode("utf-8")


def _encode_bytes(data: Any, path: list[Any]) -> tuple[Any, list[list[Any]]]:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        found: list[list[Any]] = []
        for key, value in data.items():
            out[key], sub = _encode_bytes(value, path + [key])
            found.extend(sub)
        return out, found
    if isinstance(data, list):
        items: list[Any] = []
        found = []
        for i, value in enumerate(data):
            new_value, sub = _encode_bytes(value, path + [i])
            items.append(new_value)
            found.extend(sub)
        return items, found
    if isinstance(data, bytes):
        return base64.b64encode(data).decode("utf-8"), [path]
    return data, []


class TokenDecoder:
    """The inverse of ``TokenEncoder``."""

    def decode(self, token: str) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(base64.b64decode(token.encode("utf-8")).decode("utf-8"))
        paths = decoded.pop("boto_encoded_keys", None)
        for path in paths or ():
            container: Any = decoded
            for step in path[:-1]:
                container = container[step]
            container[path[-1]] = base64.b64decode(container[path[-1]].encode("utf-8"))
        return decoded


# -- dotted-path helpers (botocore.utils semantics) -------------------------------------


def set_value_from_jmespath(source: dict[str, Any], expression: str, value: Any) -> None:
    """Set ``value`` at a dotted path, creating dicts on the way (no indexes or wildcards)."""
    if not expression or expression == "." or any(c in expression for c in "[]*"):
        raise InvalidExpressionError(expression=expression)
    *parents, last = expression.split(".")
    for key in parents:
        if not key:
            raise InvalidExpressionError(expression=expression)
        source = source.setdefault(key, {})
    if not last:
        raise InvalidExpressionError(expression=expression)
    source[last] = value


def _merge_dicts(into: dict[str, Any], extra: Mapping[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and key in into:
            _merge_dicts(into[key], value)
        else:
            into[key] = value


# -- the page iterator ------------------------------------------------------------------


class PageIterator:
    """An iterable of pages (not an iterator: each ``iter()`` starts a fresh pagination)."""

    def __init__(
        self,
        method: Callable[..., Any],
        input_token: list[str],
        output_token: list[ParsedResult],
        more_results: ParsedResult | None,
        result_keys: list[ParsedResult],
        non_aggregate_keys: list[ParsedResult],
        limit_key: str | None,
        max_items: int | None,
        starting_token: str | None,
        page_size: Any,
        op_kwargs: dict[str, Any],
    ) -> None:
        self._method = method
        self._input_token = input_token
        self._output_token = output_token
        self._more_results = more_results
        self._result_keys = result_keys
        self._non_aggregate_key_exprs = non_aggregate_keys
        self._limit_key = limit_key
        self._max_items = max_items
        self._starting_token = starting_token
        self._page_size = page_size
        self._op_kwargs = op_kwargs
        self._resume_token: str | None = None
        self._non_aggregate_part: dict[str, Any] = {}

    @property
    def result_keys(self) -> list[ParsedResult]:
        return self._result_keys

    @property
    def resume_token(self) -> str | None:
        """Token to pass as ``StartingToken`` to resume pagination."""
        return self._resume_token

    @resume_token.setter
    def resume_token(self, value: Mapping[str, Any]) -> None:
        if not isinstance(value, dict):
            raise ValueError(f"Bad starting token: {value}")
        expected = list(self._input_token)
        if "boto_truncate_amount" in value:
            expected.append("boto_truncate_amount")
        if sorted(expected) != sorted(value):
            raise ValueError(f"Bad starting token: {value}")
        self._resume_token = TokenEncoder().encode(value)

    @property
    def non_aggregate_part(self) -> dict[str, Any]:
        return self._non_aggregate_part

    def __iter__(self) -> Iterator[dict[str, Any]]:
        flow = self._flow()
        answer: Any = None
        while True:
            try:
                effect = flow.send(answer)
            except StopIteration:
                return
            if isinstance(effect, Call):
                answer = self._method(**effect.params)
            else:
                answer = None
                yield effect.page

    # The paging decisions. Kept step for step with botocore so that truncation and
    # resume tokens agree with boto3's.
    def _flow(self) -> Generator[Call | Page, Any, None]:
        # A fresh copy per iteration: botocore reuses (and mutates) one dict, so that
        # iterating its PageIterator twice resumes from the last page instead of restarting.
        kwargs = dict(self._op_kwargs)
        self._resume_token = None
        previous_next_token: dict[str, Any] | None = None
        next_token: dict[str, Any] = {key: None for key in self._input_token}
        if self._starting_token is not None:
            # Keep the service token at hand in case the first page is truncated too.
            next_token = self._parse_starting_token()[0]
        total_items = 0
        first_request = True
        primary = self._result_keys[0]
        starting_truncation = 0
        self._inject_starting_params(kwargs)
        while True:
            parsed = yield Call(dict(kwargs))
            if first_request:
                if self._starting_token is not None:
                    starting_truncation = self._handle_first_request(parsed, primary)
                first_request = False
                self._record_non_aggregate_key_values(parsed)
            else:
                starting_truncation = 0
            current = primary.search(parsed)
            if current is None:
                current = []
            truncate_amount = 0
            if self._max_items is not None:
                truncate_amount = total_items + len(current) - self._max_items
            if truncate_amount > 0:
                self._truncate_response(parsed, primary, truncate_amount, starting_truncation, next_token)
                yield Page(parsed)
                return
            yield Page(parsed)
            total_items += len(current)
            next_token = self._get_next_token(parsed)
            if all(t is None for t in next_token.values()):
                return
            if self._max_items is not None and total_items == self._max_items:
                # On a page boundary: the service's own token resumes exactly here.
                self.resume_token = next_token
                return
            if previous_next_token is not None and previous_next_token == next_token:
                raise PaginationError(message=f"The same next token was received twice: {next_token}")
            self._inject_token_into_kwargs(kwargs, next_token)
            previous_next_token = next_token

    def search(self, expression: str) -> Iterator[Any]:
        """Apply a JMESPath expression to each page; list results are flattened."""
        compiled = jmespath.compile(expression)
        for page in self:
            results = compiled.search(page)
            if isinstance(results, list):
                yield from results
            else:
                yield results

    def result_key_iters(self) -> list["ResultKeyIterator"]:
        teed = tee(self, len(self.result_keys))
        return [ResultKeyIterator(i, key) for i, key in zip(teed, self.result_keys)]

    def build_full_result(self) -> dict[str, Any]:
        """All pages merged: result keys concatenated (lists) or summed (numbers, strings)."""
        complete: dict[str, Any] = {}
        for page in self:
            self._merge_page(complete, page)
        return self._finish(complete)

    def _merge_page(self, complete: dict[str, Any], page: Mapping[str, Any]) -> None:
        for expression in self.result_keys:
            value = expression.search(page)
            if value is None:
                continue
            existing = expression.search(complete)
            if existing is None:
                set_value_from_jmespath(complete, expression.expression, value)
            elif isinstance(value, list):
                existing.extend(value)
            elif isinstance(value, (int, float, str)):
                set_value_from_jmespath(complete, expression.expression, existing + value)

    def _finish(self, complete: dict[str, Any]) -> dict[str, Any]:
        _merge_dicts(complete, self.non_aggregate_part)
        if self.resume_token is not None:
            complete["NextToken"] = self.resume_token
        return complete

    def _record_non_aggregate_key_values(self, response: Mapping[str, Any]) -> None:
        part: dict[str, Any] = {}
        for expression in self._non_aggregate_key_exprs:
            set_value_from_jmespath(part, expression.expression, expression.search(response))
        self._non_aggregate_part = part

    def _inject_starting_params(self, op_kwargs: dict[str, Any]) -> None:
        if self._starting_token is not None:
            self._inject_token_into_kwargs(op_kwargs, self._parse_starting_token()[0])
        if self._page_size is not None:
            assert self._limit_key is not None  # checked by Paginator
            op_kwargs[self._limit_key] = self._page_size

    @staticmethod
    def _inject_token_into_kwargs(op_kwargs: dict[str, Any], next_token: Mapping[str, Any]) -> None:
        for name, token in next_token.items():
            if token is not None and token != "None":
                op_kwargs[name] = token
            elif name in op_kwargs:
                del op_kwargs[name]

    def _handle_first_request(self, parsed: dict[str, Any], primary: ParsedResult) -> int:
        # Resuming mid-page: drop the items already returned, and blank the other result
        # keys (they were returned with the truncated page), except numeric counters.
        starting_truncation: int = self._parse_starting_token()[1]
        all_data = primary.search(parsed)
        data = all_data[starting_truncation:] if isinstance(all_data, (list, str)) else None
        set_value_from_jmespath(parsed, primary.expression, data)
        for key in self.result_keys:
            if key == primary:
                continue
            sample = key.search(parsed)
            empty: Any
            if isinstance(sample, list):
                empty = []
            elif isinstance(sample, str):
                empty = ""
            elif isinstance(sample, (int, float)):
                empty = sample  # e.g. DynamoDB's Count still reports what the server scanned
            else:
                empty = None
            set_value_from_jmespath(parsed, key.expression, empty)
        return starting_truncation

    def _truncate_response(
        self, parsed: dict[str, Any], primary: ParsedResult, truncate_amount: int,
        starting_truncation: int, next_token: dict[str, Any],
    ) -> None:
        original = primary.search(parsed)
        if original is None:
            original = []
        amount_to_keep = len(original) - truncate_amount
        set_value_from_jmespath(parsed, primary.expression, original[:amount_to_keep])
        # The index is into the page as the service returned it, so a left cut made
        # when resuming counts too.
        next_token["boto_truncate_amount"] = amount_to_keep + starting_truncation
        self.resume_token = next_token

    def _get_next_token(self, parsed: Mapping[str, Any]) -> dict[str, Any]:
        if self._more_results is not None and not self._more_results.search(parsed):
            return {}
        tokens: dict[str, Any] = {}
        for output_token, input_key in zip(self._output_token, self._input_token):
            value = output_token.search(parsed)
            tokens[input_key] = value if value else None  # empty strings are no token
        return tokens

    def _parse_starting_token(self) -> tuple[dict[str, Any], int]:
        assert self._starting_token is not None
        try:
            token = TokenDecoder().decode(self._starting_token)
            index = 0
            if "boto_truncate_amount" in token:
                index = token.pop("boto_truncate_amount")
        except (ValueError, TypeError):
            token, index = self._parse_starting_token_deprecated()
        return token, index

    def _parse_starting_token_deprecated(self) -> tuple[dict[str, Any], int]:
        """Tokens of old botocore versions: ``tok1___tok2___index``."""
        assert self._starting_token is not None
        log.debug("Attempting to fall back to old starting token parser. For token: %s", self._starting_token)
        parts: list[Any] = self._starting_token.split("___")
        index = 0
        if len(parts) == len(self._input_token) + 1:
            try:
                index = int(parts.pop())
            except ValueError:
                parts = [self._starting_token]  # not an old-style token: an opaque service token
        values = [None if part == "None" else part for part in parts]
        if len(values) > len(self._input_token):
            raise ValueError(f"Bad starting token: {self._starting_token}")
        values += [None] * (len(self._input_token) - len(values))
        return dict(zip(self._input_token, values)), index


class ResultKeyIterator:
    """Iterates over the items of one result key across pages."""

    def __init__(self, pages_iterator: Iterator[dict[str, Any]], result_key: ParsedResult) -> None:
        self._pages_iterator = pages_iterator
        self.result_key = result_key

    def __iter__(self) -> Iterator[Any]:
        for page in self._pages_iterator:
            yield from self.result_key.search(page) or []


# -- paginator and models ---------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class Paginator:
    """``client.get_paginator(name)``: ``paginate(**params, PaginationConfig={...})``."""

    PAGE_ITERATOR_CLS = PageIterator

    def __init__(self, method: Callable[..., Any], pagination_config: Mapping[str, Any],
                 model: OperationModel) -> None:
        self._model = model
        self._method = method
        self._pagination_cfg = pagination_config
        self._output_token = [jmespath.compile(e) for e in _as_list(pagination_config["output_token"])]
        self._input_token: list[str] = _as_list(pagination_config["input_token"])
        more = pagination_config.get("more_results")
        self._more_results = jmespath.compile(more) if more is not None else None
        self._non_aggregate_keys = [jmespath.compile(k) for k in pagination_config.get("non_aggregate_keys", [])]
        result_key = pagination_config.get("result_key")
        self._result_keys = (
            [jmespath.compile(k) for k in _as_list(result_key)] if result_key is not None else None
        )
        self._limit_key: str | None = pagination_config.get("limit_key")

    @property
    def result_keys(self) -> list[ParsedResult] | None:
        return self._result_keys

    def paginate(self, **kwargs: Any) -> PageIterator:
        """Iterate over the pages of the operation's results (``PaginationConfig``:
        ``MaxItems``, ``PageSize``, ``StartingToken``)."""
        max_items, starting_token, page_size = self._extract_paging_params(kwargs)
        return self.PAGE_ITERATOR_CLS(
            self._method, self._input_token, self._output_token, self._more_results,
            self._result_keys or [], self._non_aggregate_keys, self._limit_key,
            max_items, starting_token, page_size, kwargs,
        )

    def _extract_paging_params(self, kwargs: dict[str, Any]) -> tuple[int | None, str | None, Any]:
        config = kwargs.pop("PaginationConfig", {})
        max_items = config.get("MaxItems", None)
        if max_items is not None:
            max_items = int(max_items)
        page_size = config.get("PageSize", None)
        if page_size is not None:
            if self._limit_key is None:
                raise PaginationError(
                    message="PageSize parameter is not supported for the pagination interface for this operation."
                )
            assert self._model.input_shape is not None
            limit_shape = self._model.input_shape.members.get(self._limit_key)
            # The limit travels as the member's modeled type (a few services model it as a string).
            if limit_shape is not None and limit_shape.type_name == "string":
                page_size = page_size if isinstance(page_size, str) else str(page_size)
            else:
                page_size = int(page_size)
        return max_items, config.get("StartingToken", None), page_size


class PaginatorModel:
    """One service's ``paginators-1`` data (read-only, shared by every client)."""

    __slots__ = ("_paginator_config",)

    def __init__(self, paginator_config: Mapping[str, Any]) -> None:
        self._paginator_config: Mapping[str, Any] = paginator_config.get("pagination", {})

    @property
    def operation_names(self) -> tuple[str, ...]:
        return tuple(self._paginator_config)

    def __contains__(self, operation_name: object) -> bool:
        return operation_name in self._paginator_config

    def get_paginator(self, operation_name: str) -> Mapping[str, Any]:
        try:
            config: Mapping[str, Any] = self._paginator_config[operation_name]
        except KeyError:
            raise ValueError(f"Paginator for operation does not exist: {operation_name}") from None
        return config


@functools.lru_cache(maxsize=None)
def paginator_model_for(loader: Loader, service_name: str, api_version: str | None) -> PaginatorModel:
    """The service's paginators (empty when it has none), parsed once per process."""
    try:
        return PaginatorModel(loader.load_service_model(service_name, "paginators-1", api_version))
    except DataNotFoundError:
        return PaginatorModel({})


def service_module_name(metadata: Mapping[str, Any], service_name: str) -> str:
    """botocore's class-name stem for a service (``EC2``, ``DynamoDB``, ``S3``)."""
    import re

    name = metadata.get("serviceAbbreviation", metadata.get("serviceFullName", service_name))
    return re.sub(r"\W+", "", name.replace("Amazon", "").replace("AWS", ""))


@functools.lru_cache(maxsize=None)
def _paginator_class(class_name: str, base: type[Paginator]) -> type[Paginator]:
    # botocore names the class after the service and operation (``S3.Paginator.ListObjectsV2``).
    return type(class_name, (base,), {"__module__": base.__module__})


def _model_for_client(client: Any) -> PaginatorModel:
    service_model = client.meta.service_model
    loader = client._loader or Loader.from_data_path()
    return paginator_model_for(loader, service_model.service_name, service_model.api_version or None)


def can_paginate(client: Any, operation_name: str) -> bool:
    """Whether the client method ``operation_name`` (snake_case) has a paginator."""
    return client._PY_TO_OP_NAME[operation_name] in _model_for_client(client)


def get_paginator(client: Any, operation_name: str, *, base: type[Paginator] = Paginator) -> Paginator:
    """The paginator for ``operation_name``; ``base``: Paginator, or the asyncio one."""
    if not can_paginate(client, operation_name):
        raise OperationNotPageableError(operation_name=operation_name)
    actual = client._PY_TO_OP_NAME[operation_name]
    service_model = client.meta.service_model
    config = _model_for_client(client).get_paginator(actual)
    cls = _paginator_class(
        f"{service_module_name(service_model.metadata, service_model.service_name)}.Paginator.{actual}",
        base,  # type: ignore[arg-type]  # classes hash by identity; mypy cannot see it here
    )
    return cls(getattr(client, operation_name), config, service_model.operation_model(actual))
