"""What one client may send the endpoints that need no token: a budget of requests per client
address (a token bucket per endpoint group; past it `rate_limited`, 429, with `Retry-After`),
and the size of any HTTP body (past it `payload_too_large`, 413, read no further).

Budgets count per client address as the server sees it (`request.client`: behind a reverse
proxy, the address uvicorn takes from `X-Forwarded-For` of a trusted proxy); an IPv6 client
counts by its /64 network, which one subscriber usually holds whole. The buckets live in this
process's memory: a restart forgets them, and several server processes each count their own.
The clock is injectable for tests.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.requests import Request

from displays.errors import PayloadTooLarge, RateLimited

MAX_BODY_BYTES = 1024 * 1024
"""The largest HTTP body read (1 MiB): a hall document, a staff photo, a command."""

MAX_CLIENTS = 100_000
"""Buckets remembered per limiter; past that the least recently used one is forgotten."""

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class Budget:
    """`requests` at once, given back evenly over `seconds` (`"10/60"`: 10 a minute, all 10 in
    one burst at most)."""

    requests: int
    seconds: float

    @classmethod
    def parse(cls, text: str) -> Budget:
        """`"<requests>/<seconds>"`, e.g. `"10/60"`; `ValueError` for anything else."""
        requests, _, seconds = text.partition("/")
        budget = cls(int(requests), float(seconds))
        if budget.requests < 1 or not 0 < budget.seconds < math.inf:
            raise ValueError(f"a budget is '<requests ≥ 1>/<seconds > 0>', not {text!r}")
        return budget

    @property
    def rate(self) -> float:
        """Requests given back per second."""
        return self.requests / self.seconds


BOOK = "book"
"""`POST /api/halls/{hall}/appointments`."""
LOOKUP = "lookup"
"""`GET` and `DELETE /api/halls/{hall}/appointments/{code}`."""
BROWSE = "browse"
"""The booking portal's reading: `/api/halls/{hall}/services`, `/api/halls/{hall}/slots`."""
TRACK = "track"
"""A tracker's page `/t/{track}` and its API `/api/track/{track}`."""

DEFAULT_BUDGETS: Mapping[str, Budget] = {
    BOOK: Budget(10, 60.0),
    LOOKUP: Budget(10, 60.0),
    BROWSE: Budget(120, 60.0),
    TRACK: Budget(60, 60.0),
}
"""Per client address. A citizen books once or twice and looks a booking up a few times; the
booking page reads a week of slots at once; a phone reloads its tracker page now and then."""


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """Token buckets per (group, client): each group's `Budget`, refilled continuously."""

    def __init__(
        self,
        budgets: Mapping[str, Budget] = DEFAULT_BUDGETS,
        *,
        clock: Clock = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.budgets = {**DEFAULT_BUDGETS, **budgets}  # a group left out keeps its default
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: OrderedDict[tuple[str, str], _Bucket] = OrderedDict()

    def take(self, group: str, client: str) -> float:
        """Spend one request of `client`'s budget for `group`: 0.0 when it may go ahead, else
        the seconds until it may (nothing is spent then)."""
        budget = self.budgets[group]
        now = self.clock()
        key = (group, client)
        bucket = self._buckets.pop(key, None) or _Bucket(float(budget.requests), now)
        bucket.tokens = min(budget.requests, bucket.tokens + (now - bucket.at) * budget.rate)
        bucket.at = now
        self._buckets[key] = bucket  # the most recently used last
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / budget.rate

    def check(self, group: str, client: str) -> None:
        """`take`, raising `RateLimited` (with whole seconds to wait) when the budget is spent."""
        wait = self.take(group, client)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise RateLimited(
                f"too many requests from this address: try again in {seconds} s",
                retry_after=seconds,
            )


def client_address(request: Request) -> str:
    """Whom a budget is counted for: the client's address, an IPv6 one by its /64 network."""
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def limit(request: Request, group: str) -> None:
    """Count this request against its client's budget for `group` (the app's `RateLimiter`);
    `RateLimited` past it."""
    limiter: RateLimiter = request.app.state.limiter
    limiter.check(group, client_address(request))


def max_body_bytes(request: Request) -> int:
    """The largest body the app reads (its `Settings.max_body_bytes`)."""
    limit_bytes: int = request.app.state.max_body_bytes
    return limit_bytes


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The request's body, read as it streams in and no further than `max_bytes`: a larger one
    (a `Content-Length` that says so, before anything is read) is `PayloadTooLarge`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise _too_large(max_bytes)
    return bytes(body)


def _too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"body: at most {max_bytes} bytes")
