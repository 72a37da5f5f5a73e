"""What happens to an exchange once its answer is on its way: the check, the cassette line, the report, the live line.

`Recorder` does it where it is called. `RecorderProcess` does it in a child process fed through a pipe, so the
proxy's own process only forwards: profiled under wrk (benchmarks/proxy.py, py-spy), checking and recording
were about a third of the proxy's CPU per exchange, work that a second core can do while the first forwards.
Exchanges stay in arrival order (one socket, one reader), so the cassette is numbered as before. They go in
batches (one pickle, one write, one wake-up of the child per batch), the child runs at the lowest priority,
and what waits for it is bounded (RecorderProcess says how): nothing is dropped, nothing piles up unbounded.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import pickle
import select
import signal
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any
from urllib.parse import parse_qsl

import httpx
import orjson

from . import json_bytes
from .check import Checked, TrafficChecker
from .redact import redact_body, redact_headers, redact_query, redact_text
from .report import DeviationReport

__all__ = ["PRIORITIES", "Exchange", "Recorder", "RecorderProcess", "can_fork"]

PRIORITIES = ("batch", "idle", "normal")  # the recorder process's (RecorderProcess)
MAX_TEXT_IN_CASSETTE = 2000  # a non-JSON body is kept as (scrubbed) text up to this many characters
# What the proxy keeps before sending to the recorder process at once (it sends at least every FLUSH_AFTER_S):
# one pickle, one write and one wake-up of the child per batch instead of per exchange, which on 2 cores is
# time taken from the process forwarding the next request (benchmarks/proxy.py, docs/traffic.md).
MAX_BATCH = 8  # small, so that beyond the backlog bound the proxy waits for a few checks, not for dozens
MAX_BATCH_BYTES = 1024 * 1024
MAX_BACKLOG_BYTES = 8 * 1024 * 1024  # sent batches the child has not read yet, before the proxy waits for it
SOCKET_CHUNK = 256 * 1024  # the most the child reads at once
WAIT_CHUNK = 16 * 1024  # beyond the backlog, the proxy waits until the child has taken this much


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
    """A `Recorder` in a forked child; `take` sends it an exchange, `close` drains it and returns its report.

    `priority` "batch" (the default): Linux's SCHED_BATCH, the same share of the cores as any process, but a
    child that wakes up with a batch does not preempt the process running (the scheduler lets it wait for the
    next tick instead), so the forwarding process, the upstream or a client is not cut off mid-request by it;
    "normal": it shares the cores like any process; "idle": the lowest priority (SCHED_IDLE, or nice 19), so the
    checks wait for a quiet moment. Sending never stalls the proxy's event loop while the child catches up: what
    the socket does not take at once waits in `_out` and goes when it is writable (the loop's writer callback).
    Only beyond MAX_BACKLOG_BYTES does the proxy wait for the child, a few exchanges at a time: nothing is
    dropped, memory stays bounded. Measured side by side on 2 cores (docs/traffic.md, 2026-12-03): p99 added at a
    paced 400 req/s 1.25 ms batch, 1.36 ms normal, 0.76 ms idle; at saturation 4.75, 5.10 and 32 ms: under a load
    sustained past what the cores can check, an idle child's backlog fills and the proxy then waits in steps, and
    an unprivileged process cannot raise its priority again when that happens.
    """

    def __init__(self, recorder: Recorder, *, priority: str = "batch") -> None:
        if priority not in PRIORITIES:
            raise ValueError(f"recorder priority {priority!r}: one of {', '.join(PRIORITIES)}")
        context = multiprocessing.get_context("fork")
        self._sock, child = socket.socketpair()
        self._process = context.Process(
            target=_serve, args=(child, self._sock, recorder, priority), name="trafficcheck-recorder"
        )
        self._process.start()
        child.close()
        self._sock.setblocking(False)
        self._report = recorder.report
        self._batch: list[Exchange] = []
        self._batch_bytes = 0
        self._out = bytearray()
        self._waiting_on: asyncio.AbstractEventLoop | None = None  # the loop whose writer callback drains _out

    def take(self, exchange: Exchange) -> None:
        """Kept until `flush` (the proxy calls it FLUSH_AFTER_S after an exchange) or until a batch is full."""
        self._batch.append(exchange)
        self._batch_bytes += len(exchange.body) + len(exchange.raw)
        if len(self._batch) >= MAX_BATCH or self._batch_bytes >= MAX_BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        """Send the exchanges kept so far as one message; the child writes them and flushes its cassette."""
        if self._batch:
            batch, self._batch, self._batch_bytes = self._batch, [], 0
            self._out += _frame(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
        self._drain()

    def close(self) -> DeviationReport:
        """Every exchange sent so far checked and written; the child's report (the parent's stayed empty)."""
        try:
            self.flush()
            if self._waiting_on is not None and not self._waiting_on.is_closed():
                self._waiting_on.remove_writer(self._sock)
            self._sock.setblocking(True)
            self._sock.sendall(bytes(self._out) + _frame(pickle.dumps(None)))
            report: DeviationReport = pickle.loads(_read_frame(self._sock))
        except (EOFError, OSError):  # the child is gone: what it wrote is in the cassette, the report is lost
            report = self._report
        self._sock.close()
        self._process.join(timeout=30)
        return report

    def _drain(self) -> None:
        while self._out:
            try:
                sent = self._sock.send(self._out)
            except BlockingIOError:
                if len(self._out) <= MAX_BACKLOG_BYTES:
                    break
                self._sock.setblocking(True)  # too much waiting: the proxy waits for the child, a little at a time
                try:
                    sent = self._sock.send(self._out[:WAIT_CHUNK])
                finally:
                    self._sock.setblocking(False)
            del self._out[:sent]
        self._wait_for_writable(bool(self._out))

    def _wait_for_writable(self, wanted: bool) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (close, tests): the next flush or close sends what is left
            return
        if wanted and self._waiting_on is None:
            loop.add_writer(self._sock, self._drain)
            self._waiting_on = loop
        elif not wanted and self._waiting_on is not None:
            self._waiting_on.remove_writer(self._sock)
            self._waiting_on = None


def _yield_to_everything() -> None:
    """Linux's SCHED_IDLE where there is one (any other process that wants a core preempts this one at once),
    else the lowest nice value. One way only: without privileges a process cannot raise its priority again."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(19)


