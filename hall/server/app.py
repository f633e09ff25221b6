"""The Starlette application: storage, bus and engine started in the lifespan; API, websocket
gateway and pages mounted; every error rendered as JSON at this one edge."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import os
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from displays.docs_pages import docs_routes
from displays.errors import InternalError, RateLimited, Unavailable
from displays.gateway import Gateway
from displays.interface import DeviceIdentity
from displays.pages import HallSummary, page_routes
from displays.results import render_result
from hall.auth import admin_token_from_env
from hall.bus import open_bus
from hall.bus.notices import Notice
from hall.engine import REPLY_TTL, Engine, utc_now
from hall.server import api
from hall.server.callers import Server
from hall.server.device_seen import DeviceSeen
from hall.server.directory import StoreDirectory
from hall.server.limits import DEFAULT_BUDGETS, MAX_BODY_BYTES, TRACK, Budget, RateLimiter, limit
from hall.server.live_metrics import OFFLINE_AFTER_S, MetricsHub
from hall.server.openapi import openapi_document
from hall.server.revocation import Revocation
from hall.storage import open_store
from hall.storage.sql import unreachable
from hall.webhooks import DeliverySettings, PrometheusDeliveries, Webhooks, WebhookStore
from hall.webhooks.worker import settings_from_env as webhook_settings_from_env
from metrics.prometheus import CONTENT_TYPE, exposition
from queueing.config import HallConfig, parse_config
from queueing.errors import ConfigError, HallError
from queueing.stream import Reply

log = logging.getLogger("hall.server.app")

TICK_SECONDS = 10.0
PRUNE_SECONDS = 3600.0


@dataclass
class Settings:
    database_url: str = "sqlite:///hall.db"
    bus_url: str = "memory://"
    bus_prefix: str = ""
    """Every bus channel under `<prefix>:`, so that deployments sharing one Redis stay apart."""
    hall_files: list[Path] = field(default_factory=list)
    admin_token: str | None = None
    citizen_secret: str = "hall-citizen"
    clock: Callable[[], datetime] = utc_now
    snapshot_every: int = 1_000
    tick_seconds: float = TICK_SECONDS
    on_ready: Callable[[Server], object] | None = None
    max_body_bytes: int = MAX_BODY_BYTES
    """The largest HTTP body read; a larger one is `payload_too_large` (env HALL_MAX_BODY_BYTES)."""
    rate_budgets: Mapping[str, Budget] = field(default_factory=lambda: dict(DEFAULT_BUDGETS))
    """Per client address, for the endpoints that need no token (`hall/server/limits.py`; env
    HALL_RATE_BOOK, HALL_RATE_LOOKUP, HALL_RATE_BROWSE, HALL_RATE_TRACK as "<requests>/<s>")."""
    rate_clock: Callable[[], float] = time.monotonic
    device_offline_s: float = OFFLINE_AFTER_S
    """Seconds a paired device may go unseen by every process before it is `device_offline`
    (env HALL_DEVICE_OFFLINE_S); connected devices are restamped every quarter of it."""
    announce_admin_token: bool = True
    """Print an admin token the server generated (the demo prints it once, in its link)."""
    webhooks: DeliverySettings = field(default_factory=DeliverySettings)
    """Webhook deliveries: timeout, backoff, poll (env HALL_WEBHOOK_TIMEOUT_S, _RETRY_S,
    _POLL_S)."""

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("HALL_DATABASE_URL", cls.database_url),
            bus_url=os.environ.get("HALL_BUS_URL", cls.bus_url),
            bus_prefix=os.environ.get("HALL_BUS_PREFIX", cls.bus_prefix),
            citizen_secret=os.environ.get("HALL_SECRET", cls.citizen_secret),
            max_body_bytes=_env_int("HALL_MAX_BODY_BYTES", MAX_BODY_BYTES),
            rate_budgets=_env_budgets(),
            device_offline_s=_env_seconds("HALL_DEVICE_OFFLINE_S", OFFLINE_AFTER_S),
            webhooks=_env_webhooks(),
        )


def _env_int(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise SystemExit(f"hall: {name} must be a whole number of bytes, not {text!r}")
    return int(text)


def _env_seconds(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 1 <= seconds <= 86_400:
        raise SystemExit(f"hall: {name} must be a number of seconds from 1 to 86400, not {text!r}")
    return seconds


def _env_webhooks() -> DeliverySettings:
    try:
        return webhook_settings_from_env(os.environ)
    except ValueError as error:
        raise SystemExit(f"hall: {error}") from None


def _env_budgets() -> dict[str, Budget]:
    """The default budgets, each replaced by `HALL_RATE_<GROUP>` where that is set."""
    budgets = dict(DEFAULT_BUDGETS)
    for group in budgets:
        name = f"HALL_RATE_{group.upper()}"
        text = os.environ.get(name, "").strip()
        if text:
            try:
                budgets[group] = Budget.parse(text)
            except ValueError:
                raise SystemExit(
                    f"hall: {name} must be '<requests>/<seconds>', not {text!r}"
                ) from None
    return budgets


def load_hall_file(path: Path) -> HallConfig:
    """Read a hall document; its hall is named by its `id` field. `ConfigError` lists what is
    wrong: the file cannot be read, is not JSON, or every problem of the document."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise ConfigError([f"cannot read it: {reason}"]) from error
    try:
        document = json.loads(text)
    except ValueError as error:
        raise ConfigError([f"not JSON: {error}"]) from error
    return parse_config(document)


