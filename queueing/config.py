"""The hall configuration: queues, services, windows and the rules the hall runs by.

`parse_config(document)` turns the JSON hall document (docs/protocol.md, *Hall configuration*)
into a `HallConfig`, listing every problem it finds at once (`ConfigError.problems`);
`config_document(config)` turns it back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from queueing.errors import ConfigError

ROUTING_POLICIES = ("weighted", "strict")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_PREFIX = re.compile(r"^[A-Z]{1,2}$")
_HHMM = re.compile(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class QueueConfig:
    id: str
    name: str
    prefix: str
    service_minutes: float
    area: str = ""
    """Where the queue's windows are (e.g. 二楼B区), printed on its tickets; "" for none."""


@dataclass(frozen=True, slots=True)
class ServiceConfig:
    """What a citizen picks. A bundle (一件事一次办) has several steps, each a queue."""

    id: str
    name: str
    steps: tuple[str, ...]
    category: str = ""
    bookable: bool = True
    slot_capacity: int = 2
    name_en: str = ""
    """The service's name on pages switched to English; "" shows `name` there too."""
    office: str = ""
    """The back office that approves its cases (办件); "" for none (queueing/cases.py)."""
    promise_days: int = 0
    """承诺时限: working days a case of this service is due in; 0 = 即办件 (done at the window)."""

    @property
    def queue(self) -> str:
        return self.steps[0]


@dataclass(frozen=True, slots=True)
class WindowConfig:
    id: str
    name: str
    queues: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class OfficeConfig:
    """A back-office department (后台审批科室) that approves the cases of its services."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Rules:
    routing: str = "weighted"
    priority_cap: int = 3
    max_wait_minutes: float = 60.0
    max_recalls: int = 2
    reactivate_minutes: float = 30.0
    reactivate_places: int = 3
    open_time: str = "08:30"
    close_time: str = "17:30"
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)
    slot_minutes: int = 30
    check_in_early_minutes: float = 30.0
    check_in_late_minutes: float = 15.0
    booking_days_ahead: int = 14
    booking_open_time: str = ""
    """Appointment slots start from this time ("" for open_time); within opening hours."""
    booking_close_time: str = ""
    """Appointment slots end by this time ("" for close_time); within opening hours."""
    no_show_limit: int = 3
    rating_timeout_seconds: float = 120.0
    follow_up_days: int = 3
    """Superseded by the working-day deadlines below (kept so older documents still load)."""
    callback_working_days: int = 1
    """A follow-up's citizen is called back within this many working days (回访时限)."""
    rectify_working_days: int = 15
    """A low rating's follow-up is rectified and closed within this many working days (整改)."""
    complaint_reply_working_days: int = 5
    """A complaint is answered and closed within this many working days (投诉答复时限)."""
    callback_share: float = 0.0
    """The share (0 to 1) of finished services with a phone on file that get a 回访 callback."""
    service_target_minutes: float = 15.0
    announce_repeat: int = 2
    require_sign_in: bool = True
    """Calling and serving at a window (call_next, call, recall, start, finish, no_show,
    transfer, park) needs a clerk signed in there: a tablet's open_window opens it for sign-in
    only. False: an open window calls with nobody signed in (as before version 1.1)."""
    tablet_requires_manager: bool = True
    """A tablet's hall-changing commands need a floor manager signed in on its connection
    (checked at the edge, `displays/command_edge.py`; the core never sees a session)."""
    holidays: tuple[str, ...] = ()
    """Local dates (YYYY-MM-DD) the hall is closed although `weekdays` opens it (法定节假日)."""
    workdays: tuple[str, ...] = ()
    """Local dates the hall opens although `weekdays` closes it (调休上班日)."""
    pickup_queue: str = ""
    """The 出证 queue: a ready case's pickup code checked in at a kiosk waits there ("" none)."""

    def opens_on(self, day: date) -> bool:
        """The hall opens on this local date: a workday, or one of its weekdays and no holiday."""
        iso = day.isoformat()
        if iso in self.workdays:
            return True
        return day.isoweekday() in self.weekdays and iso not in self.holidays


