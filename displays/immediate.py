"""Writing to a socket without a task when the socket can take the frame at once.

An ASGI websocket `send` is a coroutine, but one that finishes without waiting whenever the
transport's buffer has room (uvicorn's waits only while the transport is paused). Handing each
frame to a task costs a loop iteration and a wake-up per frame and device; running the coroutine
here, as far as it goes, costs neither. `write_now` does that, and only when the coroutine really
has to wait returns an awaitable that finishes it (in the caller's task, in order).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from typing import Any


def write_now(write: Coroutine[Any, Any, None]) -> Awaitable[None] | None:
    """Run `write` until it finishes or has to wait. None when it finished; otherwise an
    awaitable that finishes it. An exception `write` raises before waiting is raised here."""
    try:
        waits_for = write.send(None)
    except StopIteration:
        return None
    return _finish(write, waits_for)


async def _finish(write: Coroutine[Any, Any, None], waits_for: Any) -> None:
    """Drive `write` on from where `write_now` left it: each time it yields, wait for what it
    yielded (an asyncio future, or None for a bare yield), then resume it."""
    try:
        while True:
            if waits_for is None:
                await asyncio.sleep(0)
            else:
                await waits_for
            try:
                waits_for = write.send(None)
            except StopIteration:
                return
    finally:
        write.close()
