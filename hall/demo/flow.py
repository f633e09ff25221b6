"""The demo hall's simulated flow: citizens, clerks and rating pads as real devices.

`hall demo` runs this in the server's own process, as one asyncio task. Every simulated device
holds a real device token (minted as the admin API mints them) and speaks PROTOCOL v1 over the
server's own `/ws`, exactly as a kiosk, a clerk terminal or a rating pad would:

- `Kiosk` plays the citizens: Poisson arrivals per queue at the demo demand's rate for the hour
  of the hall's local clock (`docs/examples/demo-demand.json`), a share of them green channel
  (绿色通道); now and then a citizen who booked on the portal (an HTTP `POST .../appointments`
  of the real booking API) checks in at the kiosk instead. A crowd that waited at the door
  takes its tickets first, so every page has something to show at once.
- `Clerk` signs in at one window with a demo staff account and works: call next, start once the
  citizen is at the window, finish after a service time drawn from the queue's distribution;
  a citizen who does not come is recalled and then marked no-show (过号); now and then the clerk
  pauses for a short 业务咨询 or 午休 and resumes.
- `RatingPad` rates most finished tickets: mostly 5 and 4, rarely 1-2 with reasons from the
  pad's own list.

Time runs `speed` times faster than the clock for everything the flow decides (arrivals,
service times, walks, pauses); the server itself keeps real time. The demo hall never closes,
but the demand describes an office day (08:30-17:30): outside those hours the flow plays the
demand of `DAY_HOUR`, so a hall started at 3 a.m. is as lively as one at 10 a.m. Arrival rates
are thinned where the windows the simulated clerks staff could not keep up with them
(`LOAD_PER_WINDOW`), and citizens who see `MAX_WAITING` people in their queue leave, so the
lines stay short however long the demo runs.

Nothing here may stop the server: a refused command is logged and the device resyncs from a
fresh snapshot; a dropped connection is reopened; when the server says it is going away (close
code 1012, its own shutdown) the devices stop.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import random
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from displays import i18n
from queueing.config import HallConfig, ServiceConfig
from queueing.demand import Demand, ServiceTime
from queueing.model import CALLING, CLOSED, GREEN, IDLE, NORMAL, PAUSED, SERVING_WINDOW
from queueing.simulate import sample_service_seconds

log = logging.getLogger("hall.demo")

T = TypeVar("T")

# --- what citizens and clerks do (pure: every draw from the `random.Random` handed in) -------

DAY_HOUR = 10
"""The hour of the demand played while the demand's own hall would be closed."""
LOAD_PER_WINDOW = 1.05
"""Arrivals are thinned to at most this much expected work per simulated window. A little over
1, as the estimate (`offered_load`) is generous: lines form and stay short."""
OVERHEAD_MINUTES = 0.5
"""Per ticket, besides the service: the call, the walk to the window, the clerk's reaction."""
APPOINTMENT_SHARE = 0.1
LATE_SHARE = 0.04
PAUSE_SHARE = 0.03
LUNCH_SHARE = 0.3
RATED_SHARE = 0.85
SCORE_WEIGHTS = {5: 0.72, 4: 0.20, 3: 0.05, 2: 0.02, 1: 0.01}
PAD_REASONS = (
    "pad.reason.wait",
    "pad.reason.attitude",
    "pad.reason.skill",
    "pad.reason.unclear",
    "pad.reason.other",
)
"""The rating pad's reasons (displays/templates/pad.html), sent in the hall's language."""
PRESENT, LATE, ABSENT = "present", "late", "absent"


def demand_hour(demand: Demand, local: datetime) -> int:
    """The hour of the demand that plays at local time `local`."""
    hhmm = f"{local.hour:02d}:{local.minute:02d}"
    return local.hour if demand.open_time <= hhmm < demand.close_time else DAY_HOUR


def starting_services(config: HallConfig, queue: str) -> list[ServiceConfig]:
    """The services a citizen of `queue` may pick: those whose first step is that queue."""
    return [s for s in config.services if s.queue == queue]


def _mean_minutes(config: HallConfig, demand: Demand, queue: str) -> float:
    if queue in demand.queues:
        return demand.queues[queue].service.mean_minutes
    found = config.queue(queue)
    return found.service_minutes if found is not None else 0.0


