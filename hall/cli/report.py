"""`hall report`: write one day's report of a hall as HTML (with SVG charts) and CSV files."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from displays.i18n import LANGUAGES
from hall.cli.options import add_database
from hall.report import BadDate, ReportDay, daily_report, parse_date, render_html, write_csv_files
from hall.storage import SqlStore, open_store
from hall.storage.connect import UnsupportedDatabase, database_url

HTML_NAME = "report.html"


class CommandError(Exception):
    """What the user asked for cannot be done; the message says why."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hall", required=True, help="the hall's id")
    parser.add_argument(
        "--date", required=True, metavar="YYYY-MM-DD", help="the day, in the hall's time zone"
    )
    parser.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="where to write the files"
    )
    add_database(parser)
    parser.add_argument("--lang", choices=LANGUAGES, default=LANGUAGES[0], help="zh-CN or en")


def run(args: argparse.Namespace) -> int:
    try:
        written = write_report(args.database, args.hall, args.date, args.out, args.lang)
    except CommandError as error:
        print(f"hall report: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


def write_report(url: str, hall: str, day: str, out: Path, lang: str) -> list[Path]:
    """Write DIR/report.html and DIR/<table>.csv; the files written."""
    try:
        parse_date(day)
    except BadDate as error:
        raise CommandError(str(error)) from None
    store = _open(url)
    try:
        loaded = store.load_hall(hall)
        if loaded is None:
            raise CommandError(f"no hall {hall!r} in {_shown(url)}")
        config, now = loaded.state.config, time.time()
        if not ReportDay.of(day, config.timezone, now).begun:
            raise CommandError(f"{day} has not begun yet in {config.timezone}")
        report = daily_report(store.engine, config, day, now)
    finally:
        store.close()
    out.mkdir(parents=True, exist_ok=True)
    html = out / HTML_NAME
    html.write_text(render_html(report, lang), encoding="utf-8")
    return [html, *write_csv_files(report, out, lang)]


def _open(url: str) -> SqlStore:
    try:
        parsed = database_url(url)
    except UnsupportedDatabase as error:
        raise CommandError(str(error)) from None
    if parsed.get_backend_name() == "sqlite" and not Path(str(parsed.database)).exists():
        raise CommandError(f"no database at {parsed.database}")
    store = open_store(url)
    store.upgrade()
    return store


def _shown(url: str) -> str:
    """The database URL without its credentials."""
    return url.split("@")[-1]
