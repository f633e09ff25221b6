"""Help requests (导办/帮办): a kiosk asks, one guide claims, that guide closes; 帮办 tickets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from queueing import commands as cmd
from queueing import events as ev
from queueing.errors import DomainError
from queueing.model import HELP_CLAIMED, HELP_OPEN, HelpRequest
from tests.queueing.conftest import Hall, later, local, of_type


def ask(hall: Hall, kiosk: str = "k1", reason: str = "不会操作") -> HelpRequest:
    """A kiosk's 需要帮助: the request it opened."""
    events = hall.do(cmd.RequestHelp(reason, kiosk=kiosk, kiosk_name=f"{kiosk}号取号机"))
    request: HelpRequest = of_type(events, ev.HelpRequested)[0].help
    return request


def test_a_kiosk_request_is_open_with_the_kiosk_name_and_reason(hall: Hall) -> None:
    request = ask(hall, "k1", "  老人需要陪同 ")

    assert (request.kiosk, request.kiosk_name, request.reason) == (
        "k1",
        "k1号取号机",
        "老人需要陪同",
    )
    assert (request.state, request.staff, request.requested_at) == (HELP_OPEN, None, hall.t)
    assert request.id == "20240304-H001"
    assert hall.state.help_requests == {request.id: request}


def test_request_ids_count_up_through_the_day(hall: Hall) -> None:
    first, second = ask(hall, "k1"), ask(hall, "k2", "")

    assert (first.id, second.id) == ("20240304-H001", "20240304-H002")
    assert second.reason == ""


def test_a_kiosk_with_a_request_pending_is_refused_another(hall: Hall) -> None:
    request = ask(hall, "k1")
    assert hall.refuse(cmd.RequestHelp(kiosk="k1", kiosk_name="k1")) == "help_pending"

    hall.do(cmd.ClaimHelp(request.id, by="G01"))
    assert hall.refuse(cmd.RequestHelp(kiosk="k1", kiosk_name="k1")) == "help_pending"

    hall.do(cmd.CloseHelp(request.id, by="G01"))
    assert ask(hall, "k1").id == "20240304-H002"


def test_a_reason_over_200_characters_is_refused(hall: Hall) -> None:
    too_long = cmd.RequestHelp("帮" * 201, kiosk="k1", kiosk_name="k1")
    assert hall.refuse(too_long) == "invalid_text"


def test_a_guide_claims_an_open_request(hall: Hall) -> None:
    request = ask(hall)
    hall.advance(seconds=45)

    events = hall.do(cmd.ClaimHelp(request.id, by="G01"))

    claimed = of_type(events, ev.HelpClaimed)[0]
    assert (claimed.staff, claimed.by) == ("G01", "G01")
    assert (claimed.help.state, claimed.help.staff, claimed.help.claimed_at) == (
        HELP_CLAIMED,
        "G01",
        hall.t,
    )
    assert hall.state.help_requests[request.id] == claimed.help


def test_a_request_claimed_by_another_guide_is_taken(hall: Hall) -> None:
    request = ask(hall)
    hall.do(cmd.ClaimHelp(request.id, by="G01"))

    assert hall.refuse(cmd.ClaimHelp(request.id, by="G02")) == "help_taken"
    assert hall.state.help_requests[request.id].staff == "G01"


def test_claiming_ones_own_claim_again_changes_nothing(hall: Hall) -> None:
    request = ask(hall)
    hall.do(cmd.ClaimHelp(request.id, by="G01"))

    assert hall.do(cmd.ClaimHelp(request.id, by="G01")) == []


def test_claiming_an_unknown_request_is_refused(hall: Hall) -> None:
    assert hall.refuse(cmd.ClaimHelp("20240304-H009", by="G01")) == "unknown_help"


def test_claim_and_close_need_the_guides_staff_number(hall: Hall) -> None:
    request = ask(hall)
    assert hall.refuse(cmd.ClaimHelp(request.id)) == "staff_required"
    hall.do(cmd.ClaimHelp(request.id, by="G01"))
    assert hall.refuse(cmd.CloseHelp(request.id)) == "staff_required"


