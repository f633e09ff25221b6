"""Every text field of every command the protocol lists (`COMMAND_SPECS`, `SESSION_SPECS`), and
arguments that are valid but for one field holding the given text: for the tests that throw bad
text at each of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from displays.protocol import COMMAND_SPECS, NAME, REASONS, SECRET, SESSION_SPECS, TEXT, WEIGHTS

VALID: dict[str, Any] = {
    "window": "1",
    "service": "social",
    "priority": "normal",
    "booking_code": "00000000",
    "number": "A001",
    "staff": "1001",
    "password": "secret1",
    "reason": "break",
    "ticket": "20261203-A001",
    "to_queue": "B",
    "score": 5,
    "text": "请注意",
    "queues": {"A": 1.0},
    "alert": "alert-1",
    "help": "20261203-H001",
    "note": "已办结",
    "case": "C20261203-0001",
    "items": ["户口本原件"],
    "pickup": "window",
    "follow_up": "FU-20261203-A001",
    "outcome": "reached",
    "satisfied": True,
    "channel": "12345",
}
"""A valid value of every argument, by its name."""


@dataclass(frozen=True)
class TextField:
    command: str
    field: str
    session: bool = False
    """A session command (`manager_sign_in`, `ack_alert`): websocket only."""

    def args(self, text: str) -> dict[str, Any]:
        """The command's required arguments, valid, with `text` in this field (as an element
        of `reasons`, as a queue id of `queues`)."""
        specs = SESSION_SPECS if self.session else COMMAND_SPECS
        spec = specs[self.command]
        args = {key: VALID[key] for key in spec.required}
        if self.field == "to_window":
            args.pop("to_queue", None)
        elif self.command in ("transfer", "move_ticket"):
            args["to_queue"] = VALID["to_queue"]
        arg = {**spec.required, **spec.optional}[self.field]
        if arg is REASONS:
            args[self.field] = ["快", text]
        elif arg is WEIGHTS:
            args[self.field] = {text: 1.0}
        else:
            args[self.field] = text
        return args


def text_fields() -> list[TextField]:
    found = []
    for session, specs in ((False, COMMAND_SPECS), (True, SESSION_SPECS)):
        for command, spec in specs.items():
            for field, arg in {**spec.required, **spec.optional}.items():
                if arg in (NAME, SECRET, TEXT, REASONS, WEIGHTS):
                    found.append(TextField(command, field, session))
    return found


TEXT_FIELDS = text_fields()
