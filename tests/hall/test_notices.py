"""What server processes say on the bus: every notice reads back as written, and anything else
(which only a stranger with access to the bus could send) is `MalformedNotice`, never a crash."""

from __future__ import annotations

import pytest

from hall.bus.notices import (
    MalformedNotice,
    Notice,
    SeqNotice,
    hall_channel,
    parse_notice,
    parse_seq,
)


def test_seq_notices_read_back() -> None:
    notice = SeqNotice("0123abcd", 1240)
    assert notice.text() == "0123abcd:1240"
    assert parse_seq(notice.text()) == notice
    assert hall_channel("demo") == "hall:demo"


@pytest.mark.parametrize(
    "notice",
    [
        Notice("p1", "alive"),
        Notice("p1", "hall", "demo"),
        Notice("p1", "device", "demo", "3f2a9c0d1e2b"),
        Notice("p1", "staff", "hall_2", "A-1001"),
        Notice("p1", "alert", "demo", "no_window_open:A:1795000000"),
        Notice("p1", "alert", "demo", "bad_rating:20261122-A023:1795000000"),
    ],
    ids=lambda n: n.topic,
)
def test_process_notices_read_back(notice: Notice) -> None:
    assert parse_notice(notice.text()) == notice


@pytest.mark.parametrize(
    "message",
    [
        "not-a-number:abc",
        "",
        ":12",
        "p1:",
        "p1:-3",
        "p1:1.5",
        "p1:12\n",
        "p1:" + "9" * 19,
        "p1:12:extra",
        "x" * 600 + ":1",
    ],
)
def test_anything_else_on_a_hall_channel_is_malformed(message: str) -> None:
    with pytest.raises(MalformedNotice):
        parse_seq(message)


@pytest.mark.parametrize(
    "message",
    [
        "p1:12",
        "p1:hall:",
        "p1:hall:a:b",
        "p1:device:demo",
        "p1:staff:demo:10 01",
        "p1:revoke:demo:d1",
        "p1:alive:now",
        "p1:alive\n",
        "p1:hall:" + "h" * 600,
        "p1:alert:demo",
        "p1:alert:demo:no_window_open:A",
        "p1:alert:demo:no_window_open:A:1:2",
        "p1:alert:demo:Kind:A:1",
    ],
)
def test_anything_else_on_the_halls_channel_is_malformed(message: str) -> None:
    with pytest.raises(MalformedNotice):
        parse_notice(message)
