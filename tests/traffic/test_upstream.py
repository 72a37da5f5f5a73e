"""SocketUpstream against scripted servers: each answers with exact bytes, so every way an HTTP/1.1 answer can be
framed (length, chunks, end of connection, interim answers, HEAD) and every way it can go wrong is one test."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from simulators._serving.tls import issue_test_certificate
from trafficcheck.upstream import Answer, NoAnswer, SocketUpstream

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> tuple[str, dict[str, bool]]:
    return ("asyncio", {"use_uvloop": True})  # the loop the proxy serves on (uvicorn's loop="auto")


# A scripted server: gets each connection's reader/writer and the list of every request head it has read.
Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def read_request(reader: asyncio.StreamReader) -> bytes:
    """One request, head and (Content-Length) body, as received."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
    )
    return head + (await reader.readexactly(length) if length else b"")


@asynccontextmanager
async def scripted(script: Script, tls: ssl.SSLContext | None = None) -> AsyncIterator[tuple[str, list[int]]]:
    """Serve `script` on a free port; yields the origin and a list that counts the connections made."""
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(len(connections) + 1)
        try:
            await script(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=tls)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{port}", connections


def upstream(
    origin: str, *, timeout_s: float = 2.0, max_body_bytes: int = 1024, verify: bool | str = True
) -> SocketUpstream:
    return SocketUpstream(origin, timeout_s=timeout_s, max_body_bytes=max_body_bytes, verify=verify)


def answering(*answers: bytes) -> Script:
    """Reads a request, sends the next answer, as long as there are answers; then waits for the client to go."""

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for answer in answers:
            await read_request(reader)
            writer.write(answer)
            await writer.drain()
        await reader.read()

    return script


OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


async def test_the_request_goes_out_as_given_with_the_upstreams_host_and_the_bodys_length() -> None:
    seen: list[bytes] = []

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await read_request(reader))
        writer.write(OK)
        await reader.read()

    async with scripted(script) as (origin, _):
        client = upstream(origin)
        headers = [("X-Tag", "1"), ("x-tag", "2"), ("Content-Length", "999"), ("Accept", "*/*")]
        answer = await client.send("POST", "/api/a%2Fb?x=%20y&flag", headers, b"{}")
        await client.close()
    assert answer == Answer(200, [(b"Content-Type", b"text/plain"), (b"Content-Length", b"2")], b"ok")
    host = origin.removeprefix("http://").encode()
    assert seen == [
        b"POST /api/a%2Fb?x=%20y&flag HTTP/1.1\r\nhost: " + host + b"\r\nX-Tag: 1\r\nx-tag: 2\r\nAccept: */*\r\n"
        b"content-length: 2\r\n\r\n{}"
    ]


async def test_a_kept_alive_connection_carries_the_next_request() -> None:
    async with scripted(answering(OK, OK, OK)) as (origin, connections):
        client = upstream(origin)
        answers = [await client.send("GET", "/", [], b"") for _ in range(3)]
        await client.close()
    assert [a.status for a in answers if isinstance(a, Answer)] == [200, 200, 200]
    assert connections == [1]


@pytest.mark.parametrize(
    ("answer", "body"),
    [
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n", b"abcde"),
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx", b"x"),
        (b"HTTP/1.1 204 No Content\r\n\r\n", b""),
    ],
    ids=["chunked", "interim-100-then-201", "no-content"],
)
async def test_each_framing_gives_the_body_and_the_connection_stays_in_step(answer: bytes, body: bytes) -> None:
    async with scripted(answering(answer, OK)) as (origin, connections):
        client = upstream(origin)
        first = await client.send("GET", "/", [], b"")
        second = await client.send("GET", "/", [], b"")
        await client.close()
    assert isinstance(first, Answer) and first.raw == body and first.status in (200, 201, 204)
    assert second == Answer(200, [(b"Content-Type", b"text/plain"), (b"Content-Length", b"2")], b"ok")
    assert connections == [1]


async def test_a_body_that_ends_with_the_connection_is_whole_and_the_connection_is_not_reused() -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end")
        await writer.drain()

    async with scripted(script) as (origin, connections):
        client = upstream(origin)
        first = await client.send("GET", "/", [], b"")
        second = await client.send("GET", "/", [], b"")
        await client.close()
    assert isinstance(first, Answer) and first.raw == b"until the end"
    assert second == first and connections == [1, 2]


