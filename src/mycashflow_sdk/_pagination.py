"""Every item of a MyCashflow list operation, page after page, following `meta` (sync and async)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any, ParamSpec, Protocol, TypeVar

from mycashflow_client.models import Meta
from mycashflow_client.types import Unset

__all__ = ["Page", "apages", "apaginate", "pages", "paginate"]

P = ParamSpec("P")
T_co = TypeVar("T_co", covariant=True)
T = TypeVar("T")


class Page(Protocol[T_co]):
    """A list response: `{data: [...], meta: {page, page_size, page_count, item_count, next?}}`."""

    @property
    def data(self) -> Sequence[T_co] | Unset: ...

    @property
    def meta(self) -> Meta | Unset: ...


PageT = TypeVar("PageT", bound=Page[Any])


def _first_page(kwargs: dict[str, Any]) -> int:
    page = kwargs.get("page", 1)
    return page if isinstance(page, int) and page > 0 else 1


def _has_next(page: Page[Any], number: int) -> bool:
    """Whether a page follows page `number`, by `meta`; an empty or meta-less page is the last one."""
    if isinstance(page.data, Unset) or not page.data or isinstance(page.meta, Unset):
        return False
    if not isinstance(page.meta.page_count, Unset):
        return number < page.meta.page_count
    return not isinstance(page.meta.next_, Unset)


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
        if not isinstance(page.data, Unset):
            yield from page.data


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
        if not isinstance(page.data, Unset):
            for item in page.data:
                yield item