def offered_load(config: HallConfig, demand: Demand, rates: Mapping[str, float]) -> float:
    """How many windows `rates` (tickets per hour per queue) keep busy: every step of the
    service picked (each service of the queue alike), plus the overhead of each step."""
    load = 0.0
    for queue, rate in rates.items():
        services = starting_services(config, queue)
        if rate <= 0 or not services:
            continue
        steps = [step for s in services for step in s.steps]
        work = sum(_mean_minutes(config, demand, q) + OVERHEAD_MINUTES for q in steps)
        load += rate * work / len(services) / 60.0
    return load


def arrival_rates(config: HallConfig, demand: Demand, hour: int, windows: int) -> dict[str, float]:
    """Tickets per hour per queue at `hour`: the demand's, thinned alike in every queue when
    `windows` windows could not keep up with them (see `LOAD_PER_WINDOW`)."""
    rates = {q: d.hourly_rates[hour] for q, d in demand.queues.items()}
    load = offered_load(config, demand, rates)
    capacity = LOAD_PER_WINDOW * windows
    factor = min(1.0, capacity / load) if load > 0 else 1.0
    return {q: rate * factor for q, rate in rates.items()}


def next_arrival(
    rng: random.Random, rates: Mapping[str, float], speed: float
) -> tuple[float, str] | None:
    """Real seconds until the next citizen arrives, and their queue (independent Poisson
    arrivals per queue, `speed` times faster); None when no queue has arrivals."""
    total = sum(rates.values())
    if total <= 0:
        return None
    delay = rng.expovariate(total * speed / 3600.0)
    queue = rng.choices(list(rates), weights=list(rates.values()))[0]
    return delay, queue


def opening_crowd(rng: random.Random, rates: Mapping[str, float], size: int) -> list[str]:
    """The queues of `size` citizens already at the door when the demo starts."""
    if size <= 0 or sum(rates.values()) <= 0:
        return []
    return rng.choices(list(rates), weights=list(rates.values()), k=size)


def choose_service(rng: random.Random, config: HallConfig, queue: str) -> ServiceConfig:
    return rng.choice(starting_services(config, queue))


def choose_priority(rng: random.Random, green_share: float) -> str:
    return GREEN if rng.random() < green_share else NORMAL


def service_seconds(rng: random.Random, service: ServiceTime, speed: float) -> float:
    """Real seconds a clerk takes for one step: the queue's distribution, `speed` times faster."""
    return sample_service_seconds(rng, service) / speed


def attendance(rng: random.Random, no_show: float) -> str:
    """Whether a called citizen comes at once, comes after a recall, or never comes."""
    draw = rng.random()
    if draw < no_show:
        return ABSENT
    return LATE if draw < no_show + LATE_SHARE else PRESENT


def pause_plan(rng: random.Random) -> tuple[str, float] | None:
    """Now and then, between two tickets: a pause reason (its text key) and simulated seconds."""
    if rng.random() >= PAUSE_SHARE:
        return None
    if rng.random() < LUNCH_SHARE:
        return "clerk.pause.lunch", rng.uniform(10, 15) * 60
    return "clerk.pause.consult", rng.uniform(2, 5) * 60


def choose_score(rng: random.Random) -> int:
    return rng.choices(list(SCORE_WEIGHTS), weights=list(SCORE_WEIGHTS.values()))[0]


def low_reasons(rng: random.Random) -> list[str]:
    """One or two of the pad's reasons, in the hall's language (as the pad sends them)."""
    keys = rng.sample(PAD_REASONS, rng.choice((1, 1, 2)))
    return [i18n.t(key) for key in keys]


# --- one device's websocket ------------------------------------------------------------------

GOING_AWAY = 1012  # the server's own shutdown: the flow stops with it
COMMAND_TIMEOUT = 30.0
HELLO_TIMEOUT = 10.0


class Refused(Exception):
    """The server refused a command (or a hello): `code` is the protocol's error code."""

    def __init__(self, command: str, code: str, message: str) -> None:
        super().__init__(f"{command}: {code}: {message}")
        self.command = command
        self.code = code


class Dropped(Exception):
    """The connection is gone (or a reply never came); `code` is the server's close code."""

    def __init__(self, code: int | None) -> None:
        super().__init__(f"connection lost (close code {code})")
        self.code = code

    @property
    def going_away(self) -> bool:
        return self.code == GOING_AWAY


