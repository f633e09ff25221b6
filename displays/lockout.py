"""Failed sign-ins counted, and sign-ins locked out after too many (protocol `too_many_attempts`).

`Lockout` counts failed attempts per key within a window and locks a key that reaches its limit
for a while, whatever the password. Attempts still being checked count against the limit too, so
that guesses sent all at once cannot pass it. `SignInGuard` holds the server's two lockouts:
5 failures per staff number (of a hall) and 20 per source (a connection, a client address)
within 15 minutes, each locking for 15 minutes.

The bookkeeping lives in this process's memory: a restart forgets it, and several server
processes each count their own attempts (docs/security.md). The clock is injectable for tests.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from displays.errors import TooManyAttempts

STAFF_LIMIT = 5
"""Failed sign-ins for one staff number within `WINDOW_S` before it is locked."""
SOURCE_LIMIT = 20
"""Failed sign-ins from one connection or client address within `WINDOW_S` before it is locked."""
WINDOW_S = 15 * 60.0
LOCK_S = 15 * 60.0
MAX_KEYS = 100_000
"""Keys remembered per lockout (a few hundred bytes each); past that the least recently used
one is forgotten. Filling it takes failures from thousands of addresses (20 each)."""

Clock = Callable[[], float]


@dataclass
class _Entry:
    failures: deque[float] = field(default_factory=deque)
    pending: int = 0
    locked_until: float = 0.0


class Lockout:
    """Failed attempts per key: `limit` failures within `window_s` lock the key for `lock_s`."""

    def __init__(
        self,
        limit: int,
        window_s: float = WINDOW_S,
        lock_s: float = LOCK_S,
        *,
        clock: Clock = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self.lock_s = lock_s
        self.clock = clock
        self.max_keys = max_keys
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def refuses(self, key: str) -> bool:
        """Whether an attempt for `key` is refused now: the key is locked, or its failures and
        the attempts in progress reach the limit."""
        entry = self._entries.get(key)
        if entry is None:
            return False
        now = self.clock()
        self._expire(entry, now)
        return now < entry.locked_until or len(entry.failures) + entry.pending >= self.limit

    def begin(self, key: str) -> None:
        """An attempt for `key` is being checked (end it with `end`)."""
        self._entry(key).pending += 1

    def end(self, key: str, *, failed: bool) -> bool:
        """The attempt begun for `key` is decided; True when its failure locked the key."""
        entry = self._entry(key)
        entry.pending = max(entry.pending - 1, 0)
        if not failed:
            return False
        now = self.clock()
        self._expire(entry, now)
        entry.failures.append(now)
        if len(entry.failures) < self.limit:
            return False
        entry.failures.clear()
        entry.locked_until = now + self.lock_s
        return True

    def forget(self, key: str) -> None:
        """Clear the failures of `key` (a success), unless it is locked: a lock runs its time."""
        entry = self._entries.get(key)
        if entry is not None and self.clock() >= entry.locked_until:
            entry.failures.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _entry(self, key: str) -> _Entry:
        entry = self._entries.get(key)
        if entry is None:
            self._prune()
            entry = self._entries[key] = _Entry()
        self._entries.move_to_end(key)
        return entry

    def _expire(self, entry: _Entry, now: float) -> None:
        while entry.failures and entry.failures[0] <= now - self.window_s:
            entry.failures.popleft()

    def _prune(self) -> None:
        """Make room for a new key: forget the least recently used one (in constant time; its
        failures, or its lock, with it)."""
        while len(self._entries) >= self.max_keys:
            self._entries.popitem(last=False)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One sign-in being checked: the staff number's key and the sources' keys."""

    staff: str
    sources: tuple[str, ...]


class SignInGuard:
    """The sign-in lockouts of a server process: per staff number and per source."""

    def __init__(self, *, clock: Clock = time.monotonic) -> None:
        self.staff = Lockout(STAFF_LIMIT, clock=clock)
        self.sources = Lockout(SOURCE_LIMIT, clock=clock)

    def begin(self, hall: str, number: str, sources: Sequence[str]) -> Attempt:
        """Start checking a sign-in of staff `number` in `hall` from `sources` (e.g.
        `connection:<id>`, `address:<ip>`), or raise `TooManyAttempts` without checking it."""
        attempt = Attempt(f"{hall}/{number}", tuple(s for s in sources if s))
        if self.staff.refuses(attempt.staff):
            raise TooManyAttempts(
                f"staff number {number} is locked after {STAFF_LIMIT} failed sign-ins; "
                f"try again in {LOCK_S / 60:g} minutes"
            )
        if any(self.sources.refuses(source) for source in attempt.sources):
            raise TooManyAttempts(
                f"too many failed sign-ins from this connection or address; "
                f"try again in {LOCK_S / 60:g} minutes"
            )
        self.staff.begin(attempt.staff)
        for source in attempt.sources:
            self.sources.begin(source)
        return attempt

    def end(self, attempt: Attempt, *, failed: bool) -> bool:
        """The attempt is decided; True when its failure locked the staff number or a source.
        A success clears the staff number's failures (not the sources': one right password
        must not buy more guesses at others)."""
        locked = self.staff.end(attempt.staff, failed=failed)
        for source in attempt.sources:
            locked = self.sources.end(source, failed=failed) or locked
        if not failed:
            self.staff.forget(attempt.staff)
        return locked

    def cancel(self, attempt: Attempt) -> None:
        """The attempt was never decided (the check itself failed): it counts for nothing."""
        self.staff.end(attempt.staff, failed=False)
        for source in attempt.sources:
            self.sources.end(source, failed=False)
