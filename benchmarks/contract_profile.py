"""Where a contract run's time goes, by phase, from a py-spy profile of it (`py-spy record -f raw`).

    py-spy record -r 25 -f raw -o contract.raw -- python -m pytest contract_tests -n 0 --contract-profile thorough …
    python -m benchmarks.contract_profile contract.raw
    python -m benchmarks.contract_profile --by owner contract.raw

Each sample is charged to the first phase (in the order below) whose marker one of its frames carries, so
"in-process call" is everything under schemathesis' Case.call (transport, the hop to the ASGI event-loop thread)
plus that thread's own work (the simulators, for any test's requests), "checks" everything under schemathesis'
response validation, and "data generation" what is left of a schemathesis test (hypothesis and schemathesis
drawing and shrinking cases). The event-loop thread waiting in select() is idle, not a phase: it is left out.
py-spy samples wall time: the shares are what a user waits for.

`--by owner` charges each sample instead to whose code it is in: the innermost frame that is ours (test glue), the
system under test's or a test engine's; library frames under those (httpx, asyncio, starlette...) go to their
caller. requests counts as our glue: it is the transport schemathesis calls our in-process adapter through.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from specforge.apis import load_apis

__all__ = ["PHASES", "breakdown", "owner_packages", "owners"]

# (phase, frame markers): the first phase with a marker in a sample's stack gets the sample.
IDLE = ("EpollSelector.select", "KqueueSelector.select", "SelectSelector.select")
PHASES: list[tuple[str, tuple[str, ...]]] = [
    ("start-up (imports, simulators, targets)", ("pytest_configure", "_find_and_load", "pytest_cmdline_parse")),
    ("collection (schemathesis builds every operation's tests)", ("perform_collect",)),
    ("simulator reset before a test or scenario", ("_fresh_simulator", "_in_process_reset", "_http_reset")),
    ("client decoding (test_client_decodes)", ("test_client_decodes.py",)),
    ("business-rule models (hypothesis state machines)", ("_rules.py", "_lifecycle")),
    ("our summary hooks", ("contract_tests/summary.py",)),
    ("in-process call (transport, ASGI hop, simulator)", ("call (schemathesis/generation/case.py", "Thread._boot")),
    ("checks (response validation)", ("validate_response (schemathesis/generation/case.py", "run_checks")),
    ("stateful steps: the rest (state machine, links)", ("test_stateful",)),
    ("data generation (hypothesis + schemathesis strategies)", ("test_operation",)),
]
_LINE = re.compile(r"^(?P<stack>.*) (?P<count>\d+)$")
_FRAME_FILE = re.compile(r"\((?P<file>[^:)]*)")

ENGINES = "test engines (hypothesis, schemathesis, pytest)"
UNDER_TEST = "system under test (simulators, generated clients, SDKs)"
GLUE = "our test glue (contract_tests, requests transport)"


def owner_packages() -> list[tuple[str, frozenset[str]]]:
    """(owner, top-level packages): the generated clients and SDKs are every API's in the registry."""
    apis = load_apis().values()
    under_test = {"simulators", "sdk_runtime", "strict_url"} | {api.package for api in apis}
    under_test |= {api.sdk.client.split(":")[0] for api in apis if api.sdk}
    return [
        (ENGINES, frozenset({"hypothesis", "_hypothesis_pytestplugin", "schemathesis", "_pytest", "pluggy", "xdist"})),
        (UNDER_TEST, frozenset(under_test)),
        (GLUE, frozenset({"contract_tests", "specforge", "trafficcheck", "requests", "urllib3"})),
    ]


def _samples(raw: str) -> Iterable[tuple[str, int]]:
    for line in raw.splitlines():
        found = _LINE.match(line)
        if found and not any(marker in found.group("stack") for marker in IDLE):
            yield found.group("stack"), int(found.group("count"))


def breakdown(raw: str) -> Counter[str]:
    """Samples per phase (and "other") from py-spy's raw (collapsed-stack) output."""
    phases: Counter[str] = Counter()
    for stack, count in _samples(raw):
        phase = next((name for name, markers in PHASES if any(marker in stack for marker in markers)), "other")
        phases[phase] += count
    return phases


def owners(raw: str, packages: list[tuple[str, frozenset[str]]] | None = None) -> Counter[str]:
    """Samples per owner (and "other"): the innermost frame whose top-level package has an owner decides."""
    packages = packages if packages is not None else owner_packages()
    found: Counter[str] = Counter()
    for stack, count in _samples(raw):
        owner = "other"
        for frame in reversed(stack.split(";")):
            match = _FRAME_FILE.search(frame)
            package = match.group("file").split("/")[0] if match else ""
            owner = next((name for name, tops in packages if package in tops), "")
            if owner:
                break
        found[owner or "other"] += count
    return found


def main() -> None:
    parser = argparse.ArgumentParser(prog="contract_profile", description=__doc__.split("\n", 1)[0])
    parser.add_argument("raw", type=Path, help="py-spy record -f raw output")
    parser.add_argument("--by", choices=("phase", "owner"), default="phase", help="what a sample is charged to")
    args = parser.parse_args()
    raw = args.raw.read_text(encoding="utf-8")
    phases = breakdown(raw) if args.by == "phase" else owners(raw)
    total = sum(phases.values()) or 1
    print(f"| {args.by} | samples | share |\n| --- | ---: | ---: |")
    for name, count in phases.most_common():
        print(f"| {name} | {count} | {count / total:.1%} |")


if __name__ == "__main__":
    main()