def test_the_claiming_guide_closes_with_a_note(hall: Hall) -> None:
    request = ask(hall)
    hall.do(cmd.ClaimHelp(request.id, by="G01"))

    events = hall.do(cmd.CloseHelp(request.id, "  已帮助取号  ", by="G01"))

    closed = of_type(events, ev.HelpClosed)[0]
    assert (closed.help.id, closed.staff, closed.note, closed.help.state) == (
        request.id,
        "G01",
        "已帮助取号",
        "closed",
    )
    assert hall.state.help_requests == {}


def test_closing_refusals(hall: Hall) -> None:
    request = ask(hall)
    assert hall.refuse(cmd.CloseHelp(request.id, by="G01")) == "help_not_claimed"
    hall.do(cmd.ClaimHelp(request.id, by="G01"))
    assert hall.refuse(cmd.CloseHelp(request.id, by="G02")) == "help_not_yours"
    assert hall.refuse(cmd.CloseHelp(request.id, "备" * 501, by="G01")) == "invalid_text"
    hall.do(cmd.CloseHelp(request.id, by="G01"))
    assert hall.refuse(cmd.CloseHelp(request.id, by="G01")) == "unknown_help"
    assert hall.refuse(cmd.ClaimHelp(request.id, by="G02")) == "unknown_help"


def test_help_requests_end_with_the_day() -> None:
    hall = Hall(now=local("16:00"))
    open_one, claimed = ask(hall, "k1"), ask(hall, "k2")
    hall.do(cmd.ClaimHelp(claimed.id, by="G01"))

    hall.now = later(local("08:30", "2024-03-05"))
    request = ask(hall, "k1")

    assert open_one.id not in hall.state.help_requests
    assert list(hall.state.help_requests) == [request.id] == ["20240305-H001"]


def test_a_guide_issues_an_assisted_ticket(hall: Hall) -> None:
    events = hall.do(cmd.IssueTicket("social", assisted=True, by="G01"))

    ticket = of_type(events, ev.TicketIssued)[0].ticket
    assert (ticket.assisted, ticket.assisted_by, ticket.number) == (True, "G01", "A001")
    hall.open("1")
    called = hall.call("1")
    assert called is not None and (called.assisted, called.assisted_by) == (True, "G01")


def test_a_plain_ticket_is_not_assisted(hall: Hall) -> None:
    ticket = hall.issue()
    assert (ticket.assisted, ticket.assisted_by) == (False, None)


def test_an_assisted_ticket_needs_the_guides_staff_number(hall: Hall) -> None:
    assert hall.refuse(cmd.IssueTicket("social", assisted=True)) == "staff_required"


# --- properties --------------------------------------------------------------------------

GUIDES = ("G01", "G02", "G03")
KIOSKS = ("k1", "k2")

help_actions = st.lists(
    st.tuples(
        st.sampled_from(["ask", "claim", "close"]),
        st.sampled_from(KIOSKS + GUIDES),
        st.integers(0, 5),
    ),
    min_size=5,
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(script=help_actions)
def test_a_request_is_never_claimed_by_two_guides_nor_closed_twice(
    script: list[tuple[str, str, int]],
) -> None:
    hall = Hall()
    claims: dict[str, str] = {}
    closes: list[str] = []
    for action, who, pick in script:
        hall.advance(seconds=10)
        known = [f"20240304-H{n:03d}" for n in range(1, hall.state.help_count + 2)]
        target = known[pick % len(known)]
        command: cmd.Command
        if action == "ask":
            command = cmd.RequestHelp(kiosk=who, kiosk_name=who)
        elif action == "claim":
            command = cmd.ClaimHelp(target, by=who)
        else:
            command = cmd.CloseHelp(target, by=who)
        try:
            events = hall.do(command)
        except DomainError:
            continue
        for event in events:
            if isinstance(event, ev.HelpClaimed):
                assert claims.setdefault(event.help.id, event.staff) == event.staff
            if isinstance(event, ev.HelpClosed):
                assert event.help.id not in closes
                assert claims[event.help.id] == event.staff
                closes.append(event.help.id)
    for request in hall.state.help_requests.values():
        assert request.id not in closes
        assert request.staff == claims.get(request.id)
        assert len({r.kiosk for r in hall.state.help_requests.values()}) == len(
            hall.state.help_requests
        )
