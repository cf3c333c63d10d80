"""Async paginators: the blocking paginator's paging decisions (runtime.paginate's
PageIterator flow, kept step for step with botocore), with each page fetched by awaiting
the asyncio client's method."""
from __future__ import annotations

from typing import Any, AsyncIterator

import jmespath  # type: ignore[import-untyped]

from ..runtime.paginate import Call, PageIterator, Paginator

__all__ = ["AioPageIterator", "AioPaginator"]


class AioPageIterator(PageIterator):
    """``async for page in paginator.paginate(...)``; each ``async for`` starts afresh."""

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._pages()

    async def _pages(self) -> AsyncIterator[dict[str, Any]]:
        flow = self._flow()
        answer: Any = None
        while True:
            try:
                effect = flow.send(answer)
            except StopIteration:
                return
            if isinstance(effect, Call):
                answer = await self._method(**effect.params)
            else:
                answer = None
                yield effect.page

    def __iter__(self) -> Any:
        raise TypeError("an asyncio paginator is iterated with 'async for'")

    async def build_full_result(self) -> dict[str, Any]:  # type: ignore[override]
        """All pages merged, as the blocking paginator's ``build_full_result``."""
        complete: dict[str, Any] = {}
        async for page in self:
            self._merge_page(complete, page)
        return self._finish(complete)

    async def search(self, expression: str) -> AsyncIterator[Any]:  # type: ignore[override]
        """Apply a JMESPath expression to each page; list results are flattened."""
        compiled = jmespath.compile(expression)
        async for page in self:
            results = compiled.search(page)
            if isinstance(results, list):
                for item in results:
                    yield item
            else:
                yield results

    def result_key_iters(self) -> Any:
        from ..exceptions import AsyncUnsupportedError

        raise AsyncUnsupportedError(what="result_key_iters()", instead="use 'async for' over the pages or search()")


class AioPaginator(Paginator):
    PAGE_ITERATOR_CLS = AioPageIterator
