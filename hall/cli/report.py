"""`hall report`: write one day's report of a hall as HTML (with SVG charts) and CSV files.

A day without a ticket or an appointment writes nothing and exits 1, unless `--allow-empty`.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from displays.i18n import LANGUAGES
from hall.cli.errors import FAILED, USAGE, CliError
from hall.cli.options import add_database
from hall.cli.services import database_errors, open_database, shown
from hall.report import (
    BadDate,
    Report,
    ReportDay,
    daily_report,
    parse_date,
    render_html,
    write_csv_files,
)
from hall.report.follow_ups import BadMonth, Month, month_csv, read_month

HTML_NAME = "report.html"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hall", required=True, help="the hall's id")
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", metavar="YYYY-MM-DD", help="the day, in the hall's time zone")
    when.add_argument(
        "--month",
        metavar="YYYY-MM",
        help="instead of a day's report, the month's follow-up ledger (整改台账: "
        "follow-ups.csv, one row per follow-up opened in the month)",
    )
    parser.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="where to write the files"
    )
    add_database(parser)
    parser.add_argument("--lang", choices=LANGUAGES, default=LANGUAGES[0], help="zh-CN or en")
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="write the report of a day without any ticket or appointment too (by default "
        "nothing is written and the status is 1)",
    )


def run(args: argparse.Namespace) -> int:
    if args.month is not None:
        print(write_ledger(args.database, args.hall, args.month, args.out, args.lang))
        return 0
    report = read_report(args.database, args.hall, args.date)
    if _empty(report) and not args.allow_empty:
        raise CliError(
            f"no tickets or appointments on {args.date} in hall {args.hall!r}; nothing written "
            "(check --date, or give --allow-empty to write the empty report)",
            FAILED,
        )
    for path in write_report(report, args.out, args.lang):
        print(path)
    return 0


def read_report(url: str, hall: str, day: str) -> Report:
    """The figures of the day; `CliError` for a malformed date, a missing database or hall,
    a day not begun."""
    try:
        parse_date(day)
    except BadDate as error:
        raise CliError(str(error), USAGE) from None
    store = open_database(url, must_exist=True)
    try:
        with database_errors(url):
            loaded = store.load_hall(hall)
            if loaded is None:
                raise CliError(f"no hall {hall!r} in {shown(url)}: check --hall", USAGE)
            config, now = loaded.state.config, time.time()
            if not ReportDay.of(day, config.timezone, now).begun:
                raise CliError(f"{day} has not begun yet in {config.timezone}", USAGE)
            return daily_report(store.engine, config, day, now)
    finally:
        store.close()


def write_ledger(url: str, hall: str, month: str, out: Path, lang: str) -> Path:
    """Write DIR/follow-ups-YYYY-MM.csv, the month's follow-up ledger; the file written."""
    store = open_database(url, must_exist=True)
    try:
        with database_errors(url):
            loaded = store.load_hall(hall)
            if loaded is None:
                raise CliError(f"no hall {hall!r} in {shown(url)}: check --hall", USAGE)
            config = loaded.state.config
            try:
                rows = read_month(store.engine, config, Month.of(month, config.timezone))
            except BadMonth as error:
                raise CliError(str(error), USAGE) from None
    finally:
        store.close()
    try:
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"follow-ups-{month}.csv"
        path.write_bytes(month_csv(config, rows, lang))
    except OSError as error:
        reason = error.strerror or str(error)
        raise CliError(f"cannot write {out}: {reason}; choose another --out", FAILED) from error
    return path


def write_report(report: Report, out: Path, lang: str) -> list[Path]:
    """Write DIR/report.html and DIR/<table>.csv; the files written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        html = out / HTML_NAME
        html.write_text(render_html(report, lang), encoding="utf-8")
        return [html, *write_csv_files(report, out, lang)]
    except OSError as error:
        reason = error.strerror or str(error)
        where = error.filename or out
        raise CliError(
            f"cannot write the report to {where}: {reason}; choose another --out", FAILED
        ) from error


def _empty(report: Report) -> bool:
    return report.hall_line.issued == 0 and report.bookings_total.booked == 0
