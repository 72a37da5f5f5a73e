"""Collections: filters, `sort`, `page`/`page_size`, and the `meta` block that adds up across pages.

Conventions (chosen where the docs are silent): pages count from 1 as `meta.page` does, and page 0 (the
documented former default) is the first page too; `page_size` is 1…MAX_PAGE_SIZE, anything else is a 422;
a page past the end is empty with a correct `meta`; `page_count` of an empty collection is 0; `meta.next`
(undocumented, seen in clients) is the path and query of the next page, present only when one exists;
`-from`/`-to` filters are inclusive, and a value without a UTC offset is the store's local time
(Europe/Helsinki: a shipped stock tracker sends `changed_at-from=2020-05-02T13:26:54`, MCF-Q21);
unknown query parameters are ignored.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from .._serving import MAX_ID_DIGITS, parse_id
from .errors import McfError
from .state import HELSINKI, Record

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "Page", "page_of"]

DEFAULT_PAGE_SIZE = 50
# The real store honours page_size=10000 (a production connector pages suppliers and stock changes with it
# and asserts one page), so the simulator does too; beyond that, a 422 says what the limit is.
MAX_PAGE_SIZE = 10_000

Page = tuple[list[Record], dict[str, Any]]
Extra = Callable[[Record, str], Any]  # a filter value that is not a field of the record (orders' shipments)


def page_of(
    items: Iterable[Record],
    *,
    count: int | None,
    query: dict[str, Any],
    filters: Sequence[str],
    path: str,
    extra: Extra | None = None,
) -> Page:
    """One page of `items` (oldest first) after the request's filters and sort; `count` if already known."""
    page, size = _paging(query)
    chosen = [(name, query[name]) for name in filters if name in query]
    if chosen:
        predicate = _predicate(chosen, extra)
        items, count = (selected := [item for item in items if predicate(item)]), len(selected)
    sort = query.get("sort", "id-asc")
    if sort != "id-asc":  # items come oldest first, which is id-asc
        field, _, direction = sort.rpartition("-")
        ordered = list(items) if field == "id" else sorted(items, key=lambda item: (_time(item[field]), item["id"]))
        items, count = (ordered[::-1] if direction == "desc" else ordered), len(ordered)
    if count is None:
        items = listed = list(items)
        count = len(listed)
    start = (page - 1) * size
    # A page past the end is empty without walking to it: islice refuses offsets beyond sys.maxsize.
    data = list(itertools.islice(iter(items), start, start + size)) if start < count else []
    page_count = math.ceil(count / size)
    meta: dict[str, Any] = {"page": page, "page_size": size, "page_count": page_count, "item_count": count}
    if page < page_count:
        meta["next"] = path + "?" + urlencode(_next_query(query, page + 1))
    return data, meta


_MAX_PAGE = 2**63 - 1


def _paging(query: dict[str, Any]) -> tuple[int, int]:
    page = query.get("page", 1)
    size = query.get("page_size", DEFAULT_PAGE_SIZE)
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise McfError.invalid("page_size", f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {size}.")
    if page > _MAX_PAGE:  # meta.page echoes it, and JSON encoders stop at 64-bit integers
        raise McfError.invalid("page", f"page must be at most {_MAX_PAGE}, got {page}.")
    return max(page, 1), size


def _next_query(query: dict[str, Any], page: int) -> dict[str, str]:
    out = {key: ",".join(value) if isinstance(value, list) else str(value) for key, value in query.items()}
    out["page"] = str(page)
    return out


def _predicate(chosen: list[tuple[str, Any]], extra: Extra | None) -> Callable[[Record], bool]:
    tests: list[Callable[[Record], bool]] = []
    for name, value in chosen:
        field, _, bound = name.rpartition("-")
        if bound in ("from", "to") and field:
            tests.append(_range(field, _parse_time(name, value), bound == "from", extra))
        elif name == "id":
            ids = _ids(value)
            tests.append(lambda item, ids=ids: item["id"] in ids)  # type: ignore[misc]
        else:
            tests.append(lambda item, name=name, value=value: item.get(name) == value)  # type: ignore[misc]
    return lambda item: all(test(item) for test in tests)


def _range(field: str, limit: datetime, lower: bool, extra: Extra | None) -> Callable[[Record], bool]:
    def test(item: Record) -> bool:
        value = item[field] if field in item else (extra(item, field) if extra else None)
        if not value:
            return False
        moment = _time(value)
        return moment >= limit if lower else moment <= limit

    return test


def _ids(value: str) -> set[int]:
    ids = {parse_id(part.strip()) for part in value.split(",") if part.strip()}
    if None in ids:
        raise McfError.invalid(
            "id",
            f"id must be a comma-separated list of product ids (at most {MAX_ID_DIGITS} digits each), e.g. id=1,2,3.",
        )
    return {i for i in ids if i is not None}


def _parse_time(name: str, value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.upper())
    except ValueError:
        raise McfError.invalid(name, f"{value!r} is not an ISO 8601 date-time.") from None
    # fold=0: in the autumn's repeated hour a naive time is the first (summer-time) one.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=HELSINKI)


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)
