from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from displays.errors import HelloRequired, ProtocolError
from displays.protocol import (
    COMMAND_SPECS,
    PROTOCOL_ERROR_CODES,
    CommandMessage,
    Hello,
    Ping,
    Pong,
    SignInRequest,
    command_from_args,
    command_from_message,
    parse_message,
    refusal,
    reply_message,
    welcome_message,
)
from queueing import commands as cmd
from queueing import errors
from queueing.events import EVENT_TYPES
from queueing.stream import Reply


def refused(text: str) -> ProtocolError:
    with pytest.raises(ProtocolError) as caught:
        parse_message(text)
    assert caught.value.code == "bad_request"
    return caught.value


def refused_args(name: str, args: dict[str, Any]) -> str:
    with pytest.raises(ProtocolError) as caught:
        command_from_args(name, args)
    assert caught.value.code == "bad_request"
    return caught.value.message


# --- frames ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{not json", "message: malformed JSON"),
        ('{"type": "ping"', "message: malformed JSON"),
        ('{"type": "ping", "x": NaN}', "message: malformed JSON"),
        ("[1, 2]", "message: must be a JSON object"),
        ('"hello"', "message: must be a JSON object"),
        ("{}", "type: required string"),
        ('{"type": 3}', "type: required string"),
        ('{"type": "subscribe"}', "type: unknown message type 'subscribe'"),
    ],
)
def test_a_frame_that_is_not_a_message_is_a_bad_request_naming_the_problem(
    text: str, field: str
) -> None:
    assert field in refused(text).message


def test_an_oversized_frame_is_refused_without_parsing() -> None:
    text = json.dumps({"type": "ping", "pad": "x" * 70_000})
    assert "message: at most" in refused(text).message


def test_ping_and_pong_parse_and_ignore_extra_fields() -> None:
    assert parse_message('{"type": "ping", "at": "2026-11-23T01:00:00.000Z"}') == Ping()
    assert parse_message('{"type": "pong"}') == Pong()


def test_hello_with_a_device_token_and_resume() -> None:
    hello = parse_message('{"type": "hello", "token": "tok", "resume": 1234}')
    assert hello == Hello(token="tok", kind=None, track=None, resume=1234)


def test_hello_of_a_tracker_needs_its_track_token_not_a_device_token() -> None:
    hello = parse_message('{"type": "hello", "kind": "tracker", "track": "abc"}')
    assert hello == Hello(token=None, kind="tracker", track="abc", resume=None)
    assert "track: required string" in refused('{"type": "hello", "kind": "tracker"}').message


@pytest.mark.parametrize(
    ("hello", "field"),
    [
        ({}, "token: required string"),
        ({"token": ""}, "token: required string"),
        ({"token": 42}, "token: must be a string"),
        ({"token": "t", "resume": -1}, "resume: must be a non-negative integer"),
        ({"token": "t", "resume": "12"}, "resume: must be a non-negative integer"),
        ({"token": "t", "resume": True}, "resume: must be a non-negative integer"),
        ({"token": "t", "kind": "printer"}, "kind: unknown device kind 'printer'"),
        ({"kind": "tracker", "track": ["x"]}, "track: must be a string"),
    ],
)
def test_hello_fields_are_validated_by_name(hello: dict[str, Any], field: str) -> None:
    assert field in refused(json.dumps({"type": "hello", **hello})).message


def test_a_command_frame_parses_into_id_name_and_args() -> None:
    text = '{"type": "command", "id": "k-1", "name": "issue_ticket", "args": {"service": "tax"}}'
    assert parse_message(text) == CommandMessage("k-1", "issue_ticket", {"service": "tax"})


def test_a_command_frame_without_args_has_empty_args() -> None:
    message = parse_message('{"type": "command", "id": "k-1", "name": "call_next"}')
    assert message == CommandMessage("k-1", "call_next", {})


