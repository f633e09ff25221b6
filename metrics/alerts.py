"""Alerts for floor managers: raised once when a condition starts, cleared when it ends, listed
until acknowledged, counted per kind.

- `wait_over_target` (warning): a queue's longest current wait is past the hall's
  `rules.service_target_minutes`;
- `window_paused` (warning): a window has been paused longer than `pause_limit_s` (15 min);
- `no_window_open` (critical): a queue has people waiting and no window open to take them;
- `bad_rating` (warning): a rating of 1 or 2; it has no end, it is listed until acknowledged;
- `device_offline` (warning): the server says a device is offline, until it says it is back;
  one alert per outage, naming the device as its administrator named it, or by its window and
  kind.

An alert's message is an i18n key (`ALERT_MESSAGES`, Chinese first) and its params; the tablet
renders it. Ids and `raised_at` come from the hall's data (the ticket, the pause start, the
commit time), so every server process names the same alert the same way. Conditions are checked
for what an event touches (`check_queue`, `check_window`) and, because waits and pauses grow
without events, for everything by the periodic `evaluate(now)`.

A server keeps alerts across restarts and processes: it reads each change from `changes` (raised
or cleared, when it sets the list), starts a hall from what it stored (`restore`) and hears of
acknowledgements made elsewhere (`acknowledge` too). An acknowledged id is remembered (the last
`ACKNOWLEDGED_KEPT`): acknowledging it again succeeds, and it is never listed again.
"""

from __future__ import annotations

import re
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from metrics.clock import iso_or_none, iso_utc
from metrics.sink import NULL_SINK, Sink
from queueing.config import HallConfig

WAIT_OVER_TARGET = "wait_over_target"
WINDOW_PAUSED = "window_paused"
NO_WINDOW_OPEN = "no_window_open"
BAD_RATING = "bad_rating"
DEVICE_OFFLINE = "device_offline"
FOLLOW_UP_OVERDUE = "follow_up_overdue"
KINDS = (
    WAIT_OVER_TARGET,
    WINDOW_PAUSED,
    NO_WINDOW_OPEN,
    BAD_RATING,
    DEVICE_OFFLINE,
    FOLLOW_UP_OVERDUE,
)

WARNING = "warning"
CRITICAL = "critical"

DEFAULT_PAUSE_LIMIT_S = 15 * 60.0
ACKNOWLEDGED_KEPT = 10_000
"""Acknowledged alert ids remembered per hall (a repeated acknowledgement succeeds)."""

ALERT_MESSAGES: Mapping[str, Mapping[str, str]] = {
    "alert.wait_over_target": {
        "zh-CN": "{queue}最长等候已超过目标 {target} 分钟（{number}号）",
        "en": "{queue}: the longest wait is past the {target}-minute target (ticket {number})",
    },
    "alert.window_paused": {
        "zh-CN": "{window}暂离已超过 {minutes} 分钟：{reason}",
        "en": "{window} has been paused for more than {minutes} min: {reason}",
    },
    "alert.no_window_open": {
        "zh-CN": "{queue}有群众等候，但没有开放的窗口",
        "en": "{queue}: people are waiting but no window is open for them",
    },
    "alert.bad_rating": {
        "zh-CN": "{number}号在{window}给出差评（{score}分）",
        "en": "Ticket {number} gave a low rating ({score}) at {window}",
    },
    "alert.follow_up_overdue": {
        "zh-CN": "整改事项 {follow_up} 已超期（{step}）",
        "en": "Follow-up {follow_up} is overdue ({step})",
    },
    "alert.device_offline": {
        "zh-CN": "{device}已离线",
        "en": "{device} is offline",
    },
    "alert.device_offline_window": {
        "zh-CN": "{window}{kind}已离线",
        "en": "The {kind} of {window} is offline",
    },
    "alert.device_offline_kind": {
        "zh-CN": "{kind}（设备 {device}）已离线",
        "en": "A {kind} (device {device}) is offline",
    },
}
"""Texts of the alert keys, for the displays' i18n table (`displays/i18n.py` may merge them)."""

