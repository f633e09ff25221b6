"""Outbound webhooks (docs/webhooks.md): the hall's committed events that a webhook takes are
written to an outbox in the events' own transaction (`outbox.py`), then POSTed, signed, by a
delivery worker in every server process (`worker.py`), at least once and in seq order per
webhook. `Webhooks` (`service.py`) is what the server runs."""

from __future__ import annotations

from hall.webhooks.config import UnknownWebhook, Webhook
from hall.webhooks.service import PrometheusDeliveries, Webhooks
from hall.webhooks.signing import HEADER, signature, verify
from hall.webhooks.store import WebhookStore
from hall.webhooks.worker import DeliverySettings

__all__ = [
    "HEADER",
    "DeliverySettings",
    "PrometheusDeliveries",
    "UnknownWebhook",
    "Webhook",
    "WebhookStore",
    "Webhooks",
    "signature",
    "verify",
]
