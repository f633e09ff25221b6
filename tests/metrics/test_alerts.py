"""Alerts: raised once when a condition starts, cleared when it ends, listed until acknowledged."""

from __future__ import annotations

import string
from typing import Any

import pytest

from metrics.alerts import (
    ALERT_MESSAGES,
    BAD_RATING,
    DEVICE_OFFLINE,
    KINDS,
    NO_WINDOW_OPEN,
    WAIT_OVER_TARGET,
    WINDOW_PAUSED,
    Alert,
)
from queueing import commands as cmd
from tests.metrics.driver import Hall, hall_config


def listed(hall: Hall, kind: str) -> list[Alert]:
    return [a for a in hall.metrics.alerts.listed() if a.kind == kind]


def opened_hall(**rules: Any) -> Hall:
    """Windows 1 (A) and 3 (B) open from 09:00."""
    hall = Hall(hall_config(**rules))
    hall.at("09:00").sign_in("1")
    hall.sign_in("3")
    return hall


# --- a queue's longest wait past the target ---------------------------------------------------


def test_a_wait_past_the_target_is_raised_once_and_cleared_when_it_ends() -> None:
    hall = opened_hall(service_target_minutes=15)
    hall.do(cmd.Pause("1", "午休"))
    issued = hall.at("09:01").issue("social")

    hall.at("09:15").metrics.evaluate(hall.t)
    assert listed(hall, WAIT_OVER_TARGET) == []

    for minute in ("09:17", "09:20", "09:25"):
        hall.at(minute).metrics.evaluate(hall.t)
    (alert,) = listed(hall, WAIT_OVER_TARGET)
    assert (alert.severity, alert.subject, alert.active) == ("warning", "A", True)
    assert alert.raised_at == issued.waiting_since + 15 * 60
    assert alert.key == "alert.wait_over_target"
    assert alert.params == {"queue": "综合受理", "queue_id": "A", "target": "15", "number": "A001"}
    assert hall.metrics.alerts.raised[WAIT_OVER_TARGET] == 1

    hall.at("09:30").do(cmd.Resume("1"))
    hall.call("1")

    (cleared,) = listed(hall, WAIT_OVER_TARGET)
    assert (cleared.id, cleared.cleared_at, cleared.active) == (alert.id, hall.t, False)
    assert hall.metrics.alerts.acknowledge(alert.id)
    assert listed(hall, WAIT_OVER_TARGET) == []
    assert not hall.metrics.alerts.acknowledge(alert.id)


def test_an_acknowledged_alert_is_not_raised_again_while_its_condition_holds() -> None:
    hall = opened_hall()
    hall.do(cmd.Pause("1", "午休"))
    hall.at("09:01").issue("social")
    hall.at("09:20").metrics.evaluate(hall.t)
    (alert,) = listed(hall, WAIT_OVER_TARGET)

    hall.metrics.alerts.acknowledge(alert.id)
    hall.at("09:25").metrics.evaluate(hall.t)
    assert listed(hall, WAIT_OVER_TARGET) == []

    hall.at("09:26").do(cmd.Resume("1"))
    hall.call("1")  # the condition ends ...
    hall.at("09:27").finish("1")
    hall.do(cmd.Pause("1", "午休"))
    hall.issue("social")
    hall.at("09:45").metrics.evaluate(hall.t)  # ... and starts again: a new alert

    (again,) = listed(hall, WAIT_OVER_TARGET)
    assert again.id != alert.id
    assert again.params["number"] == "A002"
    assert hall.metrics.alerts.raised[WAIT_OVER_TARGET] == 2


# --- a window paused too long -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit_s", "quiet", "loud"), [(900.0, "09:14", "09:16"), (300.0, "09:04", "09:06")]
)
def test_a_window_paused_too_long(limit_s: float, quiet: str, loud: str) -> None:
    hall = Hall(pause_limit_s=limit_s)
    hall.at("09:00").sign_in("1")
    hall.do(cmd.Pause("1", "取材料"))

    hall.at(quiet).metrics.evaluate(hall.t)
    assert listed(hall, WINDOW_PAUSED) == []
    hall.at(loud).metrics.evaluate(hall.t)
    hall.later(60).metrics.evaluate(hall.t)

    (alert,) = listed(hall, WINDOW_PAUSED)
    paused_at = hall.state.windows["1"].since
    assert (alert.subject, alert.raised_at) == ("1", paused_at + limit_s)
    assert alert.params == {
        "window": "1号窗口",
        "window_id": "1",
        "minutes": f"{limit_s / 60:g}",
        "reason": "取材料",
    }

    hall.do(cmd.Resume("1"))
    assert listed(hall, WINDOW_PAUSED)[0].cleared_at == hall.t


# --- a bad rating -----------------------------------------------------------------------------


