"""The device protocol's messages: client frames parsed and validated, server frames built.

`parse_message(text)` turns one websocket text frame into a `Hello`, `Ping`, `Pong` or
`CommandMessage`; `command_from_args(name, args)` turns a command's name and arguments (from a
frame or an HTTP body) into the core command. Both raise `ProtocolError` with code `bad_request`
and a message naming every offending field. Nothing here does I/O.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from displays import errors
from displays.errors import ProtocolError
from displays.kinds import KINDS, TRACKER
from queueing import commands as cmd
from queueing.errors import HallError
from queueing.model import GREEN, NORMAL
from queueing.stream import Reply

PROTOCOL_ERROR_CODES = tuple(
    error.code
    for error in (
        errors.BadRequest,
        errors.HelloRequired,
        errors.Unauthorized,
        errors.Forbidden,
        errors.TooManyAttempts,
        errors.UnknownHall,
        errors.UnknownDevice,
        errors.UnknownStaff,
        errors.NotFound,
        errors.InternalError,
        errors.Unavailable,
        errors.UnknownAlert,
        errors.RateLimited,
        errors.PayloadTooLarge,
        errors.IdempotencyMismatch,
    )
)
"""Error codes the protocol adds to the core's (`queueing/errors.py`)."""

CLOSE_UNAUTHENTICATED = 4401
"""Websocket close code after `hello_required` or `unauthorized`."""

MAX_FRAME_CHARS = 65_536
MAX_ID_CHARS = 100
MAX_NAME_CHARS = 100
MAX_SECRET_CHARS = 200
MAX_TEXT_CHARS = 2_000
MAX_REASONS = 20
MAX_JSON_DEPTH = 32
"""JSON (a websocket frame, an HTTP body) nested deeper than this is `bad_request`."""

UNSAFE_TEXT = "must not contain a NUL character or a lone surrogate"
_UNSAFE_TEXT = re.compile("[\x00\ud800-\udfff]")
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
"""A JSON string (skipped whole: brackets inside it do not nest) or a bracket."""


def bad_request(message: str, request_id: str | None = None) -> ProtocolError:
    return errors.BadRequest(message, request_id)


# --- JSON and text ---------------------------------------------------------------------------


def safe_text(value: str) -> bool:
    """False for text that no database stores and no UTF-8 frame carries: a NUL character
    (PostgreSQL refuses it) or a lone surrogate (not encodable as UTF-8)."""
    return _UNSAFE_TEXT.search(value) is None


def shown(value: str) -> str:
    """`value` as it may appear in a message: escaped when it is not safe text."""
    return value if safe_text(value) else ascii(value)


def parse_json(text: str, where: str = "message") -> Any:
    """JSON text to a value; `bad_request` naming `where` when it is malformed or nested
    deeper than `MAX_JSON_DEPTH` (checked before parsing, without recursion)."""
    if _nested_too_deep(text):
        raise bad_request(f"{where}: JSON nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:  # unreachable after the depth check; kept as a last guard
        raise bad_request(f"{where}: JSON nested too deep") from None
    except ValueError as error:
        raise bad_request(f"{where}: malformed JSON ({error})") from None


def _nested_too_deep(text: str) -> bool:
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return False
    depth = 0
    for token in _JSON_TOKENS.finditer(text):
        bracket = token.group()
        if bracket == "[" or bracket == "{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif bracket == "]" or bracket == "}":
            depth -= 1
    return False


def unsafe_text_fields(value: Any, where: str = "") -> list[str]:
    """A problem for every string (values and field names) in a parsed JSON value that is not
    `safe_text`, each naming its field (`"name: ..."`, `"queues[0].name: ..."`)."""
    problems: list[str] = []
    pending: list[tuple[str, Any]] = [(where, value)]
    while pending:
        path, item = pending.pop(0)
        if isinstance(item, str) and not safe_text(item):
            problems.append(f"{path or 'body'}: {UNSAFE_TEXT}")
        elif isinstance(item, dict):
            for key, child in item.items():
                if safe_text(key):
                    pending.append((f"{path}.{key}" if path else key, child))
                else:
                    problems.append(f"{path or 'body'}: field names {UNSAFE_TEXT}")
        elif isinstance(item, list):
            pending.extend((f"{path}[{index}]", child) for index, child in enumerate(item))
    return problems


# --- client frames ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hello:
    token: str | None = None
    kind: str | None = None
    track: str | None = None
    resume: int | None = None