class Link:
    """A device session on an open websocket: hello, commands answered by id, events handed to
    `on_event`. Every wait ends with `Dropped` as soon as the connection goes."""

    def __init__(
        self, connection: ClientConnection, on_event: Callable[[dict[str, Any]], None]
    ) -> None:
        self._connection = connection
        self._on_event = on_event
        self._replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._welcomes: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._closed = asyncio.Event()
        self._ids = itertools.count(1)
        self._prefix = uuid.uuid4().hex[:8]
        self._token = ""
        self.close_code: int | None = None

    async def read(self) -> None:
        try:
            async for raw in self._connection:
                await self._dispatch(json.loads(raw))
        except ConnectionClosed:
            pass
        finally:
            self.close_code = self._connection.close_code
            self._closed.set()
            for future in self._replies.values():
                future.cancel()  # whoever waits for it sees the link close (`_until`)
            self._replies.clear()

    async def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "reply":
            future = self._replies.pop(str(message.get("id")), None)
            if future is not None and not future.done():
                future.set_result(message)
        elif kind == "event":
            self._on_event(message)
        elif kind in ("welcome", "error"):
            self._welcomes.put_nowait(message)
        elif kind == "ping":
            await self._send({"type": "pong"})

    async def _send(self, message: dict[str, Any]) -> None:
        try:
            await self._connection.send(json.dumps(message, ensure_ascii=False))
        except ConnectionClosed:
            raise Dropped(self._connection.close_code) from None

    async def hello(self, token: str) -> dict[str, Any]:
        """Start the session (or resync it): the welcome with its snapshot."""
        self._token = token
        await self._send({"type": "hello", "token": token})
        message = await self._until(self._welcomes.get(), HELLO_TIMEOUT)
        if message is None:
            raise Dropped(None)
        if message["type"] == "error":
            error = message.get("error", {})
            raise Refused("hello", str(error.get("code")), str(error.get("message")))
        return message

    async def resync(self) -> dict[str, Any]:
        return await self.hello(self._token)

    async def command(self, name: str, args: Mapping[str, Any]) -> dict[str, Any]:
        """Send a command; its result, or `Refused` with the server's error code."""
        command_id = f"{self._prefix}-{next(self._ids)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._replies[command_id] = future
        frame = {"type": "command", "id": command_id, "name": name, "args": dict(args)}
        await self._send(frame)
        reply = await self._until(future, COMMAND_TIMEOUT)
        if reply is None:
            raise Dropped(None)
        if not reply.get("ok"):
            error = reply.get("error", {})
            raise Refused(name, str(error.get("code")), str(error.get("message")))
        result: dict[str, Any] = reply.get("result") or {}
        return result

    async def wait(self, seconds: float | None, flag: asyncio.Event | None = None) -> bool:
        """Wait `seconds` (None: as long as it takes) or until `flag` is set (True then)."""
        waiter = flag.wait() if flag is not None else asyncio.Event().wait()  # never set
        return await self._until(waiter, seconds) is not None

    async def _until(self, awaitable: Awaitable[T], timeout: float | None) -> T | None:
        """`awaitable`'s result; None after `timeout` seconds; `Dropped` if the link closes."""
        work = asyncio.ensure_future(awaitable)
        closed = asyncio.ensure_future(self._closed.wait())
        try:
            done, _ = await asyncio.wait(
                {work, closed}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for task in (work, closed):
                task.cancel()
        if work in done and not work.cancelled():
            return work.result()
        if done:
            raise Dropped(self.close_code)
        return None


# --- the devices -----------------------------------------------------------------------------

RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
STAND_ASIDE_SECONDS = 30.0  # a clerk whose window or account is taken tries again after this
IDLE_CHECK_SECONDS = 10.0  # an idle clerk calls next at least this often
MAX_WAITING = 20  # a citizen who sees this many waiting in their queue leaves


@dataclass(frozen=True, slots=True)
class Scene:
    """What every simulated device shares: the server, the hall, its demand, the pace."""

    base_url: str  # http://HOST:PORT of the server
    config: HallConfig
    demand: Demand
    speed: float
    tally: Counter[str]

    @property
    def ws_url(self) -> str:
        return "ws" + self.base_url.removeprefix("http") + "/ws"


class _Device:
    """Connect, act, reconnect when dropped, until the server goes away."""

    def __init__(self, scene: Scene, token: str, label: str, rng: random.Random) -> None:
        self.scene = scene
        self.token = token
        self.label = label
        self.rng = rng
        self._opened = False  # a session was opened in this attempt
        self._ever_opened = False

    async def act(self, link: Link, welcome: dict[str, Any]) -> None:
        raise NotImplementedError

    def on_event(self, message: dict[str, Any]) -> None:
        """Every event the device receives, as it arrives (on the reading task)."""

    async def run(self) -> None:
        failures = 0
        while True:
            self._opened = False
            try:
                await self._session()
            except Dropped as dropped:
                if dropped.going_away:
                    return
                log.warning("%s: %s; reconnecting", self.label, dropped)
            except (OSError, TimeoutError, InvalidHandshake) as error:
                report = log.warning if self._ever_opened else log.debug  # not up yet: quiet
                report("%s: cannot connect (%s); trying again", self.label, error)
            except Refused as refused:
                log.error("%s: %s", self.label, refused)
            except Exception:  # never let one device's surprise end the demo
                log.exception("%s: unexpected error; starting over", self.label)
            failures = 0 if self._opened else failures + 1
            await asyncio.sleep(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])

    async def _session(self) -> None:
        async with connect(self.scene.ws_url, max_size=8 * 1024 * 1024, close_timeout=1) as ws:
            link = Link(ws, self.on_event)
            reader = asyncio.create_task(link.read())
            try:
                welcome = await link.hello(self.token)
                self._opened = self._ever_opened = True
                await self.act(link, welcome)
            finally:
                reader.cancel()
                await asyncio.gather(reader, return_exceptions=True)

    def count(self, what: str) -> None:
        self.scene.tally[what] += 1

    async def linger(self, link: Link, simulated_seconds: float) -> None:
        """Let `simulated_seconds` of the demo's time pass."""
        await link.wait(simulated_seconds / self.scene.speed)


