"""Every item of a MyCashflow list operation, page after page, following `meta` (sync and async)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any, ParamSpec, Protocol, TypeVar

from mycashflow_client.models import Meta

__all__ = ["Page", "apages", "apaginate", "pages", "paginate"]

P = ParamSpec("P")
T_co = TypeVar("T_co", covariant=True)
T = TypeVar("T")


class Page(Protocol[T_co]):
    """A list response: `{data: [...], meta: {page, page_size, page_count, item_count, next?}}`."""

    @property
    def data(self) -> Sequence[T_co]: ...

    @property
    def meta(self) -> Meta: ...


PageT = TypeVar("PageT", bound=Page[Any])


def _first_page(kwargs: dict[str, Any]) -> int:
    page = kwargs.get("page", 1)
    return page if isinstance(page, int) and page > 0 else 1


def _has_next(page: Page[Any], number: int) -> bool:
    """Whether a page follows page `number`, by `meta`; an empty or meta-less page is the last one.

    `data`, `meta` and `meta.page_count` are always sent (overlays/mycashflow/20-response-required.yaml); a
    server that omits one anyway gets a recorded deviation and a field that raises MissingFieldError (an
    AttributeError) when read, hence `getattr` with a default: such a page is the last one, unless `meta.next`
    says otherwise (T1 pages by `'next' in meta` alone).
    """
    meta = getattr(page, "meta", None)
    if not getattr(page, "data", None) or meta is None:
        return False
    page_count = getattr(meta, "page_count", None)
    if isinstance(page_count, int):
        return number < page_count
    return isinstance(meta.next_, str)


def pages(operation: Callable[P, PageT], /, *args: P.args, **kwargs: P.kwargs) -> Iterator[PageT]:
    """Each page of `operation` (a list operation's `sync`), from `page` (default 1) to the last.

    `pages(list_products.sync, client=mcf, page_size=100)`; the other arguments go to every call.
    """
    number = _first_page(kwargs)
    while True:
        kwargs["page"] = number
        page = operation(*args, **kwargs)
        yield page
        if not _has_next(page, number):
            return
        number += 1


def paginate(operation: Callable[P, Page[T]], /, *args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
    """Every item of `operation` (a list operation's `sync`) across all pages, each once, in order."""
    for page in pages(operation, *args, **kwargs):
        yield from getattr(page, "data", ())


async def apages(
    operation: Callable[P, Awaitable[PageT]], /, *args: P.args, **kwargs: P.kwargs
) -> AsyncIterator[PageT]:
    """Each page of `operation` (a list operation's `asyncio`), from `page` (default 1) to the last."""
    number = _first_page(kwargs)
    while True:
        kwargs["page"] = number
        page = await operation(*args, **kwargs)
        yield page
        if not _has_next(page, number):
            return
        number += 1


async def apaginate(
    operation: Callable[P, Awaitable[Page[T]]], /, *args: P.args, **kwargs: P.kwargs
) -> AsyncIterator[T]:
    """Every item of `operation` (a list operation's `asyncio`) across all pages, each once, in order."""
    async for page in apages(operation, *args, **kwargs):
        for item in getattr(page, "data", ()):
            yield item
