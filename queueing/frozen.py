"""`replace(obj, **changes)`: `dataclasses.replace` for the core's frozen, slotted dataclasses.

Every event of a simulated day copies the hall state, a ticket and a window, and
`dataclasses.replace` was the largest cost of the day simulator: it walks the fields in Python,
passes them by keyword, and the frozen `__init__` sets each through `object.__setattr__`.

Here each class gets a copier generated once (as `dataclasses` generates `__init__`): it makes
the new instance and fills every slot straight through the slot's descriptor, taking the value
from `changes` or from `obj`. For a frozen, slotted dataclass without `__post_init__` whose
`__init__` takes exactly its fields, that is the very object `__init__` would make, about five
times faster. Any other class goes through `dataclasses.replace`. An unknown field name raises
`TypeError`, as with `dataclasses.replace`.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_Copier = Callable[..., Any]
_COPIERS: dict[type[Any], _Copier] = {}


def replace(obj: T, /, **changes: Any) -> T:
    copier = _COPIERS.get(type(obj)) or _make_copier(type(obj))
    result: T = copier(obj, **changes)
    return result


def _make_copier(cls: type[Any]) -> _Copier:
    names = _slot_fields(cls)
    copier = _generate(cls, names) if names else _fallback
    _COPIERS[cls] = copier
    return copier


def _fallback(obj: Any, /, **changes: Any) -> Any:
    return dataclasses.replace(obj, **changes)


def _slot_fields(cls: type[Any]) -> list[str] | None:
    """The field names, if instances of `cls` are made by filling exactly these slots."""
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return None
    names = [f.name for f in dataclasses.fields(cls)]
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    if [p.name for p in parameters] != names or any(n.startswith("_") for n in names):
        return None
    if not all(type(cls.__dict__.get(n)).__name__ == "member_descriptor" for n in names):
        return None
    return names


def _generate(cls: type[Any], names: list[str]) -> _Copier:
    missing = object()
    namespace: dict[str, Any] = {"_missing": missing, "_new": object.__new__, "_cls": cls}
    namespace.update({f"_set_{n}": cls.__dict__[n].__set__ for n in names})
    lines = [f"def _copy(_obj, /, {', '.join(f'{n}=_missing' for n in names)}):"]
    lines.append("    _copied = _new(_cls)")
    lines += [f"    _set_{n}(_copied, _obj.{n} if {n} is _missing else {n})" for n in names]
    lines.append("    return _copied")
    exec("\n".join(lines), namespace)
    copier: _Copier = namespace["_copy"]
    return copier
