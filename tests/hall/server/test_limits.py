"""What one client may send the endpoints that need no token, and how large any HTTP body may be.

Budgets: the real app under uvicorn in this test's loop, with small budgets and a clock the test
moves; clients differ by address (`X-Forwarded-For` from the local host, a trusted proxy).
Bodies: a real server process, whose memory is read from /proc, and the app with a small limit.
"""

from __future__ import annotations

import contextlib
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from hall.server import Settings, create_app
from hall.server.limits import BOOK, BROWSE, LOOKUP, TRACK, Budget, RateLimiter
from tests.support.inprocess import serving
from tests.support.server import ADMIN_TOKEN, ServerProcess, mint, small_hall

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in the hall's Asia/Shanghai
HALL = "limits"
BUDGET = Budget(3, 90.0)  # 3 at once, one back every 30 s


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@contextlib.asynccontextmanager
async def running_app(
    database: Path, clock: Clock, max_body_bytes: int = 1024 * 1024
) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a hall, small budgets and `clock`; a client without any token."""
    settings = Settings(
        database_url=f"sqlite:///{database}",
        admin_token=ADMIN_TOKEN,
        clock=lambda: NOW,
        tick_seconds=3600,
        rate_budgets={group: BUDGET for group in (BOOK, LOOKUP, BROWSE, TRACK)},
        rate_clock=clock,
        max_body_bytes=max_body_bytes,
    )
    async with (
        serving(create_app(settings), lifespan="on") as address,
        httpx.AsyncClient(base_url=f"http://{address}") as client,
    ):
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        response = await client.put(f"/api/halls/{HALL}", json=small_hall(HALL), headers=admin)
        assert response.status_code == 201, response.text
        yield client


SLOT = (NOW + timedelta(hours=2)).isoformat()
BOOKING: dict[str, object] = {
    "service": "social",
    "slot": SLOT,
    "name": "张小三",
    "phone": "13812345678",
}
ENDPOINTS: dict[str, list[tuple[str, str, dict[str, object] | None]]] = {
    BROWSE: [
        ("GET", f"/api/halls/{HALL}/services", None),
        ("GET", f"/api/halls/{HALL}/slots?service=social&date=2026-12-03", None),
    ],
    BOOK: [("POST", f"/api/halls/{HALL}/appointments", BOOKING)],
    LOOKUP: [
        ("GET", f"/api/halls/{HALL}/appointments/ABCDEFGHJK", None),
        ("DELETE", f"/api/halls/{HALL}/appointments/ABCDEFGHJK", None),
    ],
    TRACK: [("GET", "/api/track/no-such-ticket", None), ("GET", "/t/no-such-ticket", None)],
}


async def send(
    client: httpx.AsyncClient, call: tuple[str, str, dict[str, object] | None], address: str
) -> httpx.Response:
    method, url, body = call
    headers = {"X-Forwarded-For": address, "X-Phone-Last4": "5678"}
    return await client.request(method, url, json=body, headers=headers)


@pytest.mark.parametrize("group", [BROWSE, BOOK, LOOKUP, TRACK])
async def test_every_endpoint_without_a_token_has_a_budget_per_client(
    tmp_path: Path, group: str
) -> None:
    clock = Clock()
    async with running_app(tmp_path / "hall.db", clock) as client:
        calls = ENDPOINTS[group]
        for i in range(BUDGET.requests):
            response = await send(client, calls[i % len(calls)], "203.0.113.1")
            assert response.status_code != 429, response.text

        for call in calls:
            refused = await send(client, call, "203.0.113.1")
            assert refused.status_code == 429, (call, refused.text)
            assert refused.headers["Retry-After"] == "30"
            assert refused.json()["error"]["code"] == "rate_limited"
            assert refused.json()["error"]["retry_after"] == 30

        other = await send(client, calls[0], "203.0.113.2")  # another client is not held up
        assert other.status_code != 429

        clock.now += 29.0
        early = await send(client, calls[-1], "203.0.113.1")
        assert early.status_code == 429 and early.headers["Retry-After"] == "1"
        clock.now += 1.0  # one request back
        assert (await send(client, calls[-1], "203.0.113.1")).status_code != 429
        assert (await send(client, calls[0], "203.0.113.1")).status_code == 429


async def test_the_devices_and_the_admin_have_no_such_budget(tmp_path: Path) -> None:
    async with running_app(tmp_path / "hall.db", Clock()) as client:
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        for _ in range(BUDGET.requests * 3):
            assert (await client.get(f"/api/halls/{HALL}", headers=admin)).status_code == 200


def test_a_bucket_refills_evenly_and_forgets_the_least_recent_client_past_its_cap() -> None:
    clock = Clock()
    limiter = RateLimiter({BOOK: Budget(2, 10.0)}, clock=clock, max_clients=2)
    assert [limiter.take(BOOK, "a") for _ in range(3)] == [0.0, 0.0, 5.0]
    clock.now += 2.5
    assert limiter.take(BOOK, "a") == pytest.approx(2.5)  # half a request back: 2.5 s more
    limiter.take(BOOK, "b")
    limiter.take(BOOK, "c")  # "a" is the least recently used of three: forgotten
    assert limiter.take(BOOK, "a") == 0.0


@pytest.mark.parametrize("text", ["10", "0/60", "5/0", "x/60", "5/-1", "5/inf"])
def test_a_budget_setting_must_be_requests_over_seconds(text: str) -> None:
    with pytest.raises(ValueError):
        Budget.parse(text)
    assert Budget.parse("10/60") == Budget(10, 60.0)


# --- bodies ------------------------------------------------------------------------------------


async def test_a_body_over_the_configured_limit_is_payload_too_large(tmp_path: Path) -> None:
    async with running_app(tmp_path / "hall.db", Clock(), max_body_bytes=1000) as client:
        url = f"/api/halls/{HALL}/appointments"
        headers = {"Content-Type": "application/json"}
        body = b'{"service": "social"}'
        at_limit = body + b" " * (1000 - len(body))
        response = await client.post(url, content=at_limit, headers=headers)
        assert response.status_code == 400  # read: its fields are what is wrong
        assert "slot" in response.json()["error"]["message"]

        over = await client.post(url, content=at_limit + b" ", headers=headers)
        assert over.status_code == 413, over.text
        assert over.json()["error"]["code"] == "payload_too_large"

        async def streamed() -> AsyncIterator[bytes]:  # no Content-Length: chunked
            for _ in range(20):
                yield b" " * 100

        chunked = await client.post(url, content=streamed(), headers=headers)
        assert chunked.status_code == 413
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}", **headers}
        document = await client.put(f"/api/halls/{HALL}", content=b" " * 1001, headers=admin)
        assert document.status_code == 413


def raw_request(server: ServerProcess, head: bytes, body_chunks: int = 0) -> bytes:
    """Send `head` (and then `body_chunks` chunks of 1 MiB, chunked) and return what the server
    answers, until it closes or 10 s pass."""
    chunk = b"%x\r\n%s\r\n" % (1024 * 1024, b" " * 1024 * 1024)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10.0) as sock:
        sock.sendall(head)
        with contextlib.suppress(OSError):  # the server may stop taking the rest
            for _ in range(body_chunks):
                sock.sendall(chunk)
            sock.sendall(b"0\r\n\r\n")
        answer = b""
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in answer:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
    return answer


def peak_resident_mib(server: ServerProcess) -> float:
    """The most memory the server process has held so far (its resident high-water mark)."""
    assert server.process is not None
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def test_a_declared_length_over_the_limit_is_refused_before_the_body_comes(
    server: ServerProcess, hall: str
) -> None:
    head = (
        f"POST /api/halls/{hall}/appointments HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/json\r\nContent-Length: 157286400\r\n\r\n"
    ).encode()

    answer = raw_request(server, head)  # nothing of the 150 MB is sent

    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_large_bodies_are_not_read_into_memory(server: ServerProcess, hall: str) -> None:
    kiosk = mint(server, hall, "kiosk")
    before = peak_resident_mib(server)
    targets = [
        f"/api/halls/{hall}/appointments",
        f"/api/halls/{hall}/commands/issue_ticket",
        f"/api/halls/x{uuid.uuid4().hex[:6]}/appointments",
    ]
    answers = []
    for target in targets:
        head = (
            f"POST {target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {kiosk}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        ).encode()
        answers.append(raw_request(server, head, body_chunks=60))  # 60 MiB each, streamed

    grown = peak_resident_mib(server) - before
    assert grown < 30, f"the server's peak memory grew by {grown:.0f} MiB"
    statuses = [answer.split(b"\r\n", 1)[0] for answer in answers]
    assert statuses == [b"HTTP/1.1 413 Request Entity Too Large"] * 2 + [b"HTTP/1.1 404 Not Found"]
