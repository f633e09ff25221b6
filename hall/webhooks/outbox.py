"""The outbox writer: in each batch's transaction, the hall's events that a webhook takes
become outbox rows (`hall.engine.Outbox`). A hall without webhooks costs one dict lookup.

The body POSTed is made here, once per event: the event as devices get it
(`displays.views.render_event`), minus anything personal a newer event might carry."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from displays.views import iso_datetime, render_event
from hall.storage.base import OutboxEntry
from hall.webhooks.config import Webhook, takers
from queueing.model import HallState
from queueing.stream import SequencedEvent

log = logging.getLogger("hall.webhooks")

PERSONAL_KEYS = frozenset(
    {
        *("phone", "contact_phone", "mobile", "id_number", "id_card", "citizen"),
        *("comment", "note"),
        *("track", "case_track", "code", "booking_code", "pickup_code"),
    }
)
"""Keys never sent to a receiver, at any depth: a citizen's contact and identity, free text a
citizen or clerk may have typed personal data into, and the secrets that stand for a citizen
(tracker tokens, booking and pickup codes). The views leave all of these out already: this is
the second line, for an event whose view ever lets one in."""
FREE_TEXT_FAMILIES = ("follow_up.", "case.")
"""Event families whose `text` is a citizen's own words (a complaint): never sent either."""


class Subscriptions:
    """Each hall's webhooks, in memory (replaced whole when they change: a worker thread reads
    them while the loop may replace them)."""

    def __init__(self) -> None:
        self._by_hall: dict[str, tuple[Webhook, ...]] = {}

    def of(self, hall: str) -> tuple[Webhook, ...]:
        return self._by_hall.get(hall, ())

    def replace(self, hall: str, webhooks: Iterable[Webhook]) -> None:
        found = tuple(sorted(webhooks, key=lambda w: w.id))
        if found:
            self._by_hall[hall] = found
        else:
            self._by_hall.pop(hall, None)

    def replace_all(self, webhooks: Iterable[Webhook]) -> None:
        by_hall: dict[str, list[Webhook]] = {}
        for webhook in webhooks:
            by_hall.setdefault(webhook.hall, []).append(webhook)
        self._by_hall = {hall: tuple(sorted(w, key=lambda x: x.id)) for hall, w in by_hall.items()}


class OutboxWriter:
    """`hall.engine.Outbox`: the outbox rows of a batch, and a wake-up for the delivery worker
    after their commit."""

    def __init__(self, subscriptions: Subscriptions, wake: Callable[[], None]) -> None:
        self._subscriptions = subscriptions
        self._wake = wake

    def entries(
        self, hall: str, events: Sequence[SequencedEvent], state: HallState
    ) -> Sequence[OutboxEntry]:
        webhooks = self._subscriptions.of(hall)
        if not webhooks:
            return ()
        entries: list[OutboxEntry] = []
        for event in events:
            taking = takers(webhooks, event.event.name)
            if taking:
                entries.extend(_entries(event, state, taking))
        return entries

    def written(self, hall: str) -> None:
        self._wake()


def _entries(
    event: SequencedEvent, state: HallState, webhooks: Sequence[Webhook]
) -> list[OutboxEntry]:
    name, data = event.event.name, _data(event, state)
    return [
        OutboxEntry(event.hall, w.id, event.seq, name, body_text(event, w.id, data), event.at)
        for w in webhooks
    ]


def delivery_id(hall: str, seq: int, webhook: str) -> str:
    """The id a receiver deduplicates on: the same for every attempt of one delivery."""
    return f"{hall}:{seq}:{webhook}"


def body_text(event: SequencedEvent, webhook: str, data: Mapping[str, Any]) -> str:
    rendered = {
        "id": delivery_id(event.hall, event.seq, webhook),
        "hall": event.hall,
        "seq": event.seq,
        "event": event.event.name,
        "at": iso_datetime(event.at),
        "data": data,
    }
    return json.dumps(rendered, ensure_ascii=False, separators=(",", ":"))


def _data(event: SequencedEvent, state: HallState) -> Any:
    """The event's public data; `{}` (logged) when it cannot be rendered: the hall must not stop
    committing over a webhook, and the receiver still learns that the event happened."""
    try:
        data = render_event(event, state)["data"]
    except Exception:
        log.exception(
            "hall=%s seq=%d: could not render %s", event.hall, event.seq, event.event.name
        )
        return {}
    drop_text = event.event.name.startswith(FREE_TEXT_FAMILIES)
    return without_personal(data, drop_text)


def without_personal(value: Any, drop_text: bool = False) -> Any:
    """`value` without the keys of `PERSONAL_KEYS` (and `text`, if `drop_text`), at any depth."""
    if isinstance(value, Mapping):
        return {
            key: without_personal(item, drop_text)
            for key, item in value.items()
            if key not in PERSONAL_KEYS and not (drop_text and key == "text")
        }
    if isinstance(value, list | tuple):
        return [without_personal(item, drop_text) for item in value]
    return value