class Kiosk(_Device):
    """The ticket machine, and the citizens who use it (some booked on the portal first)."""

    def __init__(self, scene: Scene, token: str, rng: random.Random, windows: int) -> None:
        super().__init__(scene, token, "kiosk", rng)
        self.windows = windows
        self.zone = ZoneInfo(scene.config.timezone)
        self.booking = Booking(scene.base_url, scene.config)
        self.waiting: dict[str, int] = {}
        self.opened = False  # the doors opened: the crowd at the door took its tickets

    def on_event(self, message: dict[str, Any]) -> None:
        data = message.get("data", {})
        if message.get("event") == "ticket.issued":
            self.waiting.update(data.get("waiting", {}))
        elif message.get("event") == "ticket.called" and not data.get("recall"):
            queue = str(data.get("ticket", {}).get("queue"))
            self.waiting[queue] = max(0, self.waiting.get(queue, 0) - 1)

    async def act(self, link: Link, welcome: dict[str, Any]) -> None:
        queues = welcome.get("snapshot", {}).get("queues", [])
        self.waiting = {q["id"]: q["waiting"] for q in queues}
        if sum(self.waiting.values()) < self.windows and not self.opened:
            await self._crowd(link)
        self.opened = True
        while True:
            arrival = next_arrival(self.rng, self._rates(), self.scene.speed)
            if arrival is None:  # a quiet hour: look again later
                await link.wait(60.0)
                continue
            delay, queue = arrival
            await link.wait(delay)
            if self.waiting.get(queue, 0) >= MAX_WAITING:
                self.count("left")
                continue
            await self._citizen(link, queue)

    def _rates(self) -> dict[str, float]:
        hour = demand_hour(self.scene.demand, datetime.now(self.zone))
        return arrival_rates(self.scene.config, self.scene.demand, hour, self.windows)

    async def _crowd(self, link: Link) -> None:
        """Citizens queueing at the door take their tickets first, so every page has
        something to show at once."""
        for queue in opening_crowd(self.rng, self._rates(), self.windows):
            await self._citizen(link, queue)
            await self.linger(link, self.rng.uniform(2, 10))

    async def _citizen(self, link: Link, queue: str) -> None:
        service = choose_service(self.rng, self.scene.config, queue)
        booked = service.bookable and self.rng.random() < APPOINTMENT_SHARE
        code = await self.booking.book(service.id, self.rng) if booked else None
        try:
            if code is not None:
                await link.command("check_in", {"booking_code": code})
                self.count("appointments")
            else:  # a walk-in (or no slot was free: the citizen came anyway)
                priority = choose_priority(self.rng, self.scene.demand.green_share)
                await link.command("issue_ticket", {"service": service.id, "priority": priority})
            self.count("issued")
        except Refused as refused:
            self.count("refused")
            log.info("kiosk: %s", refused)


