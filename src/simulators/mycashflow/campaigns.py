"""Campaigns (`GET /api/v0/campaigns`, read only): what the Fivetran connector reads, and nothing invented.

T1 lists them with `page_size=1000&expand=prices,visibilities` and keys them by `id`; its commit "disable update
filter for endpoints where update in nested object do not reset updated_at" shows they carry an `updated_at`
that their prices and visibilities do not move. No source shows a campaign's other fields or a price's: the
simulator's campaigns have `id` and `updated_at`, `prices` is always empty, and `visibilities` take the shape
v1's products and categories give them (`version_id`, `is_visible`; inferred from the shared expansion name).
"""

from __future__ import annotations

from typing import Any

from .rules import Rules
from .state import Record, StoreState

__all__ = ["CampaignRules", "seed_campaigns"]

RESOURCE = "campaigns"


class CampaignRules(Rules):
    """The expansions are stored lists (prices, visibilities), shown as stored."""

    def expand(self, state: StoreState, record: Record, name: str, nested: frozenset[str]) -> Any:
        if name in ("prices", "visibilities"):
            return state.table(RESOURCE).extra.get(record["id"], {}).get(name, [])
        return super().expand(state, record, name, nested)


def seed_campaigns(state: StoreState, stamps: list[str]) -> int:
    """One campaign per timestamp, visible in every store version; none when the store has no campaigns table."""
    if RESOURCE not in state.tables:
        return 0
    table, versions = state.table(RESOURCE), [version["id"] for version in state.table("versions").values()]
    for n, moment in enumerate(stamps):
        visibilities = [{"version_id": version, "is_visible": n % 2 == 0 or version == 1} for version in versions]
        table.put({"id": table.next_id(), "updated_at": moment}, {"prices": [], "visibilities": visibilities})
    return len(stamps)
