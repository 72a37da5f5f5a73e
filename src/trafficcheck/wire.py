"""The served proxy's connections: uvicorn's guarded HTTP/1.1 protocol with the proxy called directly, no ASGI.

uvicorn parses each request and keeps the connection (keep-alive, pipelining, the deadlines and head limits of
simulators/_serving/protocol.py, graceful shutdown); only the step from a parsed request to its answer is
ours. Through ASGI that step is the app's middleware chain, a receive per body part, a send for the head and
another for the body, each written on its own: two socket writes per answer where one does. Measured with
benchmarks/proxy.py's paced load on 2 cores (docs/traffic.md), the ASGI step was most of the p99 the proxy
added once the upstream client was lean. `ProxyApp` stays an ASGI app for in-process use (lifespan included:
uvicorn still runs the app's start-up and shut-down through it).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, cast

from starlette.types import Receive, Scope
from uvicorn.protocols.http.httptools_impl import HEADER_RE, HEADER_VALUE_RE, STATUS_LINE, RequestResponseCycle

from simulators._serving.protocol import ConnectionLimits, guarded_protocol
from simulators._serving.runner import DEFAULT_LIMITS

from .proxy import ProxyApp, Reply, read_body

__all__ = ["forwarding_protocol"]

_log = logging.getLogger("trafficcheck.proxy")


def forwarding_protocol(proxy: ProxyApp, limits: ConnectionLimits = DEFAULT_LIMITS) -> type[asyncio.Protocol]:
    """The protocol class for uvicorn's `Config(http=...)` that answers every request with `proxy.reply`."""
    guarded: Any = guarded_protocol(limits)

    def _start_asgi_task(self: Any, cycle: RequestResponseCycle, app: object) -> None:
        # uvicorn's one place that starts a request's handling (new and pipelined requests alike).
        task = self.loop.create_task(_forward(proxy, cycle))
        task.add_done_callback(self.tasks.discard)
        self.tasks.add(task)

    return type("ForwardingProtocol", (guarded,), {"_start_asgi_task": _start_asgi_task})


async def _forward(proxy: ProxyApp, cycle: RequestResponseCycle) -> None:
    started = time.perf_counter()
    try:
        # uvicorn's typed scope and receive are the ASGI ones ProxyApp takes, spelled with its own TypedDicts.
        scope, receive = cast(Scope, cycle.scope), cast(Receive, cycle.receive)
        reply = await proxy.reply(scope, *await read_body(receive, proxy.options.max_body_bytes))
        await _send(cycle, reply)
    except Exception:  # as uvicorn's run_asgi: the client gets a 500 if nothing was sent yet, else a closed line
        _log.exception("the proxy failed on %s %s", cycle.scope["method"], cycle.scope["path"])
        if not cycle.response_started:
            await cycle.send_500_response()
        else:
            cycle.transport.close()
        return
    finally:
        cycle.on_response = lambda: None  # uvicorn's own end of a cycle: nothing more may be started from it
    proxy.record(reply, started)


async def _send(cycle: RequestResponseCycle, reply: Reply) -> None:
    """Status line, headers and body in one write, then the end of the cycle as uvicorn's `send` ends it."""
    if cycle.flow.write_paused and not cycle.disconnected:
        await cycle.flow.drain()
    if cycle.disconnected:
        return
    status = reply.status
    content = [STATUS_LINE.get(status) or b"HTTP/1.1 %d \r\n" % status]
    for name, value in reply.headers:
        # What uvicorn refuses too: an answer header that would end the head early or start a second answer.
        # Raised before anything is sent, so the client gets a 500 (_forward), not a cut-off answer.
        if HEADER_RE.search(name) or HEADER_VALUE_RE.search(value):
            raise RuntimeError(f"the upstream's header {name!r} cannot be passed on")
        content.extend((name, b": ", value, b"\r\n"))
    cycle.response_started = True
    cycle.waiting_for_100_continue = False
    if not cycle.keep_alive:
        content.append(b"connection: close\r\n")
    content.append(b"\r\n")
    if cycle.scope["method"] != "HEAD":
        content.append(reply.body)
    cycle.transport.write(b"".join(content))
    cycle.response_complete = True
    cycle.message_event.set()
    if not cycle.keep_alive:
        cycle.transport.close()
    cycle.on_response()
