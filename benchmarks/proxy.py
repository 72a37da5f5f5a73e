"""The validating proxy under load beside Prism's proxy mode, both in front of the same Mash simulator (issue 16).

Three figures, each with Prism measured in the same run: throughput at 16 connections (wrk as fast as it
can), the p99 added over calling the simulator directly at that saturating load, and the p99 added at 16
connections paced below saturation (`get_paced.lua`). At saturation a closed-loop client's latency is its
queue, connections / throughput (16 / 2,000 req/s = 8 ms), so that figure mostly restates throughput; paced,
it is the time the proxy adds to one request.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ._measure import Figure, Stats
from ._servers import PRISM_VERSION, WrkResult, cpu_seconds, ensure_prism, ensure_wrk, free_port, running, wrk
from .serving import AUTH, ROOT, _missing, _runs, _seed_order, _simulator

__all__ = ["proxy_vs_prism"]

PACED_RATE = 400  # req/s offered by the 16 paced connections together: below Prism's saturation on 2 cores


@dataclass
class _Side:
    saturated: list[WrkResult]
    paced: list[WrkResult]
    cpu_ms_per_request: float  # CPU of the server's processes (children included) over the saturated runs


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


def _measured(url: str, env: dict[str, str], runs: int, seconds: float, pid: int | None) -> _Side:
    """Saturated and paced runs against one endpoint; `pid`: the server whose CPU per request is read."""
    paced_env = {**env, "BENCH_DELAY_MS": str(round(16 * 1000 / PACED_RATE))}
    wrk(url, "get.lua", seconds, env)  # warm-up, discarded
    before = _tree_cpu_seconds(pid) if pid is not None else 0.0
    saturated = [wrk(url, "get.lua", seconds, env) for _ in range(runs)]
    used = _tree_cpu_seconds(pid) - before if pid is not None else 0.0
    paced = _runs(lambda: wrk(url, "get_paced.lua", seconds, paced_env), runs)
    return _Side(saturated, paced, used * 1000 / max(sum(r.requests for r in saturated), 1))


def proxy_vs_prism(runs: int, seconds: float) -> list[Figure]:
    """GET order at 16 connections through our proxy and through `prism proxy`, and straight to the upstream."""
    name = "Validating proxy GET order, req/s at 16 connections"
    added = "Validating proxy GET order, p99 added over the upstream at 16 connections"
    added_paced = f"{added} paced to {PACED_RATE} req/s"
    if ensure_wrk() is None:
        return [_missing(name, "wrk could not be installed (apt-get wrk)")]
    upstream_port = free_port()
    with running(_simulator(upstream_port), upstream_port), tempfile.TemporaryDirectory() as out:
        upstream = f"http://127.0.0.1:{upstream_port}"
        order_id = _seed_order(upstream)
        env = {"BENCH_PATH": f"/api/orders/{order_id}", "BENCH_AUTH": AUTH}
        direct = _measured(upstream, env, runs, seconds, None)
        port = free_port()
        ours_command = [sys.executable, "-m", "trafficcheck", "proxy", "mash", "--upstream", upstream,
                        "--port", str(port), "--out", str(Path(out) / "ours")]  # fmt: skip
        with running(ours_command, port) as pid:
            ours = _measured(f"http://127.0.0.1:{port}", env, runs, seconds, pid)
        prism = ensure_prism()
        anchor: _Side | None = None
        note = "" if prism is not None else "Prism could not be installed (npm @stoplight/prism-cli)"
        if prism is not None:
            port = free_port()
            spec = ROOT / "generated" / "mash" / "openapi.yaml"
            command = [str(prism), "proxy", str(spec), f"{upstream}/api", "-h", "127.0.0.1", "-p", str(port),
                       "-v", "silent"]  # fmt: skip
            with running(command, port) as pid:
                prism_env = {**env, "BENCH_PATH": f"/orders/{order_id}"}  # Prism serves the spec's paths at its root
                anchor = _measured(f"http://127.0.0.1:{port}", prism_env, runs, seconds, pid)
    load = os.getloadavg()[0]
    cpu = f"CPU per request (all processes of the server): ours {ours.cpu_ms_per_request:.2f} ms" + (
        f", Prism {anchor.cpu_ms_per_request:.2f} ms" if anchor else ""
    )
    rate = Figure(
        name=name, unit="req/s", ours=Stats.of([r.requests_per_s for r in ours.saturated]),
        anchor_name=f"Prism {PRISM_VERSION} proxy, `-v silent`",
        anchor=Stats.of([r.requests_per_s for r in anchor.saturated]) if anchor else None, target="≥ 2× Prism",
        higher_is_better=True, note=note or f"{cpu}; load average {load:.1f} at the end",
        extra={"non_2xx": sum(r.non_2xx for r in ours.saturated),
               "anchor_non_2xx": sum(r.non_2xx for r in anchor.saturated) if anchor else None,
               "cpu_ms_per_request": ours.cpu_ms_per_request,
               "anchor_cpu_ms_per_request": anchor.cpu_ms_per_request if anchor else None, "load_average": load},
    )  # fmt: skip
    rate.met = rate.ratio is not None and rate.ratio >= 2
    return [
        rate,
        _added(added, ours.saturated, anchor.saturated if anchor else [], direct.saturated),
        _added(added_paced, ours.paced, anchor.paced if anchor else [], direct.paced),
    ]


def _added(name: str, ours: list[WrkResult], anchor: list[WrkResult], direct: list[WrkResult]) -> Figure:
    """p99 through a proxy minus the median p99 of the same load straight at the upstream."""
    direct_p99 = sorted(r.p99_ms for r in direct)[len(direct) // 2]
    prism = Stats.of([r.p99_ms - direct_p99 for r in anchor]) if anchor else None
    figure = Figure(
        name=name, unit="ms", ours=Stats.of([r.p99_ms - direct_p99 for r in ours]),
        anchor_name="Prism proxy, same run", anchor=prism,
        target="≤ 2 ms",
        extra={"upstream_p99_ms": direct_p99, "req_s": {"upstream": _rate(direct), "ours": _rate(ours),
               **({"prism": _rate(anchor)} if anchor else {})}},
    )  # fmt: skip
    figure.met = figure.ours is not None and figure.ours.median <= 2
    return figure


def _rate(runs: list[WrkResult]) -> float:
    return sorted(r.requests_per_s for r in runs)[len(runs) // 2]
