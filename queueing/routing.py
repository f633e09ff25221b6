"""Who is next for a window: the routing policies, as pure functions that return a choice.

Both policies follow the same outer rules, in this order:

1. tickets transferred to this very window, oldest first;
2. any ticket whose wait passed the hall's maximum, longest wait first;
3. priority tickets (green channel, checked-in appointments), unless the window already made
   `priority_cap` priority calls in a row, so that walk-ins never starve;
4. walk-ins;
5. priority tickets after all, when no walk-in waits.

Within 3-5, `weighted` takes the queue whose head has the largest weight x time waited;
`strict` takes the first queue of the profile (by weight, then configuration order) that has one.
A window never gets a ticket of a queue outside its profile.

The policies read lines through `Lines`, so the same code routes the live hall (`HallState`)
and the forward simulations of the estimator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from queueing.config import Rules

Head = tuple[float, str]
"""The front of a line: (the ticket's issue time, its id)."""


class Lines(Protocol):
    def head(self, queue: str) -> Head | None: ...

    def priority_head(self, queue: str) -> Head | None: ...

    def window_head(self, window: str) -> Head | None: ...


@dataclass(frozen=True, slots=True)
class Choice:
    ticket: str
    priority: bool


def choose_next(
    rules: Rules,
    window: str,
    profile: Mapping[str, float],
    priority_streak: int,
    lines: Lines,
    now: float,
) -> Choice | None:
    directed = lines.window_head(window)
    if directed is not None:
        return Choice(directed[1], False)
    ordered = _ordered_profile(profile) if rules.routing == "strict" else profile
    # Read each line's head once: the rules below look at them several times.
    priority_head, head = lines.priority_head, lines.head
    fronts: _Fronts = []
    for queue, weight in ordered.items():
        fronts.append((weight, priority_head(queue), head(queue)))
    overdue = _overdue(fronts, now, rules.max_wait_minutes * 60.0)
    if overdue is not None:
        return overdue
    pick = _pick_strict if rules.routing == "strict" else _pick_weighted
    if priority_streak < rules.priority_cap:
        chosen = pick(fronts, True, now)
        if chosen is not None:
            return Choice(chosen, True)
    chosen = pick(fronts, False, now)
    if chosen is not None:
        return Choice(chosen, False)
    chosen = pick(fronts, True, now)
    return Choice(chosen, True) if chosen is not None else None


_Fronts = list[tuple[float, Head | None, Head | None]]
"""Per queue of the profile, in order: (weight, priority line's head, line's head)."""


def _ordered_profile(profile: Mapping[str, float]) -> dict[str, float]:
    order = sorted(enumerate(profile.items()), key=lambda item: (-item[1][1], item[0]))
    return {queue: weight for _, (queue, weight) in order}


def _overdue(fronts: _Fronts, now: float, limit: float) -> Choice | None:
    """The longest-waiting head past `limit`; per queue the priority line's head comes first."""
    best: Head | None = None
    best_priority = False
    for _, priority_head, head in fronts:
        if (
            priority_head is not None
            and now - priority_head[0] > limit
            and (best is None or priority_head < best)
        ):
            best, best_priority = priority_head, True
        if head is not None and now - head[0] > limit and (best is None or head < best):
            best, best_priority = head, False
    return Choice(best[1], best_priority) if best is not None else None


def _pick_weighted(fronts: _Fronts, priority: bool, now: float) -> str | None:
    best_score = -1.0
    best: str | None = None
    for weight, priority_head, normal_head in fronts:
        head = priority_head if priority else normal_head
        if head is not None:
            score = weight * (now - head[0] + 1.0)
            if score > best_score:
                best_score, best = score, head[1]
    return best


def _pick_strict(fronts: _Fronts, priority: bool, now: float) -> str | None:
    for _, priority_head, normal_head in fronts:
        head = priority_head if priority else normal_head
        if head is not None:
            return head[1]
    return None
