"""The report over HTTP: `GET /api/halls/{hall}/reports/{date}` (the HTML page) and
`GET /api/halls/{hall}/reports/{date}/{table}.csv`, for the admin token or a tablet of the
hall. Today's report is counted up to the server's clock; `?lang=en` for English."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from displays.errors import BadRequest, Forbidden, InternalError, NotFound
from displays.i18n import resolve_language
from displays.kinds import ADMIN, TABLET
from hall.report import (
    CONTENT_SECURITY_POLICY,
    TABLES,
    BadDate,
    Report,
    ReportDay,
    csv_bytes,
    daily_report,
    parse_date,
    render_html,
)
from hall.server.callers import caller, require_hall, server_of
from hall.storage import SqlStore

READERS = (ADMIN, TABLET)
"""Who may read a hall's reports: the admin and the hall's floor-manager tablets."""

_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


async def get_report(request: Request) -> Response:
    report = await _report(request)
    html = render_html(report, _lang(request))
    headers = {**_HEADERS, "Content-Security-Policy": CONTENT_SECURITY_POLICY}
    return HTMLResponse(html, headers=headers)


async def get_report_table(request: Request) -> Response:
    table = request.path_params["table"]
    if table not in TABLES:
        raise NotFound(f"no table {table!r}: one of {', '.join(TABLES)}")
    report = await _report(request)
    filename = f"{report.hall}-{report.day.day}-{table}.csv"
    headers = {**_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'}
    body = csv_bytes(report, table, _lang(request))
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


async def _report(request: Request) -> Report:
    hall, day = request.path_params["hall"], request.path_params["date"]
    engine = require_hall(request, hall)
    who = await caller(request, hall)
    if who.kind not in READERS:
        raise Forbidden("reports are for the admin and the hall's tablets")
    try:
        parse_date(day)
    except BadDate as error:
        raise BadRequest(str(error)) from None
    config = engine.view(hall).state.config
    now = engine.clock().timestamp()
    if not ReportDay.of(day, config.timezone, now).begun:
        raise BadRequest(f"date: {day} has not begun yet in {config.timezone}")
    store = server_of(request).store
    if not isinstance(store, SqlStore):
        raise InternalError("reports need the SQL store")
    return await asyncio.to_thread(daily_report, store.engine, config, day, now)


def _lang(request: Request) -> str:
    return resolve_language(request.query_params.get("lang"))


def report_routes() -> list[Route]:
    return [
        Route("/api/halls/{hall}/reports/{date}", get_report),
        Route("/api/halls/{hall}/reports/{date}/{table}.csv", get_report_table),
    ]