def create_app(settings: Settings) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = open_store(settings.database_url)
        await asyncio.to_thread(store.upgrade)
        bus = open_bus(settings.bus_url, prefix=settings.bus_prefix)
        await bus.connect()
        engine = Engine(
            store,
            bus,
            render=render_result,
            clock=settings.clock,
            snapshot_every=settings.snapshot_every,
        )
        await engine.start()
        token, generated = settings.admin_token, False
        if token is None:
            token, generated = admin_token_from_env()
            if generated and settings.announce_admin_token:
                print(f"hall: admin token (shown once): {token}", flush=True)
        directory = StoreDirectory(store, engine)
        hub = MetricsHub(engine, store, offline_after_s=settings.device_offline_s)
        webhooks = Webhooks(
            WebhookStore(store.engine),
            settings.clock,
            settings.webhooks,
            PrometheusDeliveries(hub.exporter.registry),
        )
        await webhooks.start()
        engine.outbox = webhooks.outbox
        await hub.start()
        engine.monitor = hub  # right after start: no event in between (see MetricsHub.start)
        seen = DeviceSeen(store, settings.clock, refresh_s=settings.device_offline_s / 4)
        gateway = Gateway(
            engine,
            directory,
            on_connect=_connections(hub.connected, seen.connected),
            on_drop=hub.dropped,
            on_reply=hub.reply_written,
            alerts=hub,
            sign_ins=hub,
        )
        hub.gateway = gateway
        revocation = Revocation(engine, store, gateway, hub.device_revoked)

        async def on_notice(notice: Notice) -> None:
            if notice.topic == "webhook":
                await webhooks.reload(notice.hall)
                return
            await (hub.on_notice if notice.topic == "alert" else revocation.on_notice)(notice)

        async def on_resync() -> None:
            await revocation.resync()
            await hub.resync()
            await webhooks.reload_all()

        engine.on_notice, engine.on_resync = on_notice, on_resync
        server = Server(
            engine,
            store,
            directory,
            token,
            settings.citizen_secret,
            hub,
            gateway.commands,
            revocation,
            seen,
            admin_token_generated=generated,
        )
        app.state.server = server
        app.state.gateway = gateway
        app.state.webhooks = webhooks
        for path in settings.hall_files:
            _, reply = await engine.configure(load_hall_file(path))
            if not reply.ok:  # e.g. a queue removed while tickets of it are still in play
                message = reply.body.get("message", reply.body.get("code"))
                raise ConfigError([f"{path}: the running hall refuses it: {message}"])
        if settings.on_ready is not None:
            result = settings.on_ready(server)
            if asyncio.iscoroutine(result):
                await result
        # What start-up made (halls' states, tables, modules) lives as long as the process:
        # kept out of the collector's sight, a full collection no longer walks it all.
        gc.collect()
        gc.freeze()
        tasks = [
            asyncio.create_task(_tick(engine, settings.tick_seconds)),
            asyncio.create_task(hub.run()),
            asyncio.create_task(seen.run()),
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await webhooks.stop()
            await engine.stop()
            await seen.flush()
            await hub.flush()
            directory.close()
            await bus.disconnect()
            await asyncio.to_thread(store.close)

    async def websocket(ws: WebSocket) -> None:
        await app.state.gateway(ws)

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document())

    async def prometheus(request: Request) -> Response:
        registry = app.state.server.metrics.exporter.registry
        return Response(exposition(registry), media_type=CONTENT_TYPE)

    app = Starlette(
        routes=[
            *api.routes(),
            Route("/openapi.json", openapi),
            Route("/metrics", prometheus),
            WebSocketRoute("/ws", websocket),
            *page_routes(tracker_guard=lambda request: limit(request, TRACK), halls=_halls),
            *docs_routes(),
        ],
        lifespan=lifespan,
        exception_handlers={HallError: _refused, HTTPException: _http_error, Exception: _crash},
    )
    app.state.limiter = RateLimiter(settings.rate_budgets, clock=settings.rate_clock)
    app.state.max_body_bytes = settings.max_body_bytes
    return app


