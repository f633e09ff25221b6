"""`hall demo`: the demo hall alive with simulated devices, and what they draw from.

The server tests run the real `hall demo` command and watch it as a tablet does, over the
real protocol; the unit tests pin down the flow's pure choices with fixed seeds.
"""

from __future__ import annotations

import asyncio
import functools
import json
import random
import signal
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.server import ServerConnection, serve

from displays import i18n
from hall.demo.flow import (
    ABSENT,
    DAY_HOUR,
    GOING_AWAY,
    LATE,
    LATE_SHARE,
    LOAD_PER_WINDOW,
    PAD_REASONS,
    PAUSE_SHARE,
    PRESENT,
    RatingPad,
    Scene,
    arrival_rates,
    attendance,
    choose_score,
    choose_service,
    demand_hour,
    low_reasons,
    next_arrival,
    offered_load,
    opening_crowd,
    pause_plan,
    service_seconds,
)
from hall.demo.hall import demo_config_document
from queueing.config import HallConfig, parse_config
from queueing.demand import Demand, ServiceTime, parse_demand
from queueing.simulate import sample_service_seconds
from tests.support.device import Device
from tests.support.server import ADMIN_TOKEN, ServerProcess, mint

ROOT = Path(__file__).resolve().parents[3]
DEMAND = ROOT / "docs" / "examples" / "demo-demand.json"
PAD_TEMPLATE = ROOT / "displays" / "templates" / "pad.html"
ZONE = ZoneInfo("Asia/Shanghai")
SIMULATED_WINDOWS = {str(n) for n in range(2, 20)}  # 1 is the newcomer's, 20 stays closed
QUIET_SECONDS = 8.0
"""A simulated hall issues its first ticket well within this; a quiet one issues none in it."""
FLOW_SECONDS = 60.0


@pytest.fixture(scope="module")
def config() -> HallConfig:
    return parse_config(demo_config_document())


@pytest.fixture(scope="module")
def demand(config: HallConfig) -> Demand:
    return parse_demand(json.loads(DEMAND.read_text(encoding="utf-8")), config)


# --- the running demo, watched by a tablet -----------------------------------------------------


def _demo(tmp_path: Path, *options: str) -> ServerProcess:
    return ServerProcess(f"sqlite:///{tmp_path / 'hall.db'}", tmp_path, *options, command="demo")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[ServerProcess]:
    server = _demo(tmp_path, "--speed", "100", "--seed", "7")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def quiet_demo(tmp_path: Path) -> Iterator[ServerProcess]:
    server = _demo(tmp_path, "--no-sim")
    server.start()
    yield server
    server.stop()


def connected(server: ServerProcess) -> dict[str, float]:
    """Devices connected to the server, per kind (Prometheus `hall_connected_devices`)."""
    found: dict[str, float] = {}
    for family in text_string_to_metric_families(httpx.get(f"{server.url}/metrics").text):
        for sample in family.samples:
            if sample.name == "hall_connected_devices" and sample.labels["hall"] == "demo":
                found[sample.labels["kind"]] = sample.value
    return found


def names_window(event: dict[str, Any], window: str) -> bool:
    """Whether an event concerns a window (PROTOCOL: it names it)."""
    data = event["data"]
    named = [data.get(key) or {} for key in ("window", "from_window", "to_window")]
    return (
        any(w.get("id") == window for w in named) or data.get("ticket", {}).get("window") == window
    )


