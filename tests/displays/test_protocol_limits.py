"""The protocol's 1.1 limits on what a client sends: JSON nested deeper than 32 levels, and text
with a NUL character or a lone surrogate, are `bad_request` naming what is wrong."""

from __future__ import annotations

import json
from typing import Any

import pytest

from displays.errors import ProtocolError
from displays.protocol import (
    MAX_JSON_DEPTH,
    UNSAFE_TEXT,
    command_from_args,
    parse_json,
    parse_message,
    session_command_from_args,
    unsafe_text_fields,
)
from tests.displays.text_fields import TEXT_FIELDS, TextField

BAD_TEXT = ["\ud800", "a\udfffb", "\x00", "号\x00码"]


def refused(call: Any, *args: Any) -> ProtocolError:
    with pytest.raises(ProtocolError) as caught:
        call(*args)
    assert caught.value.code == "bad_request"
    message = caught.value.message
    message.encode("utf-8")  # the refusal itself can be sent
    return caught.value


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_nested_32_levels_is_taken_and_33_is_not() -> None:
    assert parse_json(nested(MAX_JSON_DEPTH)) is not None
    error = refused(parse_json, nested(MAX_JSON_DEPTH + 1), "body")
    assert error.message == "body: JSON nested deeper than 32 levels"


def test_json_nested_30000_deep_is_refused_without_recursing() -> None:
    frame = '{"type": "command", "id": "k", "name": "call_next", "args": ' + nested(30_000) + "}"
    assert "nested deeper than 32 levels" in refused(parse_message, frame).message


def test_brackets_inside_strings_do_not_nest() -> None:
    text = json.dumps({"text": "[" * 100 + '"\\' + "{" * 100})
    assert parse_json(text) == json.loads(text)


@pytest.mark.parametrize("field", TEXT_FIELDS, ids=lambda f: f"{f.command}.{f.field}")
@pytest.mark.parametrize("text", BAD_TEXT, ids=ascii)
def test_every_text_argument_refuses_nul_and_lone_surrogates_naming_it(
    field: TextField, text: str
) -> None:
    args = field.args(text)
    read = session_command_from_args if field.session else command_from_args
    error = refused(read, field.command, args)
    assert error.message.startswith(f"args.{field.field}: ")
    assert UNSAFE_TEXT in error.message


@pytest.mark.parametrize("field", TEXT_FIELDS, ids=lambda f: f"{f.command}.{f.field}")
def test_every_text_argument_takes_ordinary_text(field: TextField) -> None:
    read = session_command_from_args if field.session else command_from_args
    assert read(field.command, field.args("5")) is not None


@pytest.mark.parametrize("text", BAD_TEXT, ids=ascii)
@pytest.mark.parametrize("key", ["token", "track"])
def test_hello_fields_refuse_nul_and_lone_surrogates(key: str, text: str) -> None:
    hello = {"type": "hello", "kind": "tracker" if key == "track" else "kiosk", key: text}
    assert refused(parse_message, json.dumps(hello)).message.startswith(f"{key}: {UNSAFE_TEXT}")


@pytest.mark.parametrize("text", BAD_TEXT, ids=ascii)
def test_a_command_id_with_bad_text_cannot_be_echoed(text: str) -> None:
    frame = {"type": "command", "id": text, "name": "call_next", "args": {"window": "1"}}
    error = refused(parse_message, json.dumps(frame))
    assert error.message.startswith("id: ") and error.request_id is None


def test_a_command_name_with_bad_text_is_refused_as_that_commands_reply() -> None:
    frame = {"type": "command", "id": "k-1", "name": "call\ud800", "args": {}}
    error = refused(parse_message, json.dumps(frame))
    assert error.message == f"name: {UNSAFE_TEXT}" and error.request_id == "k-1"


def test_an_unknown_argument_with_bad_text_is_named_escaped() -> None:
    error = refused(command_from_args, "call_next", {"window": "1", "x\ud800": 1})
    assert error.message == "args.'x\\ud800': unknown argument"


def test_unsafe_text_anywhere_in_a_body_is_named_by_its_path() -> None:
    body = {"name": "ok", "queues": [{"id": "A", "name": "综合\x00"}], "b\ud800": 1, "n": 5}
    assert unsafe_text_fields(body) == [
        f"body: field names {UNSAFE_TEXT}",
        f"queues[0].name: {UNSAFE_TEXT}",
    ]
    assert unsafe_text_fields({"text": "\ud800"}, "args") == [f"args.text: {UNSAFE_TEXT}"]
    assert unsafe_text_fields({"text": "正常", "list": ["a", 1, None]}) == []
