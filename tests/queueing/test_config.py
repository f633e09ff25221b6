"""The hall configuration document: parsing, every problem listed at once, round trip; and the
`configure` command that changes a running hall's configuration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from queueing import commands as cmd
from queueing import events as ev
from queueing.config import Rules, config_document, parse_config
from queueing.errors import ConfigError
from tests.queueing.conftest import Hall, hall_config, hall_document, of_type

PROTOCOL_EXAMPLE = {
    "name": "高新区政务服务中心",
    "timezone": "Asia/Shanghai",
    "queues": [{"id": "A", "name": "综合受理", "prefix": "A", "service_minutes": 6}],
    "services": [{"id": "social", "name": "社保医保", "queue": "A"}],
    "windows": [{"id": "1", "name": "1号窗口", "queues": {"A": 1.0}}],
}


def test_the_protocol_example_parses_with_default_rules() -> None:
    config = parse_config(PROTOCOL_EXAMPLE, hall_id="demo")

    assert (config.id, config.timezone) == ("demo", "Asia/Shanghai")
    assert config.name == "高新区政务服务中心"
    assert [(q.id, q.prefix, q.service_minutes) for q in config.queues] == [("A", "A", 6.0)]
    service = config.services[0]
    assert (service.queue, service.steps, service.bookable, service.slot_capacity) == (
        "A",
        ("A",),
        True,
        2,
    )
    assert dict(config.windows[0].queues) == {"A": 1.0}
    assert config.rules == Rules()


def test_the_hall_id_argument_wins_over_the_document() -> None:
    assert parse_config({**PROTOCOL_EXAMPLE, "id": "other"}, hall_id="demo").id == "demo"
    assert parse_config({**PROTOCOL_EXAMPLE, "id": "other"}).id == "other"


def test_defaults_for_time_zone_and_service_minutes() -> None:
    document = {k: v for k, v in PROTOCOL_EXAMPLE.items() if k != "timezone"}
    document["queues"] = [{"id": "A", "name": "综合受理", "prefix": "A"}]

    config = parse_config(document, "demo")

    assert (config.timezone, config.queues[0].service_minutes) == ("Asia/Shanghai", 5.0)


def test_a_bundle_service_lists_its_steps() -> None:
    config = hall_config()

    startup = config.service("startup")
    assert startup is not None
    assert (startup.steps, startup.queue) == (("A", "B"), "A")


def test_rules_are_parsed_with_their_types() -> None:
    config = hall_config(
        {"routing": "strict", "priority_cap": 2, "max_wait_minutes": 45, "weekdays": [5, 1, 1]}
    )

    rules = config.rules
    assert (rules.routing, rules.priority_cap, rules.max_wait_minutes) == ("strict", 2, 45.0)
    assert isinstance(rules.priority_cap, int) and isinstance(rules.max_wait_minutes, float)
    assert rules.weekdays == (1, 5)


def test_a_configuration_round_trips_through_its_document() -> None:
    config = hall_config({"routing": "strict", "weekdays": [1, 2, 3], "close_time": "18:00"})

    assert parse_config(config_document(config)) == config


def _without_windows_for_c(doc: dict[str, Any]) -> None:
    doc["windows"] = [w for w in doc["windows"] if "C" not in w["queues"]]


PROBLEMS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("unknown field", lambda d: d.update(colour="red"), "colour: unknown field"),
    ("bad id", lambda d: d.update(id="a b"), "id: must be"),
    ("empty name", lambda d: d.update(name=" "), "name: must be a non-empty string"),
    ("bad time zone", lambda d: d.update(timezone="Mars/Olympus"), "timezone: must be an IANA"),
    ("no queues", lambda d: d.update(queues=[]), "queues: must be a non-empty list"),
    ("queue not an object", lambda d: d["queues"].append(3), "queues[3]: must be an object"),
    ("bad prefix", lambda d: d["queues"][0].update(prefix="a1"), "queues[0].prefix"),
    ("shared prefix", lambda d: d["queues"][1].update(prefix="A"), "prefix 'A' is used twice"),
    ("duplicate queue id", lambda d: d["queues"][1].update(id="A"), "duplicate id 'A'"),
    (
        "service minutes",
        lambda d: d["queues"][0].update(service_minutes=0),
        "queues[0].service_minutes: must be a number from 0.1 to 480",
    ),
    ("service queue", lambda d: d["services"][0].update(queue="Z"), "services[0].queue: no queue"),
    ("steps", lambda d: d["services"][3].update(steps=[]), "services[3].queue: give a queue id"),
    ("bookable", lambda d: d["services"][0].update(bookable="yes"), "services[0].bookable"),
    ("capacity", lambda d: d["services"][0].update(slot_capacity=-1), "slot_capacity"),
    ("window queue", lambda d: d["windows"][0]["queues"].update(Z=1), "windows[0].queues: no"),
    ("window weight", lambda d: d["windows"][0]["queues"].update(A=0), "windows[0].queues.A"),
    ("empty profile", lambda d: d["windows"][0].update(queues={}), "windows[0].queues: must map"),
    ("unserved queue", _without_windows_for_c, "no window serves queue 'C'"),
    ("rules object", lambda d: d.update(rules=[]), "rules: must be an object"),
    ("unknown rule", lambda d: d["rules"].update(speed=1), "rules.speed: unknown rule"),
    ("rule range", lambda d: d["rules"].update(priority_cap=0), "rules.priority_cap: must be"),
    ("rule type", lambda d: d["rules"].update(max_recalls=True), "rules.max_recalls: must be"),
    ("routing", lambda d: d["rules"].update(routing="random"), "rules.routing: must be one of"),
    ("time format", lambda d: d["rules"].update(open_time="8:30"), "rules.open_time: must be"),
    (
        "hours order",
        lambda d: d["rules"].update(open_time="18:00"),
        "rules.close_time: must be after",
    ),
    ("weekdays", lambda d: d["rules"].update(weekdays=[0, 8]), "rules.weekdays: must list"),
]


@pytest.mark.parametrize(
    ("mutate", "problem"), [p[1:] for p in PROBLEMS], ids=[p[0] for p in PROBLEMS]
)
def test_a_bad_document_names_its_problem(
    mutate: Callable[[dict[str, Any]], None], problem: str
) -> None:
    document = hall_document()
    mutate(document)

    with pytest.raises(ConfigError) as info:
        parse_config(document)

    assert any(problem in p for p in info.value.problems), info.value.problems


def test_every_problem_is_listed_at_once() -> None:
    document = hall_document()
    for _, mutate, _ in PROBLEMS[:3]:
        mutate(document)

    with pytest.raises(ConfigError) as info:
        parse_config(document)

    assert len(info.value.problems) == 3


def test_a_document_must_be_an_object() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config([1, 2])

    assert info.value.problems == ["document: must be a JSON object"]


# --- the configure command -------------------------------------------------------------------


def _more_windows() -> list[dict[str, Any]]:
    windows: list[dict[str, Any]] = hall_document()["windows"]
    return [*windows, {"id": "5", "name": "5号窗口", "queues": {"A": 1.0, "C": 1.0}}]


def test_configure_changes_a_running_hall_without_losing_its_tickets(hall: Hall) -> None:
    hall.open("1")
    waiting = hall.issue()
    other = hall_config(id="other", windows=_more_windows())

    events = hall.do(cmd.Configure(other))

    configured = of_type(events, ev.HallConfigured)[0].config
    assert configured.id == "demo"
    assert hall.state.config == configured
    assert hall.state.windows["5"].status == "closed"
    assert hall.state.windows["1"].clerk == "staff-1"
    assert hall.state.lines["A"] == (waiting.id,)


def test_configure_resets_window_profiles_to_the_configuration(hall: Hall) -> None:
    hall.do(cmd.SetWindowQueues("1", {"B": 1.0}))

    hall.do(cmd.Configure(hall_config()))

    assert hall.state.windows["1"].queues == {"A": 1.0}


def test_configure_may_drop_a_closed_window(hall: Hall) -> None:
    hall.do(cmd.Configure(hall_config(windows=_more_windows())))

    hall.do(cmd.Configure(hall_config()))

    assert "5" not in hall.state.windows


def test_configure_refuses_to_drop_a_queue_with_tickets_in_play(hall: Hall) -> None:
    hall.issue("permit")
    document = hall_document()
    document["queues"] = document["queues"][:2]
    document["services"] = [s for s in document["services"] if s.get("queue") != "C"]
    document["windows"] = document["windows"][:3]

    assert hall.refuse(cmd.Configure(parse_config(document))) == "invalid_config"


def test_configure_refuses_to_drop_an_open_window(hall: Hall) -> None:
    hall.do(cmd.Configure(hall_config(windows=_more_windows())))
    hall.open("5")

    assert hall.refuse(cmd.Configure(hall_config())) == "invalid_config"


def test_configure_refuses_to_drop_a_window_a_ticket_waits_for(hall: Hall) -> None:
    hall.do(cmd.Configure(hall_config(windows=_more_windows())))
    hall.open("1")
    hall.issue()
    hall.call("1")
    hall.do(cmd.Transfer("1", to_window="5"))

    assert hall.refuse(cmd.Configure(hall_config())) == "invalid_config"


def test_configure_refuses_to_drop_a_window_that_parked_a_ticket(hall: Hall) -> None:
    hall.do(cmd.Configure(hall_config(windows=_more_windows())))
    hall.open("5")
    hall.issue()
    hall.call("5")
    hall.do(cmd.Park("5"))
    hall.do(cmd.SignOut("5"))

    assert hall.refuse(cmd.Configure(hall_config())) == "invalid_config"


def test_tablets_need_a_floor_manager_unless_the_hall_says_otherwise() -> None:
    assert hall_config().rules.tablet_requires_manager is True
    relaxed = hall_config({"tablet_requires_manager": False})
    assert relaxed.rules.tablet_requires_manager is False
    assert config_document(relaxed)["rules"]["tablet_requires_manager"] is False
    with pytest.raises(ConfigError) as refused:
        hall_config({"tablet_requires_manager": "no"})
    assert refused.value.problems == ["rules.tablet_requires_manager: must be true or false"]
