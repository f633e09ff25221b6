"""The sign-in lockouts (`displays/lockout.py`) on a clock the test moves: 5 failures lock a staff
number for 15 minutes whatever the password, 20 lock a connection or an address, attempts in
progress count, a success clears only the staff number's failures, memory stays bounded."""

from __future__ import annotations

import pytest

from displays.errors import TooManyAttempts
from displays.lockout import LOCK_S, SOURCE_LIMIT, STAFF_LIMIT, WINDOW_S, Lockout, SignInGuard


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def fail(guard: SignInGuard, number: str, *sources: str) -> bool:
    return guard.end(guard.begin("h", number, sources), failed=True)


def succeed(guard: SignInGuard, number: str, *sources: str) -> None:
    guard.end(guard.begin("h", number, sources), failed=False)


def test_five_failures_lock_a_staff_number_for_fifteen_minutes() -> None:
    clock = Clock()
    guard = SignInGuard(clock=clock)

    locked = [fail(guard, "1001", f"connection:{i}") for i in range(STAFF_LIMIT)]

    assert locked == [False] * (STAFF_LIMIT - 1) + [True]
    with pytest.raises(TooManyAttempts) as refused:
        guard.begin("h", "1001", ["connection:new"])
    assert refused.value.code == "too_many_attempts" and refused.value.status == 429
    assert "1001" in refused.value.message
    succeed(guard, "1002", "connection:new")  # another number is not locked
    guard.begin("other-hall", "1001", [])  # nor the same number in another hall
    clock.now += LOCK_S - 1
    with pytest.raises(TooManyAttempts):
        guard.begin("h", "1001", [])
    clock.now += 1
    succeed(guard, "1001")  # the lock ran out


def test_failures_older_than_the_window_no_longer_count() -> None:
    clock = Clock()
    guard = SignInGuard(clock=clock)
    for _ in range(STAFF_LIMIT - 1):
        fail(guard, "1001")
    clock.now += WINDOW_S

    assert fail(guard, "1001") is False  # one failure in the last 15 minutes
    guard.begin("h", "1001", [])


def test_a_success_clears_the_staff_numbers_failures_but_not_a_lock() -> None:
    clock = Clock()
    guard = SignInGuard(clock=clock)
    for _ in range(STAFF_LIMIT - 1):
        fail(guard, "1001")
    succeed(guard, "1001")
    for _ in range(STAFF_LIMIT - 1):
        assert fail(guard, "1001") is False
    assert fail(guard, "1001") is True
    with pytest.raises(TooManyAttempts):
        guard.begin("h", "1001", [])  # locked: even the right password is not checked


def test_twenty_failures_lock_a_source_and_a_success_does_not_clear_them() -> None:
    clock = Clock()
    guard = SignInGuard(clock=clock)
    for i in range(SOURCE_LIMIT - 1):
        fail(guard, f"9{i:03d}", "address:10.0.0.7", "connection:1")
    succeed(guard, "1001", "address:10.0.0.7", "connection:1")  # one right password ...
    assert fail(guard, "8000", "address:10.0.0.7", "connection:1") is True  # ... buys nothing

    with pytest.raises(TooManyAttempts) as refused:
        guard.begin("h", "1001", ["address:10.0.0.7", "connection:3"])
    assert "connection or address" in refused.value.message
    with pytest.raises(TooManyAttempts):
        guard.begin("h", "1001", ["address:10.0.0.8", "connection:1"])  # that connection too
    succeed(guard, "1001", "address:10.0.0.8", "connection:2")  # not locked: 1 failure
    clock.now += LOCK_S
    succeed(guard, "1001", "address:10.0.0.7", "connection:1")


def test_attempts_in_progress_count_so_a_burst_cannot_pass_the_limit() -> None:
    guard = SignInGuard(clock=Clock())
    started = [guard.begin("h", "1001", []) for _ in range(STAFF_LIMIT)]

    with pytest.raises(TooManyAttempts):
        guard.begin("h", "1001", [])
    guard.cancel(started.pop())  # a check that never finished counts for nothing
    started.append(guard.begin("h", "1001", []))
    locked = [guard.end(attempt, failed=True) for attempt in started]
    assert locked[-1] is True


def test_a_lockout_forgets_the_least_recently_used_key_past_its_size() -> None:
    clock = Clock()
    lockout = Lockout(2, clock=clock, max_keys=3)
    for key in ("a", "b", "c"):
        lockout.begin(key)
        lockout.end(key, failed=True)
    lockout.begin("a")  # a is used again: b is now the oldest
    lockout.end("a", failed=True)
    assert lockout.refuses("a")

    lockout.begin("d")
    lockout.end("d", failed=True)

    assert len(lockout) == 3
    assert lockout.refuses("a")  # the recently used key stayed, b (least recently used) went
    lockout.begin("b")
    lockout.end("b", failed=True)
    assert not lockout.refuses("b")  # b starts again from one failure
