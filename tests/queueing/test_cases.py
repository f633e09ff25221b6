"""Cases (办件) in the core: 受理 at a window, 补正, 审批, 出证 and 送达, every refusal with its
code, and properties over random walks: one state at a time, a due date always a working day, a
delivered case never changing again. The calendar is the 2026 Spring Festival's (closed 15-23
February, Saturdays 14 and 28 February worked)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queueing import commands as cmd
from queueing import events as ev
from queueing.calendar import add_working_days, is_working_day
from queueing.cases import is_overdue
from queueing.codec import event_from_dict, event_to_dict, state_from_dict, state_to_dict
from queueing.config import HallConfig
from queueing.errors import ConfigError
from queueing.model import (
    CASE_ACCEPTED,
    CASE_APPROVED,
    CASE_CLOSED,
    CASE_DELIVERED,
    CASE_DOCUMENTS,
    CASE_READY,
    CASE_REJECTED,
    CASE_REVIEWING,
    Case,
)
from tests.queueing.conftest import Hall, hall_config, hall_document, local, of_type

SPRING_FESTIVAL: dict[str, Any] = {
    "weekdays": [1, 2, 3, 4, 5],
    "holidays": [(date(2026, 2, 15) + timedelta(days=i)).isoformat() for i in range(9)],
    "workdays": ["2026-02-14", "2026-02-28"],
    "pickup_queue": "C",
}
OFFICES = [{"id": "market", "name": "市场监管科"}, {"id": "civil", "name": "民政科"}]
THURSDAY = "2026-02-12"
"""The Thursday before the festival: Friday 13th and Saturday 14th (调休) still work."""


def case_services() -> list[dict[str, Any]]:
    services = hall_document()["services"]
    extra = {
        "social": {"office": "civil", "promise_days": 3},
        "tax": {"office": "market", "promise_days": 5},
        "startup": {"office": "market", "promise_days": 2},
    }
    return [{**s, **extra.get(s["id"], {})} for s in services]


def case_config(rules: dict[str, Any] | None = None) -> HallConfig:
    """The default hall with offices, promise days (notary: 即办件) and pickup queue C."""
    return hall_config(
        {**SPRING_FESTIVAL, **(rules or {})}, offices=OFFICES, services=case_services()
    )


def serving(hall: Hall, window: str, service: str = "social") -> str:
    """Issue a ticket for `service` and have `window` call it: the ticket id in hand."""
    ticket = hall.issue(service)
    hall.do(cmd.CallTicket(window, ticket.id))
    return ticket.id


_codes = itertools.count(1)
WINDOW_OF = {"social": "1", "startup": "1", "notary": "1", "tax": "3", "permit": "4"}
"""A window serving each service's (first) queue."""


def open_case(hall: Hall, service: str = "social", code: str = "") -> Case:
    window = WINDOW_OF[service]
    ticket = serving(hall, window, service)
    code = code or f"CODE{next(_codes):06d}"
    events = hall.do(cmd.OpenCase(ticket, window=window, code=code, track="trk-" + code))
    hall.do(cmd.Finish(window))
    case: Case = of_type(events, ev.CaseOpened)[0].case
    return case


def walk_a_case(hall: Hall) -> Case:
    """One case through every case event, the pickup window 4 handing it over. Windows 1 and 4
    must be open; the hall's config is `case_config()`."""
    case = open_case(hall)
    hall.do(cmd.RequestDocuments(case.id, ("营业执照复印件",), office="civil"))
    hall.do(cmd.SubmitDocuments(case.id, window="1"))
    hall.do(cmd.ApproveCase(case.id, office="civil"))
    hall.do(cmd.ReadyCase(case.id, "window", office="civil"))
    hall.do(cmd.CheckIn(case_code=case.code.lower(), track="pickup-" + case.code))
    pickup = hall.state.cases[case.id].pickup_ticket
    assert pickup is not None
    hall.do(cmd.CallTicket("4", pickup))
    hall.do(cmd.DeliverCase(case.id, window="4"))
    hall.do(cmd.Finish("4"))
    rejected = open_case(hall, code="REJECT0001")
    hall.do(cmd.RejectCase(rejected.id, "材料不符合要求", office="civil"))
    return hall.state.cases[case.id]