@pytest.mark.parametrize(("score", "raised"), [(1, True), (2, True), (3, False), (5, False)])
def test_a_bad_rating_raises_an_alert(score: int, raised: bool) -> None:
    hall = opened_hall()
    ticket = hall.issue("social")
    hall.at("09:05").call("1")
    hall.at("09:10").finish("1")
    hall.at("09:11").rate(ticket, score)

    alerts = listed(hall, BAD_RATING)

    assert len(alerts) == raised
    if raised:
        assert alerts[0].params == {
            "number": "A001",
            "window": "1号窗口",
            "window_id": "1",
            "score": score,
            "reasons": "",
            "comment": "",
        }
        assert (alerts[0].raised_at, alerts[0].active) == (hall.t, True)
        hall.at("10:00").metrics.evaluate(hall.t)
        assert listed(hall, BAD_RATING)[0].active  # listed until acknowledged


# --- no window for people waiting ------------------------------------------------------------


def test_people_waiting_with_no_window_open_raise_a_critical_alert() -> None:
    hall = Hall()
    hall.at("09:00").sign_in("1")  # serves A only
    hall.at("09:01").issue("tax")

    (alert,) = listed(hall, NO_WINDOW_OPEN)
    assert (alert.subject, alert.severity, alert.raised_at) == ("B", "critical", hall.t)
    assert listed(hall, NO_WINDOW_OPEN) == [alert]

    hall.at("09:03").issue("tax")
    hall.metrics.evaluate(hall.t)
    assert hall.metrics.alerts.raised[NO_WINDOW_OPEN] == 1

    hall.at("09:05").sign_in("3")
    (cleared,) = listed(hall, NO_WINDOW_OPEN)
    assert cleared.cleared_at == hall.t


def test_a_paused_window_does_not_count_as_open_for_its_queues() -> None:
    hall = Hall()
    hall.at("09:00").sign_in("3")
    hall.issue("tax")
    assert listed(hall, NO_WINDOW_OPEN) == []

    hall.at("09:02").do(cmd.Pause("3", "会议"))

    assert [a.subject for a in listed(hall, NO_WINDOW_OPEN)] == ["B"]


# --- devices ---------------------------------------------------------------------------------


def test_a_device_offline_until_it_is_back() -> None:
    hall = Hall()
    alerts = hall.metrics.alerts

    alerts.device_offline("kiosk-1", "kiosk", 1000.0, name="大厅取号机")
    alerts.device_offline("kiosk-1", "kiosk", 1005.0)
    (alert,) = listed(hall, DEVICE_OFFLINE)
    assert (alert.raised_at, alert.params["device"], alert.params["kind"]) == (
        1000.0,
        "大厅取号机",
        "kiosk",
    )

    alerts.device_online("kiosk-1", 1060.0)
    assert listed(hall, DEVICE_OFFLINE)[0].cleared_at == 1060.0
    assert alerts.raised[DEVICE_OFFLINE] == 1


# --- messages, the snapshot -------------------------------------------------------------------


def every_kind_raised() -> Hall:
    hall = Hall(pause_limit_s=60)
    hall.at("09:00").sign_in("1")
    hall.sign_in("2")
    ticket = hall.issue("social")
    hall.issue("tax")  # window 2 serves B
    hall.do(cmd.Pause("2", "午休"))  # ... until it pauses: no window open for B
    hall.call("1")
    hall.at("09:05").finish("1")
    hall.rate(ticket, 1)
    hall.issue("social")
    hall.do(cmd.Pause("1", "午休"))
    hall.metrics.alerts.device_offline("screen-1", "call_screen", hall.t)
    hall.metrics.alerts.follow_up_overdue(f"FU-{ticket.id}", "callback", hall.t)
    hall.at("09:30").metrics.evaluate(hall.t)
    return hall


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_alert_renders_in_chinese_and_english_from_its_key_and_params() -> None:
    alerts = every_kind_raised().metrics.alerts.listed()

    assert {a.kind for a in alerts} == set(KINDS)
    for alert in alerts:
        texts = ALERT_MESSAGES[alert.key]
        assert set(texts) == {"zh-CN", "en"}
        assert placeholders(texts["zh-CN"]) == placeholders(texts["en"]) <= set(alert.params)
        assert "{" not in texts["zh-CN"].format(**alert.params)


def test_the_snapshot_lists_alerts_oldest_first_with_stable_ids() -> None:
    hall = every_kind_raised()

    first = hall.snapshot()["alerts"]
    again = hall.later(5).snapshot()["alerts"]

    assert [a["id"] for a in first] == [a["id"] for a in again]
    assert [a["raised_at"] for a in first] == sorted(a["raised_at"] for a in first)
    assert all(a["id"].startswith(f"{a['kind']}:{a['subject']}:") for a in first)
    assert set(first[0]) >= {"id", "kind", "severity", "key", "params", "raised_at", "active"}


def test_a_pause_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="pause_limit_s"):
        Hall(pause_limit_s=0)
