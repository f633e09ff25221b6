"""Every figure of the report's CSV files against values worked out by hand from the scripted
day (tests/hall/report/scripted_day.py has the day as a table), on SQLite and PostgreSQL.

The evening before and the first minutes after the day have tickets, services, ratings, a
follow-up case and appointments of their own: had the day's boundary (local midnight, 16:00
UTC) been off, the counts below would differ.
"""

from __future__ import annotations

import pytest

from hall.report.figures import Report
from tests.hall.report.conftest import by, report_of, rows_of
from tests.hall.report.scripted_day import PlayedDay


@pytest.fixture(scope="module")
def report(played_anywhere: PlayedDay) -> Report:
    return report_of(played_anywhere)


HOURS = [f"{h:02d}:00" for h in range(24)]


def test_tickets_per_service_and_hour(report: Report) -> None:
    rows = rows_of(report, "tickets_by_hour")
    # A ticket at 00:02 and one at 23:50 make the whole day active, and no more than it.
    assert list(rows[0]) == ["ID", "Service", *HOURS, "Total"]
    social = {"00:00": 1, "09:00": 3, "10:00": 1, "13:00": 1, "14:00": 1}  # A001-A007
    tax = {"09:00": 1, "10:00": 1, "15:00": 1, "23:00": 1}  # B001-B004
    lines = by(rows, "ID")
    for service, expected, total in (("social", social, 7), ("tax", tax, 4), ("newborn", {}, 0)):
        line = lines[service]
        assert {h: int(line[h]) for h in HOURS} == {h: expected.get(h, 0) for h in HOURS}
        assert int(line["Total"]) == total
    assert lines["social"]["Service"] == "社保医保"
    totals = lines[""]
    assert totals["Service"] == "Total"
    assert [int(totals[h]) for h in HOURS] == [social.get(h, 0) + tax.get(h, 0) for h in HOURS]
    assert int(totals["Total"]) == 11


def test_waits_per_queue_service_and_hall(report: Report) -> None:
    rows = by(rows_of(report, "waits"), "ID")
    columns = (
        "Called",
        "Mean wait (s)",
        "Median wait (s)",
        "90th pct. wait (s)",
        "Called within target",
        "Service level",
    )
    # Queue A: 180, 360, 480, 120, 120, 300, 120 (A007's first wait): all within 10 minutes.
    #   sum 1680 / 7 = 240; sorted 120 120 120 180 300 360 480: rank 4 -> 180, rank 7 -> 480.
    # Queue B: 720, 1500, 1200, 360 (A007 after its transfer): sum 3780 / 4 = 945;
    #   sorted 360 720 1200 1500: rank 2 -> 720, rank 4 -> 1500; within: 360 only.
    # Service social: queue A's waits and A007's 360 in B: 2040 / 8 = 255; rank 4 -> 180,
    #   rank 8 -> 480. Service tax: 720, 1500, 1200: 1140, rank 2 -> 1200, rank 3 -> 1500.
    # Hall: 11 waits, 5460 / 11 = 496.4; sorted 120 120 120 180 300 360 360 480 720 1200 1500:
    #   rank 6 -> 360, rank 10 -> 1200; 8 within target.
    expected = {
        "A": ("7", "240", "180", "480", "7", "1.0"),
        "B": ("4", "945", "720", "1500", "1", "0.25"),
        "social": ("8", "255", "180", "480", "8", "1.0"),
        "tax": ("3", "1140", "1200", "1500", "0", "0.0"),
        "newborn": ("0", "", "", "", "0", ""),
        "rpt": ("11", "496", "360", "1200", "8", "0.7273"),
    }
    assert {key: tuple(rows[key][c] for c in columns) for key in expected} == expected
    assert [rows[k]["Kind"] for k in ("A", "social", "rpt")] == ["Queue", "Service", "Whole hall"]


