"""A hook on an ASGI app's lifespan: something to do once its start-up has completed, before any request."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["after_startup"]


def after_startup(app: ASGIApp, callback: Callable[[], None]) -> ASGIApp:
    """`app`, calling `callback` right after it has sent `lifespan.startup.complete`."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return

        async def send_then_call(message: Message) -> None:
            await send(message)
            if message["type"] == "lifespan.startup.complete":
                callback()

        await app(scope, receive, send_then_call)

    return wrapped
