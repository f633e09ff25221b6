"""Every per-event dispatch table knows every event: an event class has an entry in the table, or
the table's module names it in its `IGNORED` set (a deliberate no-op), never both. A new event in
`queueing/events.py` fails here, naming each table that neither handles nor ignores it."""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Collection

import pytest

from displays.views import _EVENT_DATA as VIEW_RENDERERS
from hall.report import steps as report_steps
from hall.storage import readmodels
from metrics import fold as live_metrics
from queueing import events as ev
from queueing.apply import _HANDLERS as APPLY_HANDLERS


def _defined_events() -> frozenset[type[object]]:
    """The event classes `queueing/events.py` defines: its dataclasses (each has a `name`)."""
    return frozenset(
        cls
        for _, cls in inspect.getmembers(ev, inspect.isclass)
        if cls.__module__ == ev.__name__ and dataclasses.is_dataclass(cls)
    )


ALL_EVENTS = _defined_events()

NOTHING_IGNORED: frozenset[type[object]] = frozenset()
"""For the tables looked up with `[]` (`apply`, the device views): every event needs an entry."""

TABLES = [
    pytest.param(APPLY_HANDLERS, NOTHING_IGNORED, id="queueing.apply"),
    pytest.param(VIEW_RENDERERS, NOTHING_IGNORED, id="displays.views"),
    pytest.param(report_steps._HANDLERS, report_steps.IGNORED, id="hall.report.steps"),
    pytest.param(readmodels._HANDLERS, readmodels.IGNORED, id="hall.storage.readmodels"),
    pytest.param(live_metrics.EVENT_HANDLERS, live_metrics.IGNORED, id="metrics.fold"),
]


def _names(classes: Collection[type[object]]) -> list[str]:
    return sorted(cls.__name__ for cls in classes)


def test_the_event_union_is_every_event_class() -> None:
    assert {cls.__name__ for cls in ALL_EVENTS} >= {"TicketIssued", "DayStarted"}
    assert _names(typing.get_args(ev.Event)) == _names(ALL_EVENTS)
    assert _names(ev.EVENT_TYPES.values()) == _names(ALL_EVENTS)


@pytest.mark.parametrize(("table", "ignored"), TABLES)
def test_every_event_is_handled_or_ignored(
    table: Collection[type[object]], ignored: frozenset[type[object]]
) -> None:
    handled = set(table)
    missing = ALL_EVENTS - handled - ignored
    assert not missing, f"no entry and not IGNORED: {', '.join(_names(missing))}"
    both = handled & ignored
    assert not both, f"both handled and IGNORED: {', '.join(_names(both))}"
    unknown = (handled | ignored) - ALL_EVENTS
    assert not unknown, f"not events of queueing/events.py: {', '.join(_names(unknown))}"


def test_the_report_reads_every_event_it_does_not_ignore() -> None:
    """`EVENT_NAMES` chooses the rows the report's query reads."""
    expected = {cls.name for cls in ev.EVENT_TYPES.values() if cls not in report_steps.IGNORED}
    assert sorted(expected) == list(report_steps.EVENT_NAMES)
