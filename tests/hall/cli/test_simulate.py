"""`hall simulate`, run as a user runs it: the real command line in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
HALL = EXAMPLES / "hall-small.json"
DEMAND = EXAMPLES / "demand.json"


def _hall(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hall", "simulate", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_json_output_has_the_documented_shape() -> None:
    done = _hall("--hall-config", HALL, "--demand", DEMAND, "--days", "2", "--seed", "3", "--json")
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    assert set(report["queues"]) == {"A", "B", "C"}
    for queue in report["queues"].values():
        assert {"tickets", "mean_wait_s", "p50_wait_s", "p90_wait_s", "service_level"} <= set(queue)
        assert queue["tickets"] > 0
        assert 0 <= queue["p50_wait_s"] <= queue["p90_wait_s"]
        assert 0 <= queue["service_level"] <= 1
    assert set(report["windows"]) == {str(i) for i in range(1, 9)}
    assert all(0 < w["utilisation"] < 1 for w in report["windows"].values())
    assert report["eta_mae_s"] >= 0
    assert 0 < report["runtime_s"] < 60
    assert (report["days"], report["seed"]) == (2, 3)


def test_the_same_seed_prints_the_same_figures() -> None:
    runs = [_hall("--hall-config", HALL, "--demand", DEMAND, "--seed", "5", "--json") for _ in "ab"]
    reports = [json.loads(run.stdout) for run in runs]
    for report in reports:
        del report["runtime_s"]
    assert reports[0] == reports[1]


def test_table_output_lists_queues_and_windows() -> None:
    done = _hall("--hall-config", HALL, "--demand", DEMAND)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("hall small: 1 day(s), seed 0")
    header = next(line for line in lines if line.startswith("queue"))
    assert "mean wait" in header and "p90" in header and "within 15 min" in header
    rows = {line.split()[0]: line.split() for line in lines if line[:2] in ("A ", "B ", "C ")}
    assert set(rows) == {"A", "B", "C"}
    assert all(row[-1].endswith("%") for row in rows.values())
    window_rows = [line.split() for line in lines if line[:1].isdigit()]
    assert [row[0] for row in window_rows] == [str(i) for i in range(1, 9)]
    assert "expected-wait error" in lines[-1]


def test_a_bad_demand_file_lists_every_problem(tmp_path: Path) -> None:
    demand = tmp_path / "demand.json"
    demand.write_text(json.dumps({"open": "9", "close": "17:00", "queues": {"Z": {}}}), "utf-8")
    done = _hall("--hall-config", HALL, "--demand", demand)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "open: must be HH:MM" in done.stderr
    assert "queues.Z.service: must be an object" in done.stderr
    assert "queues.Z: the hall has no queue 'Z'" in done.stderr


def test_a_missing_or_broken_file_is_reported(tmp_path: Path) -> None:
    missing = _hall("--hall-config", tmp_path / "none.json", "--demand", DEMAND)
    assert missing.returncode == 2
    assert "none.json" in missing.stderr and "cannot read" in missing.stderr
    broken = tmp_path / "hall.json"
    broken.write_text("{not json", "utf-8")
    done = _hall("--hall-config", broken, "--demand", DEMAND)
    assert done.returncode == 2
    assert "not JSON" in done.stderr


def test_an_invalid_hall_lists_its_problems(tmp_path: Path) -> None:
    document = json.loads(HALL.read_text("utf-8"))
    document["windows"] = []
    document["timezone"] = "Mars/Olympus"
    config = tmp_path / "hall.json"
    config.write_text(json.dumps(document), "utf-8")
    done = _hall("--hall-config", config, "--demand", DEMAND)
    assert done.returncode == 2
    assert "windows: must be a non-empty list" in done.stderr
    assert "timezone: must be an IANA time zone" in done.stderr


def test_days_must_be_positive() -> None:
    done = _hall("--hall-config", HALL, "--demand", DEMAND, "--days", "0")
    assert done.returncode == 2
    assert "--days" in done.stderr
