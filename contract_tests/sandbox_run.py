"""A sandbox run records every exchange, keeps to a request budget, honours Retry-After, and cleans up after itself.

Each sandbox target is put behind trafficcheck's validating proxy (the same ProxyApp as `nox -s proxy`, so the
same cassette format and redaction, and a deviation report beside it), listening on a free loopback port; the
run's tests get the proxy's URL as the target's base URL, so every request of the run passes it. The proxy
reaches the sandbox through a PacedTransport (contract_tests/pacing.py: budget, Retry-After) that also shows
create answers to the cleanup's Tracker. At the end (pytest_sessionfinish, or when the session's stack closes,
or at exit, whichever comes first: the work is done once) every item the run created is undone through the
same proxy, and the cleanup report is printed and written beside the cassette:

    <record dir>/<api>[-<xdist worker>]/cassette.jsonl, deviations.{json,md}, cleanup.{json,txt}
"""

from __future__ import annotations

import atexit
import json
import math
import os
import signal
import threading
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import IO, Any

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from simulators._serving import running_in_thread
from specforge.apis import find_root, load_apis
from trafficcheck.check import TrafficChecker
from trafficcheck.proxy import ProxyApp, ProxyOptions, open_cassette
from trafficcheck.report import DeviationReport

from .cleanup import Client, Created, Operations, Outcome, Tracker, clean, item_lines, report_json, report_lines
from .pacing import DEFAULT_MAX_WAIT_S, DEFAULT_RATE, MAX_RETRIES, Manners, PacedTransport
from .targets import NotSelected, Target

__all__ = ["SandboxOptions", "SandboxRun", "add_options", "options_from", "register"]

RECORD_VARIABLE = "CONTRACT_SANDBOX_RECORD"
RATE_VARIABLE = "CONTRACT_SANDBOX_RATE"
MAX_WAIT_VARIABLE = "CONTRACT_SANDBOX_MAX_WAIT"
DEFAULT_RECORD = Path("build") / "sandbox"
UPSTREAM_TIMEOUT_S = 30.0  # the sandbox's own answer, as `nox -s proxy` waits for it
_OUTPUT = "contract_sandbox"  # an xdist worker's report lines and limits, in its workeroutput


@dataclass(frozen=True)
class SandboxOptions:
    record_dir: Path = DEFAULT_RECORD
    rate: float = DEFAULT_RATE  # per sandbox origin, for the whole run (xdist workers share it out)
    max_wait_s: float = DEFAULT_MAX_WAIT_S
    worker: str = ""  # the xdist worker id ("gw0"), "" in a one-process run
    workers: int = 1

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> SandboxOptions:
        return cls(
            record_dir=Path(env.get(RECORD_VARIABLE) or DEFAULT_RECORD),
            rate=_positive(RATE_VARIABLE, env.get(RATE_VARIABLE), DEFAULT_RATE),
            max_wait_s=_positive(MAX_WAIT_VARIABLE, env.get(MAX_WAIT_VARIABLE), DEFAULT_MAX_WAIT_S, zero=True),
            worker=env.get("PYTEST_XDIST_WORKER", ""),
            workers=max(1, int(_positive("PYTEST_XDIST_WORKER_COUNT", env.get("PYTEST_XDIST_WORKER_COUNT"), 1))),
        )


def _positive(name: str, raw: str | None, default: float, *, zero: bool = False) -> float:
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise pytest.UsageError(f"{name}={raw!r}: expected a number") from None
    if not (value >= 0 if zero else value > 0) or math.isnan(value) or math.isinf(value):
        raise pytest.UsageError(f"{name}={raw!r}: expected a number {'≥' if zero else '>'} 0")
    return value


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract sandbox", "sandbox runs (CONTRACT_TARGET=sandbox): recording, budget, cleanup")
    group.addoption(
        "--sandbox-record", metavar="DIR", help=f"cassettes and reports here ({RECORD_VARIABLE}; build/sandbox)"
    )
    group.addoption(
        "--sandbox-rate", metavar="N", help=f"requests a second per sandbox ({RATE_VARIABLE}; {DEFAULT_RATE:g})"
    )
    group.addoption(
        "--sandbox-max-wait",
        metavar="S",
        help=f"longest Retry-After waited for ({MAX_WAIT_VARIABLE}; {DEFAULT_MAX_WAIT_S:g} s)",
    )


