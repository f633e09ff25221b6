"""Which devices are offline long enough for a `device_offline` alert (`DeviceWatch`)."""

from __future__ import annotations

from displays.interface import DeviceIdentity
from hall.server.live_metrics import DeviceWatch

KIOSK = DeviceIdentity("k1", "kiosk", "demo", name="1号取号机")
SCREEN = DeviceIdentity("s1", "call_screen", "demo")
TABLET = DeviceIdentity("t1", "tablet", "demo")


def test_a_device_gone_for_the_limit_is_reported_once_and_comes_back() -> None:
    watch = DeviceWatch(after_s=60)
    watch.change(KIOSK, +1, 0.0)
    watch.change(KIOSK, -1, 100.0)

    assert watch.overdue(159.0) == []
    assert watch.overdue(160.0) == [(KIOSK, 100.0)]
    assert watch.overdue(500.0) == []  # reported once
    assert watch.change(KIOSK, +1, 510.0) is True  # back: its alert clears
    watch.change(KIOSK, -1, 600.0)
    assert watch.overdue(700.0) == [(KIOSK, 600.0)]  # watched again


def test_a_quick_reconnect_is_not_offline() -> None:
    watch = DeviceWatch(after_s=60)
    watch.change(SCREEN, +1, 0.0)
    watch.change(SCREEN, -1, 10.0)

    assert watch.change(SCREEN, +1, 12.0) is False
    assert watch.overdue(1000.0) == []


def test_a_device_with_a_second_connection_open_is_online() -> None:
    watch = DeviceWatch(after_s=60)
    watch.change(KIOSK, +1, 0.0)
    watch.change(KIOSK, +1, 1.0)  # a new socket before the old one closed
    watch.change(KIOSK, -1, 2.0)

    assert watch.overdue(1000.0) == []


def test_tablets_are_not_watched() -> None:
    watch = DeviceWatch(after_s=60)
    watch.change(TABLET, +1, 0.0)
    watch.change(TABLET, -1, 1.0)

    assert watch.overdue(1000.0) == []


def test_an_unpaired_device_is_never_reported_offline() -> None:
    watch = DeviceWatch(after_s=60)
    watch.change(KIOSK, +1, 0.0)
    watch.change(SCREEN, +1, 0.0)
    watch.change(SCREEN, -1, 5.0)

    assert watch.forget("k1") is False  # still connected: its socket is about to close
    assert watch.forget("s1") is False  # gone already, not yet reported
    watch.change(KIOSK, -1, 10.0)  # the revoked socket closes

    assert watch.overdue(1000.0) == []
    watch.change(KIOSK, +1, 1001.0)  # paired again under the same id: watched as before
    watch.change(KIOSK, -1, 1002.0)
    assert watch.overdue(2000.0) == [(KIOSK, 1002.0)]


def test_unpairing_a_device_reported_offline_clears_its_alert() -> None:
    watch = DeviceWatch(after_s=60)
    watch.change(KIOSK, +1, 0.0)
    watch.change(KIOSK, -1, 10.0)
    assert watch.overdue(100.0) == [(KIOSK, 10.0)]

    assert watch.forget("k1") is True
    assert watch.change(KIOSK, +1, 200.0) is False  # nothing left to clear
