"""The validating proxy under load beside Prism's proxy mode, both in front of the same Mash simulator (issue 16).

Three figures, each with Prism measured in the same run: throughput at 16 connections (wrk as fast as it
can), the p99 added over calling the simulator directly at that saturating load, and the p99 added at 16
connections paced below saturation (`get_paced.lua`). At saturation a closed-loop client's latency is its
queue, connections / throughput (16 / 2,000 req/s = 8 ms), so that figure mostly restates throughput; paced,
it is the time the proxy adds to one request.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from ._measure import Figure, Stats
from ._servers import PRISM_VERSION, WrkResult, ensure_prism, ensure_wrk, free_port, running, wrk
from .serving import AUTH, ROOT, _missing, _runs, _seed_order, _simulator

__all__ = ["proxy_vs_prism"]

PACED_RATE = 400  # req/s offered by the 16 paced connections together: below Prism's saturation on 2 cores


def _measured(url: str, env: dict[str, str], runs: int, seconds: float) -> tuple[list[WrkResult], list[WrkResult]]:
    """(saturated runs, paced runs) against one endpoint."""
    paced_env = {**env, "BENCH_DELAY_MS": str(round(16 * 1000 / PACED_RATE))}
    saturated = _runs(lambda: wrk(url, "get.lua", seconds, env), runs)
    paced = _runs(lambda: wrk(url, "get_paced.lua", seconds, paced_env), runs)
    return saturated, paced


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
        direct, direct_paced = _measured(upstream, env, runs, seconds)
        port = free_port()
        ours_command = [sys.executable, "-m", "trafficcheck", "proxy", "mash", "--upstream", upstream,
                        "--port", str(port), "--out", str(Path(out) / "ours")]  # fmt: skip
        with running(ours_command, port):
            ours, ours_paced = _measured(f"http://127.0.0.1:{port}", env, runs, seconds)
        prism = ensure_prism()
        anchor: list[WrkResult] = []
        anchor_paced: list[WrkResult] = []
        note = "" if prism is not None else "Prism could not be installed (npm @stoplight/prism-cli)"
        if prism is not None:
            port = free_port()
            spec = ROOT / "generated" / "mash" / "openapi.yaml"
            command = [str(prism), "proxy", str(spec), f"{upstream}/api", "-h", "127.0.0.1", "-p", str(port),
                       "-v", "silent"]  # fmt: skip
            with running(command, port):
                prism_env = {**env, "BENCH_PATH": f"/orders/{order_id}"}  # Prism serves the spec's paths at its root
                anchor, anchor_paced = _measured(f"http://127.0.0.1:{port}", prism_env, runs, seconds)
    rate = Figure(
        name=name, unit="req/s", ours=Stats.of([r.requests_per_s for r in ours]),
        anchor_name=f"Prism {PRISM_VERSION} proxy, `-v silent`",
        anchor=Stats.of([r.requests_per_s for r in anchor]) if anchor else None, target="≥ 2× Prism",
        higher_is_better=True, note=note,
        extra={"non_2xx": sum(r.non_2xx for r in ours), "anchor_non_2xx": sum(r.non_2xx for r in anchor)},
    )  # fmt: skip
    rate.met = rate.ratio is not None and rate.ratio >= 2
    return [rate, _added(added, ours, anchor, direct), _added(added_paced, ours_paced, anchor_paced, direct_paced)]


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