@pytest.mark.parametrize("bad_id", [None, "", 7, "x" * 101])
def test_a_command_needs_an_id_of_1_to_100_characters(bad_id: Any) -> None:
    frame = {"type": "command", "name": "call_next", "args": {}}
    if bad_id is not None:
        frame["id"] = bad_id
    error = refused(json.dumps(frame))
    assert error.message.startswith("id: required string")
    assert error.request_id is None


def test_a_command_id_of_100_characters_is_accepted() -> None:
    frame = {"type": "command", "id": "x" * 100, "name": "call_next"}
    assert isinstance(parse_message(json.dumps(frame)), CommandMessage)


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ({"args": {}}, "name: required string"),
        ({"name": 5}, "name: required string"),
        ({"name": "call_next", "args": ["5"]}, "args: must be an object"),
    ],
)
def test_a_bad_command_frame_with_a_readable_id_is_refused_as_that_commands_reply(
    frame: dict[str, Any], field: str
) -> None:
    error = refused(json.dumps({"type": "command", "id": "k-9", **frame}))
    assert field in error.message
    assert error.request_id == "k-9"
    assert refusal(error) == {
        "type": "reply",
        "id": "k-9",
        "ok": False,
        "error": {"code": "bad_request", "message": error.message},
    }


# --- command arguments -----------------------------------------------------------------------

VALID: list[tuple[str, dict[str, Any], object]] = [
    ("issue_ticket", {"service": "tax"}, cmd.IssueTicket("tax")),
    ("issue_ticket", {"service": "tax", "priority": "green"}, cmd.IssueTicket("tax", "green")),
    ("check_in", {"booking_code": "BK1"}, cmd.CheckIn("BK1")),
    ("check_in", {"case_code": "PICKUP2345"}, cmd.CheckIn(case_code="PICKUP2345")),
    ("open_case", {"ticket": "t1"}, cmd.OpenCase("t1")),
    (
        "open_case",
        {"ticket": "t1", "service": "tax", "contact_phone": " 139 1234 5678 "},
        cmd.OpenCase("t1", "tax", contact_phone="139 1234 5678"),
    ),
    (
        "request_documents",
        {"case": "c", "items": ["户口本"]},
        cmd.RequestDocuments("c", ("户口本",)),
    ),
    ("ready_case", {"case": "c", "pickup": "mail"}, cmd.ReadyCase("c", "mail")),
    ("reactivate", {"number": "A023"}, cmd.Reactivate("A023")),
    (
        "sign_in",
        {"window": "5", "staff": "s005", "password": "pw"},
        SignInRequest("5", "s005", "pw"),
    ),
    ("sign_out", {"window": "5"}, cmd.SignOut("5")),
    ("open_window", {"window": "5"}, cmd.OpenWindow("5")),
    ("close_window", {"window": "5"}, cmd.CloseWindow("5")),
    ("pause", {"window": "5", "reason": "午休"}, cmd.Pause("5", "午休")),
    ("resume", {"window": "5"}, cmd.Resume("5")),
    ("call_next", {"window": "5"}, cmd.CallNext("5")),
    ("call", {"window": "5", "ticket": "t1"}, cmd.CallTicket("5", "t1")),
    ("recall", {"window": "5"}, cmd.Recall("5")),
    ("start", {"window": "5"}, cmd.Start("5")),
    ("finish", {"window": "5"}, cmd.Finish("5")),
    ("no_show", {"window": "5"}, cmd.NoShow("5")),
    ("transfer", {"window": "5", "to_queue": "B"}, cmd.Transfer("5", to_queue="B")),
    ("transfer", {"window": "5", "to_window": "2"}, cmd.Transfer("5", to_window="2")),
    ("park", {"window": "5"}, cmd.Park("5")),
    ("unpark", {"window": "5"}, cmd.Unpark("5")),
    ("unpark", {"window": "5", "ticket": "t1"}, cmd.Unpark("5", "t1")),
    ("rate", {"ticket": "t1", "score": 5}, cmd.Rate("t1", 5)),
    (
        "rate",
        {"ticket": "t1", "score": 2, "reasons": ["态度差"], "comment": "慢"},
        cmd.Rate("t1", 2, ("态度差",), "慢"),
    ),
    ("broadcast", {"text": "午间照常办理"}, cmd.Broadcast("午间照常办理")),
    ("cancel_ticket", {"ticket": "t1"}, cmd.CancelTicket("t1")),
    ("move_ticket", {"ticket": "t1", "to_queue": "B"}, cmd.MoveTicket("t1", to_queue="B")),
    ("move_ticket", {"ticket": "t1", "to_window": "2"}, cmd.MoveTicket("t1", to_window="2")),
    ("prioritise_ticket", {"ticket": "t1"}, cmd.PrioritiseTicket("t1")),
    (
        "set_window_queues",
        {"window": "5", "queues": {"A": 1, "B": 0.5}},
        cmd.SetWindowQueues("5", {"A": 1.0, "B": 0.5}),
    ),
]


