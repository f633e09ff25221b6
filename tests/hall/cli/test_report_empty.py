"""`hall report` for a day without a ticket: nothing written, status 1, unless --allow-empty."""

from __future__ import annotations

from pathlib import Path

from hall.report import TABLES
from tests.hall.cli.running import hall
from tests.hall.report.scripted_day import HALL, PlayedDay

EMPTY_DAY = "2026-11-10"  # the scripted day's database has nothing that day


def test_an_empty_day_writes_nothing_and_says_so(played: PlayedDay, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = hall(
        "report", f"--hall={HALL}", f"--date={EMPTY_DAY}", f"--out={out}",
        f"--database={played.url}",
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"hall report: no tickets or appointments on {EMPTY_DAY} in hall '{HALL}'; nothing "
        "written (check --date, or give --allow-empty to write the empty report)"
    ]
    assert not out.exists()


def test_allow_empty_writes_the_empty_report(played: PlayedDay, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = hall(
        "report", f"--hall={HALL}", f"--date={EMPTY_DAY}", f"--out={out}",
        f"--database={played.url}", "--allow-empty",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    written = {Path(line).name for line in done.stdout.splitlines()}
    assert written == {"report.html", *(f"{name}.csv" for name in TABLES)}
