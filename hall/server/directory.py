"""Identities from the store: device tokens, tracker tokens, staff passwords."""

from __future__ import annotations

import asyncio

from displays.interface import DeviceIdentity, StaffIdentity
from hall.auth import check_password, token_hash
from hall.engine import Engine
from hall.storage.base import DirectoryStore


class StoreDirectory:
    """Implements `displays.interface.Directory` over the store (in a worker thread)."""

    def __init__(self, store: DirectoryStore, engine: Engine) -> None:
        self.store = store
        self.engine = engine

    async def device_for_token(self, token: str) -> DeviceIdentity | None:
        record = await asyncio.to_thread(self.store.device_by_token_hash, token_hash(token))
        if record is None:
            return None
        return DeviceIdentity(record.id, record.kind, record.hall, record.window, record.name)

    async def tracker_for(self, track: str) -> DeviceIdentity | None:
        for hall in self.engine.halls():
            state = self.engine.view(hall).state
            for ticket in state.tickets.values():
                if ticket.track == track:
                    return DeviceIdentity(f"tracker-{ticket.id}", "tracker", hall, ticket=ticket.id)
        record = await asyncio.to_thread(self.store.ticket_by_track, track)
        if record is None:
            return None
        return DeviceIdentity(f"tracker-{record.id}", "tracker", record.hall, ticket=record.id)

    async def check_staff(self, hall: str, number: str, password: str) -> StaffIdentity | None:
        record = await asyncio.to_thread(self.store.staff, hall, number)
        if record is None:
            return None
        valid = await asyncio.to_thread(check_password, password, record.password_hash)
        if not valid:
            return None
        return StaffIdentity(record.number, record.display_name, record.role, record.photo)
