"""docs/core.md lists every command, event and error code of the core, and nothing else."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from queueing import commands as cmd
from queueing import errors
from queueing.events import EVENT_TYPES

CORE_MD = Path(__file__).resolve().parents[2] / "docs" / "core.md"


def _table(section: str) -> dict[str, str]:
    """First column -> second column of the table under a `## section` heading."""
    text = CORE_MD.read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_.]+)` \| `(\w+)` \|", body, flags=re.MULTILINE)
    return dict(rows)


def _domain_errors() -> list[tuple[str, str]]:
    """(code, class name) of every subclass of `DomainError`, at any depth."""
    found: list[tuple[str, str]] = []
    pending = list(errors.DomainError.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append((cls.code, cls.__name__))
        pending += cls.__subclasses__()
    return found


def test_every_command_is_documented() -> None:
    commands = {c.name: c.__name__ for c in typing.get_args(cmd.Command)}

    assert _table("Commands") == commands


def test_every_event_is_documented() -> None:
    assert _table("Events") == {name: cls.__name__ for name, cls in EVENT_TYPES.items()}


def test_every_error_code_is_documented_and_unique() -> None:
    codes = _domain_errors()

    assert len({code for code, _ in codes}) == len(codes)
    assert _table("Error codes") == dict(codes)