@pytest.fixture
def hall() -> Hall:
    h = Hall(case_config(), local("09:00", THURSDAY))
    h.open("1", "2", "3", "4")
    return h


# --- configuration ---------------------------------------------------------------------------


def test_the_hall_document_gains_offices_promise_days_and_a_pickup_queue() -> None:
    config = case_config()
    assert [o.name for o in config.offices] == ["市场监管科", "民政科"]
    social = config.service("social")
    assert social is not None and (social.office, social.promise_days) == ("civil", 3)
    assert config.rules.pickup_queue == "C"


def test_invalid_case_settings_are_listed_together() -> None:
    services = case_services()
    services[0] = {**services[0], "office": "nowhere"}
    services[1] = {**services[1], "office": "", "promise_days": 2}
    with pytest.raises(ConfigError) as info:
        hall_config({"pickup_queue": "Z"}, offices=OFFICES, services=services)
    assert set(info.value.problems) == {
        "services[0].office: no office 'nowhere'",
        "services[1].office: a service with promise_days needs an office",
        "rules.pickup_queue: no queue 'Z'",
    }


# --- the lifecycle ---------------------------------------------------------------------------


def test_a_clerk_accepts_an_application_due_in_working_days(hall: Hall) -> None:
    case = open_case(hall)
    assert (case.status, case.office, case.service) == (CASE_ACCEPTED, "civil", "social")
    assert case.due == "2026-02-24"  # Fri 13, Sat 14 (调休), then Tue 24 after the festival
    assert case.id == "C20260212-0001"
    assert case.history[0].action == "open_case" and case.history[0].by == "staff-1"


def test_an_immediate_service_is_finished_at_the_window(hall: Hall) -> None:
    case = open_case(hall, service="notary")
    assert case.status == CASE_DELIVERED and case.due == THURSDAY


def test_the_clock_pauses_while_documents_are_missing(hall: Hall) -> None:
    case = open_case(hall)
    hall.do(cmd.RequestDocuments(case.id, ("身份证复印件", "户口本"), office="civil"))
    waiting = hall.state.cases[case.id]
    assert waiting.status == CASE_DOCUMENTS and waiting.items == ("身份证复印件", "户口本")
    hall.now = local("10:00", "2026-02-14")  # two working days later (Friday, 调休 Saturday)
    hall.do(cmd.SubmitDocuments(case.id, window="1"))
    back = hall.state.cases[case.id]
    assert back.status == CASE_REVIEWING and back.items == ()
    assert back.due == add_working_days(hall.config, "2026-02-24", 2) == "2026-02-26"


def test_a_case_walks_from_the_window_to_the_certificate(hall: Hall) -> None:
    case = walk_a_case(hall)
    assert case.status == CASE_DELIVERED and case.closed_at == hall.t
    actions = [step.action for step in case.history]
    assert actions == [
        "open_case",
        "request_documents",
        "submit_documents",
        "approve_case",
        "ready_case",
        "check_in",
        "deliver_case",
    ]
    assert case.history[-1].by == "staff-4"


def test_a_pickup_code_issues_a_ticket_in_the_pickup_queue(hall: Hall) -> None:
    case = open_case(hall)
    hall.do(cmd.ApproveCase(case.id, office="civil"))
    hall.do(cmd.ReadyCase(case.id, "window"))
    events = hall.do(cmd.CheckIn(case_code=f" {case.code[:4]}-{case.code[4:]} ", track="p"))
    issued = of_type(events, ev.TicketIssued)[0].ticket
    assert (issued.queue, issued.number, issued.service) == ("C", "C001", "social")
    assert hall.state.cases[case.id].pickup_ticket == issued.id


