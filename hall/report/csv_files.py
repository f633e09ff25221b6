"""The report's tables as CSV files: one per table, a header row, UTF-8 with a byte order mark
(so Excel opens Chinese text correctly), CRLF line ends. Numbers stay raw: durations in whole
seconds, rates as fractions in [0, 1] (4 decimals), empty where there is nothing to measure.
Headers and kinds are in the report's language. Text that would start a formula gets a leading
apostrophe (`inert`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from displays.i18n import rating_label, resolve_language, t
from hall.report.figures import Durations, Report, StaffLine, SubjectLine
from metrics.figures import seconds

Cell = str | int | float | None
Table = tuple[list[str], list[list[Cell]]]

BOM = "\ufeff"


def write_csv_files(report: Report, directory: Path, lang: str = "zh-CN") -> list[Path]:
    """Every table as `DIRECTORY/<table>.csv`; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        path = directory / f"{name}.csv"
        path.write_bytes(csv_bytes(report, name, lang))
        written.append(path)
    return written


def csv_bytes(report: Report, name: str, lang: str = "zh-CN") -> bytes:
    """One table as the bytes of a CSV file; `KeyError` for a table that does not exist."""
    header, rows = TABLES[name](report, resolve_language(lang))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([inert(cell) for cell in header])
    writer.writerows([inert(cell) for cell in row] for row in rows)
    return (BOM + out.getvalue()).encode("utf-8")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a text cell as a formula (CSV injection)."""


def inert(cell: Cell) -> str | int | float:
    """A cell as written: text that a spreadsheet would run as a formula (names an administrator
    set, e.g. `=HYPERLINK(...)`) gets a leading apostrophe, which spreadsheets read as "text";
    numbers stay numbers, None is empty."""
    if cell is None:
        return ""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


# --- the tables ---------------------------------------------------------------------------------


def _s(lang: str, key: str) -> str:
    """A duration column's header: the label with its unit."""
    return t("report.col.seconds", lang, label=t(key, lang))


def _kind(line: SubjectLine, lang: str) -> str:
    return t(f"report.kind.{line.kind}", lang)


def _subjects(report: Report) -> list[SubjectLine]:
    return [*report.queues, *report.services, report.hall_line]


def _key(line: SubjectLine, report: Report) -> str:
    return line.id or report.hall


def _durations(d: Durations) -> list[Cell]:
    return [d.count, seconds(d.mean), seconds(d.p50), seconds(d.p90)]


def summary(report: Report, lang: str) -> Table:
    hall, bookings = report.hall_line, report.bookings_total
    peak_at = None if report.peak_at is None else report.day.local(report.peak_at)
    rows: list[tuple[str, Cell]] = [
        (t("report.col.issued", lang), hall.issued),
        (t("report.col.called", lang), hall.waits.count),
        (_s(lang, "report.col.mean_wait"), seconds(hall.waits.mean)),
        (_s(lang, "report.col.p50_wait"), seconds(hall.waits.p50)),
        (_s(lang, "report.col.p90_wait"), seconds(hall.waits.p90)),
        (t("report.col.within_target", lang), hall.within_target),
        (t("report.col.service_level", lang), hall.service_level),
        (t("report.col.served", lang), hall.service.count),
        (_s(lang, "report.col.mean_service"), seconds(hall.service.mean)),
        (_s(lang, "report.col.p50_service"), seconds(hall.service.p50)),
        (_s(lang, "report.col.p90_service"), seconds(hall.service.p90)),
        (t("report.col.no_shows", lang), hall.no_shows),
        (t("report.col.no_show_rate", lang), hall.no_show_rate),
        (t("report.col.ratings", lang), report.ratings),
        (t("report.col.good_ratings", lang), report.good_ratings),
        (t("report.col.good_rate", lang), report.good_rate),
        (t("report.col.active_rate", lang), report.active_rate),
        *((rating_label(score, lang), count) for score, count in report.ratings_by_score),
        (t("report.kpi.follow_ups", lang), len(report.cases)),
        *_follow_up_figures(report, lang),
        (t("report.col.booked", lang), bookings.booked),
        (t("report.col.kept", lang), bookings.kept),
        (t("report.col.late", lang), bookings.late),
        (t("report.col.missed", lang), bookings.missed),
        (t("report.col.cancelled", lang), bookings.cancelled),
        (t("report.col.pending", lang), bookings.pending),
        (t("report.col.help_raised", lang), report.help.raised),
        (t("report.col.help_claimed", lang), report.help.claimed),
        (t("report.col.help_closed", lang), report.help.closed),
        (_s(lang, "report.col.help_claim_wait"), seconds(report.help.claim_wait.mean)),
        (t("report.col.assisted", lang), report.help.assisted),
        (t("report.kpi.peak_waiting", lang), report.peak_waiting),
        (t("report.kpi.peak_at", lang), peak_at.strftime("%H:%M:%S") if peak_at else None),
    ]
    header = [t("report.col.figure", lang), t("report.col.value", lang)]
    return header, [[label, value] for label, value in rows]