class Clerk(_Device):
    """A clerk at one window, signed in with a demo staff account."""

    def __init__(self, scene: Scene, token: str, rng: random.Random, seat: ClerkSeat) -> None:
        super().__init__(scene, token, f"clerk at window {seat.window}", rng)
        self.seat = seat
        self.window: dict[str, Any] = {}
        self.work = asyncio.Event()
        self.waiting: set[str] = set()  # tickets put in line for this window since it looked
        self.cases = CaseDesk()

    def on_event(self, message: dict[str, Any]) -> None:
        self.cases.on_event(message)
        ticket = _new_work(message, self.seat.window, set(self.window.get("queues") or {}))
        if ticket is not None:
            self.waiting.add(ticket)
            self.work.set()
        elif message.get("event") in ("ticket.called", "ticket.cancelled", "ticket.expired"):
            self.waiting.discard(str(message.get("data", {}).get("ticket", {}).get("id")))

    async def act(self, link: Link, welcome: dict[str, Any]) -> None:
        self.window = _own_window(welcome, self.seat.window)
        refusals = 0
        while True:
            try:
                await self._step(link)
                refusals = 0
            except Refused as refused:  # the window is not as the clerk thought: look again
                refusals += 1
                self.count("refused")
                log.info("%s: %s", self.label, refused)
                await link.wait(_refusal_wait(refused.code, refusals))
                self.window = _own_window(await link.resync(), self.seat.window)

    async def _step(self, link: Link) -> None:
        window = self.window
        status = window.get("status")
        if status == CLOSED:
            args = {"staff": self.seat.staff, "password": self.seat.password}
            await self._window_command(link, "sign_in", args)
        elif window.get("clerk_number") != self.seat.staff:
            log.info("%s: another clerk works here; standing aside", self.label)
            await link.wait(STAND_ASIDE_SECONDS)
            self.window = _own_window(await link.resync(), self.seat.window)
        elif status == PAUSED:
            await self._window_command(link, "resume", {})
        elif status == CALLING:
            await self._attend(link, window.get("ticket") or {})
        elif status == SERVING_WINDOW:
            await self._serve(link, window.get("ticket") or {})
        else:
            await self._next(link)

    async def _window_command(self, link: Link, name: str, args: Mapping[str, Any]) -> None:
        result = await link.command(name, {"window": self.seat.window, **args})
        self.window = result.get("window") or self.window

    async def _ticket_command(self, link: Link, name: str) -> dict[str, Any] | None:
        result = await link.command(name, {"window": self.seat.window})
        ticket: dict[str, Any] | None = result.get("ticket")
        return ticket

    def _holding(self, status: str, ticket: dict[str, Any] | None) -> None:
        self.window = {**self.window, "status": status, "ticket": ticket}

    async def _next(self, link: Link) -> None:
        plan = pause_plan(self.rng)
        if plan is not None:
            await self._pause(link, *plan)
            return
        self.work.clear()
        self.waiting.clear()
        ticket = await self._ticket_command(link, "call_next")
        if ticket is None:
            await self._idle(link)
            return
        self.count("called")
        self._holding(CALLING, ticket)

    async def _idle(self, link: Link) -> None:
        """Nothing waits for this window: wait until a ticket may, react after a moment, and
        call next unless another window called it meanwhile (at the latest, look again after
        `IDLE_CHECK_SECONDS`)."""
        while await link.wait(IDLE_CHECK_SECONDS, self.work):
            await self.linger(link, self.rng.uniform(1, 5))
            self.work.clear()
            if self.waiting:
                return

    async def _pause(self, link: Link, reason: str, simulated_seconds: float) -> None:
        await self._window_command(link, "pause", {"reason": i18n.t(reason)})
        self.count("paused")
        await self.linger(link, simulated_seconds)
        await self._window_command(link, "resume", {})

    async def _attend(self, link: Link, ticket: dict[str, Any]) -> None:
        """The called citizen walks up, comes after a recall, or never comes (过号)."""
        comes = attendance(self.rng, self.scene.demand.no_show)
        if comes != PRESENT:
            await self.linger(link, self.rng.uniform(30, 60))
            await self._recall(link)
        if comes == ABSENT:
            await self.linger(link, self.rng.uniform(30, 60))
            await self._ticket_command(link, "no_show")
            self.count("no_shows")
            self._holding(IDLE, None)
            return
        await self.linger(link, self.rng.uniform(10, 40))
        await self._ticket_command(link, "start")
        self._holding(SERVING_WINDOW, ticket)

    async def _recall(self, link: Link) -> None:
        try:
            await self._ticket_command(link, "recall")
        except Refused as refused:  # e.g. recall_limit: the citizen had their chances
            log.info("%s: %s", self.label, refused)

    async def _serve(self, link: Link, ticket: dict[str, Any]) -> None:
        service = _service_time(self.scene, str(ticket.get("queue")))
        await link.wait(service_seconds(self.rng, service, self.scene.speed))
        await self.cases.before_finish(self, link, ticket)
        await self._ticket_command(link, "finish")
        self.count("finished")
        self._holding(IDLE, None)


