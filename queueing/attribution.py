"""Who on the staff made a change: the base of every command and every event.

A tablet's hall-changing command carries the staff number of the floor manager signed in on it
(`by`); `decide` copies it onto the command's own events, so the hall's stream records who moved
a ticket, opened a window or broadcast a notice. Everything else leaves `by` None. The core
checks no identity: the edge that signed the manager in hands the number over.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Attributed:
    """`by`: the staff number (工号) of the floor manager who sent the command, or None.
    Keyword-only, so every command and event keeps its positional fields as they were."""

    by: str | None = None
