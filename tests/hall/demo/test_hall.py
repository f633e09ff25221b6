"""The demo hall: a valid, realistic district hall that works at any hour."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from hall.demo.hall import DEMO_STAFF, demo_config_document
from queueing import commands as cmd
from queueing import events as ev
from queueing.config import HallConfig, parse_config
from tests.queueing.conftest import Hall, local, of_type

EXAMPLE = Path(__file__).parents[3] / "docs" / "examples" / "demo-hall.json"
SUNDAY = "2024-03-10"
QUEUES = {
    "A": "综合受理",
    "B": "社保医保",
    "C": "不动产登记",
    "D": "税务",
    "E": "公积金",
    "F": "户政",
    "G": "企业开办",
    "H": "出证",
}


@pytest.fixture(scope="module")
def config() -> HallConfig:
    return parse_config(demo_config_document())


def test_the_demo_document_is_a_valid_hall(config: HallConfig) -> None:
    assert config.id == "demo"
    assert config.timezone == "Asia/Shanghai"
    assert config.name.endswith("政务服务中心")


def test_the_example_file_is_the_demo_document() -> None:
    assert json.loads(EXAMPLE.read_text(encoding="utf-8")) == demo_config_document(), (
        "regenerate it: python -m hall.demo.hall > docs/examples/demo-hall.json"
    )


def test_each_call_returns_a_fresh_document() -> None:
    document = demo_config_document()
    document["windows"][0]["queues"]["H"] = 1.0
    document["rules"]["weekdays"].clear()
    assert demo_config_document()["windows"][0]["queues"] != document["windows"][0]["queues"]
    assert demo_config_document()["rules"]["weekdays"] == [1, 2, 3, 4, 5, 6, 7]


def test_the_eight_queues_of_a_district_hall(config: HallConfig) -> None:
    assert {q.prefix: q.name for q in config.queues} == QUEUES
    assert all(1 <= q.service_minutes <= 30 for q in config.queues)


def test_services_cover_every_queue(config: HallConfig) -> None:
    assert 25 <= len(config.services) <= 40
    first_steps = {s.queue for s in config.services}
    assert first_steps == set(QUEUES), "every queue has a service that starts there"
    categories = {s.category for s in config.services}
    assert {"个人事项", "企业事项", "不动产", "社保医保", "一件事一次办"} <= categories
    assert any(s.bookable for s in config.services)
    assert any(not s.bookable for s in config.services)
    assert len({s.name for s in config.services}) == len(config.services)


def test_bundles_carry_one_ticket_across_queues(config: HallConfig) -> None:
    bundles = {s.name: s.steps for s in config.services if len(s.steps) > 1}
    assert len(bundles) >= 3
    assert bundles["企业开办一件事"] == ("G", "H")
    assert len(bundles["新生儿出生一件事"]) >= 2
    for name, steps in bundles.items():
        assert name.endswith("一件事")
        assert len(set(steps)) == len(steps)


def test_windows_are_mostly_integrated_with_a_few_specialised(config: HallConfig) -> None:
    assert [w.id for w in config.windows] == [str(n) for n in range(1, 21)]
    assert [w.name for w in config.windows] == [f"{n}号窗口" for n in range(1, 21)]
    integrated = [w for w in config.windows if len(w.queues) >= 3]
    assert len(integrated) > len(config.windows) / 2
    specialised = {tuple(w.queues) for w in config.windows if len(w.queues) == 1}
    assert {("C",), ("H",)} <= specialised


def test_every_queue_is_served_by_at_least_two_windows(config: HallConfig) -> None:
    serving: dict[str, list[str]] = defaultdict(list)
    for window in config.windows:
        for queue in window.queues:
            serving[queue].append(window.id)
    assert {q: len(serving[q]) >= 2 for q in QUEUES} == dict.fromkeys(QUEUES, True)


def test_the_demo_hall_runs_around_the_clock_with_the_usual_rules(config: HallConfig) -> None:
    rules = config.rules
    assert (rules.open_time, rules.close_time) == ("00:00", "24:00")
    assert rules.weekdays == (1, 2, 3, 4, 5, 6, 7)
    assert rules.priority_cap == 3
    assert rules.max_wait_minutes == 60
    assert rules.service_target_minutes == 15
    assert (rules.check_in_early_minutes, rules.check_in_late_minutes) == (30, 15)
    assert rules.slot_minutes == 30


@pytest.mark.parametrize("hhmm", ["00:00", "03:17", "12:30", "23:58"])
def test_tickets_are_issued_at_any_hour_of_a_sunday(config: HallConfig, hhmm: str) -> None:
    hall = Hall(config, local(hhmm, SUNDAY))
    assert hall.issue("certificate_pickup").number == "H001"


def test_every_service_is_served_step_by_step_by_the_demo_staff(config: HallConfig) -> None:
    hall = Hall(config, local("03:00", SUNDAY))
    for staff in DEMO_STAFF:
        if staff.window is not None:
            hall.do(cmd.SignIn(staff.window, staff.number, staff.display_name))
    tickets = {hall.issue(s.id).id: s for s in config.services}
    served: dict[str, list[str]] = defaultdict(list)
    while hall.state.tickets:
        hall.advance(minutes=1)
        progressed = False
        for window in config.windows:
            for called in of_type(hall.do(cmd.CallNext(window.id)), ev.TicketCalled):
                served[called.ticket.id].append(called.ticket.queue)
                hall.do(cmd.Finish(window.id))
                progressed = True
        assert progressed, f"tickets left that no open window calls: {list(hall.state.tickets)}"
    assert {t: tuple(queues) for t, queues in served.items()} == {
        t: service.steps for t, service in tickets.items()
    }


def test_demo_staff_sit_one_clerk_per_window_with_managers_on_the_floor(
    config: HallConfig,
) -> None:
    numbers = [s.number for s in DEMO_STAFF]
    assert len(set(numbers)) == len(numbers)
    assert {s.role for s in DEMO_STAFF} == {"clerk", "manager"}
    clerks = [s for s in DEMO_STAFF if s.role == "clerk"]
    assert sorted(s.window or "" for s in clerks) == sorted(w.id for w in config.windows)
    assert all(s.window is None for s in DEMO_STAFF if s.role == "manager")
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", s.display_name) for s in DEMO_STAFF)
    passwords = [s.password for s in DEMO_STAFF]
    assert all(len(p) >= 6 for p in passwords) and len(set(passwords)) == len(passwords)