class Watch:
    """What a tablet saw of the hall, per ticket."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.by_ticket: dict[str, set[str]] = defaultdict(set)
        self.priorities: Counter[str] = Counter()

    def see(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        ticket = event["data"].get("ticket") or {}
        if "id" in ticket:
            self.by_ticket[ticket["id"]].add(event["event"])
        if event["event"] == "ticket.issued":
            self.priorities[ticket["priority"]] += 1

    def lived_through(self) -> list[str]:
        """Tickets issued, called, served, finished and rated while the tablet watched."""
        life = {"ticket.issued", "ticket.called", "ticket.serving", "ticket.finished"}
        return [t for t, seen in self.by_ticket.items() if life | {"rating.submitted"} <= seen]

    def complete(self) -> bool:
        return bool(self.lived_through()) and {"green", "appointment"} <= set(self.priorities)


def _a_case_delivered(seen: Watch) -> bool:
    return any(e["event"] == "case.delivered" for e in seen.events)


async def watch(tablet: Device, until: Any, seconds: float) -> Watch:
    seen = Watch()
    deadline = time.monotonic() + seconds
    while not until(seen):
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"not seen in {seconds} s: {dict(seen.priorities)} issued"
        seen.see(await asyncio.wait_for(tablet.event_queue.get(), remaining))
    return seen


@pytest.mark.anyio
async def test_simulated_devices_work_the_hall_and_leave_window_1_alone(
    demo: ServerProcess,
) -> None:
    tablet, welcome = await Device.connect(demo.ws_url, mint(demo, "demo", "tablet"))
    windows = {w["id"]: w for w in welcome["snapshot"]["windows"]}
    assert windows["1"]["status"] == "closed"

    first = await watch(tablet, lambda seen: seen.priorities, QUIET_SECONDS)
    assert first.events[-1]["event"] == "ticket.issued"
    seen = await watch(tablet, Watch.complete, FLOW_SECONDS)

    assert seen.lived_through(), "a ticket issued, called, served, finished and rated"
    assert {"normal", "green", "appointment"} <= set(seen.priorities)
    calls = [e for e in seen.events if e["event"] == "ticket.called"]
    assert {c["data"]["window"]["id"] for c in calls} <= SIMULATED_WINDOWS
    assert not [e for e in first.events + seen.events if names_window(e, "1")]
    assert not [e for e in first.events + seen.events if names_window(e, "20")]
    ratings = [e["data"]["score"] for e in seen.events if e["event"] == "rating.submitted"]
    assert all(1 <= score <= 5 for score in ratings)
    # cases (办件): accepted at windows, worked by the back offices, collected or mailed
    delivered = await watch(tablet, _a_case_delivered, FLOW_SECONDS)
    assert {"case.opened", "case.approved"} <= {e["event"] for e in delivered.events}
    devices = connected(demo)
    assert (devices["kiosk"], devices["clerk"], devices["rating_pad"]) == (2, 18, 18)
    assert devices["office"] == 5  # one simulated terminal per back office

    # the newcomer's window is free: they sign in at window 1 with the printed account
    assert "sign in as 1001 / demo1001" in demo.log()
    clerk, _ = await Device.connect(demo.ws_url, mint(demo, "demo", "clerk", "1"))
    signed = await clerk.ok("sign_in", {"window": "1", "staff": "1001", "password": "demo1001"})
    assert signed["window"]["status"] == "idle"
    await clerk.close()
    await tablet.close()

    # Ctrl-C stops the server and its flow cleanly
    assert demo.process is not None
    demo.process.send_signal(signal.SIGINT)
    assert demo.process.wait(20) == 0
    assert "Traceback" not in demo.log() and "ERROR" not in demo.log(), demo.log()


def test_the_demo_never_prints_an_admin_token_from_the_environment(
    quiet_demo: ServerProcess,
) -> None:
    printed = quiet_demo.log()
    assert f"hall: open {quiet_demo.url}/ and sign in" in printed  # the demo's lines are out
    assert ADMIN_TOKEN not in printed  # HALL_ADMIN_TOKEN is the operator's secret
    assert "with the admin token in HALL_ADMIN_TOKEN" in printed


@pytest.mark.anyio
async def test_a_quiet_demo_issues_nothing_but_what_you_do(quiet_demo: ServerProcess) -> None:
    assert "--no-sim" in quiet_demo.log() and "window 1 is yours" not in quiet_demo.log()
    tablet, welcome = await Device.connect(quiet_demo.ws_url, mint(quiet_demo, "demo", "tablet"))
    snapshot = welcome["snapshot"]
    assert snapshot["tickets"] == []
    assert {w["status"] for w in snapshot["windows"]} == {"closed"}

    # the time a simulated hall takes to issue its first ticket passes without an event ...
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(tablet.event_queue.get(), QUIET_SECONDS)
    assert tablet.events == []
    assert connected(quiet_demo) == {"tablet": 1}

    # ... yet the tablet would have seen one: its own ticket comes next (after the new day's
    # start, which the day's first command records), once the demo's floor manager signed in
    await tablet.ok("manager_sign_in", {"staff": "9001", "password": "demo9001"})
    issued = await tablet.ok("issue_ticket", {"service": "certificate_pickup"})
    event = await tablet.event("ticket.issued")
    assert event["data"]["ticket"]["id"] == issued["ticket"]["id"]
    assert issued["ticket"]["number"] == "H001"
    names = [e["event"] for e in tablet.events]
    assert names in (["ticket.issued"], ["hall.day_started", "ticket.issued"])
    assert [e["seq"] for e in tablet.events] == [welcome["seq"] + 1 + i for i in range(len(names))]
    await tablet.close()


async def _drop_then_go_away(hellos: list[dict[str, Any]], connection: ServerConnection) -> None:
    """A server that welcomes a device, then drops it (1011); the next time it goes away."""
    hellos.append(json.loads(await connection.recv()))
    welcome = {"type": "welcome", "device": {}, "seq": 0, "snapshot": {"rating": None}}
    await connection.send(json.dumps(welcome))
    await connection.close(1011 if len(hellos) == 1 else GOING_AWAY)


@pytest.mark.anyio
async def test_a_dropped_device_reconnects_and_stops_when_its_server_goes_away(
    config: HallConfig, demand: Demand
) -> None:
    hellos: list[dict[str, Any]] = []
    async with serve(functools.partial(_drop_then_go_away, hellos), "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        scene = Scene(f"http://127.0.0.1:{port}", config, demand, 10.0, Counter())
        pad = RatingPad(scene, "pad-token", random.Random(8), "2")
        await asyncio.wait_for(pad.run(), 10)  # returns once the server goes away
    assert [h["token"] for h in hellos] == ["pad-token", "pad-token"]


# --- what citizens do --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hhmm", "hour"),
    [
        ("08:45", 8),
        ("09:15", 9),
        ("12:00", 12),
        ("17:29", 17),
        ("08:29", DAY_HOUR),
        ("17:30", DAY_HOUR),
        ("03:00", DAY_HOUR),
        ("23:59", DAY_HOUR),
    ],
)
def test_the_demand_of_the_hour_plays_by_day_and_a_busy_morning_at_night(
    demand: Demand, hhmm: str, hour: int
) -> None:
    hh, mm = map(int, hhmm.split(":"))
    assert demand_hour(demand, datetime(2026, 11, 22, hh, mm, tzinfo=ZONE)) == hour


def test_arrivals_keep_the_demand_shape_and_what_the_windows_can_serve(
    config: HallConfig, demand: Demand
) -> None:
    at_ten = {q: d.hourly_rates[10] for q, d in demand.queues.items()}
    assert offered_load(config, demand, at_ten) > LOAD_PER_WINDOW * 18, "the demand is busy"
    rates = arrival_rates(config, demand, 10, windows=18)
    assert offered_load(config, demand, rates) == pytest.approx(LOAD_PER_WINDOW * 18)
    shares = {q: rates[q] / at_ten[q] for q in rates}
    assert max(shares.values()) == pytest.approx(min(shares.values()))
    assert arrival_rates(config, demand, 10, windows=100) == at_ten


def test_arrivals_are_poisson_per_queue_and_run_speed_times_faster() -> None:
    rng = random.Random(1)
    rates = {"A": 60.0, "B": 30.0}  # per hour: 90 an hour, 900 an hour at speed 10
    draws = [next_arrival(rng, rates, 10.0) for _ in range(20_000)]
    gaps = [d[0] for d in draws if d is not None]
    assert statistics.fmean(gaps) == pytest.approx(4.0, rel=0.03)
    assert statistics.stdev(gaps) == pytest.approx(4.0, rel=0.05)  # exponential gaps
    queues = Counter(d[1] for d in draws if d is not None)
    assert queues["A"] / len(draws) == pytest.approx(2 / 3, abs=0.02)
    assert next_arrival(rng, {"A": 0.0}, 10.0) is None


def test_a_crowd_at_the_door_follows_the_demand() -> None:
    crowd = opening_crowd(random.Random(2), {"A": 3.0, "B": 1.0, "C": 0.0}, 400)
    assert len(crowd) == 400 and "C" not in crowd
    assert Counter(crowd)["A"] / 400 == pytest.approx(0.75, abs=0.06)
    assert opening_crowd(random.Random(2), {"A": 0.0}, 10) == []


def test_citizens_pick_every_service_of_their_queue_bundles_included(
    config: HallConfig, demand: Demand
) -> None:
    rng = random.Random(3)
    for queue in demand.queues:
        picked = {choose_service(rng, config, queue).id for _ in range(300)}
        assert picked == {s.id for s in config.services if s.queue == queue}
    assert "business_startup" in {choose_service(rng, config, "G").id for _ in range(100)}


# --- what clerks and rating pads do ------------------------------------------------------------


def test_service_times_come_from_the_queue_distribution_speed_times_faster() -> None:
    service = ServiceTime("lognormal", 6.0, 0.7)
    fast = [service_seconds(random.Random(seed), service, 10.0) for seed in range(5)]
    real = [sample_service_seconds(random.Random(seed), service) for seed in range(5)]
    assert fast == pytest.approx([s / 10 for s in real])
    rng = random.Random(4)
    mean = statistics.fmean(service_seconds(rng, service, 10.0) for _ in range(20_000))
    assert mean == pytest.approx(36.0, rel=0.03), "a 6-minute service lasts 36 s at speed 10"


def test_most_citizens_come_when_called_some_late_a_few_never() -> None:
    rng = random.Random(5)
    seen = Counter(attendance(rng, 0.03) for _ in range(50_000))
    assert seen[ABSENT] / 50_000 == pytest.approx(0.03, abs=0.004)
    assert seen[LATE] / 50_000 == pytest.approx(LATE_SHARE, abs=0.004)
    assert seen[PRESENT] > 0.9 * 50_000


def test_clerks_pause_now_and_then_for_questions_or_lunch() -> None:
    rng = random.Random(6)
    plans = [pause_plan(rng) for _ in range(20_000)]
    pauses = [p for p in plans if p is not None]
    assert len(pauses) / len(plans) == pytest.approx(PAUSE_SHARE, abs=0.005)
    reasons = {reason for reason, _ in pauses}
    assert reasons == {"clerk.pause.consult", "clerk.pause.lunch"}
    assert all(i18n.t(reason) in ("业务咨询", "午休") for reason in reasons)
    assert all(120 <= seconds <= 900 for _, seconds in pauses)


def test_ratings_are_mostly_good_and_low_ones_give_the_pads_reasons() -> None:
    rng = random.Random(7)
    scores = Counter(choose_score(rng) for _ in range(20_000))
    assert scores.most_common(1)[0][0] == 5
    assert (scores[5] + scores[4]) / 20_000 > 0.88
    assert 0 < (scores[1] + scores[2]) / 20_000 < 0.05
    template = PAD_TEMPLATE.read_text(encoding="utf-8")
    assert all(f'"{key}"' in template for key in PAD_REASONS), "the pad's own list"
    texts = {i18n.t(key) for key in PAD_REASONS}
    for _ in range(200):
        reasons = low_reasons(rng)
        assert 1 <= len(reasons) <= 2 and set(reasons) <= texts
