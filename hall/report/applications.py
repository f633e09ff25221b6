"""Cases (办件) in the daily report: per back office and per service, the cases opened that day,
decided (approved, rejected) and delivered that day, those overdue at the day's end, the share of
immediate ones (即办件), the mean working days from acceptance to delivery and the on-time rate
(delivered by the promised date). Read from the `cases` read model (never the phone)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from hall.storage import tables as t
from queueing.calendar import service_day, working_days_between
from queueing.cases import RUNNING
from queueing.config import HallConfig
from queueing.model import CASE_DELIVERED, CASE_REJECTED

OFFICE = "office"
SERVICE = "service"


@dataclass(frozen=True, slots=True)
class Application:
    """A case as the report reads it: opened, decided or closed that day, or still open."""

    service: str
    office: str
    status: str
    due: str
    immediate: bool
    opened_at: float
    decided_at: float | None
    closed_at: float | None


@dataclass(frozen=True, slots=True)
class ApplicationLine:
    """The day's cases of one office or service (`kind`), or of the hall (`id` "")."""

    kind: str
    id: str
    name: str
    opened: int
    approved: int
    rejected: int
    delivered: int
    overdue: int
    immediate: int
    immediate_share: float | None
    mean_working_days: float | None
    on_time_rate: float | None


def read_applications(
    conn: Connection, hall: str, start: datetime, until: datetime
) -> tuple[Application, ...]:
    cases = t.cases
    query = sa.select(
        cases.c.service,
        cases.c.office,
        cases.c.status,
        cases.c.due,
        cases.c.immediate,
        cases.c.opened_at,
        cases.c.decided_at,
        cases.c.closed_at,
    ).where(
        cases.c.hall == hall,
        cases.c.opened_at < until,
        sa.or_(cases.c.closed_at.is_(None), cases.c.closed_at >= start),
    )
    return tuple(
        Application(
            row.service,
            row.office,
            row.status,
            row.due,
            bool(row.immediate),
            row.opened_at.timestamp(),
            row.decided_at.timestamp() if row.decided_at is not None else None,
            row.closed_at.timestamp() if row.closed_at is not None else None,
        )
        for row in conn.execute(query.order_by(cases.c.opened_at))
    )


def application_lines(
    config: HallConfig, day: str, start: float, until: float, apps: Sequence[Application]
) -> tuple[ApplicationLine, ...]:
    """Per office, per service (those with a case), then the hall's total."""
    offices = [(o.id, o.name) for o in config.offices]
    services = [(s.id, s.name) for s in config.services]
    lines = [
        _line(config, day, start, until, OFFICE, id_, name, [a for a in apps if a.office == id_])
        for id_, name in offices
    ]
    lines += [
        _line(config, day, start, until, SERVICE, id_, name, mine)
        for id_, name in services
        if (mine := [a for a in apps if a.service == id_])
    ]
    lines.append(_line(config, day, start, until, "", "", config.name, list(apps)))
    return tuple(lines)


def _line(
    config: HallConfig,
    day: str,
    start: float,
    until: float,
    kind: str,
    id_: str,
    name: str,
    apps: list[Application],
) -> ApplicationLine:
    def within(moment: Callable[[Application], float | None]) -> list[Application]:
        return [a for a in apps if (m := moment(a)) is not None and start <= m < until]

    opened = within(lambda a: a.opened_at)
    decided = within(lambda a: a.decided_at)
    delivered = [a for a in within(lambda a: a.closed_at) if a.status == CASE_DELIVERED]
    immediate = sum(a.immediate for a in opened)
    days = [_working_days(config, a) for a in delivered]
    on_time = sum(service_day(config, a.closed_at or a.opened_at) <= a.due for a in delivered)
    return ApplicationLine(
        kind=kind,
        id=id_,
        name=name,
        opened=len(opened),
        approved=sum(a.status != CASE_REJECTED and not a.immediate for a in decided),
        rejected=sum(a.status == CASE_REJECTED for a in decided),
        delivered=len(delivered),
        overdue=sum(a.status in RUNNING and a.due < day for a in apps),
        immediate=immediate,
        immediate_share=immediate / len(opened) if opened else None,
        mean_working_days=sum(days) / len(days) if days else None,
        on_time_rate=on_time / len(delivered) if delivered else None,
    )


def _working_days(config: HallConfig, app: Application) -> int:
    opened = service_day(config, app.opened_at)
    closed = service_day(config, app.closed_at or app.opened_at)
    return working_days_between(config, opened, closed)
