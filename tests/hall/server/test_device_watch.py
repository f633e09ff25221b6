"""Which devices are offline long enough for a `device_offline` alert (`DeviceWatch`): those
connected to no process, as this process's sockets and every process's `last_seen` say."""

from __future__ import annotations

from datetime import UTC, datetime

from displays.interface import DeviceIdentity
from hall.server.live_metrics import DeviceWatch
from hall.storage.base import DeviceRecord

KIOSK = DeviceIdentity("k1", "kiosk", "demo", name="1号取号机")
TABLET = DeviceIdentity("t1", "tablet", "demo")


def record(identity: DeviceIdentity, last_seen: float | None) -> DeviceRecord:
    seen = None if last_seen is None else datetime.fromtimestamp(last_seen, UTC)
    created = datetime.fromtimestamp(0, UTC)
    return DeviceRecord(
        identity.id, identity.hall, identity.kind, None, identity.name, "h", created, seen
    )


def test_a_device_unseen_for_the_limit_is_offline_since_it_was_last_seen() -> None:
    watch = DeviceWatch(after_s=60)

    assert watch.offline_since(record(KIOSK, 100.0), 159.0) is None
    assert watch.offline_since(record(KIOSK, 100.0), 160.0) == 100.0


def test_a_device_seen_lately_by_another_process_is_online() -> None:
    watch = DeviceWatch(after_s=60)
    watch.change(KIOSK, +1)
    watch.change(KIOSK, -1)  # it left this process ...

    assert watch.offline_since(record(KIOSK, 950.0), 1000.0) is None  # ... for another one


def test_a_device_connected_here_is_online_whatever_the_database_says() -> None:
    watch = DeviceWatch(after_s=60)
    assert watch.change(KIOSK, +1) is True
    assert watch.change(KIOSK, +1) is True  # a new socket before the old one closed
    assert watch.change(KIOSK, -1) is True  # one socket still open

    assert watch.offline_since(record(KIOSK, 0.0), 1000.0) is None
    watch.change(KIOSK, -1)
    assert watch.offline_since(record(KIOSK, 0.0), 1000.0) == 0.0


def test_tablets_and_devices_never_seen_are_not_watched() -> None:
    watch = DeviceWatch(after_s=60)

    assert watch.change(TABLET, +1) is False
    assert watch.offline_since(record(TABLET, 0.0), 1000.0) is None
    assert watch.offline_since(record(KIOSK, None), 1000.0) is None
