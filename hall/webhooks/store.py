"""The webhooks' tables: configuration, the outbox (claimed with a lease, so that two processes
never deliver one row at the same time) and the delivery log. Synchronous, called from worker
threads; SQLite and PostgreSQL alike.

Order per webhook: only a webhook's outbox row with the lowest seq is ever claimed, and a row is
deleted only once delivered, so its next row waits until then. A claim is a conditional update
(`lease` set where no unexpired lease is held): of two processes claiming the same row, one
updates it, the other finds no row to update.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from displays.views import iso_datetime
from hall.storage import tables as t
from hall.storage.connect import WRITE
from hall.storage.readmodel_writes import upsert
from hall.webhooks.config import Webhook

_OUTBOX = t.webhook_outbox
_HOOKS = t.webhooks
_LOG = t.webhook_deliveries


@dataclass(frozen=True, slots=True)
class Claimed:
    """An outbox row this process holds the lease of, with where and how to send it."""

    hall: str
    webhook: str
    seq: int
    event: str
    body: str
    attempts: int
    url: str
    secret: str
    lease: str


@dataclass(frozen=True, slots=True)
class Claims:
    """What one claim found: the rows claimed, and when the next unclaimed head row is due
    (None: none waits)."""

    rows: list[Claimed]
    due: datetime | None


@dataclass(frozen=True, slots=True)
class Attempt:
    """One delivery attempt as the log keeps it."""

    hall: str
    webhook: str
    seq: int
    event: str
    attempt: int
    at: datetime
    status: int | None
    error: str
    duration_ms: float
    delivered: bool

    def public(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "event": self.event,
            "attempt": self.attempt,
            "at": iso_datetime(self.at),
            "status": self.status,
            "error": self.error,
            "duration_ms": round(self.duration_ms, 1),
            "delivered": self.delivered,
        }


class WebhookStore:
    """The webhook tables of one database (the engine of the hall's `SqlStore`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(**{WRITE: True})

    # --- configuration ----------------------------------------------------------------------

    def put(self, webhook: Webhook) -> bool:
        """Create or replace the webhook; True if it is new."""
        row = {
            "hall": webhook.hall,
            "id": webhook.id,
            "url": webhook.url,
            "events": list(webhook.events),
            "secret": webhook.secret,
            "updated_at": webhook.updated_at,
        }
        with self._writer.begin() as conn:
            existed = conn.execute(_one(webhook.hall, webhook.id)).first() is not None
            upsert(conn, _HOOKS, [row])
        return not existed

    def webhooks(self, hall: str | None = None) -> list[Webhook]:
        """The hall's webhooks (every hall's: None), by id."""
        query = sa.select(_HOOKS).order_by(_HOOKS.c.hall, _HOOKS.c.id)
        if hall is not None:
            query = query.where(_HOOKS.c.hall == hall)
        with self.engine.connect() as conn:
            return [_webhook(row) for row in conn.execute(query).mappings()]

    def delete(self, hall: str, webhook: str) -> bool:
        """Forget a webhook, its undelivered rows and its log; False if there was none."""
        with self._writer.begin() as conn:
            found = conn.execute(
                sa.delete(_HOOKS).where(_HOOKS.c.hall == hall, _HOOKS.c.id == webhook)
            ).rowcount
            for table in (_OUTBOX, _LOG):
                conn.execute(
                    sa.delete(table).where(table.c.hall == hall, table.c.webhook == webhook)
                )
        return bool(found)

    # --- the outbox -------------------------------------------------------------------------

    def claim(self, now: datetime, lease_until: datetime, limit: int) -> Claims:
        """Lease up to `limit` rows that are due: each webhook's lowest seq, not leased (or its
        lease expired: its process died) and past its retry time."""
        heads = self._heads()
        ready = [row for row in heads if _ready(row, now)]
        waiting = [_due(row) for row in heads if not _ready(row, now)]
        claimed: list[Claimed] = []
        if ready and limit > 0:
            with self._writer.begin() as conn:  # in key order: no two claims deadlock
                claimed = [c for row in ready[:limit] if (c := _lease(conn, row, now, lease_until))]
        return Claims(claimed, min(waiting, default=None))

    def _heads(self) -> list[dict[str, Any]]:
        """Each webhook's row with the lowest seq, with its URL and secret, by (hall, webhook):
        one look-up by the key per webhook, however long the outbox (a receiver down for
        days) has grown."""
        with self.engine.connect() as conn:
            hooks = conn.execute(_HOOKS_IN_ORDER).all()
            heads = []
            for hall, webhook, url, secret in hooks:
                row = conn.execute(_HEAD, {"hall": hall, "webhook": webhook}).mappings().first()
                if row is not None:
                    heads.append({**row, "url": url, "secret": secret})
        return heads

    def backlog_total(self) -> int:
        """The rows not delivered yet, every hall's."""
        with self.engine.connect() as conn:
            return int(conn.scalar(sa.select(sa.func.count()).select_from(_OUTBOX)) or 0)

    def delivered(self, claimed: Claimed, attempt: Attempt) -> None:
        """The receiver took it: the row goes, the attempt is logged."""
        with self._writer.begin() as conn:
            conn.execute(sa.delete(_OUTBOX).where(*_held(claimed)))
            _log(conn, attempt)

    def failed(self, claimed: Claimed, attempt: Attempt, retry_at: datetime) -> None:
        """The receiver did not take it: try again at `retry_at`; the attempt is logged."""
        with self._writer.begin() as conn:
            conn.execute(
                sa.update(_OUTBOX)
                .where(*_held(claimed))
                .values(
                    attempts=claimed.attempts + 1, next_at=retry_at, lease=None, leased_until=None
                )
            )
            _log(conn, attempt)

    def release(self, leases: Sequence[str]) -> None:
        """Give up leases (a stopping process): the rows are due again at once."""
        if leases:
            with self._writer.begin() as conn:
                conn.execute(
                    sa.update(_OUTBOX)
                    .where(_OUTBOX.c.lease.in_(list(leases)))
                    .values(lease=None, leased_until=None)
                )

    def backlog(self, hall: str, webhook: str) -> int:
        query = sa.select(sa.func.count()).where(
            _OUTBOX.c.hall == hall, _OUTBOX.c.webhook == webhook
        )
        with self.engine.connect() as conn:
            return int(conn.scalar(query) or 0)

    # --- the delivery log -------------------------------------------------------------------

    def attempts(self, hall: str, webhook: str, limit: int) -> list[Attempt]:
        """The webhook's latest attempts, newest first."""
        query = (
            sa.select(_LOG)
            .where(_LOG.c.hall == hall, _LOG.c.webhook == webhook)
            .order_by(_LOG.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_attempt(row) for row in conn.execute(query).mappings()]

    def prune_attempts(self, keep: int) -> None:
        """Keep each webhook's `keep` latest attempts."""
        with self._writer.begin() as conn:
            for hall, webhook in conn.execute(sa.select(_LOG.c.hall, _LOG.c.webhook).distinct()):
                _prune(conn, hall, webhook, keep)


_HOOKS_IN_ORDER = sa.select(_HOOKS.c.hall, _HOOKS.c.id, _HOOKS.c.url, _HOOKS.c.secret).order_by(
    _HOOKS.c.hall, _HOOKS.c.id
)
_HEAD = (
    sa.select(_OUTBOX)
    .where(_OUTBOX.c.hall == sa.bindparam("hall"), _OUTBOX.c.webhook == sa.bindparam("webhook"))
    .order_by(_OUTBOX.c.seq)
    .limit(1)
)
"""A webhook's outbox row with the lowest seq (the key's index answers it)."""


def _log(conn: Connection, attempt: Attempt) -> None:
    """Log an attempt, unless its webhook was deleted meanwhile (its log went with it)."""
    if conn.execute(_one(attempt.hall, attempt.webhook)).first() is not None:
        conn.execute(sa.insert(_LOG), [_attempt_row(attempt)])


def _one(hall: str, webhook: str) -> sa.Select[Any]:
    return sa.select(_HOOKS.c.id).where(_HOOKS.c.hall == hall, _HOOKS.c.id == webhook)


def _ready(row: Any, now: datetime) -> bool:
    leased = row["leased_until"] is not None and row["leased_until"] > now
    return not leased and row["next_at"] <= now


def _due(row: Any) -> datetime:
    leased_until: datetime | None = row["leased_until"]
    next_at: datetime = row["next_at"]
    return max(next_at, leased_until) if leased_until is not None else next_at


def _lease(conn: Connection, row: Any, now: datetime, until: datetime) -> Claimed | None:
    lease = uuid.uuid4().hex
    free = sa.or_(_OUTBOX.c.leased_until.is_(None), _OUTBOX.c.leased_until <= now)
    taken = conn.execute(
        sa.update(_OUTBOX)
        .where(
            _OUTBOX.c.hall == row["hall"],
            _OUTBOX.c.webhook == row["webhook"],
            _OUTBOX.c.seq == row["seq"],
            free,
        )
        .values(lease=lease, leased_until=until)
    ).rowcount
    if taken != 1:
        return None
    return Claimed(
        row["hall"],
        row["webhook"],
        int(row["seq"]),
        row["event"],
        row["body"],
        int(row["attempts"]),
        row["url"],
        row["secret"],
        lease,
    )


def _held(claimed: Claimed) -> tuple[sa.ColumnElement[bool], ...]:
    """The claimed row, while this claim still holds its lease."""
    return (
        _OUTBOX.c.hall == claimed.hall,
        _OUTBOX.c.webhook == claimed.webhook,
        _OUTBOX.c.seq == claimed.seq,
        _OUTBOX.c.lease == claimed.lease,
    )


def _prune(conn: Connection, hall: str, webhook: str, keep: int) -> None:
    mine = sa.and_(_LOG.c.hall == hall, _LOG.c.webhook == webhook)
    oldest_kept = conn.scalar(
        sa.select(_LOG.c.id).where(mine).order_by(_LOG.c.id.desc()).offset(keep - 1).limit(1)
    )
    if oldest_kept is not None:
        conn.execute(sa.delete(_LOG).where(mine, _LOG.c.id < oldest_kept))


def _webhook(row: Any) -> Webhook:
    return Webhook(
        row["hall"], row["id"], row["url"], tuple(row["events"]), row["secret"], row["updated_at"]
    )


def _attempt_row(attempt: Attempt) -> dict[str, Any]:
    return {
        "hall": attempt.hall,
        "webhook": attempt.webhook,
        "seq": attempt.seq,
        "event": attempt.event,
        "attempt": attempt.attempt,
        "at": attempt.at,
        "status": attempt.status,
        "error": attempt.error,
        "duration_ms": attempt.duration_ms,
        "delivered": attempt.delivered,
    }


def _attempt(row: Any) -> Attempt:
    return Attempt(
        row["hall"],
        row["webhook"],
        int(row["seq"]),
        row["event"],
        int(row["attempt"]),
        row["at"],
        row["status"],
        row["error"],
        float(row["duration_ms"]),
        bool(row["delivered"]),
    )