@dataclass(frozen=True, slots=True)
class HallConfig:
    id: str
    name: str
    timezone: str
    queues: tuple[QueueConfig, ...]
    services: tuple[ServiceConfig, ...]
    windows: tuple[WindowConfig, ...]
    rules: Rules = field(default_factory=Rules)
    offices: tuple[OfficeConfig, ...] = ()

    def office(self, office_id: str) -> OfficeConfig | None:
        return next((o for o in self.offices if o.id == office_id), None)

    def queue(self, queue_id: str) -> QueueConfig | None:
        return next((q for q in self.queues if q.id == queue_id), None)

    def service(self, service_id: str) -> ServiceConfig | None:
        return next((s for s in self.services if s.id == service_id), None)

    def window(self, window_id: str) -> WindowConfig | None:
        return next((w for w in self.windows if w.id == window_id), None)


def parse_config(document: Any, hall_id: str | None = None) -> HallConfig:
    """Validate a hall document; raise `ConfigError` listing every problem."""
    problems: list[str] = []
    if not isinstance(document, Mapping):
        raise ConfigError(["document: must be a JSON object"])
    doc: Mapping[str, Any] = document
    known = {"id", "name", "timezone", "queues", "services", "windows", "rules", "offices"}
    problems += [f"{key}: unknown field" for key in doc if key not in known]
    hall = hall_id if hall_id is not None else doc.get("id")
    if not isinstance(hall, str) or not _ID.match(hall):
        problems.append("id: must be 1-32 letters, digits, '-' or '_'")
    name = _text(doc, "name", "name", problems)
    timezone = _timezone(doc.get("timezone", "Asia/Shanghai"), problems)
    queues = _list(doc, "queues", _queue, problems)
    services = _list(doc, "services", _service, problems)
    windows = _list(doc, "windows", _window, problems)
    rules = _rules(doc.get("rules", {}), problems)
    _cross_check(queues, services, windows, problems)
    offices = _offices(doc.get("offices", []), problems)
    problems += _case_problems(offices, queues, services, rules)
    if problems:
        raise ConfigError(problems)
    return HallConfig(str(hall), name, timezone, queues, services, windows, rules, offices)


def config_document(config: HallConfig) -> dict[str, Any]:
    """The JSON document of a configuration, the inverse of `parse_config`."""
    return {
        "id": config.id,
        "name": config.name,
        "timezone": config.timezone,
        "queues": [
            {
                "id": q.id,
                "name": q.name,
                "prefix": q.prefix,
                "service_minutes": q.service_minutes,
                **({"area": q.area} if q.area else {}),
            }
            for q in config.queues
        ],
        "services": [
            {
                "id": s.id,
                "name": s.name,
                "steps": list(s.steps),
                "category": s.category,
                "bookable": s.bookable,
                "slot_capacity": s.slot_capacity,
                **({"name_en": s.name_en} if s.name_en else {}),
                **({"office": s.office} if s.office else {}),
                **({"promise_days": s.promise_days} if s.promise_days else {}),
            }
            for s in config.services
        ],
        "windows": [{"id": w.id, "name": w.name, "queues": dict(w.queues)} for w in config.windows],
        **(
            {"offices": [{"id": o.id, "name": o.name} for o in config.offices]}
            if config.offices
            else {}
        ),
        "rules": {
            f.name: list(v) if isinstance(v := getattr(config.rules, f.name), tuple) else v
            for f in fields(Rules)
        },
    }


def _text(doc: Mapping[str, Any], key: str, where: str, problems: list[str]) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        problems.append(f"{where}: must be a non-empty string of at most 100 characters")
        return ""
    return value


def _ident(doc: Mapping[str, Any], key: str, where: str, problems: list[str]) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not _ID.match(value):
        problems.append(f"{where}: must be 1-32 letters, digits, '-' or '_'")
        return ""
    return value


