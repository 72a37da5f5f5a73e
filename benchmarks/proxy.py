"""The validating proxy under load beside Prism's proxy mode, both in front of the same Mash simulator (issue 16)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from ._measure import Figure, Stats
from ._servers import PRISM_VERSION, WrkResult, ensure_prism, ensure_wrk, free_port, running, wrk
from .serving import AUTH, ROOT, _missing, _runs, _seed_order, _simulator

__all__ = ["proxy_vs_prism"]


def proxy_vs_prism(runs: int, seconds: float) -> list[Figure]:
    """GET order at 16 connections through our proxy and through `prism proxy`, and straight to the upstream."""
    name = "Validating proxy GET order, req/s at 16 connections"
    added = "Validating proxy GET order, p99 added over the upstream at 16 connections"
    if ensure_wrk() is None:
        return [_missing(name, "wrk could not be installed (apt-get wrk)")]
    upstream_port = free_port()
    with running(_simulator(upstream_port), upstream_port), tempfile.TemporaryDirectory() as out:
        upstream = f"http://127.0.0.1:{upstream_port}"
        order_id = _seed_order(upstream)
        env = {"BENCH_PATH": f"/api/orders/{order_id}", "BENCH_AUTH": AUTH}
        direct = _runs(lambda: wrk(upstream, "get.lua", seconds, env), runs)
        port = free_port()
        ours_command = [sys.executable, "-m", "trafficcheck", "proxy", "mash", "--upstream", upstream,
                        "--port", str(port), "--out", str(Path(out) / "ours")]  # fmt: skip
        with running(ours_command, port):
            ours = _runs(lambda: wrk(f"http://127.0.0.1:{port}", "get.lua", seconds, env), runs)
        prism = ensure_prism()
        anchor: list[WrkResult] | None = None
        note = "" if prism is not None else "Prism could not be installed (npm @stoplight/prism-cli)"
        if prism is not None:
            port = free_port()
            spec = ROOT / "generated" / "mash" / "openapi.yaml"
            command = [str(prism), "proxy", str(spec), f"{upstream}/api", "-h", "127.0.0.1", "-p", str(port),
                       "-v", "silent"]  # fmt: skip
            with running(command, port):
                prism_env = {**env, "BENCH_PATH": f"/orders/{order_id}"}  # Prism serves the spec's paths at its root
                anchor = _runs(lambda: wrk(f"http://127.0.0.1:{port}", "get.lua", seconds, prism_env), runs)
    rate = Figure(
        name=name, unit="req/s", ours=Stats.of([r.requests_per_s for r in ours]),
        anchor_name=f"Prism {PRISM_VERSION} proxy, `-v silent`",
        anchor=Stats.of([r.requests_per_s for r in anchor]) if anchor else None, target="≥ 2× Prism",
        higher_is_better=True, note=note,
        extra={"non_2xx": sum(r.non_2xx for r in ours), "anchor_non_2xx": sum(r.non_2xx for r in anchor or [])},
    )  # fmt: skip
    rate.met = rate.ratio is not None and rate.ratio >= 2
    direct_p99 = sorted(r.p99_ms for r in direct)[len(direct) // 2]
    anchor_added = Stats.of([r.p99_ms - direct_p99 for r in anchor]) if anchor else None
    latency = Figure(
        name=added, unit="ms", ours=Stats.of([r.p99_ms - direct_p99 for r in ours]),
        anchor_name="Prism proxy, same run", anchor=anchor_added,
        target="≤ 2 ms", extra={"upstream_p99_ms": direct_p99},
    )  # fmt: skip
    latency.met = latency.ours is not None and latency.ours.median <= 2
    return [rate, latency]
