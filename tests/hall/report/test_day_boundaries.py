"""The day is the hall's local day, [local midnight, next local midnight): the evening before
and the next morning have reports of their own, and today's report stops at the present."""

from __future__ import annotations

from hall.report import render_html
from tests.hall.report.conftest import by, report_of, rows_of
from tests.hall.report.scripted_day import AFTER, BEFORE, DAY, PlayedDay, local


def test_today_is_counted_up_to_now(played: PlayedDay) -> None:
    report = report_of(played, DAY, local(DAY, "09:05").timestamp())
    assert report.day.partial
    summary = {row["Figure"]: row["Value"] for row in rows_of(report, "summary")}
    assert (summary["Issued"], summary["Called"], summary["Finished"]) == ("4", "1", "1")
    profile = by(rows_of(report, "waiting_profile"), "Hour")
    assert list(profile) == [f"{h:02d}:00" for h in range(10)]  # nothing after 09:05
    # In the five minutes of 09:00 so far: A002 waits 300 s, A003 180 s, B001 60 s -> 540 / 300.
    assert (profile["09:00"]["Mean waiting"], profile["09:00"]["Most waiting"]) == ("1.8", "3")
    assert profile["09:00"]["Issued"] == "3" and profile["09:00"]["Called"] == "0"
    assert "当日数据，截至 09:05" in render_html(report, "zh-CN")
    assert "Today so far, up to 09:05" in render_html(report, "en")


def test_a_finished_day_is_not_partial(played: PlayedDay) -> None:
    report = report_of(played)
    assert not report.day.partial
    assert "截至" not in render_html(report, "zh-CN")


def test_the_evening_before_is_its_own_day(played: PlayedDay) -> None:
    report = report_of(played, BEFORE)
    summary = {row["Figure"]: row["Value"] for row in rows_of(report, "summary")}
    # A001 issued 23:50, called 23:51 (60 s), served 23:52-23:55 (180 s), rated 5; B001 23:58.
    assert (summary["Issued"], summary["Called"], summary["Finished"]) == ("2", "1", "1")
    assert (summary["Mean wait (s)"], summary["Mean service time (s)"]) == ("60", "180")
    assert (summary["Ratings"], summary["Good-rating rate"]) == ("1", "1.0")
    profile = rows_of(report, "waiting_profile")
    # A001 waits 60 s and B001 the last 120 s of the day: 180 / 3600.
    assert [(r["Hour"], r["Mean waiting"], r["Most waiting"]) for r in profile] == [
        ("23:00", "0.05", "1")
    ]
    clerks = rows_of(report, "clerks")
    assert [(c["Staff No."], c["Signed in (s)"]) for c in clerks] == [("1001", "660")]
    assert rows_of(report, "follow_ups") == []
    assert by(rows_of(report, "appointments"), "ID")[""]["Booked"] == "0"


def test_the_next_day_starts_afresh(played: PlayedDay) -> None:
    report = report_of(played, AFTER)  # an hour into it
    assert report.day.partial
    summary = {row["Figure"]: row["Value"] for row in rows_of(report, "summary")}
    # Only its own A001 (B004 of the day before was dropped at midnight): waited 120 s,
    # served 60 s, rated 2 -> a follow-up case.
    assert (summary["Issued"], summary["Called"], summary["Finished"]) == ("1", "1", "1")
    assert (summary["Mean wait (s)"], summary["Mean service time (s)"]) == ("120", "60")
    assert (summary["Good-rating rate"], summary["Active-rating rate"]) == ("0.0", "1.0")
    assert [row["Case"] for row in rows_of(report, "follow_ups")] == ["FU-20261123-A001"]
    appointments = by(rows_of(report, "appointments"), "ID")
    assert (appointments["social"]["Booked"], appointments["social"]["Not yet due"]) == ("1", "1")
    # 1001 signed in at 00:03 and has not signed out: 57 minutes so far.
    clerks = by(rows_of(report, "clerks"), "Staff No.")
    assert clerks["1001"]["Signed in (s)"] == "3420"
