"""Deliveries from a real server process to a real local HTTP receiver: signed so that the
receiver can check them, in seq order, retried until taken, never holding up the hall."""

from __future__ import annotations

import hashlib
import hmac
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.hall.server.test_bookings_wire import book, citizen, next_slot
from tests.hall.webhooks.conftest import SECRET, command, deliveries, put_webhook, seq_of
from tests.hall.webhooks.receiver import Receiver
from tests.support.server import ServerProcess
from tests.support.waiting import eventually

pytestmark = pytest.mark.anyio


def receiver_accepts(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does (docs/webhooks.md), written here apart from the server's code."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


async def test_deliveries_are_signed_and_carry_the_event_as_devices_get_it(
    server: ServerProcess, hall: str, receiver: Receiver
) -> None:
    put_webhook(server, hall, receiver.url, ["ticket.issued", "ticket.called"])
    command(server, hall, "open_window", window="1")
    ticket = command(server, hall, "issue_ticket", service="social")["ticket"]
    command(server, hall, "call_next", window="1")

    await eventually(lambda: len(receiver.delivered()) == 2)
    issued, called = receiver.snapshot()
    for request in (issued, called):
        assert receiver_accepts(SECRET, request.body, request.headers["x-hall-signature"])
        assert not receiver_accepts(
            "another-secret-entirely", request.body, request.headers["x-hall-signature"]
        )
        assert request.headers["content-type"].startswith("application/json")
        assert set(request.payload) == {"id", "hall", "seq", "event", "at", "data"}
        assert request.payload["id"] == request.headers["x-hall-delivery"]
    assert issued.payload["event"] == "ticket.issued"
    assert called.payload["event"] == "ticket.called"
    assert called.payload["hall"] == hall and called.payload["seq"] <= seq_of(server, hall)
    assert issued.payload["seq"] < called.payload["seq"]
    assert called.payload["id"] == f"{hall}:{called.payload['seq']}:platform"
    assert called.payload["data"]["ticket"]["number"] == ticket["number"]
    assert called.payload["data"]["window"] == {"id": "1", "name": "1号窗口"}
    assert "track" not in str(called.payload)


async def test_a_webhook_gets_only_the_events_it_names(
    server: ServerProcess, hall: str, receiver: Receiver
) -> None:
    put_webhook(server, hall, receiver.url, ["window"])
    command(server, hall, "issue_ticket", service="social")
    command(server, hall, "open_window", window="2")
    command(server, hall, "broadcast", text="请保管好随身物品")
    command(server, hall, "close_window", window="2")
    await eventually(lambda: len(receiver.delivered()) == 2)
    assert [p["event"] for p in receiver.delivered()] == ["window.changed", "window.changed"]
    assert deliveries(server, hall)["pending"] == 0


async def test_a_receiver_failing_five_times_then_gets_every_event_once_more_in_order(
    server: ServerProcess, hall: str, receiver: Receiver
) -> None:
    receiver.fail_first = 5
    put_webhook(server, hall, receiver.url, ["ticket.issued"])
    for _ in range(4):
        command(server, hall, "issue_ticket", service="social")

    await eventually(lambda: len(receiver.delivered()) == 4)
    requests = receiver.snapshot()
    assert [r.status for r in requests] == [503] * 5 + [200] * 4
    head = requests[0].payload["seq"]
    assert {r.payload["seq"] for r in requests[:6]} == {head}  # the first, until it is taken
    delivered = [p["seq"] for p in receiver.delivered()]
    assert delivered == sorted(delivered) and len(set(delivered)) == 4
    log = deliveries(server, hall)
    attempts = [(d["seq"], d["attempt"], d["status"], d["delivered"]) for d in log["deliveries"]]
    assert attempts[::-1][:6] == [
        *((head, n, 503, False) for n in range(1, 6)),
        (head, 6, 200, True),
    ]
    assert log["deliveries"][-1]["error"] == "HTTP 503" and log["pending"] == 0


async def test_commands_are_acknowledged_while_the_receiver_hangs(
    server: ServerProcess, hall: str, receiver: Receiver
) -> None:
    receiver.hold()
    put_webhook(server, hall, receiver.url, ["ticket.issued"])
    command(server, hall, "issue_ticket", service="social")
    await eventually(lambda: receiver.held == 1)  # the first delivery hangs in the receiver

    with ThreadPoolExecutor(4) as pool:  # kiosks keep issuing tickets meanwhile
        numbers = list(pool.map(lambda _: issue_number(server, hall), range(20)))
    # Still hanging (an attempt that timed out meanwhile is tried again, and hangs as well).
    assert receiver.held >= 1 and receiver.delivered() == []
    assert len(set(numbers)) == 20

    receiver.release.set()
    await eventually(lambda: len({p["id"] for p in receiver.delivered()}) == 21)
    firsts = {p["id"]: p for p in receiver.delivered()}.values()  # in the order they came
    assert [p["seq"] for p in firsts] == sorted(p["seq"] for p in firsts)
    assert set(numbers) <= {p["data"]["ticket"]["number"] for p in firsts}


def issue_number(server: ServerProcess, hall: str) -> str:
    number: str = command(server, hall, "issue_ticket", service="social")["ticket"]["number"]
    return number


async def test_a_deleted_webhook_gets_nothing_more(
    server: ServerProcess, hall: str, receiver: Receiver
) -> None:
    receiver.failing = True
    put_webhook(server, hall, receiver.url, ["ticket.issued"])
    command(server, hall, "issue_ticket", service="social")
    await eventually(lambda: len(receiver.snapshot()) >= 1)
    with server.admin() as admin:
        assert admin.delete(f"/api/halls/{hall}/webhooks/platform").status_code == 204
    seen = len(receiver.snapshot())
    receiver.failing = False
    command(server, hall, "issue_ticket", service="social")
    put_webhook(server, hall, receiver.url, ["hall.broadcast"], webhook="other")
    command(server, hall, "broadcast", text="测试")
    await eventually(lambda: len(receiver.delivered()) == 1)
    assert receiver.delivered()[0]["event"] == "hall.broadcast"
    assert len(receiver.snapshot()) <= seen + 2  # at most one attempt in flight at the delete


async def test_a_booking_reaches_a_receiver_without_the_citizens_name_phone_or_code(
    server: ServerProcess, hall: str, receiver: Receiver
) -> None:
    put_webhook(server, hall, receiver.url, ["*"])
    with citizen(server) as http:
        booked = book(http, hall, next_slot(http, hall), "k1", name="张小三", phone="13812345678")
    assert booked.status_code == 201, booked.text
    code = booked.json()["result"]["booking"]["code"]
    await eventually(lambda: "appointment.booked" in [p["event"] for p in receiver.delivered()])
    bodies = "".join(r.body.decode() for r in receiver.snapshot())
    for secret in ("张小三", "13812345678", "5678", code):
        assert secret not in bodies