@dataclass(frozen=True, slots=True)
class Ping:
    pass


@dataclass(frozen=True, slots=True)
class Pong:
    pass


@dataclass(frozen=True, slots=True)
class CommandMessage:
    id: str
    name: str
    args: Mapping[str, Any] = field(default_factory=dict)


Message = Hello | Ping | Pong | CommandMessage


@dataclass(frozen=True, slots=True)
class SignInRequest:
    """`sign_in` as a device sends it. The gateway checks the password against the staff
    account and builds the core `SignIn` with the staff member's display name."""

    name: ClassVar[str] = "sign_in"
    window: str
    staff: str
    password: str = field(repr=False)


def parse_message(text: str) -> Message:
    """One client text frame; raise `ProtocolError` (`bad_request`) naming what is wrong."""
    if len(text) > MAX_FRAME_CHARS:
        raise bad_request(f"message: at most {MAX_FRAME_CHARS} characters")
    data = parse_json(text, "message")
    if not isinstance(data, dict):
        raise bad_request("message: must be a JSON object")
    kind = data.get("type")
    if kind == "hello":
        return _hello(data)
    if kind == "ping":
        return Ping()
    if kind == "pong":
        return Pong()
    if kind == "command":
        return _command_message(data)
    if not isinstance(kind, str):
        raise bad_request("type: required string")
    raise bad_request(f"type: unknown message type {kind!r}")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _hello(data: Mapping[str, Any]) -> Hello:
    problems: list[str] = []
    kind = _optional_string(data, "kind", problems)
    if kind is not None and kind not in KINDS:
        problems.append(f"kind: unknown device kind {kind!r}")
    token = _optional_string(data, "token", problems)
    track = _optional_string(data, "track", problems) or _optional_string(
        data, "case_track", problems
    )  # a case's tracker token (case_track) is looked up like a ticket's
    if kind == TRACKER and not track:
        problems.append("track: required string for a tracker")
    if kind != TRACKER and not token:
        problems.append("token: required string")
    resume = data.get("resume")
    if resume is not None and (not _is_int(resume) or resume < 0):
        problems.append("resume: must be a non-negative integer")
    if problems:
        raise bad_request("; ".join(problems))
    return Hello(token=token, kind=kind, track=track, resume=resume)


def _optional_string(data: Mapping[str, Any], key: str, problems: list[str]) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_SECRET_CHARS:
        problems.append(f"{key}: must be a string of at most {MAX_SECRET_CHARS} characters")
        return None
    if not safe_text(value):
        problems.append(f"{key}: {UNSAFE_TEXT}")
        return None
    return value


def _command_message(data: Mapping[str, Any]) -> CommandMessage:
    request_id = data.get("id")
    if not isinstance(request_id, str) or not 0 < len(request_id) <= MAX_ID_CHARS:
        raise bad_request(f"id: required string of 1 to {MAX_ID_CHARS} characters")
    if not safe_text(request_id):  # cannot be echoed in a reply nor remembered
        raise bad_request(f"id: required string of 1 to {MAX_ID_CHARS} characters; {UNSAFE_TEXT}")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise bad_request("name: required string", request_id)
    if not safe_text(name):
        raise bad_request(f"name: {UNSAFE_TEXT}", request_id)
    args = data.get("args", {})
    if not isinstance(args, dict):
        raise bad_request("args: must be an object", request_id)
    return CommandMessage(request_id, name, args)


# --- command arguments -----------------------------------------------------------------------


class _Invalid(ValueError):
    """An argument of the wrong type or out of range; the message says what it must be."""


@dataclass(frozen=True, slots=True)
class _Arg:
    noun: str
    check: Callable[[Any], Any]


