"""The asyncio Session: squall.session.Session (profiles, settings, the credential chain,
regions) whose clients are made off the event loop and call with coroutines."""
from __future__ import annotations

import asyncio
from typing import Any, Generator

from ..session import Session as _BlockingSession
from .client import AioBaseClient

__all__ = ["Session", "ClientCreator"]


class Session(_BlockingSession):
    """``squall.aio.session.Session(...)``: the blocking Session's arguments and answers;
    ``client()`` gives an asyncio client::

        session = squall.aio.Session(region_name="eu-west-1")
        async with session.client("sqs") as sqs:
            await sqs.send_message(QueueUrl=url, MessageBody="hi")

    or ``sqs = await session.client("sqs")`` (then ``await sqs.close()``). Making a client
    reads model files, so it happens in a worker thread; credentials are resolved (and
    refreshed) in one too, the first time a call needs them. The Session itself reads
    the shared config files when it is made.
    """

    def _client(self, service_name: str, kwargs: dict[str, Any]) -> "ClientCreator":
        # client() (the blocking Session's signature) answers with an awaitable here
        return ClientCreator(self, service_name, kwargs)

    def create_client(self, service_name: str, *args: Any, **kwargs: Any) -> "ClientCreator":
        """aiobotocore's name for ``client()``."""
        return self.client(service_name, *args, **kwargs)  # type: ignore[no-any-return]

    def _create(self, service_name: str, kwargs: dict[str, Any]) -> AioBaseClient:
        """Build the client (blocking: model files, maybe IMDS for the region)."""
        from ..runtime._factory import create_client

        client: AioBaseClient = create_client(self, service_name, base=AioBaseClient, **kwargs)
        if kwargs.get("aws_access_key_id") is not None or kwargs.get("aws_secret_access_key") is not None:
            client._credentials_now = client._get_credentials  # fixed keys: never blocks
        else:
            client._credentials_now = self._credentials_if_ready
        return client

    def _credentials_if_ready(self) -> Any:
        """The Session's frozen credentials if that needs no I/O (resolved, and not due for
        a refresh), else None: the driver then asks in a worker thread."""
        from ..credentials.refreshable import RefreshableCredentials

        creds = self._credentials
        if creds is None:
            return None
        if isinstance(creds, RefreshableCredentials) and creds.refresh_state(creds._now()) != "fresh":
            return None
        return creds.get_frozen_credentials()

    async def get_credentials(self) -> Any:  # type: ignore[override]
        """The Session's credentials (None if no provider found any), resolved in a worker thread."""
        return await asyncio.to_thread(_BlockingSession.get_credentials, self)

    def resource(self, *args: Any, **kwargs: Any) -> Any:
        from ..exceptions import AsyncUnsupportedError

        raise AsyncUnsupportedError(what="resource()", instead="use squall.session.Session().resource() "
                                                               "(the blocking resources) for now")


class ClientCreator:
    """``await session.client(...)`` or ``async with session.client(...) as client``."""

    __slots__ = ("_session", "_service_name", "_kwargs", "_client")

    def __init__(self, session: Session, service_name: str, kwargs: dict[str, Any]) -> None:
        self._session = session
        self._service_name = service_name
        self._kwargs = kwargs
        self._client: AioBaseClient | None = None

    async def _make(self) -> AioBaseClient:
        return await asyncio.to_thread(self._session._create, self._service_name, self._kwargs)

    def __await__(self) -> Generator[Any, None, AioBaseClient]:
        return self._make().__await__()

    async def __aenter__(self) -> AioBaseClient:
        self._client = await self._make()
        return self._client

    async def __aexit__(self, *exc: Any) -> None:
        if self._client is not None:
            await self._client.close()