async def test_a_head_answer_announces_a_body_that_does_not_come_and_the_next_answer_is_read_right() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
    async with scripted(answering(head, OK)) as (origin, connections):
        client = upstream(origin)
        first = await client.send("HEAD", "/", [], b"")
        second = await client.send("GET", "/", [], b"")
        await client.close()
    assert first == Answer(200, [(b"Content-Length", b"1234")], b"")
    assert isinstance(second, Answer) and second.raw == b"ok" and connections == [1]


def _closing_on_the_second_request() -> Script:
    """Answers the first request of a connection; closes it, unanswered, on the second (a kept-alive
    connection the upstream dropped just as it was reused)."""

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(OK)
        await writer.drain()
        await read_request(reader)

    return script


async def test_an_idempotent_request_on_a_dropped_connection_is_sent_again_once_on_a_new_one() -> None:
    async with scripted(_closing_on_the_second_request()) as (origin, connections):
        client = upstream(origin)
        answers = [await client.send("GET", "/", [], b"") for _ in range(2)]
        await client.close()
    assert [a.status for a in answers if isinstance(a, Answer)] == [200, 200]
    assert connections == [1, 2]


async def test_a_post_on_a_dropped_connection_is_not_sent_again() -> None:
    async with scripted(_closing_on_the_second_request()) as (origin, connections):
        client = upstream(origin)
        await client.send("POST", "/orders", [], b"{}")
        answer = await client.send("POST", "/orders", [], b"{}")
        await client.close()
    assert answer == NoAnswer(502, "the upstream closed the connection before answering")
    assert connections == [1]


@pytest.mark.parametrize(
    ("answer", "status", "why"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n" + b"x" * 2000, 502, "body is beyond 1024 bytes"),
        (b"HTTP/1.1 200 OK\r\nX-Big: " + b"y" * 70_000 + b"\r\n\r\n", 502, "headers are beyond 65536 bytes"),
        (b"SSH-2.0-OpenSSH_9.6\r\n", 502, "answer is not HTTP/1.1"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 502, "body broke off"),
        (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", 502, "switched"),
    ],
    ids=["body-cap", "header-cap", "not-http", "broken-off", "upgrade"],
)
async def test_an_answer_that_cannot_be_passed_on_is_a_502_saying_why(answer: bytes, status: int, why: str) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(answer)
        await writer.drain()

    async with scripted(script) as (origin, _):
        client = upstream(origin)
        result = await client.send("GET", "/", [], b"")
        await client.close()
    assert isinstance(result, NoAnswer) and result.status == status and why in result.why, result


@pytest.mark.parametrize(
    ("sent", "why"),
    [(b"", "did not answer within 0.3 s"), (b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nslo", "body did not arrive")],
)
async def test_a_late_answer_is_a_504_and_its_connection_is_not_reused(sent: bytes, why: str) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(sent)
        await writer.drain()
        await asyncio.sleep(5)

    async with scripted(script) as (origin, connections):
        client = upstream(origin, timeout_s=0.3)
        result = await client.send("GET", "/", [], b"")
        assert isinstance(result, NoAnswer) and result.status == 504 and why in result.why
        await client.send("GET", "/", [], b"")
        await client.close()
    assert connections == [1, 2]


async def test_an_upstream_nobody_listens_on_is_a_502() -> None:
    async with scripted(answering()) as (origin, _):
        pass  # closed again: the port is free
    result = await upstream(origin).send("GET", "/", [], b"")
    assert result == NoAnswer(502, "the upstream could not be reached (ConnectionRefusedError)")


async def test_https_checks_the_upstreams_certificate_against_the_given_ca(tmp_path: Path) -> None:
    files = issue_test_certificate(tmp_path, ["127.0.0.1"])
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(files.cert_chain, files.key)
    async with scripted(answering(OK), tls) as (origin, _):
        trusted = await upstream(origin, verify=str(files.ca_cert)).send("GET", "/", [], b"")
    async with scripted(answering(OK), tls) as (origin, _):
        untrusted = await upstream(origin).send("GET", "/", [], b"")
    assert isinstance(trusted, Answer) and trusted.raw == b"ok"
    assert untrusted == NoAnswer(502, "the upstream could not be reached (SSLCertVerificationError)")
