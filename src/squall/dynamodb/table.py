"""``table.batch_writer()``: buffered puts and deletes sent with BatchWriteItem.

Requests are buffered and sent 25 at a time (BatchWriteItem's limit); whatever the
service leaves unprocessed goes back into the buffer and is sent with a later batch;
leaving the ``with`` block flushes until the buffer is empty. With
``overwrite_by_pkeys=['pk', 'sk']`` a new request replaces a buffered one for the same
key, so one batch never holds two requests for one item (which DynamoDB rejects).
"""
from __future__ import annotations

import logging
from typing import Any, Sequence

__all__ = ["BatchWriter", "TableResource", "register_table_methods"]

log = logging.getLogger(__name__)


class BatchWriter:
    """Context manager that batches ``put_item``/``delete_item`` for one table."""

    def __init__(
        self, table_name: str, client: Any, flush_amount: int = 25,
        overwrite_by_pkeys: Sequence[str] | None = None,
    ) -> None:
        self._table_name = table_name
        self._client = client
        self._items_buffer: list[dict[str, Any]] = []
        self._flush_amount = flush_amount
        self._overwrite_by_pkeys = overwrite_by_pkeys

    def put_item(self, Item: dict[str, Any]) -> None:  # noqa: N803 - boto3's argument name
        self._add_request_and_process({"PutRequest": {"Item": Item}})

    def delete_item(self, Key: dict[str, Any]) -> None:  # noqa: N803
        self._add_request_and_process({"DeleteRequest": {"Key": Key}})

    def _add_request_and_process(self, request: dict[str, Any]) -> None:
        if self._overwrite_by_pkeys:
            self._remove_dup_pkeys_request_if_any(request)
        self._items_buffer.append(request)
        self._flush_if_needed()

    def _remove_dup_pkeys_request_if_any(self, request: dict[str, Any]) -> None:
        new_key = self._extract_pkey_values(request)
        kept = []
        for item in self._items_buffer:
            if self._extract_pkey_values(item) == new_key:
                log.debug("With overwrite_by_pkeys enabled, skipping request:%s", item)
            else:
                kept.append(item)
        self._items_buffer = kept

    def _extract_pkey_values(self, request: dict[str, Any]) -> list[Any] | None:
        keys = self._overwrite_by_pkeys or ()
        if request.get("PutRequest"):
            return [request["PutRequest"]["Item"][key] for key in keys]
        if request.get("DeleteRequest"):
            return [request["DeleteRequest"]["Key"][key] for key in keys]
        return None

    def _flush_if_needed(self) -> None:
        if len(self._items_buffer) >= self._flush_amount:
            self._flush()

    def _flush(self) -> None:
        items_to_send = self._items_buffer[: self._flush_amount]
        self._items_buffer = self._items_buffer[self._flush_amount:]
        response = self._client.batch_write_item(RequestItems={self._table_name: items_to_send})
        unprocessed = response.get("UnprocessedItems") or {}
        self._items_buffer.extend(unprocessed.get(self._table_name, []))
        log.debug("Batch write sent %s, unprocessed: %s", len(items_to_send), len(self._items_buffer))

    def __enter__(self) -> "BatchWriter":
        return self

    def __exit__(self, exc_type: Any, exc_value: Any, tb: Any) -> None:
        # Flushed even when the block raised, as boto3 does: what was written is sent.
        while self._items_buffer:
            self._flush()


class TableResource:
    """Base of ``dynamodb.Table``: adds ``batch_writer()``."""

    def batch_writer(self, overwrite_by_pkeys: Sequence[str] | None = None) -> BatchWriter:
        """A context manager that buffers ``put_item``/``delete_item`` and sends them with
        BatchWriteItem, 25 at a time, resending unprocessed items; it flushes on exit.

        ``overwrite_by_pkeys``: the table's key attribute names; a later request for the
        same key replaces a buffered one instead of failing the batch."""
        return BatchWriter(self.name, self.meta.client, overwrite_by_pkeys=overwrite_by_pkeys)  # type: ignore[attr-defined]


def register_table_methods(attrs: dict[str, Any], bases: list[type]) -> None:
    bases.insert(0, TableResource)