@pytest.mark.parametrize(("name", "args", "expected"), VALID)
def test_each_command_builds_the_core_command(
    name: str, args: dict[str, Any], expected: object
) -> None:
    assert command_from_args(name, args) == expected


# Per docs/protocol.md's command reference.
REQUIRED: dict[str, dict[str, Any]] = {
    "issue_ticket": {"service": "tax"},
    "reactivate": {"number": "A023"},
    "sign_in": {"window": "5", "staff": "s005", "password": "pw"},
    "sign_out": {"window": "5"},
    "open_window": {"window": "5"},
    "close_window": {"window": "5"},
    "pause": {"window": "5", "reason": "午休"},
    "resume": {"window": "5"},
    "call_next": {"window": "5"},
    "call": {"window": "5", "ticket": "t1"},
    "recall": {"window": "5"},
    "start": {"window": "5"},
    "finish": {"window": "5"},
    "no_show": {"window": "5"},
    "transfer": {"window": "5"},
    "park": {"window": "5"},
    "unpark": {"window": "5"},
    "rate": {"ticket": "t1", "score": 3},
    "broadcast": {"text": "notice"},
    "cancel_ticket": {"ticket": "t1"},
    "move_ticket": {"ticket": "t1"},
    "prioritise_ticket": {"ticket": "t1"},
    "set_window_queues": {"window": "5", "queues": {"A": 1}},
}
ONE_TARGET = {"transfer", "move_ticket"}
"""Commands that also need exactly one of `to_queue` and `to_window`."""

MISSING = [(name, field) for name, args in REQUIRED.items() for field in args]


@pytest.mark.parametrize(("name", "field"), MISSING)
def test_a_missing_argument_is_named(name: str, field: str) -> None:
    args = {k: v for k, v in REQUIRED[name].items() if k != field}
    if name in ONE_TARGET:
        args["to_queue"] = "B"
    assert f"args.{field}: required" in refused_args(name, args)


@pytest.mark.parametrize(("name", "field"), MISSING)
def test_a_null_required_argument_counts_as_missing(name: str, field: str) -> None:
    args = {**REQUIRED[name], field: None}
    if name in ONE_TARGET:
        args["to_queue"] = "B"
    assert f"args.{field}: required" in refused_args(name, args)


@pytest.mark.parametrize(("name", "field"), MISSING)
def test_a_mistyped_argument_is_named(name: str, field: str) -> None:
    args = {**REQUIRED[name], field: [] if field != "queues" else "A"}
    if name in ONE_TARGET:
        args["to_queue"] = "B"
    assert f"args.{field}: must be" in refused_args(name, args)


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_an_unknown_argument_is_named(name: str) -> None:
    args = {**REQUIRED[name], "bogus": 1}
    if name in ONE_TARGET:
        args["to_queue"] = "B"
    assert "args.bogus: unknown argument" in refused_args(name, args)


def test_every_problem_is_listed_at_once() -> None:
    message = refused_args("rate", {"ticket": 7, "score": 9, "extra": 1})
    assert "args.extra: unknown argument" in message
    assert "args.ticket: must be a string" in message
    assert "args.score: must be an integer from 1 to 5" in message


