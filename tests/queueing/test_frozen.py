"""`queueing.frozen.replace` makes exactly what `dataclasses.replace` makes, only faster."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from queueing import events as ev
from queueing.config import parse_config
from queueing.frozen import replace
from queueing.model import HallState, Ticket, Window, initial_state

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _state() -> HallState:
    return initial_state(
        parse_config(json.loads((EXAMPLES / "hall-small.json").read_text("utf-8")))
    )


def _ticket() -> Ticket:
    return Ticket("d-A001", "A001", "A", "general", "normal", "waiting", 10.0, 10.0, track="x")


@pytest.mark.parametrize(
    ("obj", "changes"),
    [
        (_ticket(), {"state": "called", "window": "3", "called_at": 12.5}),
        (_ticket(), {}),
        (Window("1", "1号窗口"), {"status": "idle", "since": 3.0, "queues": {"A": 1.0}}),
        (_state(), {"notice": "请注意", "day": "2026-01-05", "counters": {"A": 3}}),
        (ev.TicketNoShow(_ticket(), "2"), {"window": "4"}),
    ],
)
def test_the_copy_equals_dataclasses_replace(obj: object, changes: dict[str, object]) -> None:
    copied = replace(obj, **changes)
    expected = dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    assert copied == expected
    assert type(copied) is type(obj)
    assert copied is not obj
    assert all(getattr(copied, name) is value for name, value in changes.items())


def test_the_original_is_left_alone() -> None:
    ticket = _ticket()
    replace(ticket, state="called")
    assert ticket.state == "waiting"


def test_the_copy_stays_frozen() -> None:
    copied = replace(_ticket(), state="called")
    with pytest.raises(dataclasses.FrozenInstanceError):
        copied.state = "serving"  # type: ignore[misc]


def test_an_unknown_field_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="colour"):
        replace(_ticket(), colour="red")


@dataclasses.dataclass(frozen=True)
class _KeywordOnly:
    a: int
    b: int = dataclasses.field(kw_only=True, default=0)


@dataclasses.dataclass(frozen=True, slots=True)
class _Checked:
    a: int
    b: int

    def __post_init__(self) -> None:
        if self.a > self.b:
            raise ValueError("a > b")


def test_classes_it_cannot_copy_by_slot_go_through_dataclasses() -> None:
    assert replace(_KeywordOnly(1, b=2), a=3) == _KeywordOnly(3, b=2)
    assert replace(_Checked(1, 2), a=2) == _Checked(2, 2)
    with pytest.raises(ValueError, match="a > b"):
        replace(_Checked(1, 2), a=3)