def _service_time(scene: Scene, queue: str) -> ServiceTime:
    if queue in scene.demand.queues:
        return scene.demand.queues[queue].service
    return ServiceTime("exponential", _mean_minutes(scene.config, scene.demand, queue) or 5.0)


def _own_window(welcome: dict[str, Any], window: str) -> dict[str, Any]:
    windows = welcome.get("snapshot", {}).get("windows", [])
    found: dict[str, Any] = next((w for w in windows if w.get("id") == window), {})
    return found


def _new_work(message: dict[str, Any], window: str, queues: set[str]) -> str | None:
    """The ticket an event put in line for this window, if it did."""
    name, data = message.get("event"), message.get("data", {})
    ticket = data.get("ticket", {})
    if name in ("ticket.issued", "ticket.reactivated"):
        found = ticket.get("queue") in queues
    elif name == "ticket.finished":
        found = (data.get("next_queue") or {}).get("id") in queues
    elif name == "ticket.transferred":
        to_queue = (data.get("to_queue") or {}).get("id")
        found = to_queue in queues or (data.get("to_window") or {}).get("id") == window
    else:
        found = False
    return str(ticket.get("id")) if found else None


def _refusal_wait(code: str, refusals: int) -> float:
    if code in ("window_open", "staff_busy", "unauthorized"):
        return STAND_ASIDE_SECONDS
    return RETRY_SECONDS[min(refusals, len(RETRY_SECONDS) - 1)]


class RatingPad(_Device):
    """The rating pad of one window: most citizens rate, mostly well."""

    def __init__(self, scene: Scene, token: str, rng: random.Random, window: str) -> None:
        super().__init__(scene, token, f"rating pad at window {window}", rng)
        self.pending: deque[str] = deque()
        self.requested = asyncio.Event()

    def on_event(self, message: dict[str, Any]) -> None:
        if message.get("event") == "rating.requested":
            self._request(str(message.get("data", {}).get("ticket", {}).get("id")))

    def _request(self, ticket: str) -> None:
        self.pending.append(ticket)
        self.requested.set()

    async def act(self, link: Link, welcome: dict[str, Any]) -> None:
        self.pending.clear()
        rating = welcome.get("snapshot", {}).get("rating")
        if rating is not None:
            self._request(str(rating["ticket"]["id"]))
        while True:
            await link.wait(None, self.requested)
            self.requested.clear()
            while self.pending:
                await self._rate(link, self.pending.popleft())

    async def _rate(self, link: Link, ticket: str) -> None:
        if self.rng.random() >= RATED_SHARE:
            return  # the citizen walks off without rating
        await self.linger(link, self.rng.uniform(5, 20))
        score = choose_score(self.rng)
        args: dict[str, Any] = {"ticket": ticket, "score": score}
        if score <= 2:
            args["reasons"] = low_reasons(self.rng)
        try:
            await link.command("rate", args)
            self.count("rated")
        except Refused as refused:  # e.g. no_rating_pending: it expired, or the day rolled over
            log.info("%s: %s", self.label, refused)


# --- appointments, booked on the real booking API --------------------------------------------

CITIZEN_NAMES = (
    "张惠", "王秀英", "李建华", "刘桂兰", "陈志明", "杨丽", "赵国庆", "黄美玲", "周建军", "吴晓红",
)  # fmt: skip