def options_from(config: pytest.Config) -> SandboxOptions:
    """The options, each from its command-line flag, else its variable, else the default."""
    env = dict(os.environ)
    for flag, variable in (
        ("--sandbox-record", RECORD_VARIABLE),
        ("--sandbox-rate", RATE_VARIABLE),
        ("--sandbox-max-wait", MAX_WAIT_VARIABLE),
    ):
        value = config.getoption(flag, None)
        if value is not None:
            env[variable] = str(value)
    return SandboxOptions.from_env(env)


class _InFlight:
    """The proxy app, counting requests not yet recorded: ProxyApp records an exchange after its answer is sent,
    so a client can hold the answer before the cassette holds the entry; the reports wait for the count to be 0."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.count = 0
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with self._lock:
            self.count += 1
        try:
            await self.app(scope, receive, send)
        finally:
            with self._lock:
                self.count -= 1

    def wait_idle(self, timeout_s: float = 10.0) -> None:
        deadline = time.monotonic() + timeout_s
        while self.count and time.monotonic() < deadline:
            time.sleep(0.01)


@dataclass
class _Front:
    """One sandbox target behind its recording proxy."""

    api: str
    target: Target  # as the tests see it: the proxy's URL
    folder: Path
    cassette: IO[str]
    report: DeviationReport
    tracker: Tracker
    app: _InFlight


@dataclass
class SandboxRun:
    options: SandboxOptions
    manners: Manners
    fronts: dict[str, _Front] = field(default_factory=dict)
    outcomes: dict[str, list[Outcome]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    _done: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def create(cls, options: SandboxOptions) -> SandboxRun:
        rate = options.rate / options.workers  # every worker process spends its share of one budget
        return cls(options, Manners(rate=rate, max_wait_s=options.max_wait_s))

    def front(self, targets: dict[str, Target | NotSelected], stack: ExitStack) -> dict[str, Target | NotSelected]:
        """The targets with every sandbox behind a recording proxy; the finish is tied to `stack` and to exit."""
        fronted: dict[str, Target | NotSelected] = {}
        for api, target in targets.items():
            if isinstance(target, Target) and target.kind == "sandbox":
                fronted[api] = self._front(target, stack)
            else:
                fronted[api] = target
        if self.fronts:
            stack.callback(self.finish)  # entered after the proxies: runs while they still serve
            atexit.register(self.finish)
            _terminate_as_interrupt(stack)
        return fronted

    def _front(self, target: Target, stack: ExitStack) -> Target:
        api = target.api
        checker = TrafficChecker.for_api(api)
        rules = _rules(api)
        tracker = Tracker(api, checker, rules)
        name = f"{api}-{self.options.worker}" if self.options.worker else api
        folder = self.options.record_dir / name
        cassette_path = folder / "cassette.jsonl"
        cassette = stack.enter_context(open_cassette(cassette_path))
        report = DeviationReport(api, checker.spec_sha256, str(cassette_path))
        origin = str(target.origin)
        verify: Any = target.verify
        transport = PacedTransport(
            httpx.AsyncHTTPTransport(verify=verify, trust_env=False),
            self.manners,
            origin=origin,
            read_only=target.read_only,
            wants=tracker.wants,
            observe=tracker.observe,
        )
        # The proxy's deadline for an answer covers the Retry-After waits the transport may take on the way.
        deadline = self.options.max_wait_s * (MAX_RETRIES + 1) + UPSTREAM_TIMEOUT_S
        options = ProxyOptions(upstream=origin, transport=transport, timeout_s=deadline)
        app = ProxyApp(checker, options, cassette, report, say=_quiet)
        counted = _InFlight(app)
        proxy_url = stack.enter_context(running_in_thread(counted))
        path = target.base_url[len(origin) :] if target.base_url.startswith(origin) else ""
        fronted = replace(target, base_url=proxy_url + path, upstream=target.base_url, verify=True)
        self.fronts[api] = _Front(api, fronted, folder, cassette, report, tracker, counted)
        return fronted

    def created(self) -> list[Created]:
        return [item for front in self.fronts.values() for item in front.tracker.created]

    def _client(self, api: str, stack: ExitStack) -> Client | str:
        front = self.fronts.get(api)
        if front is None:
            return f"{api} is not a sandbox target of this run, so its undo cannot be sent"
        client = httpx.Client(
            base_url=front.target.base_url,
            auth=(front.target.username, front.target.password),
            timeout=self.options.max_wait_s * (MAX_RETRIES + 1) + UPSTREAM_TIMEOUT_S * 2,  # the proxy may wait first
            trust_env=False,
        )
        stack.enter_context(client)
        return Client(Operations.of(api), client)

    def finish(self) -> list[str]:
        """Undo what the run created, close the cassettes, write the reports; once, whoever calls first."""
        with self._lock:
            if self._done:
                return self.lines
            self._done = True
        atexit.unregister(self.finish)
        self.manners.cleaning = True
        clients: dict[str, Client | str] = {}
        with ExitStack() as stack:
            for api in self.fronts:
                self.outcomes[api] = clean(
                    [item for item in self.created() if item.api == api],
                    lambda name: clients.setdefault(name, self._client(name, stack)),
                )
        written = [line for api, front in self.fronts.items() for line in self._write(api, front)]
        self.lines = [*self.manners.summary(), *written] if written else []  # [] in an xdist controller
        return self.lines

    def _write(self, api: str, front: _Front) -> list[str]:
        front.app.wait_idle()
        front.cassette.flush()
        outcomes = self.outcomes.get(api, [])
        lines = report_lines(api, outcomes)
        if front.report.exchanges == 0 and not outcomes:
            Path(front.cassette.name).unlink(missing_ok=True)  # nothing went through (an xdist controller)
            if not any(front.folder.iterdir()):
                front.folder.rmdir()
            return []
        _, md_path = front.report.write(front.folder)
        (front.folder / "cleanup.json").write_text(json.dumps(report_json(api, outcomes), indent=1) + "\n", "utf-8")
        (front.folder / "cleanup.txt").write_text("\n".join([lines[0], *item_lines(outcomes)]) + "\n", "utf-8")
        lines.append(
            f"  recorded {front.report.exchanges} exchange(s): {front.cassette.name}, {md_path.name}, cleanup.json"
        )
        return lines


def _terminate_as_interrupt(stack: ExitStack) -> None:
    """SIGTERM (a CI job cancelled) ends the run as Ctrl-C does, so pytest finishes the session and the cleanup runs.

    Python's default for SIGTERM ends the process at once: no `finally`, no atexit. Only a default handler is
    replaced, and only from the main thread (where signal handlers live); the old one is back when the run ends.
    """
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        return
    signal.signal(signal.SIGTERM, _interrupt)
    stack.callback(signal.signal, signal.SIGTERM, signal.SIG_DFL)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _rules(api: str) -> tuple[Any, ...]:
    contract = load_apis(find_root())[api].contract
    return contract.cleanup if contract is not None else ()


def _quiet(line: str) -> None:
    """The proxy's per-exchange line: the cassette and the test report say it already."""


