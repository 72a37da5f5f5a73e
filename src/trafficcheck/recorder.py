"""What happens to an exchange once its answer is on its way: the check, the cassette line, the report, the live line.

`Recorder` does it where it is called. `RecorderProcess` does it in a child process fed through a pipe, so the
proxy's own process only forwards: profiled under wrk (benchmarks/proxy.py, py-spy), checking and recording
were about a third of the proxy's CPU per exchange, work that a second core can do while the first forwards.
Exchanges stay in arrival order (one pipe, one reader), so the cassette is numbered as before. The pipe is
the bound: when the child falls behind, sending blocks until it has read (the proxy slows down, nothing is
dropped and nothing piles up in memory).
"""

from __future__ import annotations

import json
import multiprocessing
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import IO, Any
from urllib.parse import parse_qsl

import httpx
import orjson

from .check import Checked, TrafficChecker
from .redact import redact_body, redact_headers, redact_query, redact_text
from .report import DeviationReport

__all__ = ["Exchange", "Recorder", "RecorderProcess", "can_fork"]

MAX_TEXT_IN_CASSETTE = 2000  # a non-JSON body is kept as (scrubbed) text up to this many characters


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and what came of it, as plain data (it crosses a pipe)."""

    method: str
    path: str
    query_string: bytes
    request_headers: list[tuple[str, str]]
    body: bytes
    status: int  # the upstream's, or the proxy's own (504/502) when `error` says there was no answer
    headers: list[tuple[bytes, bytes]]  # as passed on to the client
    upstream_headers: list[tuple[bytes, bytes]]  # as the upstream sent them: what the check judges
    raw: bytes  # the answer's body as received (still content-encoded)
    error: str | None
    elapsed_ms: float  # until the answer was passed on


class Recorder:
    """Checks an exchange, writes its cassette line, adds it to the report and says one line about it."""

    def __init__(
        self, checker: TrafficChecker, cassette: IO[str], report: DeviationReport, say: Callable[[str], None]
    ) -> None:
        self.checker = checker
        self.cassette = cassette
        self.report = report
        self.say = say
        self._lock = threading.Lock()
        self._entries = 0

    def take(self, exchange: Exchange) -> None:
        decoded = _decoded(exchange)
        checked = self._check(exchange, decoded)
        entry = self._entry(exchange, decoded, checked)
        with self._lock:  # one writer at a time: entries stay whole lines, numbered in the order written
            self._entries += 1
            number = self._entries
            self.cassette.write(_json_line({"entry": number, **entry}))
            self.report.add(number, checked, None if exchange.error is not None else exchange.status)
        status = f"{exchange.status}" if exchange.error is None else f"{exchange.status} (proxy: {exchange.error})"
        count = len(checked.deviations)
        self.say(
            f"#{number} {checked.label} [{checked.operation_id or '-'}] → {status} · "
            f"{count} deviation{'s' if count != 1 else ''} · {exchange.elapsed_ms:.0f} ms"
        )

    def flush(self) -> None:
        with self._lock:
            if not self.cassette.closed:
                self.cassette.flush()

    def _check(self, exchange: Exchange, decoded: bytes) -> Checked:
        if exchange.error is not None:  # no answer: only the request can be judged
            operation, _, refused = self.checker.match(exchange.method, exchange.path)
            if refused is not None:
                return refused
            assert operation is not None
            return Checked(operation.operation_id, f"{operation.method} {operation.path}")
        return self.checker.check(
            method=exchange.method,
            path=exchange.path,
            query=parse_qsl(exchange.query_string.decode("latin-1"), keep_blank_values=True),
            request_body=exchange.body,
            status=exchange.status,
            response_body=decoded,
            request_headers=exchange.request_headers,
            response_headers=[
                (name.decode("latin-1"), value.decode("latin-1")) for name, value in exchange.upstream_headers
            ],
        )

    def _entry(self, exchange: Exchange, decoded: bytes, checked: Checked) -> dict[str, Any]:
        query = parse_qsl(exchange.query_string.decode("latin-1"), keep_blank_values=True)
        return {
            "api": self.checker.api,
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "operation": checked.operation_id,
            "label": checked.label,
            "request": {
                "method": exchange.method,
                "path": redact_text(exchange.path),
                "query": redact_query(query),
                "headers": redact_headers(exchange.request_headers),
                "body": _body_for_cassette(exchange.body),
            },
            "response": None
            if exchange.error is not None
            else {
                "status": exchange.status,
                "headers": redact_headers((k.decode("latin-1"), v.decode("latin-1")) for k, v in exchange.headers),
                "body": _body_for_cassette(decoded),
            },
            "proxy_error": exchange.error,
            "duration_ms": round(exchange.elapsed_ms, 1),
            "deviations": [deviation.as_dict() for deviation in checked.deviations],
        }


def can_fork() -> bool:
    """A recorder process is forked (it inherits the compiled checker and the open cassette): POSIX only."""
    return "fork" in multiprocessing.get_all_start_methods()


class RecorderProcess:
    """A `Recorder` in a forked child; `take` sends it an exchange, `close` drains it and returns its report."""

    def __init__(self, recorder: Recorder) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, recorder), name="trafficcheck-recorder")
        self._process.start()
        child.close()
        self._report = recorder.report

    def take(self, exchange: Exchange) -> None:
        self._conn.send(exchange)  # blocks while the pipe is full: the bound on what waits to be checked

    def flush(self) -> None:
        """The child flushes whenever it has nothing left to read."""

    def close(self) -> DeviationReport:
        """Every exchange sent so far checked and written; the child's report (the parent's stayed empty)."""
        try:
            self._conn.send(None)
            report: DeviationReport = self._conn.recv()
        except (EOFError, OSError):  # the child is gone: what it wrote is in the cassette, the report is lost
            report = self._report
        self._conn.close()
        self._process.join(timeout=30)
        return report


def _serve(conn: Connection, recorder: Recorder) -> None:
    # Ctrl-C and SIGTERM reach the whole process group: the child ignores them and drains until the parent
    # (which stops on them) says it is done, or its end of the pipe closes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        while True:
            exchange = conn.recv()
            if exchange is None:
                break
            recorder.take(exchange)
            if not conn.poll():  # nothing waiting: a good moment to put the cassette on disk
                recorder.flush()
    except EOFError:  # the parent died without saying goodbye
        pass
    recorder.flush()
    try:
        conn.send(recorder.report)
    except OSError:
        pass


def _json_line(entry: dict[str, Any]) -> str:
    try:
        return orjson.dumps(entry).decode() + "\n"  # several times json.dumps's speed, one line per exchange
    except orjson.JSONEncodeError:  # an integer beyond 64 bits (json.loads keeps any size): json writes it
        return json.dumps(entry, ensure_ascii=False) + "\n"


def _body_for_cassette(body: bytes) -> Any:
    if not body:
        return None
    try:
        return {"json": redact_body(json.loads(body))}
    except (ValueError, RecursionError):
        return {"text": redact_text(body[:MAX_TEXT_IN_CASSETTE].decode("utf-8", errors="replace"))}


def _decoded(exchange: Exchange) -> bytes:
    """The body as the client will read it: decoded (gzip, br…) as httpx decodes it, on a copy."""
    if exchange.error is not None:
        return b""
    if not any(name.lower() == b"content-encoding" for name, _ in exchange.upstream_headers):
        return exchange.raw
    try:
        copy = httpx.Response(exchange.status, headers=exchange.upstream_headers, stream=httpx.ByteStream(exchange.raw))
        return copy.read()
    except httpx.DecodingError:
        return b""
