"""The documented example receiver (docs/examples/sms_gateway.py) against a real server: a
citizen who asked to be told when 1 ticket is ahead gets one SMS-gateway request, at the call
that leaves 1 ahead, and a delivery with a wrong signature is refused."""

from __future__ import annotations

import importlib.util
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.hall.webhooks.conftest import SECRET, command, put_webhook
from tests.hall.webhooks.receiver import Receiver
from tests.support.server import ServerProcess, free_port
from tests.support.waiting import eventually

pytestmark = pytest.mark.anyio
EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "sms_gateway.py"


def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sms_gateway_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def sms(server: ServerProcess, receiver: Receiver) -> Iterator[tuple[Any, str]]:
    """The example receiver (sending to `receiver` as its SMS gateway) and its base URL."""
    module = example()
    turn_near = module.TurnNear(server.url, SECRET, receiver.url)
    port = free_port()
    http = module.serve(turn_near, port)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield turn_near, f"http://127.0.0.1:{port}"
    http.shutdown()
    http.server_close()


async def test_the_example_texts_a_citizen_whose_turn_is_near(
    server: ServerProcess, hall: str, receiver: Receiver, sms: tuple[Any, str]
) -> None:
    turn_near, url = sms
    put_webhook(server, hall, f"{url}/hall-events", ["ticket.called"], webhook="sms")
    issued = [command(server, hall, "issue_ticket", service="social") for _ in range(3)]
    last = issued[-1]
    assert last["position"] == 2
    subscribed = httpx.post(
        f"{url}/subscriptions", json={"track": last["track"], "phone": "13800138000", "ahead": 1}
    )
    assert subscribed.status_code == 201
    command(server, hall, "open_window", window="1")

    command(server, hall, "call_next", window="1")  # one ahead now
    await eventually(lambda: len(receiver.delivered()) == 1)
    [text] = receiver.delivered()
    assert text["phone"] == "13800138000"
    assert text["params"] == {"number": last["ticket"]["number"], "ahead": 1}
    assert turn_near.subscriptions == {}

    command(server, hall, "finish", window="1")
    command(server, hall, "call_next", window="1")
    await eventually(lambda: calls_delivered(server, hall) == 2)
    assert len(receiver.delivered()) == 1  # told once


def calls_delivered(server: ServerProcess, hall: str) -> int:
    """How many `ticket.called` the example receiver took."""
    with server.admin() as admin:
        body = admin.get(f"/api/halls/{hall}/webhooks/sms/deliveries").json()
    return sum(1 for attempt in body["deliveries"] if attempt["delivered"])


def test_the_example_refuses_a_wrong_signature_and_drops_a_repeat(sms: tuple[Any, str]) -> None:
    turn_near, _ = sms
    body = b'{"id":"h:5:sms","hall":"h","seq":5,"event":"hall.broadcast","at":"","data":{}}'
    assert turn_near.event(body, "sha256=" + "0" * 64) == 401
    module = example()
    good = "sha256=" + module.hmac.new(SECRET.encode(), body, module.hashlib.sha256).hexdigest()
    assert turn_near.event(body, good) == 200
    assert turn_near.event(body, good) == 200 and list(turn_near.seen) == ["h:5:sms"]