def _halls(request: Request) -> list[HallSummary]:
    """The halls this process runs, for the front door `/` (none before the server is up)."""
    server: Server | None = getattr(request.app.state, "server", None)
    if server is None:
        return []
    engine = server.engine
    return [HallSummary(hall, engine.view(hall).state.config.name) for hall in engine.halls()]


def _connections(
    *watchers: Callable[[DeviceIdentity, int], None],
) -> Callable[[DeviceIdentity, int], None]:
    """One `Gateway.on_connect` telling each watcher of every socket opened and closed."""

    def connected(identity: DeviceIdentity, change: int) -> None:
        for watcher in watchers:
            watcher(identity, change)

    return connected


async def _tick(engine: Engine, seconds: float) -> None:
    """Let time pass in every hall, and forget command replies older than 24 hours."""
    last_prune = 0.0
    while True:
        await asyncio.sleep(seconds)
        try:
            await engine.tick()
            if time.monotonic() - last_prune > PRUNE_SECONDS:
                last_prune = time.monotonic()
                await asyncio.to_thread(engine.store.prune, engine.clock() - REPLY_TTL)
        except Exception:  # a failed tick is logged; the next one tries again
            log.exception("tick failed")


async def _refused(request: Request, error: Exception) -> Response:
    """Every refusal of the HTTP API, at this one place: `{"ok": false, "error": {...}}`."""
    assert isinstance(error, HallError)
    headers = error.headers if isinstance(error, RateLimited) else None
    return JSONResponse(Reply.refused(error).as_dict(), status_code=error.status, headers=headers)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
    refusal = Reply(False, {"code": code, "message": str(error.detail)})
    return JSONResponse(refusal.as_dict(), status_code=error.status_code)


async def _crash(request: Request, error: Exception) -> Response:
    if unreachable(error):  # 503: retry later; no traceback, the database is simply gone
        log.warning("%s %s: the database cannot be reached", request.method, request.url.path)
        return await _refused(request, Unavailable("the database cannot be reached"))
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return await _refused(request, InternalError("internal error"))
