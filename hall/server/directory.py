"""Identities from the store: device tokens, tracker tokens, staff passwords.

Staff passwords are checked (scrypt, about 60 ms of CPU each) in a small thread pool of their
own, never in the default pool the database work uses: a burst of sign-ins queues there and
cannot stall tickets and calls. An unknown staff number is checked against a hash no password
matches, so it answers in about the time a wrong password takes.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from displays.interface import DeviceIdentity, StaffIdentity
from hall.auth import check_password, token_hash, unknown_account_hash
from hall.engine import Engine
from hall.storage.base import DirectoryStore

PASSWORD_WORKERS = 2
"""Threads hashing passwords at once (each check keeps one CPU core busy for its duration)."""


class StoreDirectory:
    """Implements `displays.interface.Directory` over the store (in a worker thread). `close`
    it to stop its password threads."""

    def __init__(
        self, store: DirectoryStore, engine: Engine, *, password_workers: int = PASSWORD_WORKERS
    ) -> None:
        self.store = store
        self.engine = engine
        self.hashing = ThreadPoolExecutor(password_workers, thread_name_prefix="hall-password")

    async def device_for_token(self, token: str) -> DeviceIdentity | None:
        record = await asyncio.to_thread(self.store.device_by_token_hash, token_hash(token))
        if record is None:
            return None
        return DeviceIdentity(
            record.id,
            record.kind,
            record.hall,
            record.window,
            record.name,
            credential=record.token_hash,
        )

    async def tracker_for(self, track: str) -> DeviceIdentity | None:
        for hall in self.engine.halls():
            state = self.engine.view(hall).state
            for ticket in state.tickets.values():
                if ticket.track == track:
                    return DeviceIdentity(f"tracker-{ticket.id}", "tracker", hall, ticket=ticket.id)
            for case in state.cases.values():  # a case's tracker (case_track): its id stands in
                if case.track == track:
                    return DeviceIdentity(f"tracker-{case.id}", "tracker", hall, ticket=case.id)
        record = await asyncio.to_thread(self.store.ticket_by_track, track)
        if record is None:
            return None
        return DeviceIdentity(f"tracker-{record.id}", "tracker", record.hall, ticket=record.id)

    async def check_staff(self, hall: str, number: str, password: str) -> StaffIdentity | None:
        """The staff account, or None for an unknown number or a wrong password alike (in
        about the same time: both cost one scrypt)."""
        record = await asyncio.to_thread(self.store.staff, hall, number)
        stored = record.password_hash if record is not None else unknown_account_hash()
        loop = asyncio.get_running_loop()
        valid = await loop.run_in_executor(self.hashing, check_password, password, stored)
        if record is None or not valid or not record.active:  # an inactive account: refused
            return None
        return StaffIdentity(record.number, record.display_name, record.role, record.photo)

    def close(self) -> None:
        """Stop the password threads (checks still queued are cancelled)."""
        self.hashing.shutdown(wait=False, cancel_futures=True)
