"""Each patched spec against its target: every schemathesis check, in every phase.

Stateless phases (examples, coverage, fuzzing) run as one test per operation; the stateful phase follows
the spec's OpenAPI links (overlays/<api>/90-links.yaml). Exceptions are per operation: exceptions.yaml.
Every test starts from the simulator's start-up state, so its verdict does not depend on which tests ran before
it in the same process (xdist workers and shards run different sets).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from schemathesis import Case

from .exceptions import load_decisions
from .schemas import build_schema
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


@schemathesis.pytest.parametrize(**SCHEMAS)
def test_operation(case: Case[Any]) -> None:
    case.call_and_validate()


@pytest.mark.parametrize("api", sorted(SCHEMAS))
def test_stateful(api: str) -> None:
    profile = _RUN.profile
    target = _RUN.targets[api]
    reset = target.reset if isinstance(target, Target) else None

    class Scenario(SCHEMAS[api].as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            if reset is not None:  # every scenario (and every replay of it) starts from the same store
                reset()

    Scenario.run(settings=profile.hypothesis(profile.stateful_runs, stateful_step_count=profile.stateful_steps))