def test_an_office_mails_a_certificate_and_delivers_it(hall: Hall) -> None:
    case = open_case(hall, service="tax")
    hall.do(cmd.ApproveCase(case.id, office="market"))
    hall.do(cmd.ReadyCase(case.id, "mail", office="market"))
    hall.do(cmd.DeliverCase(case.id, office="market"))
    assert hall.state.cases[case.id].status == CASE_DELIVERED


def test_a_finished_case_with_a_contact_phone_gets_its_callback_task() -> None:
    """回访: with `callback_share` 1 every case the citizen left a phone for gets a callback task
    when it is finished: a 即办件 at the window, another when its certificate is delivered."""
    hall = Hall(case_config({"callback_share": 1.0}), local("09:00", THURSDAY))
    hall.open("1", "3")
    ticket = serving(hall, "1", "notary")
    events = hall.do(cmd.OpenCase(ticket, window="1", code="NOTARY0001", has_contact=True))
    immediate = of_type(events, ev.CaseOpened)[0].case
    callbacks = [e.follow_up for e in of_type(events, ev.FollowUpOpened)]
    assert [f.case for f in callbacks if f is not None] == [immediate.id]
    hall.do(cmd.Finish("1"))

    ticket = serving(hall, "3", "tax")
    events = hall.do(cmd.OpenCase(ticket, window="3", code="TAXCASE001", has_contact=True))
    assert of_type(events, ev.FollowUpOpened) == []  # not finished yet
    case = of_type(events, ev.CaseOpened)[0].case
    hall.do(cmd.Finish("3"))
    hall.do(cmd.ApproveCase(case.id, office="market"))
    hall.do(cmd.ReadyCase(case.id, "mail", office="market"))
    events = hall.do(cmd.DeliverCase(case.id, office="market"))
    opened = [e.follow_up for e in of_type(events, ev.FollowUpOpened)]
    assert [(f.type, f.case, f.service) for f in opened if f is not None] == [
        ("callback", case.id, "tax")
    ]


def test_a_case_without_a_contact_phone_gets_no_callback() -> None:
    hall = Hall(case_config({"callback_share": 1.0}), local("09:00", THURSDAY))
    hall.open("1")
    ticket = serving(hall, "1", "notary")
    events = hall.do(cmd.OpenCase(ticket, window="1", code="NOTARY0002"))
    assert of_type(events, ev.FollowUpOpened) == []


def test_open_cases_outlive_the_day_and_closed_ones_leave(hall: Hall) -> None:
    kept = open_case(hall)
    done = open_case(hall, service="notary")
    hall.now = local("09:00", "2026-02-13")
    hall.issue()
    assert set(hall.state.cases) == {kept.id} and done.id not in hall.state.cases
    hall.open("1")
    assert open_case(hall).id == "C20260213-0001"


def test_a_case_is_overdue_past_its_due_date_while_its_clock_runs(hall: Hall) -> None:
    case = open_case(hall)
    assert not is_overdue(case, case.due)
    assert is_overdue(case, "2026-02-25")
    hall.do(cmd.RequestDocuments(case.id, ("户口本",)))
    assert not is_overdue(hall.state.cases[case.id], "2026-02-25")


# --- refusals --------------------------------------------------------------------------------


def test_opening_a_case_needs_the_ticket_in_hand(hall: Hall) -> None:
    ticket = hall.issue()
    assert hall.refuse(cmd.OpenCase(ticket.id, window="1", code="X1")) == "not_serving"
    assert hall.refuse(cmd.OpenCase("nope", window="1", code="X1")) == "unknown_ticket"
    assert hall.refuse(cmd.OpenCase(ticket.id, window="9", code="X1")) == "unknown_window"
    assert hall.refuse(cmd.OpenCase(ticket.id, "nothing", code="X1")) == "unknown_service"