def _check_string(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("must be a string")
    if not safe_text(value):
        raise _Invalid(UNSAFE_TEXT)
    return value


def _check_name(value: Any) -> str:
    text = _check_string(value)
    if not 0 < len(text) <= MAX_NAME_CHARS:
        raise _Invalid(f"must be 1 to {MAX_NAME_CHARS} characters")
    return text


def _check_secret(value: Any) -> str:
    text = _check_string(value)
    if not 0 < len(text) <= MAX_SECRET_CHARS:
        raise _Invalid(f"must be 1 to {MAX_SECRET_CHARS} characters")
    return text


def _check_text(value: Any) -> str:
    text = _check_string(value)
    if len(text) > MAX_TEXT_CHARS:
        raise _Invalid(f"must be at most {MAX_TEXT_CHARS} characters")
    return text


def _check_priority(value: Any) -> str:
    if value not in (NORMAL, GREEN):
        raise _Invalid("must be 'normal' or 'green'")
    return str(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


def _check_score(value: Any) -> int:
    if not _is_int(value) or not 1 <= value <= 5:
        raise _Invalid("must be an integer from 1 to 5")
    return int(value)


def _check_reasons(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
        raise _Invalid("must be a list of strings")
    if len(value) > MAX_REASONS:
        raise _Invalid(f"must list at most {MAX_REASONS} reasons")
    if not all(safe_text(reason) for reason in value):
        raise _Invalid(f"reasons {UNSAFE_TEXT}")
    return tuple(value)


def _check_weights(value: Any) -> dict[str, float]:
    if not isinstance(value, dict) or not all(_is_number(w) for w in value.values()):
        raise _Invalid("must be an object mapping queue ids to numbers")
    if not all(safe_text(str(queue)) for queue in value):
        raise _Invalid(f"queue ids {UNSAFE_TEXT}")
    return {str(queue): float(weight) for queue, weight in value.items()}


def _check_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("must be true or false")
    return value


NAME = _Arg("string", _check_name)
SECRET = _Arg("string", _check_secret)
TEXT = _Arg("string", _check_text)
PRIORITY = _Arg("'normal' or 'green'", _check_priority)
SCORE = _Arg("integer from 1 to 5", _check_score)
REASONS = _Arg("list of strings", _check_reasons)
WEIGHTS = _Arg("object mapping queue ids to numbers", _check_weights)
BOOL = _Arg("boolean", _check_bool)


def _check_outcome(value: Any) -> str:
    if value not in ("reached", "unreachable"):
        raise _Invalid("must be 'reached' or 'unreachable'")
    return str(value)


OUTCOME = _Arg("'reached' or 'unreachable'", _check_outcome)


@dataclass(frozen=True, slots=True)
class _Spec:
    """A command's arguments: required, optional (null counts as absent), and a cross-check."""

    build: Callable[..., cmd.Command | SignInRequest]
    required: Mapping[str, _Arg]
    optional: Mapping[str, _Arg] = field(default_factory=dict)
    check: Callable[[Mapping[str, Any]], str | None] = field(default=lambda values: None)


def _one_target(values: Mapping[str, Any]) -> str | None:
    if ("to_queue" in values) == ("to_window" in values):
        return "give exactly one of to_queue and to_window"
    return None


def _one_code(values: Mapping[str, Any]) -> str | None:
    if ("booking_code" in values) == ("case_code" in values):
        return "give exactly one of booking_code and case_code"
    return None


def _check_items(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _Invalid("must be a list of strings")
    if not 0 < len(value) <= MAX_REASONS:
        raise _Invalid(f"must list 1 to {MAX_REASONS} documents")
    if not all(safe_text(item) for item in value):
        raise _Invalid(f"items {UNSAFE_TEXT}")
    return tuple(value)


def _check_phone(value: Any) -> str:
    text = _check_string(value).strip()
    if not _PHONE.match(text):
        raise _Invalid("must be a phone number (digits, spaces, '+' and '-')")
    return text


def _check_pickup(value: Any) -> str:
    if value not in ("window", "mail"):
        raise _Invalid("must be 'window' or 'mail'")
    return str(value)


_PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,19}$")
ITEMS = _Arg("list of strings", _check_items)
PHONE = _Arg("phone number", _check_phone)
PICKUP = _Arg("'window' or 'mail'", _check_pickup)


def _window_only(build: Callable[..., cmd.Command]) -> _Spec:
    return _Spec(build, {"window": NAME})


COMMAND_SPECS: Mapping[str, _Spec] = {
    "issue_ticket": _Spec(
        cmd.IssueTicket, {"service": NAME}, {"priority": PRIORITY, "assisted": BOOL}
    ),
    "check_in": _Spec(cmd.CheckIn, {}, {"booking_code": SECRET, "case_code": SECRET}, _one_code),
    "reactivate": _Spec(cmd.Reactivate, {"number": NAME}),
    "sign_in": _Spec(SignInRequest, {"window": NAME, "staff": NAME, "password": SECRET}),
    "sign_out": _window_only(cmd.SignOut),
    "open_window": _window_only(cmd.OpenWindow),
    "close_window": _window_only(cmd.CloseWindow),
    "pause": _Spec(cmd.Pause, {"window": NAME, "reason": TEXT}),
    "resume": _window_only(cmd.Resume),
    "call_next": _window_only(cmd.CallNext),
    "call": _Spec(cmd.CallTicket, {"window": NAME, "ticket": NAME}),
    "recall": _window_only(cmd.Recall),
    "start": _window_only(cmd.Start),
    "finish": _window_only(cmd.Finish),
    "no_show": _window_only(cmd.NoShow),
    "transfer": _Spec(
        cmd.Transfer, {"window": NAME}, {"to_queue": NAME, "to_window": NAME}, _one_target
    ),
    "park": _window_only(cmd.Park),
    "unpark": _Spec(cmd.Unpark, {"window": NAME}, {"ticket": NAME}),
    "rate": _Spec(
        cmd.Rate, {"ticket": NAME, "score": SCORE}, {"reasons": REASONS, "comment": TEXT}
    ),
    "broadcast": _Spec(cmd.Broadcast, {"text": TEXT}),
    "cancel_ticket": _Spec(cmd.CancelTicket, {"ticket": NAME}),
    "move_ticket": _Spec(
        cmd.MoveTicket, {"ticket": NAME}, {"to_queue": NAME, "to_window": NAME}, _one_target
    ),
    "prioritise_ticket": _Spec(cmd.PrioritiseTicket, {"ticket": NAME}),
    "set_window_queues": _Spec(cmd.SetWindowQueues, {"window": NAME, "queues": WEIGHTS}),
    # cases (办件, queueing/cases.py): the edge binds a clerk's window, an office's office
    "open_case": _Spec(cmd.OpenCase, {"ticket": NAME}, {"service": NAME, "contact_phone": PHONE}),
    "request_documents": _Spec(cmd.RequestDocuments, {"case": NAME, "items": ITEMS}),
    "submit_documents": _Spec(cmd.SubmitDocuments, {"case": NAME}),
    "approve_case": _Spec(cmd.ApproveCase, {"case": NAME}),
    "reject_case": _Spec(cmd.RejectCase, {"case": NAME, "reason": TEXT}),
    "ready_case": _Spec(cmd.ReadyCase, {"case": NAME, "pickup": PICKUP}),
    "deliver_case": _Spec(cmd.DeliverCase, {"case": NAME}),
    # help requests (导办/帮办): the edge binds a kiosk's id and name, a guide's staff number
    "request_help": _Spec(cmd.RequestHelp, {}, {"reason": TEXT}),
    "claim_help": _Spec(cmd.ClaimHelp, {"help": NAME}),
    "close_help": _Spec(cmd.CloseHelp, {"help": NAME}, {"note": TEXT}),
    # follow-ups (差评整改, 投诉, 回访: queueing/follow_ups.py); a kiosk's or a tablet's
    # complaint gets its own kind as channel (displays/permissions.py)
    "assign_follow_up": _Spec(cmd.AssignFollowUp, {"follow_up": NAME, "staff": NAME}),
    "record_callback": _Spec(
        cmd.RecordCallback, {"follow_up": NAME, "outcome": OUTCOME}, {"note": TEXT}
    ),
    "rectify_follow_up": _Spec(cmd.RectifyFollowUp, {"follow_up": NAME, "note": TEXT}),
    "close_follow_up": _Spec(
        cmd.CloseFollowUp, {"follow_up": NAME, "satisfied": BOOL}, {"note": TEXT}
    ),
    "file_complaint": _Spec(
        cmd.FileComplaint, {"text": TEXT, "channel": NAME}, {"ticket": NAME, "case": NAME}
    ),
}
"""Every command a device or an HTTP client may name, with its arguments."""


def command_from_args(
    name: str, args: Mapping[str, Any], *, where: str = "args"
) -> cmd.Command | SignInRequest:
    """The core command (or a `SignInRequest`) for a command name and its arguments.

    `where` prefixes field names in messages ("args.service: required string").
    """
    spec = COMMAND_SPECS.get(name)
    if spec is None:
        raise bad_request(f"name: unknown command {name!r}")
    if not isinstance(args, Mapping):
        raise bad_request(f"{where}: must be an object")
    values, problems = _read_args(spec, args, where)
    cross = spec.check(values) if not problems else None
    if cross is not None:
        problems.append(f"{where}: {cross}")
    if problems:
        raise bad_request("; ".join(problems))
    return spec.build(**values)


def command_from_message(message: CommandMessage) -> cmd.Command | SignInRequest:
    """`command_from_args` for a command frame: a refusal carries the frame's id."""
    try:
        return command_from_args(message.name, message.args)
    except ProtocolError as error:
        error.request_id = message.id
        raise


def _read_args(
    spec: _Spec | _SessionSpec, args: Mapping[str, Any], where: str
) -> tuple[dict[str, Any], list[str]]:
    known = {**spec.required, **spec.optional}
    problems = [f"{where}.{shown(str(key))}: unknown argument" for key in args if key not in known]
    values: dict[str, Any] = {}
    for key, arg in known.items():
        value = args.get(key)
        if value is None:
            if key in spec.required:
                problems.append(f"{where}.{key}: required {arg.noun}")
            continue
        try:
            values[key] = arg.check(value)
        except _Invalid as invalid:
            problems.append(f"{where}.{key}: {invalid}")
    return values, problems


# --- session commands: answered by the gateway, never sent to the core ----------------------


@dataclass(frozen=True, slots=True)
class ManagerSignIn:
    """`manager_sign_in`: a floor manager signs in on a tablet with a staff account of role
    `manager`. The gateway checks the password; nothing changes in the hall."""

    name: ClassVar[str] = "manager_sign_in"
    staff: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class AckAlert:
    """`ack_alert`: stop listing an alert on the hall's tablets."""

    name: ClassVar[str] = "ack_alert"
    alert: str


@dataclass(frozen=True, slots=True)
class GuideSignIn:
    """`guide_sign_in`: a guide signs in on a guide phone with any active staff account; the
    gateway checks the password and puts the staff number on the phone's commands."""

    name: ClassVar[str] = "guide_sign_in"
    staff: str
    password: str = field(repr=False)


SessionCommand = ManagerSignIn | AckAlert | GuideSignIn


@dataclass(frozen=True, slots=True)
class _SessionSpec:
    build: Callable[..., SessionCommand]
    required: Mapping[str, _Arg]
    optional: Mapping[str, _Arg] = field(default_factory=dict)


SESSION_SPECS: Mapping[str, _SessionSpec] = {
    "manager_sign_in": _SessionSpec(ManagerSignIn, {"staff": NAME, "password": SECRET}),
    "ack_alert": _SessionSpec(AckAlert, {"alert": NAME}),
    "guide_sign_in": _SessionSpec(GuideSignIn, {"staff": NAME, "password": SECRET}),
}
"""Commands the websocket gateway answers itself (tablets and guides; not over HTTP)."""


def session_command_from_args(
    name: str, args: Mapping[str, Any], *, where: str = "args"
) -> SessionCommand | None:
    """The session command for a name and its arguments; None when `name` is not one."""
    spec = SESSION_SPECS.get(name)
    if spec is None:
        return None
    if not isinstance(args, Mapping):
        raise bad_request(f"{where}: must be an object")
    values, problems = _read_args(spec, args, where)
    if problems:
        raise bad_request("; ".join(problems))
    return spec.build(**values)


# --- server frames ---------------------------------------------------------------------------


def welcome_message(
    device: Mapping[str, Any], seq: int, snapshot: Mapping[str, Any] | None
) -> dict[str, Any]:
    """`welcome` with a snapshot, or (snapshot None) the replay form: events after `seq` follow."""
    message: dict[str, Any] = {"type": "welcome", "device": dict(device), "seq": seq}
    if snapshot is None:
        message["replay"] = True
    else:
        message["snapshot"] = dict(snapshot)
    return message


def reply_message(request_id: str, reply: Reply) -> dict[str, Any]:
    return {"type": "reply", "id": request_id, **reply.as_dict()}


def error_message(error: HallError) -> dict[str, Any]:
    return {"type": "error", "error": error.as_dict()}


def refusal(error: HallError) -> dict[str, Any]:
    """A failed `reply` when the refused message was a command with a readable id, else `error`."""
    request_id = getattr(error, "request_id", None)
    if request_id is not None:
        return reply_message(request_id, Reply.refused(error))
    return error_message(error)


def ping_message(at: str) -> dict[str, Any]:
    return {"type": "ping", "at": at}


def pong_message() -> dict[str, Any]:
    return {"type": "pong"}
