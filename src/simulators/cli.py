"""`python -m simulators serve <api> --port N`: argument parsing and the start-up banner, nothing else."""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ._serving.entry import ServeOptions, Simulator
from ._serving.faults import FaultRule, parse_fault
from ._serving.journal import DEFAULT_JOURNAL_SIZE, MAX_JOURNAL_SIZE
from ._serving.runner import serve
from ._serving.spec import SpecMismatchError
from ._serving.store import DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_STORE_BYTES
from ._serving.tls import issue_test_certificate
from .registry import load, simulators

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, build the app, print its banner (credentials of the simulated merchant included), serve."""
    # Only the chosen simulator is imported: serving one API never pays for loading another.
    chosen = [arg for arg in (argv if argv is not None else sys.argv[1:]) if not arg.startswith("-")][1:2]
    parser = argparse.ArgumentParser(prog="python -m simulators", description="Stateful API simulators.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="serve one API's simulator over HTTP")
    apis = serve_parser.add_subparsers(dest="api", required=True, metavar="API")
    simulator = None
    for name in sorted(simulators()):
        sub = apis.add_parser(name, help=f"the {name} simulator (generated/{name}/openapi.yaml)")
        sub.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        sub.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
        sub.add_argument("--control", action="store_true", help="mount the /_sim/... control endpoints")
        sub.add_argument(
            "--max-records", type=int, default=10_000, help="store cap; the oldest records are evicted beyond it"
        )  # 10,000: measured p99 ~3 ms under load; at 100,000 full GC passes pushed p99 to ~90 ms
        sub.add_argument(
            "--max-store-bytes",
            type=int,
            default=DEFAULT_MAX_STORE_BYTES,
            help="bytes (as JSON) all stored records may take; the oldest of the heaviest kind are evicted beyond it",
        )
        sub.add_argument(
            "--max-record-bytes",
            type=int,
            default=DEFAULT_MAX_RECORD_BYTES,
            help="bytes (as JSON) one stored record may take; a create or change beyond it is refused",
        )
        sub.add_argument(
            "--fault",
            action="append",
            default=[],
            type=_fault,
            metavar="RULE",
            help="inject a fault, e.g. 'op=createOrder,kind=status,status=429,retry_after=1,rate=0.5,seed=1' "
            "(kinds: latency ms=200 or ms=100-300, status, reset, hang; when=before|after; times=N); repeatable",
        )
        sub.add_argument(
            "--journal-size",
            type=int,
            default=DEFAULT_JOURNAL_SIZE,
            help=f"requests kept for /_sim/requests (with --control; 0: no journal, default {DEFAULT_JOURNAL_SIZE})",
        )
        if [name] == chosen:
            simulator = load(name)
            if simulator.certificate_names is not None:
                _add_https_arguments(sub)
            simulator.add_arguments(sub)
    args = parser.parse_args(argv)
    assert simulator is not None  # parse_args exits unless the API named in argv is a registered one
    https = simulator.certificate_names is not None and not args.insecure
    if not 1 <= args.max_record_bytes <= args.max_store_bytes:
        parser.error("--max-record-bytes must be at least 1 and at most --max-store-bytes")
    if not 0 <= args.journal_size <= MAX_JOURNAL_SIZE:
        parser.error(f"--journal-size must be from 0 to {MAX_JOURNAL_SIZE}")
    options = ServeOptions(
        host=args.host,
        port=args.port,
        control=args.control,
        max_records=args.max_records,
        https=https,
        max_store_bytes=args.max_store_bytes,
        max_record_bytes=args.max_record_bytes,
        faults=tuple(args.fault),
        journal_size=args.journal_size,
    )
    try:
        app, banner = simulator.build(args, options)
    except SpecMismatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not https or simulator.certificate_names is None:
        exports = _exports(simulator, args, options, None)
        for line in [*banner, *exports, f"listening on http://{options.host}:{options.port} (Ctrl-C to stop)"]:
            print(line, flush=True)
        serve(app, options.host, options.port)
        return 0
    with tempfile.TemporaryDirectory(prefix=f"{args.api}-simulator-tls-") as scratch:
        tls = issue_test_certificate(Path(args.cert_dir or scratch), simulator.certificate_names(args))
        http_port = None if args.no_plain_http else (args.http_port or options.port + 1)
        plain = (
            []
            if http_port is None
            else [f"plain HTTP: http://{options.host}:{http_port} answers every request with 400 (HTTPS only)"]
        )
        for line in [
            *banner,
            f"test CA certificate (trust it, e.g. curl --cacert / SSL_CERT_FILE): {tls.ca_cert}",
            *plain,
            *_exports(simulator, args, options, tls.ca_cert),
            f"listening on https://{options.host}:{options.port} (Ctrl-C to stop)",
        ]:
            print(line, flush=True)
        serve(app, options.host, options.port, tls=tls, http_port=http_port)
    return 0


def _exports(simulator: Simulator, args: argparse.Namespace, options: ServeOptions, ca: Path | None) -> list[str]:
    """The SDK settings for this simulator as one `export` line a shell takes as it is."""
    if simulator.environment is None:
        return []
    variables = simulator.environment(args, options, ca)
    words = " ".join(f"{name}={shlex.quote(value)}" for name, value in variables.items())
    return ["SDK settings (paste into a shell, then `from_env()`):", f"export {words}"]


def _fault(text: str) -> FaultRule:
    try:
        return parse_fault(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None  # argparse: exit 2 naming --fault


def _add_https_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--insecure", action="store_true", help="serve plain HTTP only and accept it (benchmarks)")
    sub.add_argument("--cert-dir", help="where to write the test CA and server certificate (default: a temp dir)")
    sub.add_argument("--http-port", type=int, help="port of the plain-HTTP listener (default: --port + 1)")
    sub.add_argument("--no-plain-http", action="store_true", help="no plain-HTTP listener")
