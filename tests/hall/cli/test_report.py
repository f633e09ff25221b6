"""`hall report`, run as a user runs it: the real command line in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hall.report import TABLES, csv_bytes
from tests.hall.report.conftest import report_of
from tests.hall.report.scripted_day import DAY, HALL, HALL_NAME, PlayedDay


def _hall_report(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hall", "report", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_report_is_written_and_its_files_listed(played: PlayedDay, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _hall_report("--hall", HALL, "--date", DAY, "--out", str(out), "--database", played.url)
    assert done.returncode == 0, done.stderr
    expected = [out / "report.html", *(out / f"{name}.csv" for name in TABLES)]
    assert done.stdout.splitlines() == [str(path) for path in expected]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"<h1>{HALL_NAME}运行日报</h1>" in html and html.count("<svg") == 5
    # The same figures as the library computes (a finished day: `now` changes nothing here).
    report = report_of(played)
    for name in ("tickets_by_hour", "waits", "service_times", "windows", "clerks", "no_shows"):
        assert (out / f"{name}.csv").read_bytes() == csv_bytes(report, name, "zh-CN"), name


def test_english_on_request(played: PlayedDay, tmp_path: Path) -> None:
    done = _hall_report(
        "--hall",
        HALL,
        "--date",
        DAY,
        "--out",
        str(tmp_path),
        "--database",
        played.url,
        "--lang",
        "en",
    )
    assert done.returncode == 0, done.stderr
    assert "daily report" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert (tmp_path / "waits.csv").read_text(encoding="utf-8-sig").startswith("Kind,ID,Name")


def test_an_unknown_hall_or_a_bad_date_exits_2(played: PlayedDay, tmp_path: Path) -> None:
    cases = [
        (("--hall", "nowhere", "--date", DAY), "no hall 'nowhere'"),
        (("--hall", HALL, "--date", "2026-02-30"), "no such day"),
        (("--hall", HALL, "--date", "22/11/2026"), "write it YYYY-MM-DD"),
        (("--hall", HALL, "--date", "2999-01-01"), "has not begun yet"),
    ]
    for args, message in cases:
        done = _hall_report(*args, "--out", str(tmp_path / "x"), "--database", played.url)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr, (args, done.stderr)
        assert done.stdout == ""
    assert not (tmp_path / "x").exists()


def test_a_missing_database_file_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    done = _hall_report(
        "--hall", HALL, "--date", DAY, "--out", str(tmp_path), "--database", f"sqlite:///{missing}"
    )
    assert done.returncode == 2
    assert "no database at" in done.stderr
    assert not missing.exists()
