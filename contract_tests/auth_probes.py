"""schemathesis' `ignored_auth` check confirms an operation's authentication once per process, as its runner does.

On a successful response to a case sent with credentials, `ignored_auth` probes the operation twice more (no
credentials, then wrong ones) unless the run already saw that operation refuse both: schemathesis 4.32.5 keeps
that memory in its own runner (`CheckContext.auth_enforced_operations`, "one confirmation per run is enough"),
but `Case.call_and_validate`, which our pytest tests use, builds each context without it, so every successful case
was probed again: two extra requests per case, each through schemathesis' own event-loop thread (the probes drop
our session), 6% of the fast operation tests' time (py-spy, issue 21), and twice the requests a sandbox is sent.
`install()` registers the same check under the same name, handing it this process's memory; what it checks and
reports is schemathesis' code. The memory is kept per API (MyCashflow v0 and v1 both have `GET /orders`); each
xdist worker and shard confirms for itself.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, cast

import schemathesis
from schemathesis import Case, CheckContext, Response
from schemathesis.checks import CHECKS, CheckFunction, load_all_checks

from .mended_releases import require
from .schemas import API_KEY

__all__ = ["CONFIRMED", "install"]

# per API, the labels of the operations this process saw refuse both missing and wrong credentials
CONFIRMED: dict[str, set[str]] = {}


def install() -> None:
    """From now on, `ignored_auth` probes an operation until it is confirmed, then no more in this process."""
    require(
        "schemathesis", "auth_probes.py", "hands ignored_auth its runner's memory", "check auth_enforced_operations"
    )
    load_all_checks()
    upstream = cast(CheckFunction, CHECKS.get_one("ignored_auth"))
    if getattr(upstream, "remembers", False):
        return

    @wraps(upstream)
    def ignored_auth(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        if ctx.auth_enforced_operations is None:
            api = str(case.operation.schema.raw_schema.get(API_KEY, id(case.operation.schema.raw_schema)))
            ctx.auth_enforced_operations = CONFIRMED.setdefault(api, set())
        return upstream(ctx, response, case)

    ignored_auth.remembers = True  # type: ignore[attr-defined]
    CHECKS.unregister("ignored_auth")
    schemathesis.check(ignored_auth)
