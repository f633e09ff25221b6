"""Revocation: what a deleted or re-paired device or a deactivated (or deleted) staff account
loses, on every server process.

- A deleted device's token stops working at once (the directory reads the database); its live
  sockets are closed with 4401 (`Gateway.revoke`).
- A re-paired device (a new token: `hall.accounts.renew_device_token`) likewise: its old token
  stops working at once and the sockets opened with it close with 4401; those opened with the
  new token stay (each socket's identity carries the hash of the token it was admitted with).
- A staff account set inactive or deleted cannot sign in (`StoreDirectory.check_staff`), and is
  signed out of any window where it is signed in: the server submits `sign_out` with cause
  `staff_revoked` (the event reaches every process like any other).

The process that made the change acts at once and tells the others on the bus (`Engine.notify`);
they act on the notice (`on_notice`). A process that heard nothing from the bus for a while
checks its live sockets and signed-in clerks against the database (`resync`), so a notice lost
with the bus is made up for.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable

from displays.gateway import Gateway
from displays.kinds import TRACKER
from hall.bus.notices import Notice
from hall.engine import Engine
from hall.storage.base import Store
from queueing import commands as cmd
from queueing.stream import Actor

log = logging.getLogger("hall.server.revocation")

REVOKER = Actor("accounts", "server")


class Revocation:
    def __init__(
        self,
        engine: Engine,
        store: Store,
        gateway: Gateway,
        revoked: Callable[[str, str], None] = lambda hall, device: None,
    ) -> None:
        self.engine = engine
        self.store = store
        self.gateway = gateway
        self.revoked = revoked
        """Told of each unpaired device (hall, device id): the metrics stop watching it."""

    # --- changes made on this process ----------------------------------------------------

    async def device_removed(self, hall: str, device: str) -> None:
        """The device's row is gone: close its sockets here, then tell the other processes."""
        self._revoke(hall, device)
        await self.engine.notify("device", hall, device)

    async def device_renewed(self, hall: str, device: str, token_hash: str) -> None:
        """The device has a new token (`token_hash`): close the sockets opened with another
        one here, then tell the other processes."""
        self.gateway.revoke(hall, device, keep=token_hash)
        await self.engine.notify("device", hall, device)

    async def staff_changed(self, hall: str, number: str) -> None:
        """The account was saved or deleted: sign it out if it may no longer work, then tell
        the other processes."""
        await self.check_staff(hall, number)
        await self.engine.notify("staff", hall, number)

    # --- notices and checks ----------------------------------------------------------------

    async def on_notice(self, notice: Notice) -> None:
        """Another process revoked or re-paired a device, or changed a staff account."""
        if notice.hall not in self.engine.runners:
            return
        if notice.topic == "device":
            record = await asyncio.to_thread(self.store.device, notice.hall, notice.subject)
            if record is None:
                self._revoke(notice.hall, notice.subject)
            else:
                self.gateway.revoke(notice.hall, record.id, keep=record.token_hash)
        elif notice.topic == "staff":
            await self.check_staff(notice.hall, notice.subject)

    async def check_staff(self, hall: str, number: str) -> None:
        """Sign the account out of its windows unless it exists and is active."""
        record = await asyncio.to_thread(self.store.staff, hall, number)
        if record is None or not record.active:
            await self._sign_out(hall, {number})

    async def resync(self) -> None:
        """After a gap in the bus: close the sockets of devices deleted or re-paired meanwhile
        and sign out clerks whose accounts were deactivated or deleted, in every hall."""
        for hall in self.engine.halls():
            await self._check_devices(hall)
            await self._check_clerks(hall)

    async def _check_devices(self, hall: str) -> None:
        live = {
            (s.identity.id, s.identity.credential)
            for s in self.gateway.sessions
            if s.hall == hall and s.identity.kind != TRACKER and s.close_code is None
        }
        if not live:
            return
        records = await asyncio.to_thread(self.store.devices, hall)
        tokens = {record.id: record.token_hash for record in records}
        for device in {device for device, _ in live} - tokens.keys():
            log.info("hall=%s device=%s was deleted: closing its sockets", hall, device)
            self._revoke(hall, device)
        for device in {device for device, held in live if tokens.get(device, held) != held}:
            log.info("hall=%s device=%s was re-paired: closing its old sockets", hall, device)
            self.gateway.revoke(hall, device, keep=tokens[device])

    def _revoke(self, hall: str, device: str) -> None:
        self.gateway.revoke(hall, device)
        self.revoked(hall, device)

    async def _check_clerks(self, hall: str) -> None:
        clerks = {w.clerk for w in self.engine.view(hall).state.windows.values() if w.clerk}
        if not clerks:
            return
        members = await asyncio.to_thread(self.store.staff_members, hall)
        active = {m.number for m in members if m.active}
        await self._sign_out(hall, clerks - active)

    async def _sign_out(self, hall: str, numbers: set[str]) -> None:
        windows = self.engine.view(hall).state.windows.values()
        for window in [w for w in windows if w.clerk is not None and w.clerk in numbers]:
            command = cmd.SignOut(window.id, staff=window.clerk or "", cause="staff_revoked")
            reply = await self.engine.submit(
                hall, command, scope="", key=uuid.uuid4().hex, actor=REVOKER
            )
            if not reply.ok:
                log.warning("hall=%s window=%s revoked sign-out refused", hall, window.id)