def _number(value: Any, where: str, problems: list[str], low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        problems.append(f"{where}: must be a number from {low:g} to {high:g}")
        return low
    return float(value)


def _timezone(value: Any, problems: list[str]) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        if not isinstance(value, str):
            raise ValueError(value)
        ZoneInfo(value)
    except (ValueError, ZoneInfoNotFoundError):
        problems.append("timezone: must be an IANA time zone such as Asia/Shanghai")
        return "UTC"
    return value


def _list(doc: Mapping[str, Any], key: str, parse: Any, problems: list[str]) -> tuple[Any, ...]:
    items = doc.get(key)
    if not isinstance(items, list) or not items:
        problems.append(f"{key}: must be a non-empty list")
        return ()
    parsed = []
    for index, item in enumerate(items):
        where = f"{key}[{index}]"
        if not isinstance(item, Mapping):
            problems.append(f"{where}: must be an object")
            continue
        parsed.append(parse(item, where, problems))
    ids = [p.id for p in parsed]
    problems += [f"{key}: duplicate id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    return tuple(parsed)


def _queue(item: Mapping[str, Any], where: str, problems: list[str]) -> QueueConfig:
    prefix = item.get("prefix")
    if not isinstance(prefix, str) or not _PREFIX.match(prefix):
        problems.append(f"{where}.prefix: must be one or two capital letters")
        prefix = ""
    minutes = _number(
        item.get("service_minutes", 5), f"{where}.service_minutes", problems, 0.1, 480
    )
    return QueueConfig(
        _ident(item, "id", f"{where}.id", problems),
        _text(item, "name", f"{where}.name", problems),
        str(prefix),
        minutes,
        _optional_text(item, "area", f"{where}.area", problems),
    )


def _optional_text(item: Mapping[str, Any], key: str, where: str, problems: list[str]) -> str:
    """An optional short label: absent or "" for none, else at most 50 characters."""
    value = item.get(key, "")
    if not isinstance(value, str) or len(value) > 50:
        problems.append(f"{where}: must be a string of at most 50 characters")
        return ""
    return value.strip()


def _service(item: Mapping[str, Any], where: str, problems: list[str]) -> ServiceConfig:
    steps = item.get("steps", [item.get("queue")])
    if not isinstance(steps, list) or not steps or not all(isinstance(s, str) for s in steps):
        problems.append(f"{where}.queue: give a queue id, or steps: a list of queue ids")
        steps = []
    category = item.get("category", "")
    if not isinstance(category, str):
        problems.append(f"{where}.category: must be a string")
        category = ""
    bookable = item.get("bookable", True)
    if not isinstance(bookable, bool):
        problems.append(f"{where}.bookable: must be true or false")
        bookable = False
    capacity = _number(item.get("slot_capacity", 2), f"{where}.slot_capacity", problems, 0, 1000)
    return ServiceConfig(
        _ident(item, "id", f"{where}.id", problems),
        _text(item, "name", f"{where}.name", problems),
        tuple(steps),
        category,
        bookable,
        int(capacity),
        _optional_text(item, "name_en", f"{where}.name_en", problems),
        _optional_text(item, "office", f"{where}.office", problems),
        int(_number(item.get("promise_days", 0), f"{where}.promise_days", problems, 0, 365)),
    )


def _window(item: Mapping[str, Any], where: str, problems: list[str]) -> WindowConfig:
    queues = item.get("queues")
    weights: dict[str, float] = {}
    if not isinstance(queues, Mapping) or not queues:
        problems.append(f"{where}.queues: must map at least one queue id to a weight")
    else:
        for queue, weight in queues.items():
            weights[queue] = _number(weight, f"{where}.queues.{queue}", problems, 0.01, 100)
    return WindowConfig(
        _ident(item, "id", f"{where}.id", problems),
        _text(item, "name", f"{where}.name", problems),
        weights,
    )


_RULE_RANGES: dict[str, tuple[float, float]] = {
    "priority_cap": (1, 100),
    "max_wait_minutes": (1, 1440),
    "max_recalls": (0, 10),
    "reactivate_minutes": (0, 1440),
    "reactivate_places": (0, 1000),
    "slot_minutes": (5, 240),
    "check_in_early_minutes": (0, 240),
    "check_in_late_minutes": (0, 240),
    "booking_days_ahead": (0, 366),
    "no_show_limit": (1, 100),
    "rating_timeout_seconds": (5, 3600),
    "follow_up_days": (1, 60),
    "callback_working_days": (0, 60),
    "rectify_working_days": (1, 366),
    "complaint_reply_working_days": (1, 366),
    "callback_share": (0, 1),
    "service_target_minutes": (0.1, 480),
    "announce_repeat": (1, 5),
}
_INT_RULES = {f.name for f in fields(Rules) if f.type in ("int", int)}
_BOOL_RULES = tuple(f.name for f in fields(Rules) if f.type in ("bool", bool))


def _rules(value: Any, problems: list[str]) -> Rules:
    if not isinstance(value, Mapping):
        problems.append("rules: must be an object")
        return Rules()
    known = {f.name for f in fields(Rules)}
    problems += [f"rules.{key}: unknown rule" for key in value if key not in known]
    chosen: dict[str, Any] = {}
    for key, (low, high) in _RULE_RANGES.items():
        if key in value:
            number = _number(value[key], f"rules.{key}", problems, low, high)
            chosen[key] = int(number) if key in _INT_RULES else number
    if "routing" in value:
        if value["routing"] not in ROUTING_POLICIES:
            problems.append(f"rules.routing: must be one of {', '.join(ROUTING_POLICIES)}")
        else:
            chosen["routing"] = value["routing"]
    for key in ("open_time", "close_time", "booking_open_time", "booking_close_time"):
        if key in value and not (key.startswith("booking_") and value[key] == ""):
            if not isinstance(value[key], str) or not _HHMM.match(value[key]):
                problems.append(f"rules.{key}: must be HH:MM (close_time may be 24:00)")
            elif key == "open_time" and value[key] == "24:00":
                problems.append("rules.open_time: must be 00:00 to 23:59")
            else:
                chosen[key] = value[key]
    for key in _BOOL_RULES:
        if key in value:
            if not isinstance(value[key], bool):
                problems.append(f"rules.{key}: must be true or false")
            else:
                chosen[key] = value[key]
    if "weekdays" in value:
        days = value["weekdays"]
        if not isinstance(days, list) or not all(d in range(1, 8) for d in days) or not days:
            problems.append("rules.weekdays: must list ISO weekdays 1 (Monday) to 7")
        else:
            chosen["weekdays"] = tuple(sorted(set(days)))
    for key in ("holidays", "workdays"):
        if key in value:
            chosen[key] = _dates(value[key], f"rules.{key}", problems)
    if "pickup_queue" in value:
        if not isinstance(value["pickup_queue"], str):
            problems.append('rules.pickup_queue: must be a queue id, or "" for none')
        else:
            chosen["pickup_queue"] = value["pickup_queue"]
    both = sorted(set(chosen.get("holidays", ())) & set(chosen.get("workdays", ())))
    problems += [f"rules.workdays: {day} is also a holiday" for day in both]
    rules = Rules(**chosen)
    if rules.open_time >= rules.close_time:
        problems.append("rules.close_time: must be after open_time")
    problems += _booking_hours_problems(rules)
    return rules


def _booking_hours_problems(rules: Rules) -> list[str]:
    """Booking hours, where set, lie within the opening hours and end after they start."""
    opens, closes = booking_hours(rules)
    problems = []
    if not rules.open_time <= opens < rules.close_time:
        problems.append("rules.booking_open_time: must be within open_time-close_time")
    if not rules.open_time < closes <= rules.close_time:
        problems.append("rules.booking_close_time: must be within open_time-close_time")
    if opens >= closes:
        problems.append("rules.booking_close_time: must be after booking_open_time")
    return problems


def booking_hours(rules: Rules) -> tuple[str, str]:
    """The local times (HH:MM) appointment slots lie between: the booking hours where the hall
    sets them, otherwise its opening hours."""
    return rules.booking_open_time or rules.open_time, rules.booking_close_time or rules.close_time


MAX_DATES = 400
"""Holidays (or workdays) a document may list: a year of them and more."""


def _dates(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    """Distinct local dates YYYY-MM-DD, sorted."""
    if not isinstance(value, list) or len(value) > MAX_DATES:
        problems.append(f"{where}: must list at most {MAX_DATES} dates YYYY-MM-DD")
        return ()
    days: set[str] = set()
    for index, item in enumerate(value):
        if not isinstance(item, str) or not _DATE.match(item):
            problems.append(f"{where}[{index}]: must be a date YYYY-MM-DD")
            continue
        try:
            date.fromisoformat(item)
        except ValueError:
            problems.append(f"{where}[{index}]: no such date {item!r}")
            continue
        days.add(item)
    return tuple(sorted(days))


def _cross_check(
    queues: tuple[QueueConfig, ...],
    services: tuple[ServiceConfig, ...],
    windows: tuple[WindowConfig, ...],
    problems: list[str],
) -> None:
    queue_ids = {q.id for q in queues}
    prefixes = [q.prefix for q in queues if q.prefix]
    for prefix in sorted({p for p in prefixes if prefixes.count(p) > 1}):
        problems.append(f"queues: prefix {prefix!r} is used twice")
    for index, service in enumerate(services):
        for step in service.steps:
            if step not in queue_ids:
                problems.append(f"services[{index}].queue: no queue {step!r}")
    served: set[str] = set()
    for index, window in enumerate(windows):
        for queue in window.queues:
            if queue not in queue_ids:
                problems.append(f"windows[{index}].queues: no queue {queue!r}")
        served.update(window.queues)
    for queue in sorted(queue_ids - served):
        problems.append(f"queues: no window serves queue {queue!r}")


# --- cases (办件): offices, promise days, the pickup queue ----------------------------------


def _offices(value: Any, problems: list[str]) -> tuple[OfficeConfig, ...]:
    """The back offices ([{id, name}], optional: a hall without cases lists none)."""
    if not isinstance(value, list):
        problems.append("offices: must be a list")
        return ()
    offices = []
    for index, item in enumerate(value):
        where = f"offices[{index}]"
        if not isinstance(item, Mapping):
            problems.append(f"{where}: must be an object")
            continue
        offices.append(
            OfficeConfig(
                _ident(item, "id", f"{where}.id", problems),
                _text(item, "name", f"{where}.name", problems),
            )
        )
    ids = [o.id for o in offices]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    problems += [f"offices: duplicate id {i!r}" for i in twice]
    return tuple(offices)


def _case_problems(
    offices: tuple[OfficeConfig, ...],
    queues: tuple[QueueConfig, ...],
    services: tuple[ServiceConfig, ...],
    rules: Rules,
) -> list[str]:
    """A service's office is one of the hall's; a service with promise days has one; the pickup
    queue is one of the hall's queues."""
    office_ids = {o.id for o in offices}
    problems = [
        f"services[{index}].office: no office {service.office!r}"
        for index, service in enumerate(services)
        if service.office and service.office not in office_ids
    ]
    problems += [
        f"services[{index}].office: a service with promise_days needs an office"
        for index, service in enumerate(services)
        if service.promise_days and not service.office
    ]
    if rules.pickup_queue and rules.pickup_queue not in {q.id for q in queues}:
        problems.append(f"rules.pickup_queue: no queue {rules.pickup_queue!r}")
    return problems
