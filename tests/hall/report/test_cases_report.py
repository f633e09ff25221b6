"""The report's cases (办件) figures from read-model rows: per office and service, the day's
opened, decided and delivered cases, those overdue, the 即办件 share, mean working days to
deliver and the on-time rate, across the 2026 Spring Festival's calendar."""

from __future__ import annotations

from hall.report.applications import Application, application_lines
from tests.queueing.conftest import local
from tests.queueing.test_cases import case_config

CONFIG = case_config()
DAY = "2026-02-24"  # the first working day after the festival
START, END = local("00:00", DAY).timestamp(), local("00:00", "2026-02-25").timestamp()


def at(day: str, hhmm: str = "10:00") -> float:
    return local(hhmm, day).timestamp()


def app(service: str, office: str, status: str, due: str, **times: float | None) -> Application:
    return Application(
        service,
        office,
        status,
        due,
        bool(times.get("immediate")),
        times.get("opened", at(DAY)) or 0.0,
        times.get("decided"),
        times.get("closed"),
    )


ROWS = (
    # accepted on Thursday 12th, delivered today: 2 working days (13th, 调休 14th) + today = 3
    app("social", "civil", "delivered", "2026-02-24", opened=at("2026-02-12"), closed=at(DAY)),
    # promised for Friday 13th, delivered today: late, and still counted once delivered
    app("tax", "market", "delivered", "2026-02-13", opened=at("2026-02-12"), closed=at(DAY)),
    app("tax", "market", "approved", "2026-02-14", opened=at("2026-02-12"), decided=at(DAY)),
    app("social", "civil", "rejected", "2026-02-27", decided=at(DAY), closed=at(DAY)),
    app("notary", "", "delivered", DAY, immediate=1.0, closed=at(DAY)),
)


def test_cases_per_office_service_and_hall() -> None:
    lines = {
        (line.kind, line.id): line for line in application_lines(CONFIG, DAY, START, END, ROWS)
    }
    civil, market, hall = lines[("office", "civil")], lines[("office", "market")], lines[("", "")]
    assert (civil.opened, civil.rejected, civil.delivered, civil.overdue) == (1, 1, 1, 0)
    assert (market.approved, market.delivered, market.overdue) == (1, 1, 1)
    assert market.on_time_rate == 0.0 and civil.on_time_rate == 1.0
    assert civil.mean_working_days == 3.0
    assert (hall.opened, hall.immediate, hall.immediate_share) == (2, 1, 0.5)
    assert hall.delivered == 3 and hall.on_time_rate == 2 / 3
    assert ("service", "permit") not in lines  # a service with no case that day is left out


def test_a_quiet_day_has_no_rates() -> None:
    (*_, hall) = application_lines(CONFIG, DAY, START, END, ())
    assert (hall.opened, hall.immediate_share, hall.mean_working_days, hall.on_time_rate) == (
        0,
        None,
        None,
        None,
    )
