"""Events to JSON-ready dicts and back, so the shell can store and replay them.

`event_to_dict(e)` gives `{"name": "ticket.called", ...fields}`; `event_from_dict` inverts it.
Nested frozen dataclasses (tickets, windows, appointments) are encoded field by field; the hall
configuration travels as its JSON document. `by` (who made the event) is written only when set,
and an event stored without it reads back with `by` None.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any

from queueing.config import HallConfig, config_document, parse_config
from queueing.events import EVENT_TYPES, Event
from queueing.model import HallState


def event_to_dict(event: Event) -> dict[str, Any]:
    data = _encode(event)
    assert isinstance(data, dict)
    if data.get("by") is None:
        del data["by"]  # written only when a floor manager made the event: older events lack it
    return {"name": event.name, **data}


def event_from_dict(data: Mapping[str, Any]) -> Event:
    cls = EVENT_TYPES[data["name"]]
    fields = {k: v for k, v in data.items() if k != "name"}
    decoded = _decode(cls, fields)
    assert isinstance(decoded, cls)
    return decoded


def _encode(value: Any) -> Any:
    if isinstance(value, HallConfig):
        return config_document(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


@cache
def _hints(cls: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(hint: Any, value: Any) -> Any:
    if hint is HallConfig:
        return parse_config(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        return hint(**{k: _decode(hints[k], v) for k, v in value.items() if k in hints})
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _decode(options[0], value)
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value, strict=True))
    if origin in (Mapping, dict):
        value_hint = typing.get_args(hint)[1]
        return {k: _decode(value_hint, v) for k, v in value.items()}
    if hint is float and isinstance(value, int):
        return float(value)
    return value


def state_to_dict(state: HallState) -> dict[str, Any]:
    """A hall state as a JSON-ready dict (for snapshots)."""
    data = _encode(state)
    assert isinstance(data, dict)
    return data


def state_from_dict(data: Mapping[str, Any]) -> HallState:
    decoded = _decode(HallState, data)
    assert isinstance(decoded, HallState)
    return decoded
