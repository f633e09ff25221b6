"""The daily report of a hall (issue 5): an HTML page with SVG charts and CSV tables of one
service day. See docs/report.md.

    from hall.report import daily_report, render_html, write_csv_files, csv_bytes, TABLES

    report = daily_report(store.engine, config, "2026-11-22", now)   # figures, up to `now`
    html = render_html(report, "zh-CN")                              # one self-contained page
    write_csv_files(report, Path("out"), "zh-CN")                    # out/<table>.csv
    csv_bytes(report, "waits", "en")                                 # one table's file

| module | what it holds |
|---|---|
| `day.py` | the service day: local midnight to local midnight, hour slots |
| `queries.py` | the day's rows from the database (read models and the day's events) |
| `rows.py` | those rows as plain values (no personal data) |
| `steps.py` | the day's events folded into waits, service steps, no-shows, waiting stays |
| `figures.py` | rows -> the report's figures (pure) |
| `svg.py`, `charts.py` | server-side SVG charts; which figures each chart draws |
| `render.py`, `text.py`, `templates/` | the HTML page (Jinja2, inline CSS); number formats |
| `csv_files.py` | the CSV tables |

The command `hall report` is `hall/cli/report.py`; the HTTP routes
(`GET /api/halls/{hall}/reports/{date}` and `.../{table}.csv`) are `hall/server/reports.py`.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from hall.report.csv_files import TABLES, csv_bytes, write_csv_files
from hall.report.day import BadDate, ReportDay, parse_date
from hall.report.figures import Report, build
from hall.report.queries import read_day
from hall.report.render import CONTENT_SECURITY_POLICY, render_html
from queueing.config import HallConfig


def daily_report(engine: Engine, config: HallConfig, day: str, now: float) -> Report:
    """The figures of `config`'s hall on `day` (YYYY-MM-DD, the hall's local date), counted up
    to `now` (epoch seconds); `BadDate` for a malformed date."""
    return build(read_day(engine, config, ReportDay.of(day, config.timezone, now)))


__all__ = [
    "CONTENT_SECURITY_POLICY",
    "TABLES",
    "BadDate",
    "Report",
    "ReportDay",
    "csv_bytes",
    "daily_report",
    "parse_date",
    "render_html",
    "write_csv_files",
]