Param = str | int | float


@dataclass(frozen=True, slots=True)
class Alert:
    id: str
    kind: str
    severity: str
    key: str
    params: Mapping[str, Param]
    subject: str
    raised_at: float
    cleared_at: float | None = None

    @property
    def active(self) -> bool:
        return self.cleared_at is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "severity": self.severity,
            "key": self.key,
            "params": dict(self.params),
            "subject": self.subject,
            "raised_at": iso_utc(self.raised_at),
            "cleared_at": iso_or_none(self.cleared_at),
            "active": self.active,
        }


class AlertView(Protocol):
    """What the alerts read from the live figures (`metrics.fold.HallFold` provides it)."""

    config: HallConfig

    def oldest_waiting(self, queue: str) -> tuple[float, str, str] | None:
        """(waiting since, ticket id, ticket number) of the queue's longest-waiting ticket."""

    def waiting(self, queue: str) -> int: ...

    def windows_open(self, queue: str) -> int: ...

    def paused_since(self, window: str) -> tuple[float, str] | None:
        """(paused since, reason) of a paused window, else None."""


class HallAlerts:
    """The alerts of one hall, reading the live figures through `view`."""

    def __init__(
        self,
        view: AlertView,
        *,
        pause_limit_s: float = DEFAULT_PAUSE_LIMIT_S,
        sink: Sink = NULL_SINK,
    ) -> None:
        if pause_limit_s <= 0:
            raise ValueError(f"pause_limit_s must be > 0, not {pause_limit_s!r}")
        self.view = view
        self.pause_limit_s = pause_limit_s
        self.sink = sink
        self.raised: Counter[str] = Counter()
        """Alerts raised since this object was made, per kind."""
        self._listed: dict[str, Alert] = {}
        self._holding: dict[tuple[str, str], Alert] = {}
        self._acknowledged: OrderedDict[str, None] = OrderedDict()
        self.changes: list[Alert] | None = None
        """When a list (the server sets one): every alert raised or cleared, as it happens, for
        the server to store; the server empties it."""
        self._names_of: HallConfig | None = None
        self._name_table: dict[tuple[str, str], str] = {}

    # --- reading, acknowledging ---------------------------------------------------------------

    def listed(self) -> list[Alert]:
        """Alerts not yet acknowledged, active or cleared, oldest raised first."""
        return sorted(self._listed.values(), key=lambda a: (a.raised_at, a.id))

    def acknowledge(self, alert_id: str) -> bool:
        """Stop listing an alert; False when no such alert is listed. An acknowledged alert
        whose condition still holds is not raised again until the condition ends and restarts;
        its id is never listed again (acknowledged in another process before this one raised
        it, too)."""
        self._remember(alert_id)
        return self._listed.pop(alert_id, None) is not None

    def was_acknowledged(self, alert_id: str) -> bool:
        return alert_id in self._acknowledged

    def find(self, alert_id: str) -> Alert | None:
        """A listed alert."""
        return self._listed.get(alert_id)

    def restore(self, stored: Iterable[tuple[Alert, bool]]) -> None:
        """Start from stored alerts, each with whether it was acknowledged (before the hall's
        conditions are first checked): an alert not cleared stands for its condition, so the
        same condition keeps its id (and an acknowledged one stays quiet); the alerts not
        acknowledged are listed."""
        for alert, acknowledged in stored:
            if alert.active and alert.kind != BAD_RATING:
                self._holding[(alert.kind, alert.subject)] = alert
            if acknowledged:
                self._remember(alert.id)
                self._listed.pop(alert.id, None)
            else:
                self._listed[alert.id] = alert

    def take_over(self, previous: HallAlerts) -> None:
        """Carry on from another `HallAlerts` of the same hall (the hall was configured anew):
        its listed alerts, the conditions it holds and the ids acknowledged."""
        self._listed = dict(previous._listed)
        self._holding = dict(previous._holding)
        self._acknowledged = OrderedDict(previous._acknowledged)

    def holding(self, kind: str) -> list[str]:
        """The subjects whose `kind` condition holds (e.g. the devices reported offline)."""
        return [subject for held, subject in self._holding if held == kind]

    def _remember(self, alert_id: str) -> None:
        self._acknowledged[alert_id] = None
        self._acknowledged.move_to_end(alert_id)
        if len(self._acknowledged) > ACKNOWLEDGED_KEPT:
            self._acknowledged.popitem(last=False)

    # --- conditions -----------------------------------------------------------------------------

    def evaluate(self, now: float) -> None:
        for queue in self.view.config.queues:
            self.check_queue(queue.id, now)
        for window in self.view.config.windows:
            self.check_window(window.id, now)

    def check_queue(self, queue: str, now: float) -> None:
        names = self._names()
        name = names.get(("queue", queue))
        target_s = self.view.config.rules.service_target_minutes * 60.0
        oldest = self.view.oldest_waiting(queue) if name is not None else None
        late = oldest is not None and now - oldest[0] > target_s
        if self._changes(WAIT_OVER_TARGET, queue, late, now) and oldest is not None:
            self._start(WAIT_OVER_TARGET, queue, _late_alert(str(name), queue, target_s, oldest))
        stranded = (
            name is not None and self.view.waiting(queue) > 0 and self.view.windows_open(queue) == 0
        )
        if self._changes(NO_WINDOW_OPEN, queue, stranded, now):
            self._start(NO_WINDOW_OPEN, queue, _unstaffed_alert(str(name), queue, now))

    def check_window(self, window: str, now: float) -> None:
        name = self._names().get(("window", window))
        paused = self.view.paused_since(window) if name is not None else None
        too_long = paused is not None and now - paused[0] > self.pause_limit_s
        if self._changes(WINDOW_PAUSED, window, too_long, now) and paused is not None:
            since, reason = paused
            start = since + self.pause_limit_s
            params = {
                "window": str(name),
                "window_id": window,
                "minutes": f"{self.pause_limit_s / 60:g}",
                "reason": reason,
            }
            alert = Alert(
                _alert_id(WINDOW_PAUSED, window, start),
                WINDOW_PAUSED,
                WARNING,
                "alert.window_paused",
                params,
                window,
                start,
            )
            self._start(WINDOW_PAUSED, window, alert)

    def bad_rating(
        self,
        ticket: str,
        number: str,
        window: str,
        score: int,
        at: float,
        reasons: Iterable[str] = (),
        comment: str = "",
    ) -> None:
        """A rating of 1 or 2, with what the citizen said (never who they are): the reasons
        (joined with 、) and the comment."""
        params: dict[str, Param] = {
            "number": number,
            "window": self._names().get(("window", window), window),
            "window_id": window,
            "score": score,
            "reasons": "、".join(reason.strip() for reason in reasons if reason.strip()),
            "comment": _masked(comment.strip()),
        }
        alert = Alert(
            _alert_id(BAD_RATING, ticket, at),
            BAD_RATING,
            WARNING,
            "alert.bad_rating",
            params,
            ticket,
            at,
        )
        self._raise(alert)

    def follow_up_overdue(self, follow_up: str, step: str, due: float) -> None:
        """A follow-up's deadline passed (`follow_up.overdue`): raised once per follow-up and
        step, listed until acknowledged (差评整改, 投诉, 回访)."""
        params: dict[str, Param] = {"follow_up": follow_up, "step": step}
        alert = Alert(
            _alert_id(FOLLOW_UP_OVERDUE, f"{follow_up}:{step}", due),
            FOLLOW_UP_OVERDUE,
            WARNING,
            "alert.follow_up_overdue",
            params,
            follow_up,
            due,
        )
        self._raise(alert)

    def device_offline(
        self, device: str, kind: str, since: float, name: str = "", window: str | None = None
    ) -> None:
        """A device gone since `since` (one alert per outage: the same `since` is the same
        outage). `name` is the name an administrator gave it ("" when it has the default
        one); then the device is named by its `window` and kind ("3号窗口评价器"), else by
        its kind and id."""
        if self._changes(DEVICE_OFFLINE, device, True, since):
            key, params = self._device_words(device, kind, name, window)
            alert = Alert(
                _alert_id(DEVICE_OFFLINE, device, since),
                DEVICE_OFFLINE,
                WARNING,
                key,
                params,
                device,
                since,
            )
            self._start(DEVICE_OFFLINE, device, alert)

    def _device_words(
        self, device: str, kind: str, name: str, window: str | None
    ) -> tuple[str, dict[str, Param]]:
        params: dict[str, Param] = {"device": name or device, "device_id": device, "kind": kind}
        window_name = self._names().get(("window", window)) if window else None
        if window is not None:
            params.update(window=window_name or window, window_id=window)
        if name:
            return "alert.device_offline", params
        if window_name:
            return "alert.device_offline_window", params
        return "alert.device_offline_kind", params

    def device_online(self, device: str, at: float) -> None:
        self._changes(DEVICE_OFFLINE, device, False, at)

    # --- raising and clearing ------------------------------------------------------------------

    def _changes(self, kind: str, subject: str, holds: bool, now: float) -> bool:
        """Whether a condition just started (the caller raises its alert with `_start`). One
        that just ended has its alert, if still listed, cleared at `now`."""
        key = (kind, subject)
        current = self._holding.get(key)
        if holds:
            return current is None
        if current is not None:
            del self._holding[key]
            cleared = replace(current, cleared_at=now)
            if current.id in self._listed:
                self._listed[current.id] = cleared
            self._note(cleared)
        return False

    def _start(self, kind: str, subject: str, alert: Alert) -> None:
        self._holding[(kind, subject)] = alert
        self._raise(alert)

    def _raise(self, alert: Alert) -> None:
        if alert.id not in self._acknowledged:
            self._listed[alert.id] = alert
        self.raised[alert.kind] += 1
        self.sink.alert_raised(alert.kind)
        self._note(alert)

    def _note(self, alert: Alert) -> None:
        if self.changes is not None:
            self.changes.append(alert)

    def _names(self) -> dict[tuple[str, str], str]:
        """Display names of the configured queues and windows (rebuilt when the config changes)."""
        config = self.view.config
        if config is not self._names_of:
            self._names_of = config
            self._name_table = {("queue", q.id): q.name for q in config.queues}
            self._name_table.update({("window", w.id): w.name for w in config.windows})
        return self._name_table


_LONG_NUMBER = re.compile(r"\d(?:[\s-]?\d){6,}[Xx]?")
"""Seven digits or more (a phone or ID number a citizen may type into a comment)."""


def _masked(text: str) -> str:
    """The text with long numbers hidden: a comment reaches the tablet, never personal data."""
    return _LONG_NUMBER.sub("***", text)


def _alert_id(kind: str, subject: str, at: float) -> str:
    return f"{kind}:{subject}:{int(at)}"


def _late_alert(name: str, queue: str, target_s: float, oldest: tuple[float, str, str]) -> Alert:
    since, _, number = oldest
    start = since + target_s
    params = {"queue": name, "queue_id": queue, "target": f"{target_s / 60:g}", "number": number}
    return Alert(
        _alert_id(WAIT_OVER_TARGET, queue, start),
        WAIT_OVER_TARGET,
        WARNING,
        "alert.wait_over_target",
        params,
        queue,
        start,
    )


def _unstaffed_alert(name: str, queue: str, now: float) -> Alert:
    return Alert(
        _alert_id(NO_WINDOW_OPEN, queue, now),
        NO_WINDOW_OPEN,
        CRITICAL,
        "alert.no_window_open",
        {"queue": name, "queue_id": queue},
        queue,
        now,
    )
