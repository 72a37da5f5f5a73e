"""The validating proxy under load beside Prism's proxy mode, both in front of the same Mash simulator (issue 16).

Three figures, each with Prism measured in the same run: throughput at 16 connections (wrk as fast as it
can), the p99 added over calling the simulator directly at that saturating load, and the p99 added at 16
connections paced below saturation (`get_paced.lua`). At saturation a closed-loop client's latency is its
queue, connections / throughput (16 / 2,000 req/s = 8 ms), so that figure mostly restates throughput; paced,
it is the time the proxy adds to one request.

"Added" is paired: the upstream, our proxy and Prism all run from the start, and each round runs the same wrk
load straight at the upstream, through ours and through Prism back to back (the order rotated each round),
so a round's p99 through a proxy is set against the upstream's p99 of the same minute. A load that comes
and goes on a shared machine then weighs on both sides of a difference, not on one.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from ._measure import Figure, Stats
from ._servers import PRISM_VERSION, WrkResult, cpu_seconds, ensure_prism, ensure_wrk, free_port, running, wrk
from .serving import AUTH, ROOT, _missing, _seed_order, _simulator

__all__ = ["proxy_vs_prism"]

CONNECTIONS = 16  # wrk's default in _servers.wrk
PACED_RATE = 400  # req/s offered by the 16 paced connections together: below Prism's saturation on 2 cores


@dataclass
class _Side:
    url: str
    env: dict[str, str]
    pid: int | None  # the server whose CPU per request is read (None: the upstream itself)
    saturated: list[WrkResult] = field(default_factory=list)
    paced: list[WrkResult] = field(default_factory=list)
    cpu_s: float = 0.0  # CPU of the server's processes (children included) over its saturated runs
    upstream_cpu_s: float = 0.0  # CPU of the upstream over the same runs
    busy: list[float] = field(default_factory=list)  # share of the machine's CPUs busy in each saturated run

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_s * 1000 / max(sum(r.requests for r in self.saturated), 1)

    @property
    def upstream_cpu_ms_per_request(self) -> float:
        return self.upstream_cpu_s * 1000 / max(sum(r.requests for r in self.saturated), 1)


def _tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and of every process below it (the proxy's recorder, a node child…)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        parents[int(stat.parent.name)] = int(text[text.rindex(")") + 2 :].split()[1])
    family, total = {pid}, 0.0
    while True:
        more = {child for child, parent in parents.items() if parent in family} - family
        if not more:
            break
        family |= more
    for member in family:
        try:
            total += cpu_seconds(member)
        except OSError:
            continue
    return total


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs so far (Linux /proc/stat); idle and iowait are not busy."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal (guest time is inside user)
    return total - fields[3] - fields[4], total


def _scheduling() -> str:
    """This process's Linux autogroup nice: another session's `nice` yields only to tasks of its own session."""
    try:
        group = Path("/proc/self/autogroup").read_text().split()
    except OSError:
        return ""
    return f"; the bench's session scheduled at autogroup nice {group[-1]}" if len(group) == 3 else ""


def _rounds(sides: list[_Side], upstream_pid: int, runs: int, seconds: float) -> None:
    """`runs` rounds of saturated, then of paced runs, each round one run per side, the order rotated."""
    paced_delay = str(round(CONNECTIONS * 1000 / PACED_RATE))
    for script, into in (("get.lua", "saturated"), ("get_paced.lua", "paced")):
        for side in sides:  # warm-up, discarded
            wrk(side.url, script, seconds, {**side.env, "BENCH_DELAY_MS": paced_delay})
        for index in range(runs):
            shift = index % len(sides)
            for side in sides[shift:] + sides[:shift]:
                cpu_before = _tree_cpu_seconds(side.pid) if side.pid is not None else 0.0
                upstream_before = cpu_seconds(upstream_pid)
                busy_before, total_before = _machine_ticks()
                result = wrk(side.url, script, seconds, {**side.env, "BENCH_DELAY_MS": paced_delay})
                getattr(side, into).append(result)
                if into == "saturated":
                    busy_after, total_after = _machine_ticks()
                    side.busy.append((busy_after - busy_before) / max(total_after - total_before, 1))
                    side.upstream_cpu_s += cpu_seconds(upstream_pid) - upstream_before
                    if side.pid is not None:
                        side.cpu_s += _tree_cpu_seconds(side.pid) - cpu_before


def proxy_vs_prism(runs: int, seconds: float) -> list[Figure]:
    """GET order at 16 connections through our proxy and through `prism proxy`, and straight to the upstream."""
    name = "Validating proxy GET order, req/s at 16 connections"
    added = "Validating proxy GET order, p99 added over the upstream at 16 connections"
    added_paced = f"{added} paced to {PACED_RATE} req/s"
    if ensure_wrk() is None:
        return [_missing(name, "wrk could not be installed (apt-get wrk)")]
    prism = ensure_prism()
    upstream_port = free_port()
    with ExitStack() as stack:
        upstream_pid = stack.enter_context(running(_simulator(upstream_port), upstream_port))
        out = stack.enter_context(tempfile.TemporaryDirectory())
        upstream = f"http://127.0.0.1:{upstream_port}"
        order_id = _seed_order(upstream)
        env = {"BENCH_PATH": f"/api/orders/{order_id}", "BENCH_AUTH": AUTH}
        direct = _Side(upstream, env, None)
        port = free_port()
        ours_command = [sys.executable, "-m", "trafficcheck", "proxy", "mash", "--upstream", upstream,
                        "--port", str(port), "--out", str(Path(out) / "ours")]  # fmt: skip
        ours = _Side(f"http://127.0.0.1:{port}", env, stack.enter_context(running(ours_command, port)))
        anchor: _Side | None = None
        if prism is not None:
            port = free_port()
            spec = ROOT / "generated" / "mash" / "openapi.yaml"
            command = [str(prism), "proxy", str(spec), f"{upstream}/api", "-h", "127.0.0.1", "-p", str(port),
                       "-v", "silent"]  # fmt: skip
            prism_env = {**env, "BENCH_PATH": f"/orders/{order_id}"}  # Prism serves the spec's paths at its root
            anchor = _Side(f"http://127.0.0.1:{port}", prism_env, stack.enter_context(running(command, port)))
        _rounds([direct, ours, *([anchor] if anchor else [])], upstream_pid, runs, seconds)
    load = os.getloadavg()[0]
    scheduling = f"load average {load:.1f} at the end{_scheduling()}"
    note = "" if prism is not None else "Prism could not be installed (npm @stoplight/prism-cli)"
    cpu = f"CPU per request (all processes of the server): ours {ours.cpu_ms_per_request:.2f} ms" + (
        f", Prism {anchor.cpu_ms_per_request:.2f} ms" if anchor else ""
    )
    busy = statistics.median(ours.busy)
    rate = Figure(
        name=name, unit="req/s", ours=Stats.of([r.requests_per_s for r in ours.saturated]),
        anchor_name=f"Prism {PRISM_VERSION} proxy, `-v silent`",
        anchor=Stats.of([r.requests_per_s for r in anchor.saturated]) if anchor else None, target="≥ 2× Prism",
        higher_is_better=True,
        note=note or f"{cpu}; the machine's CPUs {busy:.0%} busy during our runs; {scheduling}",
        extra={"non_2xx": sum(r.non_2xx for r in ours.saturated),
               "anchor_non_2xx": sum(r.non_2xx for r in anchor.saturated) if anchor else None,
               "cpu_ms_per_request": ours.cpu_ms_per_request,
               "anchor_cpu_ms_per_request": anchor.cpu_ms_per_request if anchor else None,
               "machine_cpu_busy": busy, "load_average": load},
    )  # fmt: skip
    rate.met = rate.ratio is not None and rate.ratio >= 2
    saturated = _added(added, ours.saturated, anchor.saturated if anchor else [], direct.saturated)
    queue_ours = CONNECTIONS * 1000 / statistics.median([r.requests_per_s for r in ours.saturated])
    queue_direct = CONNECTIONS * 1000 / statistics.median([r.requests_per_s for r in direct.saturated])
    both = ours.cpu_ms_per_request + ours.upstream_cpu_ms_per_request
    saturated.note = (
        f"throughput-bound: a closed loop of {CONNECTIONS} connections waits {CONNECTIONS} / throughput, "
        f"{queue_ours:.1f} ms through ours vs {queue_direct:.1f} ms straight at the upstream (medians), "
        f"{queue_ours - queue_direct:.1f} ms of the difference. Through ours a request costs {both:.2f} ms of CPU "
        f"(proxy and recorder {ours.cpu_ms_per_request:.2f}, upstream {ours.upstream_cpu_ms_per_request:.2f}, wrk "
        f"not counted): {os.cpu_count()} cores serve at most {(os.cpu_count() or 1) * 1000 / both:,.0f} req/s, and "
        f"they were {busy:.0%} busy. p99 per round minus the upstream's p99 of the same round, {runs} rounds"
    )
    paced = _added(added_paced, ours.paced, anchor.paced if anchor else [], direct.paced)
    paced.note = (
        f"the time a proxy adds to one request below saturation: p99 per round minus the upstream's p99 of the "
        f"same round, {runs} rounds of {statistics.median([r.requests for r in ours.paced]):.0f} requests; "
        f"{scheduling}"
    )
    return [rate, saturated, paced]


def _added(name: str, ours: list[WrkResult], anchor: list[WrkResult], direct: list[WrkResult]) -> Figure:
    """p99 through a proxy minus the upstream's p99 in the same round; the median over rounds."""
    prism = Stats.of([a.p99_ms - d.p99_ms for a, d in zip(anchor, direct, strict=True)]) if anchor else None
    figure = Figure(
        name=name, unit="ms", ours=Stats.of([o.p99_ms - d.p99_ms for o, d in zip(ours, direct, strict=True)]),
        anchor_name="Prism proxy, same run", anchor=prism,
        target="≤ 2 ms",
        extra={"upstream_p99_ms": [d.p99_ms for d in direct], "ours_p99_ms": [o.p99_ms for o in ours],
               "req_s": {"upstream": statistics.median([r.requests_per_s for r in direct]),
                         "ours": statistics.median([r.requests_per_s for r in ours]),
                         **({"prism": statistics.median([r.requests_per_s for r in anchor])} if anchor else {})}},
    )  # fmt: skip
    figure.met = figure.ours is not None and figure.ours.median <= 2
    return figure