def test_a_ticket_opens_one_case_per_service(hall: Hall) -> None:
    ticket = serving(hall, "1")
    hall.do(cmd.OpenCase(ticket, window="1", code="A1"))
    assert hall.refuse(cmd.OpenCase(ticket, window="1", code="A2")) == "case_exists"
    assert hall.refuse(cmd.OpenCase(ticket, "tax", window="1", code="A1")) == "case_exists"
    hall.do(cmd.OpenCase(ticket, "tax", window="1", code="A2"))  # a bundle: one per service
    assert len(hall.state.cases) == 2


def test_each_illegal_transition_has_its_own_code(hall: Hall) -> None:
    case = open_case(hall)
    assert hall.refuse(cmd.SubmitDocuments(case.id)) == "not_awaiting_documents"
    assert hall.refuse(cmd.ReadyCase(case.id, "window")) == "not_approved"
    assert hall.refuse(cmd.DeliverCase(case.id)) == "not_ready"
    hall.do(cmd.ApproveCase(case.id))
    assert hall.refuse(cmd.ApproveCase(case.id)) == "not_under_review"
    assert hall.refuse(cmd.RejectCase(case.id, "迟了")) == "not_under_review"
    assert hall.refuse(cmd.RequestDocuments(case.id, ("户口本",))) == "not_under_review"
    assert hall.refuse(cmd.CheckIn(case_code=case.code)) == "not_ready"
    assert hall.refuse(cmd.ReadyCase(case.id, "drone")) == "bad_request"
    hall.do(cmd.ReadyCase(case.id, "window"))
    assert hall.refuse(cmd.ReadyCase(case.id, "window")) == "not_approved"


def test_an_office_acts_on_its_own_cases_only(hall: Hall) -> None:
    case = open_case(hall)
    for command in (
        cmd.ApproveCase(case.id, office="market"),
        cmd.RejectCase(case.id, "不符", office="market"),
        cmd.RequestDocuments(case.id, ("户口本",), office="market"),
        cmd.ReadyCase(case.id, "mail", office="market"),
    ):
        assert hall.refuse(command) == "not_your_office"
    assert hall.refuse(cmd.ApproveCase("C0-0", office="civil")) == "unknown_case"


def test_the_certificate_is_handed_over_where_it_was_promised(hall: Hall) -> None:
    case = open_case(hall)
    hall.do(cmd.ApproveCase(case.id))
    hall.do(cmd.ReadyCase(case.id, "window"))
    assert hall.refuse(cmd.DeliverCase(case.id, office="civil")) == "not_pickup_window"
    assert hall.refuse(cmd.DeliverCase(case.id, window="4")) == "not_pickup_window"
    hall.do(cmd.CheckIn(case_code=case.code, track="p"))
    serving(hall, "4", "permit")  # window 4 serves somebody else
    assert hall.refuse(cmd.DeliverCase(case.id, window="4")) == "not_pickup_window"
    mailed = open_case(hall, service="tax")
    hall.do(cmd.ApproveCase(mailed.id))
    hall.do(cmd.ReadyCase(mailed.id, "mail"))
    assert hall.refuse(cmd.DeliverCase(mailed.id, office="civil")) == "not_your_office"
    assert hall.refuse(cmd.DeliverCase(mailed.id, window="4")) == "not_pickup_window"


def test_without_a_pickup_queue_certificates_go_by_mail() -> None:
    hall = Hall(case_config({"pickup_queue": ""}), local("09:00", THURSDAY))
    hall.open("1")
    case = open_case(hall)
    hall.do(cmd.ApproveCase(case.id))
    assert hall.refuse(cmd.ReadyCase(case.id, "window")) == "no_pickup_queue"


def test_pickup_codes_that_do_not_fit_are_refused(hall: Hall) -> None:
    assert hall.refuse(cmd.CheckIn(case_code="NOSUCHCODE")) == "unknown_case"
    case = walk_a_case(hall)
    assert hall.refuse(cmd.CheckIn(case_code=case.code)) == "case_closed"


