"""The monthly follow-up ledger (整改台账) in the form halls send upward: one row per follow-up
opened in the month (差评整改, 投诉, 回访) with its dates and outcome, then the month's figures
(差评整改率, 回访率, 回访满意率, complaints answered on time, overdue).

Read from the `follow_ups` read model only: no citizen's words, phones or booking codes. The
rectification (what the hall changed) is the staff's own text and is part of the ledger.
`hall report --month YYYY-MM` writes it; `GET /api/halls/{hall}/follow-ups/{YYYY-MM}.csv` serves
it (the admin token).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from displays.i18n import resolve_language, t
from hall.report.csv_files import BOM, Cell, inert
from hall.storage import tables as t_
from queueing.config import HallConfig

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
COLUMNS = (
    "case",
    "type",
    "channel",
    "number",
    "window",
    "clerk",
    "service",
    "score",
    "status",
    "assignee",
    "opened_at",
    "callback_due",
    "called_back_at",
    "outcome",
    "attempts",
    "rectified_at",
    "rectification",
    "deadline",
    "closed_at",
    "satisfied",
    "on_time",
    "overdue",
)


class BadMonth(ValueError):
    """A month that is not YYYY-MM."""


@dataclass(frozen=True, slots=True)
class Month:
    """A calendar month in a hall's time zone: `start` and `end` (exclusive), UTC."""

    name: str
    start: datetime
    end: datetime

    @classmethod
    def of(cls, name: str, timezone: str) -> Month:
        match = MONTH.match(name)
        if match is None:
            raise BadMonth(f"month: {name!r} is not YYYY-MM")
        year, month = int(match.group(1)), int(match.group(2))
        zone = ZoneInfo(timezone)
        start = datetime(year, month, 1, tzinfo=zone)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
        return cls(name, start.astimezone(UTC), end.astimezone(UTC))


def read_month(engine: Engine, config: HallConfig, month: Month) -> list[dict[str, object]]:
    """The follow-ups of `config`'s hall opened in `month`, oldest first."""
    table = t_.follow_ups
    columns = [table.c[name] for name in COLUMNS if name not in ("on_time",)]
    query = (
        sa.select(*columns)
        .where(
            table.c.hall == config.id,
            table.c.opened_at >= month.start,
            table.c.opened_at < month.end,
        )
        .order_by(table.c.opened_at, table.c.case)
    )
    with engine.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
    for row in rows:
        closed, deadline = row["closed_at"], row["deadline"]
        row["on_time"] = None if closed is None else _aware(closed) <= _aware(deadline)
    return rows


def _aware(value: object) -> datetime:
    assert isinstance(value, datetime)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def month_figures(rows: list[dict[str, object]]) -> dict[str, float | int | None]:
    """The month's figures from its ledger rows (see `queueing.follow_ups.figures`)."""
    ratings = [r for r in rows if r["type"] == "rating"]
    complaints = [r for r in rows if r["type"] == "complaint"]
    answered = [r for r in rows if r["satisfied"] is not None]
    reached = sum(r["outcome"] == "reached" for r in rows)
    return {
        "opened": len(rows),
        "rectify_rate": _rate(sum(r["on_time"] is True for r in ratings), len(ratings)),
        "callback_rate": _rate(reached, len(rows)),
        "satisfaction_rate": _rate(sum(r["satisfied"] is True for r in answered), len(answered)),
        "complaints": len(complaints),
        "complaints_on_time": sum(r["on_time"] is True for r in complaints),
        "overdue": sum(bool(r["overdue"]) for r in rows),
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def month_csv(config: HallConfig, rows: list[dict[str, object]], lang: str = "zh-CN") -> bytes:
    """The ledger as CSV bytes (UTF-8 with a BOM, for spreadsheets): a header, a row per
    follow-up, an empty line, then the figures as label/value pairs."""
    lang = resolve_language(lang)
    zone = ZoneInfo(config.timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([t(f"follow_up.col.{name}", lang) for name in COLUMNS])
    for row in rows:
        writer.writerow([inert(_cell(name, row[name], zone, lang)) for name in COLUMNS])
    writer.writerow([])
    for name, value in month_figures(rows).items():
        writer.writerow([t(f"follow_up.figure.{name}", lang), "" if value is None else value])
    return (BOM + out.getvalue()).encode("utf-8")


_WORDS = frozenset({"type", "status", "outcome", "channel"})
"""Columns whose codes are written in words (`follow_up.type.rating` -> 差评整改)."""


def _cell(name: str, value: object, zone: ZoneInfo, lang: str) -> Cell:
    if name in _WORDS and isinstance(value, str):
        return t(f"follow_up.{name}.{value}", lang)
    if isinstance(value, bool):
        return t("follow_up.yes" if value else "follow_up.no", lang)
    if isinstance(value, datetime):
        return _aware(value).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)
