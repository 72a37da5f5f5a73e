"""This run's profile and targets, fixed once in pytest_configure and read by the test modules at collection."""

from __future__ import annotations

from collections.abc import Collection
from contextlib import ExitStack
from dataclasses import dataclass, field

from .listening import check_listening
from .profiles import PROFILES, Profile
from .targets import NotSelected, Target, from_environment

__all__ = ["Session", "current", "start", "stop"]


@dataclass
class Session:
    profile: Profile
    targets: dict[str, Target | NotSelected]
    stack: ExitStack = field(default_factory=ExitStack)

    def not_selected(self) -> dict[str, str]:
        return {api: t.reason for api, t in self.targets.items() if isinstance(t, NotSelected)}


_CURRENT: list[Session] = []


def start(profile: str, apis: Collection[str] = ()) -> Session:
    """Resolve the targets from the environment (starting simulators for an `http` target without a URL).

    `apis` limits the run to those APIs (`--api mash`): the others are not resolved, so not started.
    """
    stack = ExitStack()
    try:
        targets = from_environment(stack, apis)
        for api, target in targets.items():
            if isinstance(target, Target) and target.kind == "http":
                check_listening(api, target.base_url)
        session = Session(PROFILES[profile], targets, stack)
    except BaseException:
        stack.close()
        raise
    _CURRENT[:] = [session]
    return session


def current() -> Session:
    if not _CURRENT:
        raise RuntimeError("contract_tests.session.start() was not called: run the suite through pytest")
    return _CURRENT[0]


def stop() -> None:
    for session in _CURRENT:
        session.stack.close()
    _CURRENT.clear()
