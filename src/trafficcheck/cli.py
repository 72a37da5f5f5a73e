"""`python -m trafficcheck proxy API --upstream URL --port 8081` (the validating proxy), `… replay CASSETTE`.

replay exits 0 when the simulator answered every exchange alike, 1 when one differs, 2 for a bad cassette.

Exit codes: 0 after a clean stop (Ctrl-C / SIGTERM), 2 for bad input (unknown API, an upstream URL that is
not scheme://host[:port], an unknown operation to ignore, a patched spec that does not match its STAMP or
does not compile) — the proxy refuses to start rather than check traffic against a spec it cannot trust.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from simulators._serving.heap import freeze_start_up_heap
from simulators._serving.runner import serve
from specforge.apis import find_root, load_apis
from specforge.patched import SpecMismatchError
from strict_url import URLRefused, parse_origin, redact_url

from .check import TrafficChecker
from .proxy import ProxyApp, ProxyOptions, open_cassette
from .recorder import PRIORITIES, Recorder, RecorderProcess, can_fork
from .replay import load_cassette, replay, to_markdown
from .report import DeviationReport, counted
from .wire import forwarding_protocol

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m trafficcheck", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    proxy = commands.add_parser("proxy", help="forward to an upstream, check every exchange, record a cassette")
    proxy.add_argument("api", help="an API of codegen/apis.yaml")
    proxy.add_argument("--upstream", required=True, help="scheme://host[:port] of the real service (no path)")
    proxy.add_argument("--host", default="127.0.0.1")
    proxy.add_argument("--port", type=int, default=8081)
    proxy.add_argument("--out", type=Path, help="folder for cassette.jsonl and deviations.{md,json}")
    proxy.add_argument("--ignore", action="append", default=[], metavar="OPERATION_ID", help="do not check it")
    proxy.add_argument("--timeout", type=float, default=30.0, help="seconds for the upstream's answer")
    proxy.add_argument("--max-body-bytes", type=int, default=10 * 1024 * 1024)
    proxy.add_argument("--upstream-ca", help="CA file for the upstream's certificate")
    proxy.add_argument(
        "--inline-checks",
        action="store_true",
        help="check and record in the proxy's own process (default: in a second process, where fork exists)",
    )
    proxy.add_argument(
        "--recorder-priority",
        choices=PRIORITIES,
        default="batch",
        help="the checking process's CPU priority: batch (Linux SCHED_BATCH: a fair share of the cores, its wake-ups "
        "preempting no one), normal, or idle (about 0.5 ms less p99 added under light load; under "
        "sustained overload the proxy then waits for the checks in steps)",
    )
    replay_cmd = commands.add_parser("replay", help="replay a cassette against the API's simulator, in order")
    replay_cmd.add_argument("cassette", type=Path)
    replay_cmd.add_argument("--output", "-o", type=Path, help="write the Markdown report here too")
    return parser


def _replay(cassette: Path, output: Path | None) -> int:
    try:
        entries = load_cassette(cassette)
        results = replay(entries)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = to_markdown(results, str(cassette))
    print(text, end="")
    if output is not None:
        output.write_text(text, encoding="utf-8")
    return 0 if all(result.same for result in results) else 1


class _Stopped(Exception):
    """SIGTERM, turned into an exception so the report is still written."""


def _stopped(signum: int, frame: FrameType | None) -> None:
    raise _Stopped


def _serve_until_stopped(app: ProxyApp, host: str, port: int) -> None:
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then re-raises the signal to the handler that was there
    # before it: KeyboardInterrupt for SIGINT, and for SIGTERM this one (the default would kill the process
    # before the report is written).
    previous = signal.signal(signal.SIGTERM, _stopped)
    try:
        serve(app, host, port, http=forwarding_protocol(app))
    except (KeyboardInterrupt, _Stopped):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "replay":
        return _replay(args.cassette, args.output)
    root = find_root()
    apis = load_apis(root)
    if args.api not in apis:
        print(f"error: unknown API {args.api!r}; codegen/apis.yaml has {', '.join(sorted(apis))}", file=sys.stderr)
        return 2
    # The project's one strict URL parser: one spelling per host, no credentials in the URL (it is printed).
    try:
        upstream = parse_origin(args.upstream)
    except URLRefused as err:
        print(f"error: --upstream: {err} (expected scheme://host[:port], no path)", file=sys.stderr)
        return 2
    if urlsplit(args.upstream).path not in {"", "/"} or "?" in args.upstream or "#" in args.upstream:
        print(f"error: --upstream {redact_url(args.upstream)}: expected scheme://host[:port], no path", file=sys.stderr)
        return 2
    try:
        checker = TrafficChecker.for_api(args.api, generated=root / "generated", ignore=args.ignore)
    except (SpecMismatchError, ValueError, KeyError, OSError) as exc:
        print(f"error: refusing to start: {exc}", file=sys.stderr)
        return 2
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out: Path = args.out or root / "build" / "traffic" / f"{args.api}-{stamp}"
    cassette_path = out / "cassette.jsonl"
    report = DeviationReport(args.api, checker.spec_sha256, str(cassette_path))
    options = ProxyOptions(
        upstream=str(upstream),
        timeout_s=args.timeout,
        max_body_bytes=args.max_body_bytes,
        verify=args.upstream_ca or True,
    )
    with open_cassette(cassette_path) as cassette:
        recorder = Recorder(checker, cassette, report, say=lambda line: print(line, flush=True))
        # Frozen before the recorder is forked too: the child skips the same heap and leaves those pages shared
        # instead of writing the collector's marks into them. `serve` freezes again once uvicorn has started.
        freeze_start_up_heap()
        process = (
            RecorderProcess(recorder, priority=args.recorder_priority)
            if can_fork() and not args.inline_checks
            else None
        )
        app = ProxyApp(checker, options, cassette, report, recorder=process or recorder)
        print(f"trafficcheck proxy: http://{args.host}:{args.port} → {options.upstream} ({args.api})", flush=True)
        try:
            _serve_until_stopped(app, args.host, args.port)
        finally:
            if process is not None:
                report = process.close()  # every exchange answered so far checked and written
    json_path, md_path = report.write(out)
    for line in report.summary_lines():
        print(line, flush=True)
    print(
        f"{counted(report.exchanges, 'exchange')}, {report.deviating} with deviations; "
        f"cassette {cassette_path}, report {md_path} and {json_path}",
        flush=True,
    )
    return 0