def test_service_times(report: Report) -> None:
    rows = by(rows_of(report, "service_times"), "ID")
    columns = (
        "Finished",
        "Mean service time (s)",
        "Median service time (s)",
        "90th pct. service time (s)",
    )
    # Steps served in A: 240, 480, 600 (from the call: no start), 480, 1080, 600
    #   -> 3480 / 6 = 580; sorted 240 480 480 600 600 1080: rank 3 -> 480, rank 6 -> 1080.
    # In B: 720, 600 (A007 after its transfer), 540 -> 620; rank 2 -> 600, rank 3 -> 720.
    # social: A's six and A007's 600: 4080 / 7 = 582.9; rank 4 -> 600, rank 7 -> 1080.
    # tax: 720, 540 -> 630; rank 1 -> 540, rank 2 -> 720. Hall: 5340 / 9 = 593.3.
    expected = {
        "A": ("6", "580", "480", "1080"),
        "B": ("3", "620", "600", "720"),
        "social": ("7", "583", "600", "1080"),
        "tax": ("2", "630", "540", "720"),
        "rpt": ("9", "593", "600", "1080"),
    }
    assert {key: tuple(rows[key][c] for c in columns) for key in expected} == expected


STAFF_COLUMNS = (
    "Called",
    "Finished",
    "Mean service time (s)",
    "No-shows",
    "Ratings",
    "Good ratings",
    "Good-rating rate",
    "Active-rating rate",
)


def test_windows(report: Report) -> None:
    rows = by(rows_of(report, "windows"), "ID")
    # Window 1: calls A001 A002 B001 B002 A007 B003; finished A001 240, A002 480, B001 720,
    #   B003 540 -> 495; B002 a no-show; rated 4, 5, 5 (B003 never rated): 3 of 4 finished.
    # Window 2: calls A003 A004 A005 A006 A007; finished 600 480 1080 600 600 -> 672;
    #   rated 1, 3, 5, 4 (A004 never rated): good 2 of 4, 4 of 5 finished rated.
    assert {key: tuple(rows[key][c] for c in STAFF_COLUMNS) for key in ("1", "2")} == {
        "1": ("6", "4", "495", "1", "3", "3", "1.0", "0.75"),
        "2": ("5", "5", "672", "0", "4", "2", "0.5", "0.8"),
    }
    assert rows["2"]["Window"] == "2号窗口"


def test_clerks(report: Report) -> None:
    rows = by(rows_of(report, "clerks"), "Staff No.")
    # 1001 signed in 00:03-00:12, 09:00-12:00, 12:01-17:00: 540 + 10800 + 17940 s;
    #   calls A001 A002 B001 B002 (window 1) A006 A007 (window 2); finished 240 480 720 600
    #   600 -> 528; rated 4 5 5 5 4. Its session of the evening before does not count.
    # 1002 signed in 09:00-12:00, 12:01-17:00: 10800 + 17940 s; calls A003 A004 A005
    #   (window 2) A007 B003 (window 1); finished 600 480 1080 540 -> 675; rated 1 and 3.
    assert {key: tuple(rows[key][c] for c in STAFF_COLUMNS) for key in ("1001", "1002")} == {
        "1001": ("6", "5", "528", "1", "5", "5", "1.0", "1.0"),
        "1002": ("5", "4", "675", "0", "2", "0", "0.0", "0.5"),
    }
    assert [rows[k]["Signed in (s)"] for k in ("1001", "1002")] == ["29280", "28740"]
    assert [rows[k]["Clerk"] for k in ("1001", "1002")] == ["王晓丽", "李明"]
    assert rows["1001"]["Windows"] == rows["1002"]["Windows"] == "1 2"


def test_no_shows(report: Report) -> None:
    rows = by(rows_of(report, "no_shows"), "ID")
    columns = ("Called", "No-shows", "No-show rate")
    assert {key: tuple(rows[key][c] for c in columns) for key in ("A", "B", "tax", "rpt")} == {
        "A": ("7", "0", "0.0"),
        "B": ("4", "1", "0.25"),  # B002
        "tax": ("3", "1", "0.3333"),
        "rpt": ("11", "1", "0.0909"),
    }