def _never_preempt() -> None:
    """Linux's SCHED_BATCH: the same share of the cores as any process, but its wake-ups preempt no one."""
    try:
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    except (AttributeError, OSError):
        pass


def _frame(payload: bytes) -> bytes:
    return struct.pack("!Q", len(payload)) + payload


def _read_frame(sock: socket.socket) -> bytes:
    (size,) = struct.unpack("!Q", _read_exactly(sock, 8))
    return _read_exactly(sock, size)


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, SOCKET_CHUNK))
        if not chunk:
            raise EOFError("the other end of the recorder's socket closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _serve(sock: socket.socket, parents_end: socket.socket, recorder: Recorder, priority: str) -> None:
    parents_end.close()  # the fork's copy of it: closed, so the parent's exit ends the reads below (EOFError)
    # Ctrl-C and SIGTERM reach the whole process group: the child ignores them and drains until the parent
    # (which stops on them) says it is done, or its end of the socket closes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if priority == "idle":
        _yield_to_everything()
    elif priority == "batch":
        _never_preempt()
    try:
        while True:
            batch: list[Exchange] | None = pickle.loads(_read_frame(sock))
            if batch is None:
                break
            for exchange in batch:
                recorder.take(exchange)
            if not select.select([sock], [], [], 0)[0]:  # nothing waiting: a good moment to flush the cassette
                recorder.flush()
    except EOFError:  # the parent died without saying goodbye
        pass
    recorder.flush()
    try:
        sock.sendall(_frame(pickle.dumps(recorder.report)))
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
        return {"json": redact_body(json_bytes.loads(body))}
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
