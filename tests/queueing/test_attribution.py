"""`by`: the floor manager's staff number a tablet's command carries, copied by `decide` onto the
command's own events (never onto the new day ahead of them), kept by the codec only when set,
and absent from events stored before it existed, which still load."""

from __future__ import annotations

import typing

from queueing import commands as cmd
from queueing import events as ev
from queueing.attribution import Attributed
from queueing.codec import event_from_dict, event_to_dict
from queueing.decide import decide
from queueing.events import EVENT_TYPES
from queueing.model import initial_state
from tests.queueing.conftest import Hall, hall_config, local


def test_every_command_and_every_event_may_say_who_made_it() -> None:
    for command in typing.get_args(cmd.Command):
        assert issubclass(command, Attributed), command
    for event in EVENT_TYPES.values():
        assert issubclass(event, Attributed), event


def test_a_managers_command_puts_the_staff_number_on_each_of_its_events(hall: Hall) -> None:
    hall.open("1")
    hall.issue("social")

    called = hall.do(cmd.CallNext("1", by="9001"))
    broadcast = hall.do(cmd.Broadcast("请保管好随身物品", by="9001"))

    assert [type(e) for e in called] == [ev.TicketCalled, ev.WindowChanged]
    assert {e.by for e in called + broadcast} == {"9001"}
    assert hall.do(cmd.Broadcast("无人署名"))[0].by is None


def test_the_new_day_ahead_of_a_managers_command_is_nobodys() -> None:
    state = initial_state(hall_config())

    events = decide(state, cmd.OpenWindow("1", by="9001"), local("08:00"))

    assert [(type(e), e.by) for e in events] == [
        (ev.DayStarted, None),
        (ev.WindowChanged, "9001"),
    ]


def test_the_codec_writes_by_only_when_set_and_reads_old_events_without_it() -> None:
    signed = ev.HallBroadcast("午休", by="9001")
    unsigned = ev.HallBroadcast("午休")

    assert event_to_dict(signed) == {"name": "hall.broadcast", "text": "午休", "by": "9001"}
    assert event_to_dict(unsigned) == {"name": "hall.broadcast", "text": "午休"}
    assert event_from_dict(event_to_dict(signed)) == signed
    assert event_from_dict({"name": "hall.broadcast", "text": "午休"}) == unsigned  # as stored


def test_positional_fields_stay_as_they_were() -> None:
    """`by` is keyword-only: every command and event is built and matched as before."""
    event = ev.AppointmentCheckedIn("BK1", "20240304-A001", True)

    match event:
        case ev.AppointmentCheckedIn("BK1", _, True):
            matched = True
        case _:
            matched = False

    assert matched and event.by is None
    assert cmd.SignIn("1", "1001", "王晓丽", by="9001").staff == "1001"