def test_appointments(report: Report) -> None:
    rows = by(rows_of(report, "appointments"), "ID")
    columns = ("Booked", "Checked in", "Late check-ins", "Missed", "Cancelled", "Not yet due")
    # social: 10:00 kept, 14:00 cancelled (its 10:00 of the next day is not this day's);
    # tax: 11:00 missed, 15:00 checked in at 15:20, after the 15-minute limit.
    assert {key: tuple(rows[key][c] for c in columns) for key in ("social", "tax", "")} == {
        "social": ("2", "1", "0", "0", "1", "0"),
        "tax": ("2", "1", "1", "1", "0", "0"),
        "": ("4", "2", "1", "1", "1", "0"),
    }


def test_follow_up_cases_opened_that_day(report: Report) -> None:
    rows = rows_of(report, "follow_ups")
    # Only A003's rating of 1; the next day's rating of 2 opens a case of that day.
    assert rows == [
        {
            "Case": "FU-20261122-A003",
            "Ticket": "A003",
            "ID": "2",
            "Window": "2号窗口",
            "Staff No.": "1002",
            "Clerk": "李明",
            "Score": "1",
            "Opened": "2026-11-22 09:20",
            "Due": "2026-12-08 00:00",  # 15 working days to rectify, by closing (24:00)
            "Status": "Open",
            "Overdue": "No",
        }
    ]


def test_ratings_and_summary(report: Report) -> None:
    scores = {row["Score"]: int(row["Count"]) for row in rows_of(report, "ratings")}
    assert scores == {"5": 3, "4": 2, "3": 1, "2": 0, "1": 1}
    summary = {row["Figure"]: row["Value"] for row in rows_of(report, "summary")}
    assert summary["Issued"] == "11"
    assert summary["Finished"] == "9"
    assert summary["Ratings"] == "7"
    assert summary["Good ratings"] == "5"
    assert summary["Good-rating rate"] == "0.7143"  # 5 / 7
    assert summary["Active-rating rate"] == "0.7778"  # 7 / 9
    assert summary["Very dissatisfied"] == "1"
    assert summary["Follow-up cases"] == "1"
    assert summary["Service level"] == "0.7273"  # 8 / 11
    # A002 (09:00), A003 (09:02) and B001 (09:04) wait together until A002 is called at 09:06.
    assert (summary["Most waiting at once"], summary["Most waiting at"]) == ("3", "09:04:00")


def test_waiting_profile(report: Report) -> None:
    rows = by(rows_of(report, "waiting_profile"), "Hour")
    assert list(rows) == HOURS
    columns = ("Issued", "Called", "Mean wait (s)", "Mean waiting", "Most waiting")
    # Tickets waiting, in person-seconds per hour / 3600:
    # 00: A001 180 -> 0.05. 09: A002 360 + A003 480 + B001 720 + A004 120 -> 0.47.
    # 10: B002 1500 + A005 120 -> 0.45. 13: A006 300 -> 0.08. 14: A007 120 + 360 -> 0.13.
    # 15: B003 1200 -> 0.33. 23: B004 from 23:50 to midnight, 600 -> 0.17.
    expected = {
        "00:00": ("1", "1", "180", "0.05", "1"),
        "09:00": ("4", "4", "420", "0.47", "3"),  # waits 360 480 720 120
        "10:00": ("2", "2", "810", "0.45", "2"),  # waits 120 1500
        "13:00": ("1", "1", "300", "0.08", "1"),
        "14:00": ("1", "2", "240", "0.13", "1"),  # A007 twice: 120, 360
        "15:00": ("1", "1", "1200", "0.33", "1"),
        "23:00": ("1", "0", "", "0.17", "1"),
    }
    quiet = ("0", "0", "", "0.0", "0")
    assert {h: tuple(rows[h][c] for c in columns) for h in HOURS} == {
        h: expected.get(h, quiet) for h in HOURS
    }