class Booking:
    """A citizen books a slot starting soon on the booking API (as the booking page does) and
    gets a booking code. Names and phones are made up, and none is logged."""

    def __init__(self, base_url: str, config: HallConfig) -> None:
        self.base_url = base_url
        self.config = config
        self.zone = ZoneInfo(config.timezone)

    async def book(self, service: str, rng: random.Random) -> str | None:
        name = rng.choice(CITIZEN_NAMES)
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        try:
            return await asyncio.to_thread(self._book, service, name, phone)
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.info("kiosk: no appointment booked for %s (%s)", service, _http_reason(error))
            return None

    def _book(self, service: str, name: str, phone: str) -> str | None:
        now = datetime.now(self.zone)
        latest = now + timedelta(minutes=self.config.rules.check_in_early_minutes)
        query = urllib.parse.urlencode({"service": service, "date": latest.date().isoformat()})
        slots = self._request("GET", f"/slots?{query}")["slots"]
        soon = [s for s in slots if s["free"] > 0 and _instant(s["start"]) <= latest]
        if not soon:
            return None
        body = {"service": service, "slot": soon[0]["start"], "name": name, "phone": phone}
        code: str = self._request("POST", "/appointments", body)["result"]["booking"]["code"]
        return code

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(
            f"{self.base_url}/api/halls/{self.config.id}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())


def _instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def _http_reason(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        try:
            return str(json.loads(error.read())["error"]["code"])
        except (ValueError, KeyError, TypeError):
            return f"HTTP {error.code}"
    return type(error).__name__


# --- cases (办件): accepted at the window, worked by the back offices, collected -------------

CASE_SHARE = 0.8
"""Of the services with promise days (承诺件) served at a window, the share a clerk accepts as a
case (the rest were consultations or incomplete)."""
DOCUMENTS_SHARE = 0.12
REJECT_SHARE = 0.04
MAIL_SHARE = 0.15
DOCUMENT_ITEMS = ("身份证复印件", "户口簿复印件", "营业执照副本", "房屋产权证明", "委托书原件")
"""What a back office asks for (补正)."""


class CaseDesk:
    """What a clerk does with cases: accept a served citizen's application before finishing,
    and hand over the certificate to a citizen who checked in with a pickup code."""

    def __init__(self) -> None:
        self.pickups: dict[str, str] = {}  # pickup ticket id -> case id

    def on_event(self, message: dict[str, Any]) -> None:
        if message.get("event") == "case.checked_in":
            case = message.get("data", {}).get("case", {})
            self.pickups[str(case.get("pickup_ticket"))] = str(case.get("id"))

    async def before_finish(self, clerk: Clerk, link: Link, ticket: dict[str, Any]) -> None:
        try:
            case = self.pickups.pop(str(ticket.get("id")), None)
            if case is not None:
                await link.command("deliver_case", {"case": case})
                clerk.count("cases_delivered")
                return
            service = clerk.scene.config.service(str(ticket.get("service")))
            if service is not None and service.promise_days and clerk.rng.random() < CASE_SHARE:
                phone = f"1{clerk.rng.choice('3589')}{clerk.rng.randrange(10**9):09d}"
                args = {"ticket": ticket.get("id"), "contact_phone": phone}
                await link.command("open_case", args)
                clerk.count("cases_opened")
        except Refused as refused:  # e.g. case_exists: a bundle's later step
            log.info("%s: %s", clerk.label, refused)


class Office(_Device):
    """A back office (后台审批): works its cases, the earliest due first, one every few minutes:
    approves most, asks for documents or rejects a few, readies approved certificates for the
    pickup window (or mail) and delivers mailed ones."""

    def __init__(self, scene: Scene, token: str, rng: random.Random, office: str) -> None:
        super().__init__(scene, token, f"office {office}", rng)
        self.cases: dict[str, dict[str, Any]] = {}
        self.changed = asyncio.Event()

    def on_event(self, message: dict[str, Any]) -> None:
        case = message.get("data", {}).get("case")
        if str(message.get("event", "")).startswith("case.") and case:
            self.cases[str(case["id"])] = case
            self.changed.set()

    async def act(self, link: Link, welcome: dict[str, Any]) -> None:
        self.cases = _worklist(welcome)
        while True:
            case = self._next_case()
            if case is None:
                self.changed.clear()
                await link.wait(IDLE_CHECK_SECONDS, self.changed)
                continue
            await self.linger(link, self.rng.uniform(60, 300))
            try:
                await self._work(link, case)
            except Refused as refused:  # changed meanwhile (documents came back, ...)
                log.info("%s: %s", self.label, refused)
                self.cases = _worklist(await link.resync())

    def _next_case(self) -> dict[str, Any] | None:
        actionable = [
            c
            for c in self.cases.values()
            if c["status"] in ("accepted", "reviewing", "approved")
            or (c["status"] == "ready" and c.get("pickup") == "mail")
        ]
        return min(actionable, key=lambda c: (c["due"], c["id"]), default=None)

    async def _work(self, link: Link, case: dict[str, Any]) -> None:
        status, args = case["status"], {"case": case["id"]}
        if status == "approved":
            pickup = "mail" if self.rng.random() < MAIL_SHARE else "window"
            result = await link.command("ready_case", {**args, "pickup": pickup})
        elif status == "ready":
            result = await link.command("deliver_case", args)
        else:
            draw = self.rng.random()
            if draw < DOCUMENTS_SHARE and status == "accepted":
                items = self.rng.sample(DOCUMENT_ITEMS, self.rng.randint(1, 2))
                result = await link.command("request_documents", {**args, "items": items})
            elif draw < DOCUMENTS_SHARE + REJECT_SHARE:
                result = await link.command("reject_case", {**args, "reason": "不符合办理条件"})
            else:
                result = await link.command("approve_case", args)
        self.cases[str(case["id"])] = result.get("case") or case
        self.count("cases_worked")


def _worklist(welcome: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(c["id"]): c for c in welcome.get("snapshot", {}).get("cases", [])}


class CitizenReturns(_Device):
    """Citizens coming back (a kiosk of their own): with the documents a back office asked for
    (补正, handed in at the kiosk), or with their pickup code once the certificate is ready."""

    def __init__(self, scene: Scene, token: str, rng: random.Random) -> None:
        super().__init__(scene, token, "kiosk (citizens coming back)", rng)
        self.codes: dict[str, str] = {}  # case id -> pickup code (from case.opened)
        self.due: list[tuple[float, str, dict[str, Any]]] = []  # (when, command, args)
        self.changed = asyncio.Event()

    def on_event(self, message: dict[str, Any]) -> None:
        name, case = message.get("event"), message.get("data", {}).get("case") or {}
        if name == "case.opened" and case.get("code"):
            self.codes[str(case["id"])] = str(case["code"])
        elif name == "case.documents_requested":
            self._later(self.rng.uniform(600, 3600), "submit_documents", {"case": case["id"]})
        elif name == "case.ready" and case.get("pickup") == "window":
            code = self.codes.pop(str(case["id"]), None)
            if code is not None:
                self._later(self.rng.uniform(300, 2400), "check_in", {"case_code": code})

    def _later(self, simulated_seconds: float, command: str, args: dict[str, Any]) -> None:
        when = asyncio.get_running_loop().time() + simulated_seconds / self.scene.speed
        self.due.append((when, command, args))
        self.changed.set()

    async def act(self, link: Link, welcome: dict[str, Any]) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self.due.sort(key=lambda item: item[0])
            wait = self.due[0][0] - loop.time() if self.due else IDLE_CHECK_SECONDS
            self.changed.clear()
            await link.wait(max(0.0, wait), self.changed)
            while self.due and self.due[0][0] <= loop.time():
                _, command, args = self.due.pop(0)
                try:
                    await link.command(command, args)
                    self.count(f"cases_{command}")
                except Refused as refused:  # e.g. case_closed: rejected meanwhile
                    log.info("%s: %s", self.label, refused)


# --- the whole flow --------------------------------------------------------------------------

REPORT_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class ClerkSeat:
    """A simulated clerk: the window, the staff account, the clerk and pad devices' tokens."""

    window: str
    staff: str
    password: str
    clerk_token: str
    pad_token: str


class DemoFlow:
    """Every simulated device of the demo hall, run side by side until the server goes away."""

    def __init__(
        self,
        base_url: str,
        config: HallConfig,
        demand: Demand,
        kiosk_token: str,
        seats: Sequence[ClerkSeat],
        *,
        speed: float,
        seed: int | None,
        offices: Sequence[tuple[str, str]] = (),
        pickup_kiosk_token: str | None = None,
    ) -> None:
        rng = random.Random(seed)
        self.scene = Scene(base_url, config, demand, speed, Counter())

        def child() -> random.Random:
            return random.Random(rng.getrandbits(64))

        self.devices: list[_Device] = [Kiosk(self.scene, kiosk_token, child(), len(seats))]
        for seat in seats:
            self.devices.append(Clerk(self.scene, seat.clerk_token, child(), seat))
            self.devices.append(RatingPad(self.scene, seat.pad_token, child(), seat.window))
        for office, token in offices:  # 后台审批: each office works its cases
            self.devices.append(Office(self.scene, token, child(), office))
        if pickup_kiosk_token is not None:  # citizens back with documents, or to collect
            self.devices.append(CitizenReturns(self.scene, pickup_kiosk_token, child()))

    async def run(self) -> None:
        reporter = asyncio.create_task(self._report())
        tasks = [asyncio.create_task(device.run()) for device in self.devices]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in [reporter, *tasks]:
                task.cancel()
            await asyncio.gather(reporter, *tasks, return_exceptions=True)

    async def _report(self) -> None:
        while True:
            await asyncio.sleep(REPORT_SECONDS)
            counts = self.scene.tally
            log.info(
                "demo flow: %d tickets issued (%d by appointment), %d called, %d served, "
                "%d rated, %d no-shows, %d pauses",
                *(counts[k] for k in ("issued", "appointments", "called", "finished")),
                *(counts[k] for k in ("rated", "no_shows", "paused")),
            )