class Plugin:
    """The pytest side: stop the run when the sandbox asks for too long a pause, clean up, print the report."""

    def __init__(self, run: SandboxRun) -> None:
        self.run = run
        self.worker_lines: list[str] = []
        self.worker_exceeded: list[str] = []

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        if self.run.manners.exceeded and not item.session.shouldfail:
            item.session.shouldfail = f"the sandbox run stops: {self.run.manners.exceeded[0]}"

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        lines = self.run.finish()
        exceeded = self.run.manners.exceeded + self.worker_exceeded
        workeroutput: dict[str, Any] | None = getattr(session.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput[_OUTPUT] = {"lines": lines, "exceeded": exceeded}
        if exceeded and session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        sent = getattr(node, "workeroutput", {}).get(_OUTPUT)
        if sent:
            self.worker_lines += [f"[{node.gateway.id}] {line}" for line in sent["lines"]]
            self.worker_exceeded += sent["exceeded"]

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        lines = self.run.lines + self.worker_lines
        if not self.run.fronts and not self.worker_lines:
            return
        terminalreporter.write_sep("=", "sandbox run: budget, Retry-After, cleanup")
        for line in lines:
            bad = "SANDBOX LIMIT" in line or "NOT CLEANED:" in line
            terminalreporter.write_line(line, red=bad, yellow=False)


def register(config: pytest.Config, run: SandboxRun | None) -> None:
    """Hook the run's sandbox side into pytest (nothing to do without a sandbox target)."""
    if run is not None:
        config.pluginmanager.register(Plugin(run), "contract-sandbox-run")