def tickets_by_hour(report: Report, lang: str) -> Table:
    header = [t("report.col.id", lang), t("report.col.service", lang)]
    header += [hour.label for hour in report.hours] + [t("report.col.total", lang)]
    rows: list[list[Cell]] = [
        [line.service, line.name, *line.per_hour, line.total] for line in report.issued
    ]
    totals = [hour.issued for hour in report.hours]
    rows.append(["", t("report.col.total", lang), *totals, report.hall_line.issued])
    return header, rows


def waits(report: Report, lang: str) -> Table:
    header = [
        t("report.col.kind", lang),
        t("report.col.id", lang),
        t("report.col.name", lang),
        t("report.col.called", lang),
        _s(lang, "report.col.mean_wait"),
        _s(lang, "report.col.p50_wait"),
        _s(lang, "report.col.p90_wait"),
        t("report.col.within_target", lang),
        t("report.col.service_level", lang),
    ]
    rows = [
        [
            _kind(line, lang),
            _key(line, report),
            line.name,
            *_durations(line.waits),
            line.within_target,
            line.service_level,
        ]
        for line in _subjects(report)
    ]
    return header, rows


def service_times(report: Report, lang: str) -> Table:
    header = [
        t("report.col.kind", lang),
        t("report.col.id", lang),
        t("report.col.name", lang),
        t("report.col.served", lang),
        _s(lang, "report.col.mean_service"),
        _s(lang, "report.col.p50_service"),
        _s(lang, "report.col.p90_service"),
    ]
    rows = [
        [_kind(line, lang), _key(line, report), line.name, *_durations(line.service)]
        for line in _subjects(report)
    ]
    return header, rows


def _staff_columns(lang: str) -> list[str]:
    return [
        t("report.col.called", lang),
        t("report.col.served", lang),
        _s(lang, "report.col.mean_service"),
        t("report.col.no_shows", lang),
        t("report.col.ratings", lang),
        t("report.col.good_ratings", lang),
        t("report.col.good_rate", lang),
        t("report.col.active_rate", lang),
    ]


def _staff_cells(line: StaffLine) -> list[Cell]:
    return [
        line.called,
        line.service.count,
        seconds(line.service.mean),
        line.no_shows,
        line.ratings,
        line.good_ratings,
        line.good_rate,
        line.active_rate,
    ]


def windows(report: Report, lang: str) -> Table:
    header = [t("report.col.id", lang), t("report.col.window", lang), *_staff_columns(lang)]
    return header, [[w.id, w.name, *_staff_cells(w)] for w in report.windows]


def clerks(report: Report, lang: str) -> Table:
    header = [
        t("report.col.staff_number", lang),
        t("report.col.clerk", lang),
        t("report.col.windows", lang),
        _s(lang, "report.col.signed_in"),
        *_staff_columns(lang),
    ]
    rows = [
        [c.id, c.name, " ".join(c.windows), seconds(c.signed_in_s), *_staff_cells(c)]
        for c in report.clerks
    ]
    return header, rows


def no_shows(report: Report, lang: str) -> Table:
    header = [
        t("report.col.kind", lang),
        t("report.col.id", lang),
        t("report.col.name", lang),
        t("report.col.called", lang),
        t("report.col.no_shows", lang),
        t("report.col.no_show_rate", lang),
    ]
    rows = [
        [
            _kind(line, lang),
            _key(line, report),
            line.name,
            line.waits.count,
            line.no_shows,
            line.no_show_rate,
        ]
        for line in _subjects(report)
    ]
    return header, rows


def appointments(report: Report, lang: str) -> Table:
    header = [
        t("report.col.id", lang),
        t("report.col.service", lang),
        t("report.col.booked", lang),
        t("report.col.kept", lang),
        t("report.col.late", lang),
        t("report.col.missed", lang),
        t("report.col.cancelled", lang),
        t("report.col.pending", lang),
    ]
    lines = [*report.bookings, report.bookings_total]
    rows: list[list[Cell]] = [
        [
            line.id,
            line.name if line.id else t("report.col.total", lang),
            line.booked,
            line.kept,
            line.late,
            line.missed,
            line.cancelled,
            line.pending,
        ]
        for line in lines
    ]
    return header, rows