def test_an_unknown_command_is_named() -> None:
    assert refused_args("fly", {}) == "name: unknown command 'fly'"


@pytest.mark.parametrize("name", ["book", "tick", "configure", "cancel_booking"])
def test_internal_commands_cannot_be_named_by_devices(name: str) -> None:
    assert refused_args(name, {}) == f"name: unknown command {name!r}"


def test_args_must_be_an_object() -> None:
    assert refused_args("call_next", ["5"]) == "args: must be an object"  # type: ignore[arg-type]


@pytest.mark.parametrize("priority", ["vip", "appointment", "", 1, True])
def test_priority_is_normal_or_green(priority: Any) -> None:
    message = refused_args("issue_ticket", {"service": "tax", "priority": priority})
    assert "args.priority: must be 'normal' or 'green'" in message


def test_an_optional_argument_given_as_null_counts_as_absent() -> None:
    assert command_from_args("issue_ticket", {"service": "tax", "priority": None}) == (
        cmd.IssueTicket("tax")
    )
    assert command_from_args("unpark", {"window": "5", "ticket": None}) == cmd.Unpark("5")


@pytest.mark.parametrize("score", [0, 6, -1, 3.0, True, "5", None])
def test_score_is_an_integer_from_1_to_5(score: Any) -> None:
    message = refused_args("rate", {"ticket": "t1", "score": score})
    assert "args.score: " in message
    assert ("required" in message) if score is None else ("1 to 5" in message)


@pytest.mark.parametrize("reasons", ["慢", [1], [["a"]], {"a": 1}, ["r"] * 21])
def test_reasons_are_a_list_of_strings(reasons: Any) -> None:
    message = refused_args("rate", {"ticket": "t1", "score": 2, "reasons": reasons})
    assert message.startswith("args.reasons: must")


def test_comment_must_be_a_string() -> None:
    assert "args.comment: must be a string" in refused_args(
        "rate", {"ticket": "t1", "score": 2, "comment": 5}
    )


@pytest.mark.parametrize(
    "targets",
    [{}, {"to_queue": "B", "to_window": "2"}, {"to_queue": None, "to_window": None}],
)
def test_transfer_takes_exactly_one_target(targets: dict[str, Any]) -> None:
    message = refused_args("transfer", {"window": "5", **targets})
    assert message == "args: give exactly one of to_queue and to_window"


@pytest.mark.parametrize(
    "targets",
    [{}, {"to_queue": "B", "to_window": "2"}, {"to_queue": None, "to_window": None}],
)
def test_move_ticket_takes_exactly_one_target(targets: dict[str, Any]) -> None:
    message = refused_args("move_ticket", {"ticket": "t1", **targets})
    assert message == "args: give exactly one of to_queue and to_window"


@pytest.mark.parametrize("target", ["to_queue", "to_window"])
def test_a_move_target_is_an_identifier(target: str) -> None:
    message = refused_args("move_ticket", {"ticket": "t1", target: 5})
    assert message == f"args.{target}: must be a string"
    message = refused_args("move_ticket", {"ticket": "t1", target: ""})
    assert message == f"args.{target}: must be 1 to 100 characters"


def test_transfer_with_the_other_target_null_is_accepted() -> None:
    command = command_from_args("transfer", {"window": "5", "to_queue": None, "to_window": "2"})
    assert command == cmd.Transfer("5", to_window="2")


@pytest.mark.parametrize("queues", [{"A": "1"}, {"A": True}, ["A"], {"A": None}])
def test_window_queues_map_queue_ids_to_numbers(queues: Any) -> None:
    message = refused_args("set_window_queues", {"window": "5", "queues": queues})
    assert message.startswith("args.queues: must be an object mapping queue ids to numbers")


@pytest.mark.parametrize("field", ["window", "service", "ticket"])
def test_an_empty_or_overlong_identifier_is_refused(field: str) -> None:
    name = {"window": "call_next", "service": "issue_ticket", "ticket": "cancel_ticket"}[field]
    for value in ("", "x" * 101):
        assert f"args.{field}: must be 1 to 100 characters" in refused_args(name, {field: value})