def test_documents_and_reasons_must_say_something(hall: Hall) -> None:
    case = open_case(hall)
    assert hall.refuse(cmd.RequestDocuments(case.id, ())) == "invalid_text"
    assert hall.refuse(cmd.RequestDocuments(case.id, (" ",))) == "invalid_text"
    assert hall.refuse(cmd.RejectCase(case.id, "  ")) == "invalid_text"


def test_a_closed_case_never_changes_again(hall: Hall) -> None:
    case = walk_a_case(hall)
    rejected = next(c for c in hall.state.cases.values() if c.status == CASE_REJECTED)
    for closed in (case, rejected):
        for command in _every_command(closed.id):
            assert hall.refuse(command) == "case_closed"


def _every_command(case_id: str) -> list[cmd.Command]:
    return [
        cmd.RequestDocuments(case_id, ("户口本",)),
        cmd.SubmitDocuments(case_id),
        cmd.ApproveCase(case_id),
        cmd.RejectCase(case_id, "不符"),
        cmd.ReadyCase(case_id, "mail"),
        cmd.DeliverCase(case_id),
    ]


# --- snapshots -------------------------------------------------------------------------------


def test_cases_round_trip_through_json(hall: Hall) -> None:
    walk_a_case(hall)
    open_case(hall)
    assert state_from_dict(state_to_dict(hall.state)) == hall.state
    for event in hall.log:
        assert event_from_dict(event_to_dict(event)) == event


# --- properties ------------------------------------------------------------------------------

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["open", "request", "submit", "approve", "reject", "ready", "mail", "deliver", "day"]
        ),
        st.integers(min_value=0, max_value=3),
    ),
    max_size=40,
)


def _try(hall: Hall, command: cmd.Command) -> None:
    try:
        hall.do(command)
    except Exception as error:  # refusals are part of the walk; anything else is a bug
        assert hasattr(error, "code"), error


def _step(hall: Hall, action: str, pick: int) -> None:
    ids = sorted(hall.state.cases)
    case_id = ids[pick % len(ids)] if ids else "none"
    commands: dict[str, Any] = {
        "request": lambda: cmd.RequestDocuments(case_id, ("户口本",)),
        "submit": lambda: cmd.SubmitDocuments(case_id),
        "approve": lambda: cmd.ApproveCase(case_id),
        "reject": lambda: cmd.RejectCase(case_id, "不符"),
        "ready": lambda: cmd.ReadyCase(case_id, "window"),
        "mail": lambda: cmd.ReadyCase(case_id, "mail"),
        "deliver": lambda: cmd.DeliverCase(case_id),
    }
    if action == "open":
        open_case(hall, service=("social", "tax", "startup", "notary")[pick])
    elif action == "day":
        _next_working_day(hall, pick)
    else:
        _try(hall, commands[action]())


def _next_working_day(hall: Hall, skip: int) -> None:
    day = hall.state.day
    following = add_working_days(hall.config, day, 1 + skip)
    hall.now = datetime.fromisoformat(f"{following}T09:00:00+08:00")
    hall.open("1", "3", "4")


@settings(max_examples=60, deadline=None)
@given(ACTIONS)
def test_cases_keep_their_invariants_on_any_walk(actions: list[tuple[str, int]]) -> None:
    hall = Hall(case_config(), local("09:00", THURSDAY))
    hall.open("1", "3", "4")
    closed: dict[str, Case] = {}
    for action, pick in actions:
        _step(hall, action, pick)
        for case in hall.state.cases.values():
            assert case.status in {
                CASE_ACCEPTED,
                CASE_DOCUMENTS,
                CASE_REVIEWING,
                CASE_APPROVED,
                CASE_REJECTED,
                CASE_READY,
                CASE_DELIVERED,
            }
            assert is_working_day(hall.config, case.due), case.due
            if case.id in closed:
                assert case == closed[case.id], "a closed case changed"
            elif case.status in CASE_CLOSED:
                closed[case.id] = case
            assert (case.status == CASE_DOCUMENTS) == (case.paused_on is not None)
