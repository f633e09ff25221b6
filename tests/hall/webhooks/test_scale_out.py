"""Two real server processes on one PostgreSQL database (and one Redis) both deliver from the
one outbox: each row reaches the receiver once, in seq order, whichever process committed it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.hall.test_scale_out import REDIS_URL, Deployment, _reachable, knows
from tests.hall.webhooks.conftest import QUICK, command, put_webhook
from tests.hall.webhooks.receiver import Receiver
from tests.support.server import ServerProcess, new_hall
from tests.support.waiting import eventually

pytestmark = pytest.mark.anyio

TICKETS = 40


@pytest.fixture
def deployment(postgres_url: str, tmp_path: Path) -> Iterator[Deployment]:
    with Deployment(postgres_url, _reachable(REDIS_URL), tmp_path, env=QUICK) as both:
        yield both


def lists(server: ServerProcess, hall: str, webhook: str) -> bool:
    with server.admin() as admin:
        listed = admin.get(f"/api/halls/{hall}/webhooks").json()["webhooks"]
    return any(w["id"] == webhook for w in listed)


async def test_two_processes_deliver_each_row_once_in_order(
    deployment: Deployment, receiver: Receiver
) -> None:
    first, second = deployment.first, deployment.second
    hall = new_hall(first)
    await eventually(lambda: knows(second, hall))
    put_webhook(first, hall, receiver.url, ["ticket.issued"])
    await eventually(lambda: lists(second, hall, "platform"), timeout=2.0)  # heard on the bus

    def issue(index: int) -> str:
        server = first if index % 2 else second
        number: str = command(server, hall, "issue_ticket", service="social")["ticket"]["number"]
        return number

    with ThreadPoolExecutor(4) as pool:
        numbers = list(pool.map(issue, range(TICKETS)))

    await eventually(lambda: len(receiver.delivered()) >= TICKETS, timeout=20.0)
    delivered = receiver.delivered()
    assert Counter(p["id"] for p in delivered).most_common(1)[0][1] == 1
    assert {p["data"]["ticket"]["number"] for p in delivered} == set(numbers)
    seqs = [p["seq"] for p in delivered]
    assert seqs == sorted(seqs)
    assert delivered_by(first, hall) + delivered_by(second, hall) == TICKETS


def delivered_by(server: ServerProcess, hall: str) -> float:
    """What the process's Prometheus counter says it delivered to the hall's webhooks."""
    text = httpx.get(f"{server.url}/metrics").text
    series = f'hall_webhook_attempts_total{{hall="{hall}",outcome="delivered"}} '
    found = [line for line in text.splitlines() if line.startswith(series)]
    return float(found[0].rsplit(" ", 1)[1]) if found else 0.0
