"""Each patched spec against its target: every schemathesis check, in every phase.

Stateless phases (examples, coverage, fuzzing) run as one test per operation; the stateful phase follows
the spec's OpenAPI links (overlays/<api>/90-links.yaml). Exceptions are per operation: exceptions.yaml.
Every test starts from the simulator's start-up state, so its verdict does not depend on which tests ran before
it in the same process (xdist workers and shards run different sets).
"""

from __future__ import annotations

import re
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis import Case
from schemathesis.transport.requests import SameHostRedirectsSession

from .exceptions import load_decisions
from .in_process import InProcessClient
from .schemas import API_KEY, build_schema
from .session import current
from .targets import Target

_RUN = current()
_DECISIONS = load_decisions()
SCHEMAS = {api: build_schema(api, target, _RUN.profile, _DECISIONS) for api, target in sorted(_RUN.targets.items())}
_API_IN_NAME = re.compile(r"^test_operation\[(\w+)\]")


@pytest.fixture(autouse=True)
def _fresh_simulator(request: pytest.FixtureRequest) -> None:
    """The operation's simulator back to its start-up state (a sandbox has no reset and is left as it is)."""
    found = _API_IN_NAME.match(request.node.name)
    target = _RUN.targets.get(found.group(1)) if found else None
    if isinstance(target, Target) and target.reset is not None:
        target.reset()


def _connections() -> dict[str, requests.Session]:
    """One session per API, reused by every case (and stateful step) of this process.

    Over the network a case then reuses the connection (and its TLS handshake) of the last: without one,
    schemathesis opens a session, a connection and a TLS handshake per case, 6 ms of CPU per request to the HTTPS
    simulator against 1.5 ms on a kept connection. The session is schemathesis' own kind (redirects followed only
    within one host), with no default headers of its own (each case sends only what it would alone) and no cookie
    jar (no case sees what an earlier one was given). In-process, the session calls the app on this thread
    (in_process.py) instead of schemathesis' two hops per case to its event-loop thread.
    """
    sessions: dict[str, requests.Session] = {}
    for api, target in _RUN.targets.items():
        if isinstance(target, Target) and target.app is not None:
            client = InProcessClient(target.app)
            _RUN.stack.callback(client.close)
            sessions[api] = client
        elif isinstance(target, Target):
            session = SameHostRedirectsSession()
            session.headers.clear()
            session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
            _RUN.stack.callback(session.close)
            sessions[api] = session
    return sessions


_SESSIONS = _connections()


@schemathesis.pytest.parametrize(**SCHEMAS)
def test_operation(case: Case[Any]) -> None:
    case.call_and_validate(session=_SESSIONS.get(str(case.operation.schema.raw_schema.get(API_KEY))))


@pytest.mark.parametrize("api", sorted(SCHEMAS))
def test_stateful(api: str) -> None:
    profile = _RUN.profile
    target = _RUN.targets[api]
    reset = target.reset if isinstance(target, Target) else None

    session = _SESSIONS.get(api)

    class Scenario(SCHEMAS[api].as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            if reset is not None:  # every scenario (and every replay of it) starts from the same store
                reset()

        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            return {"session": session} if session is not None else {}

    Scenario.run(settings=profile.hypothesis(profile.stateful_runs, stateful_step_count=profile.stateful_steps))
