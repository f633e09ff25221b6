"""When each paired device was last seen (`devices.last_seen`), kept cheaply: never a database
write per frame or per connection.

A device is stamped in memory when it connects and when it disconnects; the stamps go to the
database together, in one statement, every `FLUSH_SECONDS`. A device that stays connected is
stamped again once every `refresh_s` (`REFRESH_SECONDS` by default; the server uses a quarter of
its offline limit, so that every process can tell from `last_seen` alone that a device connected
to another process is online). What this process knows but has not written yet
counts too when the API lists the devices (`last_seen`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from displays.interface import DeviceIdentity
from displays.kinds import TRACKER
from hall.storage.base import AccountStore

log = logging.getLogger("hall.server.device_seen")

FLUSH_SECONDS = 2.0
REFRESH_SECONDS = 60.0


class DeviceSeen:
    def __init__(
        self,
        store: AccountStore,
        clock: Callable[[], datetime],
        *,
        refresh_s: float = REFRESH_SECONDS,
    ) -> None:
        self.store = store
        self.clock = clock
        self.refresh_s = refresh_s
        self._connected: Counter[str] = Counter()
        self._pending: dict[str, datetime] = {}
        self._refreshed = time.monotonic()

    def connected(self, identity: DeviceIdentity, change: int) -> None:
        """A socket of the device opened (+1) or closed (-1): `Gateway.on_connect`."""
        if identity.kind == TRACKER:  # a citizen's phone, not a paired device
            return
        self._connected[identity.id] += change
        if self._connected[identity.id] <= 0:
            del self._connected[identity.id]
        self._pending[identity.id] = self.clock()

    def last_seen(self, device: str) -> datetime | None:
        """What this process knows: now for a device connected here, else a stamp not yet
        written, else nothing."""
        if device in self._connected:
            return self.clock()
        return self._pending.get(device)

    async def run(self) -> None:
        """Write the stamps every `FLUSH_SECONDS`; restamp connected devices every `refresh_s`."""
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            await self.flush()

    async def flush(self) -> None:
        if time.monotonic() - self._refreshed >= self.refresh_s:
            self._refreshed = time.monotonic()
            now = self.clock()
            self._pending.update(dict.fromkeys(self._connected, now))
        if not self._pending:
            return
        stamps, self._pending = self._pending, {}
        try:
            await asyncio.to_thread(self.store.touch_devices, stamps)
        except Exception as error:  # kept for the next flush; newer stamps win
            log.warning("could not record %d devices as seen: %s", len(stamps), error)
            self._pending = {**stamps, **self._pending}
