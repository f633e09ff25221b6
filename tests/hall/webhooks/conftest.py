"""The webhook tests' receiver, a server process delivering with quick retries, and helpers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.hall.webhooks.receiver import Receiver, receiving
from tests.support.server import ServerProcess

SECRET = "s3cret-for-the-hall-webhooks"
QUICK = {
    "HALL_WEBHOOK_RETRY_S": "0.05/0.4",
    "HALL_WEBHOOK_TIMEOUT_S": "3",
    "HALL_WEBHOOK_POLL_S": "1",
}
"""A server that retries within a fraction of a second (and holds a lease for 11 s)."""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from receiving()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One `hall serve` for the module, on SQLite, retrying deliveries quickly."""
    workdir = tmp_path_factory.mktemp("webhooks")
    process = ServerProcess(f"sqlite:///{workdir / 'hall.db'}", workdir, env=QUICK)
    try:
        process.start()
        yield process
    finally:
        process.stop()


def put_webhook(
    server: ServerProcess,
    hall: str,
    url: str,
    events: list[str],
    webhook: str = "platform",
    secret: str = SECRET,
) -> httpx.Response:
    with server.admin() as admin:
        return admin.put(
            f"/api/halls/{hall}/webhooks/{webhook}",
            json={"url": url, "events": events, "secret": secret},
        )


def command(server: ServerProcess, hall: str, name: str, **args: Any) -> dict[str, Any]:
    """Run a command as the admin over HTTP; its result (it must succeed)."""
    with server.admin() as admin:
        response = admin.post(f"/api/halls/{hall}/commands/{name}", json=args)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["result"]
    return result


def seq_of(server: ServerProcess, hall: str) -> int:
    with server.admin() as admin:
        return int(admin.get(f"/api/halls/{hall}/snapshot").json()["seq"])


def deliveries(server: ServerProcess, hall: str, webhook: str = "platform") -> dict[str, Any]:
    with server.admin() as admin:
        response = admin.get(f"/api/halls/{hall}/webhooks/{webhook}/deliveries")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
