"""A hall's webhooks as configured through the API: reading and checking a webhook document,
and which events a webhook takes (`matches`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from displays.errors import BadRequest, ProtocolError

WEBHOOK_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
"""A webhook id: also a bus notice's subject, so never a colon."""
_PATTERN = re.compile(r"\*|[a-z_]{1,40}(\.[a-z_]{1,40}){0,3}(\.\*?)?")
MIN_SECRET, MAX_SECRET = 16, 200
MAX_URL = 2_000
MAX_PATTERNS = 50


class UnknownWebhook(ProtocolError):
    """No webhook with that id in the hall."""

    code = "unknown_webhook"
    status = 404


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where the hall's events matching `events` (names or prefixes) are POSTed, signed with
    `secret`."""

    hall: str
    id: str
    url: str
    events: tuple[str, ...]
    secret: str
    updated_at: datetime

    def takes(self, event: str) -> bool:
        return any(matches(pattern, event) for pattern in self.events)

    def public(self) -> dict[str, Any]:
        """As the API lists it: never its secret."""
        return {"id": self.id, "url": self.url, "events": list(self.events)}


def matches(pattern: str, event: str) -> bool:
    """`*` takes every event; `ticket`, `ticket.` and `ticket.*` every `ticket.<...>` event;
    `ticket.called` that event (and any `ticket.called.<...>`)."""
    prefix = pattern.rstrip("*").rstrip(".")
    return not prefix or event == prefix or event.startswith(prefix + ".")


def check_id(webhook_id: str) -> str:
    if not WEBHOOK_ID.fullmatch(webhook_id):
        raise BadRequest("id: 1 to 100 letters, digits, '-' or '_'")
    return webhook_id


def parse_webhook(hall: str, webhook_id: str, body: Mapping[str, Any], at: datetime) -> Webhook:
    """The webhook a `PUT` body describes; `bad_request` naming every problem."""
    problems = [
        *_url_problems(body.get("url")),
        *_events_problems(body.get("events")),
        *_secret_problems(body.get("secret")),
        *(f"{name}: unknown field" for name in sorted(set(body) - {"url", "events", "secret"})),
    ]
    if problems:
        raise BadRequest("; ".join(problems), problems=problems)
    events = tuple(dict.fromkeys(body["events"]))
    return Webhook(hall, check_id(webhook_id), body["url"], events, body["secret"], at)


def _url_problems(url: object) -> list[str]:
    if not isinstance(url, str) or len(url) > MAX_URL:
        return [f"url: an http:// or https:// URL of at most {MAX_URL} characters"]
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        return ["url: not a URL"]
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        return ["url: an http:// or https:// URL with a host"]
    if any(ord(c) <= 32 for c in url):
        return ["url: no spaces or control characters"]
    return []


def _events_problems(events: object) -> list[str]:
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_PATTERNS:
        return [f"events: a list of 1 to {MAX_PATTERNS} event names or prefixes"]
    wrong = [e for e in events if not isinstance(e, str) or not _PATTERN.fullmatch(e)]
    if wrong:
        return [f"events: not an event name or prefix: {str(wrong[0])[:60]!r}"]
    return []


def _secret_problems(secret: object) -> list[str]:
    if not isinstance(secret, str) or not MIN_SECRET <= len(secret) <= MAX_SECRET:
        return [f"secret: a string of {MIN_SECRET} to {MAX_SECRET} characters"]
    return []


def takers(webhooks: Sequence[Webhook], event: str) -> list[Webhook]:
    """The webhooks among `webhooks` that take `event`."""
    return [webhook for webhook in webhooks if webhook.takes(event)]