def follow_ups(report: Report, lang: str) -> Table:
    header = [
        t("report.col.case", lang),
        t("report.col.number", lang),
        t("report.col.id", lang),
        t("report.col.window", lang),
        t("report.col.staff_number", lang),
        t("report.col.clerk", lang),
        t("report.col.score", lang),
        t("report.col.opened_at", lang),
        t("report.col.deadline", lang),
        t("report.col.status", lang),
        t("report.col.overdue", lang),
    ]
    local = report.day.local
    rows: list[list[Cell]] = [
        [
            c.case,
            c.number,
            c.window,
            c.window_name,
            c.clerk,
            c.clerk_name,
            c.score,
            local(c.opened_at).strftime("%Y-%m-%d %H:%M"),
            local(c.deadline).strftime("%Y-%m-%d %H:%M"),
            _status(c.status, lang),
            t("report.yes" if c.overdue else "report.no", lang),
        ]
        for c in report.cases
    ]
    return header, rows


def cases(report: Report, lang: str) -> Table:
    """Cases (办件) per office, per service and for the hall (`applications.py`)."""
    header = [
        t("report.cases.col.kind", lang),
        t("report.col.id", lang),
        t("report.cases.col.subject", lang),
        *(
            t(f"report.cases.col.{key}", lang)
            for key in ("opened", "approved", "rejected", "delivered", "overdue", "immediate")
        ),
        t("report.cases.col.immediate_share", lang),
        t("report.cases.col.mean_days", lang),
        t("report.cases.col.on_time", lang),
    ]
    rows: list[list[Cell]] = [
        [
            t(f"report.cases.kind.{line.kind}", lang) if line.kind else "",
            line.id,
            line.name if line.id else t("report.col.total", lang),
            line.opened,
            line.approved,
            line.rejected,
            line.delivered,
            line.overdue,
            line.immediate,
            _share(line.immediate_share),
            None if line.mean_working_days is None else round(line.mean_working_days, 2),
            _share(line.on_time_rate),
        ]
        for line in report.applications
    ]
    return header, rows


def _follow_up_figures(report: Report, lang: str) -> list[tuple[str, Cell]]:
    """差评整改率, 回访率, 回访满意率 and complaints answered on time, over the follow-ups
    opened that day (docs/follow-ups.md); empty where there is nothing to count."""
    cases = report.cases
    ratings = [c for c in cases if c.type == "rating"]
    complaints = [c for c in cases if c.type == "complaint"]
    answered = [c for c in cases if c.satisfied is not None]
    reached = sum(c.outcome == "reached" for c in cases)

    def rate(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    return [
        (t("report.kpi.rectify_rate", lang), rate(sum(c.on_time for c in ratings), len(ratings))),
        (t("report.kpi.callback_rate", lang), rate(reached, len(cases))),
        (
            t("report.kpi.satisfaction_rate", lang),
            rate(sum(bool(c.satisfied) for c in answered), len(answered)),
        ),
        (
            t("report.kpi.complaints_on_time", lang),
            rate(sum(c.on_time for c in complaints), len(complaints)),
        ),
    ]


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _status(status: str, lang: str) -> str:
    try:
        return t(f"report.status.{status}", lang)
    except KeyError:
        return status


def waiting_profile(report: Report, lang: str) -> Table:
    header = [
        t("report.col.hour", lang),
        t("report.col.issued", lang),
        t("report.col.called", lang),
        _s(lang, "report.col.mean_wait"),
        t("report.col.waiting_mean", lang),
        t("report.col.waiting_peak", lang),
    ]
    rows: list[list[Cell]] = [
        [
            h.label,
            h.issued,
            h.called,
            seconds(h.mean_wait),
            round(h.waiting_mean, 2),
            h.waiting_peak,
        ]
        for h in report.hours
    ]
    return header, rows


def ratings(report: Report, lang: str) -> Table:
    header = [t("report.col.score", lang), t("report.col.level", lang), t("report.col.count", lang)]
    rows: list[list[Cell]] = [
        [score, rating_label(score, lang), count] for score, count in report.ratings_by_score
    ]
    return header, rows


TABLES: dict[str, Callable[[Report, str], Table]] = {
    "summary": summary,
    "tickets_by_hour": tickets_by_hour,
    "waiting_profile": waiting_profile,
    "waits": waits,
    "service_times": service_times,
    "windows": windows,
    "clerks": clerks,
    "ratings": ratings,
    "no_shows": no_shows,
    "appointments": appointments,
    "follow_ups": follow_ups,
    "cases": cases,
}
"""Every table, in the report's order: the name is the file's (`<name>.csv`)."""
