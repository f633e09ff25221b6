"""One valid-looking set of arguments for every command a device may send, for tests that send
each of them (whether a kind may, whether a rule lets it)."""

from __future__ import annotations

from typing import Any

from tests.support.server import CLERK

SAMPLE_ARGS: dict[str, dict[str, Any]] = {
    "issue_ticket": {"service": "social"},
    "check_in": {"booking_code": "00000000"},
    "reactivate": {"number": "A999"},
    "sign_in": {"window": "1", "staff": CLERK.number, "password": CLERK.password},
    "sign_out": {"window": "1"},
    "open_window": {"window": "1"},
    "close_window": {"window": "1"},
    "pause": {"window": "1", "reason": "午休"},
    "resume": {"window": "1"},
    "call_next": {"window": "1"},
    "call": {"window": "1", "ticket": "nope"},
    "recall": {"window": "1"},
    "start": {"window": "1"},
    "finish": {"window": "1"},
    "no_show": {"window": "1"},
    "transfer": {"window": "1", "to_queue": "B"},
    "park": {"window": "1"},
    "unpark": {"window": "1"},
    "rate": {"ticket": "nope", "score": 5},
    "broadcast": {"text": "请保管好随身物品"},
    "cancel_ticket": {"ticket": "nope"},
    "move_ticket": {"ticket": "nope", "to_queue": "B"},
    "prioritise_ticket": {"ticket": "nope"},
    "set_window_queues": {"window": "1", "queues": {"A": 1.0}},
}
