"""A ticket tells the citizen where to go: the area of its queue (`area` in the hall document,
e.g. 二楼B区) is printed under the expected wait, in the ticket's language."""

from __future__ import annotations

import copy

from displays.results import render_result
from queueing import commands as cmd
from queueing.estimate import estimate_waits
from tests.displays.halls import DOCUMENT, Hall


def issued_print(hall: Hall, service: str, lang: str) -> list[str]:
    estimate = estimate_waits(hall.state, hall.now.timestamp())
    events = hall.run(cmd.IssueTicket(service, track="t"))
    lines: list[str] = render_result(
        cmd.IssueTicket(service, track="t"), events, hall.state, estimate, lang
    )["print"]
    return lines


def test_a_ticket_prints_the_area_of_its_queue_in_its_language() -> None:
    document = copy.deepcopy(DOCUMENT)
    document["queues"][1]["area"] = "二楼B区"
    hall = Hall(document)

    social = issued_print(hall, "social", "zh-CN")
    english = issued_print(hall, "social", "en")

    assert social[5] == "请到二楼B区等候办理"  # after the people ahead and the expected wait
    assert english[5] == "Please wait at 二楼B区"


def test_a_queue_without_an_area_prints_no_area_line() -> None:
    lines = issued_print(Hall(), "general", "zh-CN")

    assert not [line for line in lines if "等候办理" in line]
