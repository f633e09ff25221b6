"""Event and snapshot payloads: the JSON of `queueing.codec`, encoded and decoded fast.

`queueing.codec` walks type hints on every value, which is right for the core and too slow for
replaying a hall's stream at restart. Here the same rules are compiled once per class into small
converter functions: the payloads are exactly `event_to_dict` / `state_to_dict`, and decoding
gives exactly what `event_from_dict` / `state_from_dict` give (the tests hold both to that).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from queueing.config import HallConfig, config_document, parse_config
from queueing.events import EVENT_TYPES, Event
from queueing.model import HallState

Convert = Callable[[Any], Any]
"""A converter; None in its place means "the value as it is"."""


class PayloadError(TypeError):
    """A field type the payload compiler does not know how to convert."""


def event_to_payload(event: Event) -> dict[str, Any]:
    data: dict[str, Any] = _encoder(type(event))(event)
    if data["by"] is None:
        del data["by"]  # as `event_to_dict`: written only when a floor manager made the event
    data["name"] = event.name
    return data


def event_from_payload(data: Mapping[str, Any]) -> Event:
    decoded: Event = _decoder(EVENT_TYPES[data["name"]])(data)
    return decoded


def state_to_payload(state: HallState) -> dict[str, Any]:
    data: dict[str, Any] = _encoder(HallState)(state)
    return data


def state_from_payload(data: Mapping[str, Any]) -> HallState:
    decoded: HallState = _decoder(HallState)(data)
    return decoded


# --- compiling -----------------------------------------------------------------------------


def _field_hints(cls: type[Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def _optional_of(hint: Any) -> Any | None:
    """`X` for `X | None` (the first non-None member, as the core's codec does); else None."""
    if typing.get_origin(hint) not in (types.UnionType, typing.Union):
        return None
    options = [a for a in typing.get_args(hint) if a is not type(None)]
    return options[0]


def _is_scalar(hint: Any) -> bool:
    return hint in (str, int, bool, type(None)) or hint is Any


_ENCODERS: dict[type[Any], Convert] = {}
_DECODERS: dict[type[Any], Convert] = {}


def _encoder(cls: type[Any]) -> Convert:
    encode = _ENCODERS.get(cls)
    if encode is None:
        encode = _ENCODERS[cls] = _compile_encoder(cls)
    return encode


def _decoder(cls: type[Any]) -> Convert:
    decode = _DECODERS.get(cls)
    if decode is None:
        decode = _DECODERS[cls] = _compile_decoder(cls)
    return decode


def _compile_encoder(cls: type[Any]) -> Convert:
    fields = [(name, _encode_hint(hint)) for name, hint in _field_hints(cls).items()]
    plain = tuple(name for name, convert in fields if convert is None)
    converted = tuple((name, convert) for name, convert in fields if convert is not None)

    def encode(value: Any) -> dict[str, Any]:
        data = {name: getattr(value, name) for name in plain}
        for name, convert in converted:
            field_value = getattr(value, name)
            data[name] = convert(field_value)
        return data

    return encode


def _encode_hint(hint: Any) -> Convert | None:
    if _is_scalar(hint) or hint is float:
        return None
    if hint is HallConfig:
        return config_document
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _encoder(hint)
    inner = _optional_of(hint)
    if inner is not None:
        convert = _encode_hint(inner)
        return None if convert is None else _or_none(convert)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        items = [_encode_hint(a) for a in args if a is not Ellipsis]
        if all(item is None for item in items):
            return list
        converters = [item or _identity for item in items]
        if len(args) == 2 and args[1] is Ellipsis:
            return lambda value: [converters[0](v) for v in value]
        return lambda value: [c(v) for c, v in zip(converters, value, strict=True)]
    if origin in (Mapping, dict):
        item = _encode_hint(args[1])
        if item is None:
            return dict
        return lambda value: {k: item(v) for k, v in value.items()}
    raise PayloadError(f"no payload encoding for {hint!r}")


def _compile_decoder(cls: type[Any]) -> Convert:
    """A decoder generated as source (as `dataclasses` makes `__init__`): one call of the class
    with each field read and converted inline. A payload without some field (one stored by an
    older version) goes through the generic decoder, which leaves the field's default."""
    hints = _field_hints(cls)
    generic = _generic_decoder(cls, {name: _decode_hint(hint) for name, hint in hints.items()})
    namespace: dict[str, Any] = {"cls": cls, "generic": generic}
    absent_is_none = {f.name for f in dataclasses.fields(cls) if f.default is None}
    arguments = [
        f"{name}={_decode_expression(hint, name, namespace, name in absent_is_none)}"
        for name, hint in hints.items()
    ]
    source = (
        "def decode(data):\n"
        "    try:\n"
        f"        return cls({', '.join(arguments)})\n"
        "    except KeyError:\n"
        "        return generic(data)\n"
    )
    exec(source, namespace)
    decode: Convert = namespace["decode"]
    return decode


def _decode_expression(
    hint: Any, name: str, namespace: dict[str, Any], absent_is_none: bool = False
) -> str:
    """Python source that reads field `name` from `data` and converts it for `hint`. A field
    whose default is None reads as None when absent (e.g. `by`, written only when set)."""
    read = f"data.get({name!r})" if absent_is_none else f"data[{name!r}]"
    optional = _optional_of(hint)
    inner = hint if optional is None else optional
    if _is_scalar(inner):
        return read
    if optional is None:
        namespace[f"c_{name}"] = _decode_hint(inner)
        return f"c_{name}({read})"
    variable = f"v_{name}"
    if inner is float:
        converted = f"(float({variable}) if isinstance({variable}, int) else {variable})"
    else:
        namespace[f"c_{name}"] = _decode_hint(inner)
        converted = f"c_{name}({variable})"
    return f"(None if ({variable} := {read}) is None else {converted})"


def _generic_decoder(cls: type[Any], converters: dict[str, Convert | None]) -> Convert:
    def decode(data: Mapping[str, Any]) -> Any:
        kwargs = {}
        for name, value in data.items():
            if name in converters:
                convert = converters[name]
                kwargs[name] = value if convert is None else convert(value)
        return cls(**kwargs)

    return decode


def _decode_hint(hint: Any) -> Convert | None:
    if _is_scalar(hint):
        return None
    if hint is float:
        return _float
    if hint is HallConfig:
        return parse_config
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _decoder(hint)
    inner = _optional_of(hint)
    if inner is not None:
        convert = _decode_hint(inner)
        return None if convert is None else _or_none(convert)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        return _decode_tuple(args)
    if origin in (Mapping, dict):
        item = _decode_hint(args[1])
        if item is None:
            return dict
        return lambda value: {k: item(v) for k, v in value.items()}
    raise PayloadError(f"no payload decoding for {hint!r}")


def _decode_tuple(args: tuple[Any, ...]) -> Convert:
    if len(args) == 2 and args[1] is Ellipsis:
        item = _decode_hint(args[0])
        if item is None:
            return tuple
        return lambda value: tuple([item(v) for v in value])
    items = [_decode_hint(a) or _identity for a in args]
    return lambda value: tuple([c(v) for c, v in zip(items, value, strict=True)])


def _float(value: Any) -> Any:
    return float(value) if isinstance(value, int) else value


def _identity(value: Any) -> Any:
    return value


def _or_none(convert: Convert) -> Convert:
    return lambda value: None if value is None else convert(value)


def compile_all() -> None:
    """Compile every event's and the state's converters (raises `PayloadError` on a field
    type this module cannot convert)."""
    for cls in (*EVENT_TYPES.values(), HallState):
        _encoder(cls)
        _decoder(cls)
