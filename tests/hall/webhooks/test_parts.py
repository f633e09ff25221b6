"""The webhook parts on their own: which events a webhook takes, reading a webhook document,
the signature, the backoff, the settings from the environment, what stays out of a body, the
bus notice, and the HTTP client against a real local receiver."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import UTC, datetime

import pytest

from hall.bus.notices import Notice, parse_notice
from hall.server import Settings
from hall.webhooks import Webhook, signature, verify
from hall.webhooks.client import post
from hall.webhooks.config import matches, parse_webhook
from hall.webhooks.outbox import OutboxWriter, Subscriptions, without_personal
from hall.webhooks.worker import DeliverySettings, settings_from_env
from queueing.apply import apply
from queueing.events import HallBroadcast, HallConfigured
from queueing.model import initial_state
from queueing.stream import SequencedEvent
from tests.hall.webhooks.receiver import Receiver
from tests.queueing.conftest import hall_config

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
SECRET = "0123456789abcdef"


@pytest.mark.parametrize(
    ("pattern", "event", "taken"),
    [
        ("*", "ticket.called", True),
        ("ticket", "ticket.called", True),
        ("ticket.", "ticket.called", True),
        ("ticket.*", "ticket.called", True),
        ("ticket.called", "ticket.called", True),
        ("ticket.called", "ticket.issued", False),
        ("tick", "ticket.called", False),
        ("ticket", "tickets.x", False),
        ("rating", "ticket.called", False),
    ],
)
def test_a_pattern_takes_its_event_names_and_prefixes(
    pattern: str, event: str, taken: bool
) -> None:
    assert matches(pattern, event) is taken


def test_a_webhook_document_is_read_with_its_events_once_each() -> None:
    body = {"url": "https://x.example/h?a=1", "events": ["ticket", "ticket", "*"], "secret": SECRET}
    webhook = parse_webhook("h1", "sms", body, NOW)
    assert webhook == Webhook("h1", "sms", "https://x.example/h?a=1", ("ticket", "*"), SECRET, NOW)
    assert webhook.public() == {"id": "sms", "url": body["url"], "events": ["ticket", "*"]}


def test_the_signature_is_the_hex_hmac_sha256_of_the_body() -> None:
    body = b"The quick brown fox jumps over the lazy dog"
    expected = "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    assert signature("key", body) == expected
    assert verify("key", body, expected)
    assert not verify("key", body + b" ", expected) and not verify("other", body, expected)


def test_the_backoff_doubles_up_to_its_cap() -> None:
    settings = DeliverySettings(retry_first_s=1.0, retry_max_s=30.0)
    assert [settings.retry_after(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert settings.retry_after(10_000) == 30
    assert settings.lease_s > settings.timeout_s


def test_the_delivery_settings_come_from_the_environment() -> None:
    settings = settings_from_env(
        {
            "HALL_WEBHOOK_TIMEOUT_S": "2",
            "HALL_WEBHOOK_RETRY_S": "0.5/60",
            "HALL_WEBHOOK_POLL_S": "3",
        }
    )
    assert (settings.timeout_s, settings.retry_first_s, settings.retry_max_s, settings.poll_s) == (
        2.0,
        0.5,
        60.0,
        3.0,
    )
    assert settings_from_env({}) == DeliverySettings()
    for bad in (
        {"HALL_WEBHOOK_RETRY_S": "5"},
        {"HALL_WEBHOOK_RETRY_S": "9/1"},
        {"HALL_WEBHOOK_TIMEOUT_S": "-1"},
        {"HALL_WEBHOOK_POLL_S": "soon"},
    ):
        with pytest.raises(ValueError, match="HALL_WEBHOOK_"):
            settings_from_env(bad)


def test_personal_data_never_reaches_a_body() -> None:
    data = {
        "case": {"id": "c1", "contact_phone": "13800138000", "items": [{"note": "x", "n": 1}]},
        "text": "我叫张三，电话13800138000",
        "phone": "13800138000",
        "booking": {"code": "QX7K2M9PRT4", "track": "secret-token", "service": "social"},
    }
    kept = {"case": {"id": "c1", "items": [{"n": 1}]}, "booking": {"service": "social"}}
    assert without_personal(data) == {**kept, "text": data["text"]}
    assert without_personal(data, drop_text=True) == kept


def test_a_hall_without_webhooks_writes_no_outbox_row_and_one_with_writes_what_it_takes() -> None:
    config = hall_config(id="h1")
    state = apply(initial_state(config), HallConfigured(config))
    events = [
        SequencedEvent("h1", 2, NOW, HallBroadcast("请保管好随身物品")),
        SequencedEvent("h1", 3, NOW, HallConfigured(config)),
    ]
    woken: list[bool] = []
    subscriptions = Subscriptions()
    writer = OutboxWriter(subscriptions, lambda: woken.append(True))
    assert writer.entries("h1", events, state) == ()
    subscriptions.replace("h1", [Webhook("h1", "w", "http://x/", ("hall.broadcast",), SECRET, NOW)])
    [entry] = writer.entries("h1", events, state)
    assert (entry.webhook, entry.seq, entry.event, entry.at) == ("w", 2, "hall.broadcast", NOW)
    assert json.loads(entry.body) == {
        "id": "h1:2:w",
        "hall": "h1",
        "seq": 2,
        "event": "hall.broadcast",
        "at": "2026-12-03T09:00:00.000Z",
        "data": {"text": "请保管好随身物品"},
    }
    assert writer.entries("h2", events, state) == ()
    writer.written("h1")
    assert woken == [True]


def test_a_webhook_notice_travels_on_the_bus() -> None:
    notice = Notice("p1", "webhook", "h1", "sms-gateway")
    assert notice.text() == "p1:webhook:h1:sms-gateway"
    assert parse_notice(notice.text()) == notice


async def test_the_client_posts_and_reads_the_status() -> None:
    receiver = Receiver()
    try:
        answer = await post(receiver.url, b'{"a":1}', {"X-Test": "1"}, timeout=5.0)
        receiver.failing = True
        failed = await post(receiver.url, b"{}", {}, timeout=5.0)
        receiver.hold()
        hung = await post(receiver.url, b"{}", {}, timeout=0.3)
    finally:
        receiver.close()
    assert answer.ok and answer.status == 200 and answer.error == ""
    [request, *_] = receiver.snapshot()
    assert request.body == b'{"a":1}' and request.headers["x-test"] == "1"
    assert not failed.ok and failed.status == 503
    assert hung.status is None and "no answer within 0.3 s" in hung.error


async def test_the_client_names_a_refused_connection_and_a_non_http_answer() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    refused = await post(f"http://127.0.0.1:{port}/", b"{}", {}, timeout=2.0)
    assert refused.status is None and "ConnectionRefusedError" in refused.error

    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"SSH-2.0-OpenSSH\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(garbage, "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        odd = await post(f"http://127.0.0.1:{port}/", b"{}", {}, timeout=2.0)
    assert odd.status is None and "not an HTTP answer" in odd.error


def test_the_server_refuses_to_start_with_bad_delivery_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HALL_WEBHOOK_RETRY_S", "1/0.5")
    with pytest.raises(SystemExit, match="HALL_WEBHOOK_RETRY_S"):
        Settings.from_env()
    monkeypatch.setenv("HALL_WEBHOOK_RETRY_S", "2/120")
    assert Settings.from_env().webhooks.retry_max_s == 120.0
