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
    # follow-ups (差评整改, 投诉, 回访)
    "assign_follow_up": {"follow_up": "nope", "staff": "9001"},
    "record_callback": {"follow_up": "nope", "outcome": "reached"},
    "rectify_follow_up": {"follow_up": "nope", "note": "调整排班"},
    "close_follow_up": {"follow_up": "nope", "satisfied": True},
    "file_complaint": {"text": "空调太冷", "channel": "kiosk"},
    # help requests (导办/帮办)
    "request_help": {"reason": "不会用自助机"},
    "claim_help": {"help": "nope"},
    "close_help": {"help": "nope"},
    # cases (办件)
    "open_case": {"ticket": "nope"},
    "request_documents": {"case": "nope", "items": ["户口本原件"]},
    "submit_documents": {"case": "nope"},
    "approve_case": {"case": "nope"},
    "reject_case": {"case": "nope", "reason": "材料不全"},
    "ready_case": {"case": "nope", "pickup": "window"},
    "deliver_case": {"case": "nope"},
}
