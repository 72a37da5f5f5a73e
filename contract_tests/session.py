"""This run's profile and targets, fixed once in pytest_configure and read by the test modules at collection."""

from __future__ import annotations

from collections.abc import Collection
from contextlib import ExitStack
from dataclasses import dataclass, field

from .listening import check_listening
from .profiles import PROFILES, Profile
from .sandbox_run import SandboxOptions, SandboxRun
from .targets import NotSelected, Target, from_environment
from .wire_guard import GUARD, Policy

__all__ = ["Session", "current", "start", "stop"]


@dataclass
class Session:
    profile: Profile
    targets: dict[str, Target | NotSelected]
    stack: ExitStack = field(default_factory=ExitStack)
    sandbox: SandboxRun | None = None  # recording, budget and cleanup of the sandbox targets (sandbox_run.py)

    def not_selected(self) -> dict[str, str]:
        return {api: t.reason for api, t in self.targets.items() if isinstance(t, NotSelected)}


_CURRENT: list[Session] = []


def start(profile: str, apis: Collection[str] = (), sandbox: SandboxOptions | None = None) -> Session:
    """Resolve the targets from the environment (starting simulators for an `http` target without a URL).

    `apis` limits the run to those APIs (`--api mash`): the others are not resolved, so not started.
    Sandbox targets are guarded on the wire for the whole run (wire_guard): their host only, and GET/HEAD only
    when read-only. Each sandbox is reached through a recording proxy (sandbox_run.py, with `sandbox`'s options).
    """
    stack = ExitStack()
    try:
        targets = from_environment(stack, apis)
        for api, target in targets.items():
            if isinstance(target, Target) and target.kind == "http":
                check_listening(api, target.base_url)
        run = SandboxRun.create(sandbox or SandboxOptions.from_env())
        targets = run.front(targets, stack)
        session = Session(PROFILES[profile], targets, stack, run if run.fronts else None)
        sandboxes = [t for t in session.targets.values() if isinstance(t, Target) and t.kind == "sandbox"]
        if sandboxes:
            GUARD.activate(Policy(t.api, origin, t.read_only) for t in sandboxes for origin in t.origins)
            stack.callback(GUARD.deactivate)
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
