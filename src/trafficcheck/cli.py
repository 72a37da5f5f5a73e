"""`python -m trafficcheck proxy API --upstream URL --port 8081`: the validating proxy from the command line.

Exit codes: 0 after a clean stop (Ctrl-C / SIGTERM), 2 for bad input (unknown API, an upstream URL that is
not scheme://host[:port], an unknown operation to ignore, a patched spec that does not match its STAMP or
does not compile) — the proxy refuses to start rather than check traffic against a spec it cannot trust.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from simulators._serving.runner import serve
from specforge.apis import find_root, load_apis
from specforge.patched import SpecMismatchError

from .check import TrafficChecker
from .proxy import ProxyApp, ProxyOptions, open_cassette
from .report import DeviationReport

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = find_root()
    apis = load_apis(root)
    if args.api not in apis:
        print(f"error: unknown API {args.api!r}; codegen/apis.yaml has {', '.join(sorted(apis))}", file=sys.stderr)
        return 2
    upstream = urlsplit(args.upstream)
    if upstream.scheme not in {"http", "https"} or not upstream.netloc or upstream.path not in {"", "/"}:
        print(f"error: --upstream {args.upstream!r}: expected scheme://host[:port], no path", file=sys.stderr)
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
        upstream=f"{upstream.scheme}://{upstream.netloc}",
        timeout_s=args.timeout,
        max_body_bytes=args.max_body_bytes,
        verify=args.upstream_ca or True,
    )
    with open_cassette(cassette_path) as cassette:
        app = ProxyApp(checker, options, cassette, report, say=lambda line: print(line, flush=True))
        print(f"trafficcheck proxy: http://{args.host}:{args.port} → {options.upstream} ({args.api})", flush=True)
        serve(app, args.host, args.port)
    json_path, md_path = report.write(out)
    for line in report.summary_lines():
        print(line, flush=True)
    print(
        f"{report.exchanges} exchanges, {report.deviating} with deviations; "
        f"cassette {cassette_path}, report {md_path} and {json_path}",
        flush=True,
    )
    return 0
