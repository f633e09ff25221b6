"""A small HTTP/1.1 client for deliveries: one POST per connection, a deadline over all of it,
the status line read and the connection closed (a receiver's answer body is not needed).
Standard library only; `https://` URLs are verified against the system's certificates."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

USER_AGENT = "hall-webhooks/1"
MAX_STATUS_LINE = 1_000


@dataclass(frozen=True, slots=True)
class Answer:
    """A receiver's HTTP status, or why there was none."""

    status: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


async def post(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> Answer:
    """POST `body` (JSON) to `url` within `timeout` seconds."""
    try:
        async with asyncio.timeout(timeout):
            return Answer(await _exchange(url, body, headers))
    except TimeoutError:
        return Answer(None, f"no answer within {timeout:g} s")
    except (OSError, ValueError, ssl.SSLError) as error:
        return Answer(None, f"{type(error).__name__}: {error}"[:500])


async def _exchange(url: str, body: bytes, headers: Mapping[str, str]) -> int:
    parts = urlsplit(url)
    host = parts.hostname or ""
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    reader, writer = await asyncio.open_connection(
        host, port, ssl=_tls() if secure else None, limit=MAX_STATUS_LINE * 4
    )
    try:
        writer.write(_request(parts.netloc, _target(url), body, headers))
        await writer.drain()
        return _status(await reader.readline())
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(writer.wait_closed(), 1.0)


def _target(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def _request(netloc: str, target: str, body: bytes, headers: Mapping[str, str]) -> bytes:
    host = netloc.rpartition("@")[2]  # never send credentials of the URL as a Host
    lines = [
        f"POST {target} HTTP/1.1",
        f"Host: {host}",
        f"User-Agent: {USER_AGENT}",
        "Content-Type: application/json; charset=utf-8",
        f"Content-Length: {len(body)}",
        "Connection: close",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _status(line: bytes) -> int:
    """The status code of `HTTP/1.x <code> <reason>`; `ValueError` for anything else."""
    version, _, rest = line.decode("latin-1").partition(" ")
    code = rest[:3]
    if not version.startswith("HTTP/1.") or not code.isdigit():
        raise ValueError(f"not an HTTP answer: {line[:60]!r}")
    return int(code)


@cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()