def test_issue_ticket_and_check_in_leave_the_track_token_to_the_engine() -> None:
    issued = command_from_args("issue_ticket", {"service": "tax"})
    checked = command_from_args("check_in", {"booking_code": "BK1"})
    assert isinstance(issued, cmd.IssueTicket)
    assert isinstance(checked, cmd.CheckIn)
    assert issued.track == checked.track == ""
    assert "args.track: unknown argument" in refused_args(
        "issue_ticket", {"service": "tax", "track": "mine"}
    )


def test_a_rating_pad_cannot_choose_the_window_of_a_rating() -> None:
    message = refused_args("rate", {"ticket": "t1", "score": 5, "window": "1"})
    assert "args.window: unknown argument" in message


def test_sign_in_keeps_the_password_out_of_its_repr() -> None:
    request = command_from_args("sign_in", {"window": "5", "staff": "s005", "password": "hunter2"})
    assert isinstance(request, SignInRequest)
    assert request.password == "hunter2"
    assert "hunter2" not in repr(request)


def test_an_http_body_is_checked_with_its_own_prefix() -> None:
    with pytest.raises(ProtocolError) as caught:
        command_from_args("issue_ticket", {}, where="body")
    assert caught.value.message == "body.service: required string"


def test_a_refused_command_message_carries_its_id() -> None:
    with pytest.raises(ProtocolError) as caught:
        command_from_message(CommandMessage("k-3", "call_next", {}))
    assert caught.value.request_id == "k-3"
    assert refusal(caught.value)["id"] == "k-3"


# --- server frames ---------------------------------------------------------------------------


def test_welcome_carries_a_snapshot_or_announces_a_replay() -> None:
    device = {"id": "d1", "kind": "clerk", "hall": "demo", "window": "5"}
    fresh = welcome_message(device, 1240, {"windows": []})
    assert fresh == {"type": "welcome", "device": device, "seq": 1240, "snapshot": {"windows": []}}
    replay = welcome_message(device, 1234, None)
    assert replay == {"type": "welcome", "device": device, "seq": 1234, "replay": True}


def test_reply_and_error_frames_follow_the_protocol() -> None:
    ok = reply_message("k-1", Reply(True, {"ticket": None}))
    assert ok == {"type": "reply", "id": "k-1", "ok": True, "result": {"ticket": None}}
    error = refusal(HelloRequired("send hello first"))
    assert error == {
        "type": "error",
        "error": {"code": "hello_required", "message": "send hello first"},
    }


def test_the_reference_documents_every_command_event_and_error_code() -> None:
    reference = (Path(__file__).parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")
    codes = {c.code for c in vars(errors).values() if isinstance(c, type) and hasattr(c, "code")}
    codes -= {"domain_error"}
    names = [*COMMAND_SPECS, *EVENT_TYPES, *PROTOCOL_ERROR_CODES, *codes]
    missing = [name for name in names if f"`{name}`" not in reference]
    assert missing == []


@pytest.mark.parametrize(
    "args", [{}, {"booking_code": "BK1", "case_code": "PICKUP2345"}, {"booking_code": None}]
)
def test_check_in_takes_exactly_one_code(args: dict[str, Any]) -> None:
    assert "give exactly one of booking_code and case_code" in refused_args("check_in", args)


@pytest.mark.parametrize(
    ("name", "args", "field"),
    [
        ("open_case", {"ticket": "t1", "contact_phone": "call me"}, "contact_phone"),
        ("request_documents", {"case": "c", "items": []}, "items"),
        ("request_documents", {"case": "c", "items": "户口本"}, "items"),
        ("ready_case", {"case": "c", "pickup": "drone"}, "pickup"),
    ],
)
def test_case_arguments_are_checked(name: str, args: dict[str, Any], field: str) -> None:
    assert f"args.{field}: must " in refused_args(name, args)
