"""Waiting on a condition that other processes or threads change (an HTTP answer, another
server's state): polled until it holds, with a deadline, never a fixed sleep standing in for it."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

T = TypeVar("T")

POLL_SECONDS = 0.05


@overload
async def eventually(condition: Callable[[], Awaitable[T]], timeout: float = ...) -> T: ...


@overload
async def eventually(condition: Callable[[], T], timeout: float = ...) -> T: ...


async def eventually(condition: Callable[[], Any], timeout: float = 10.0) -> Any:
    """The first truthy value of `condition()` (sync or async), polled; fails after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = condition()
        value = await result if inspect.isawaitable(result) else result
        if value:
            return value
        assert loop.time() < deadline, f"not within {timeout} s"
        await asyncio.sleep(POLL_SECONDS)
