"""Live figures of cases (办件): open cases by office and status, and overdue ones, from the hall's
state (not folded from events: a case opened on an earlier day is in the state, not in today's
events). Pure: the server's metrics hub reads them into the tablets' `metrics` message and the
Prometheus gauges `hall_open_cases` and `hall_overdue_cases`."""

from __future__ import annotations

from typing import Any

from queueing.cases import OPEN_STATES, is_overdue
from queueing.model import CASE_CLOSED, HallState


def case_figures(state: HallState) -> dict[str, Any]:
    """`open`: {office: {status: count}} of open cases; `overdue`: {office: count}; their
    totals; and `names` {office: name}. Every office of the hall is listed, with zeros."""
    open_cases: dict[str, dict[str, int]] = {
        office.id: dict.fromkeys(OPEN_STATES, 0) for office in state.config.offices
    }
    overdue = dict.fromkeys(open_cases, 0)
    for case in state.cases.values():
        if case.status in CASE_CLOSED:
            continue
        counts = open_cases.setdefault(case.office, dict.fromkeys(OPEN_STATES, 0))
        counts[case.status] += 1
        if is_overdue(case, state.day):
            overdue[case.office] = overdue.get(case.office, 0) + 1
    return {
        "names": {office.id: office.name for office in state.config.offices},
        "open": open_cases,
        "overdue": overdue,
        "open_total": sum(sum(counts.values()) for counts in open_cases.values()),
        "overdue_total": sum(overdue.values()),
    }
