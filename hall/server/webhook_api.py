"""The admin's webhook endpoints (docs/webhooks.md): configure a hall's webhooks, list them
(never their secrets), delete them, and see a webhook's recent delivery attempts."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hall.server.callers import json_body, require_admin, require_hall, server_of
from hall.webhooks import Webhooks


def _webhooks(request: Request) -> tuple[str, Webhooks]:
    """The hall the path names and the webhooks, for the admin only."""
    hall = request.path_params["hall"]
    require_hall(request, hall)
    require_admin(request)
    webhooks: Webhooks = request.app.state.webhooks
    return hall, webhooks


async def list_webhooks(request: Request) -> JSONResponse:
    hall, webhooks = _webhooks(request)
    return JSONResponse({"webhooks": [w.public() for w in webhooks.listed(hall)]})


async def put_webhook(request: Request) -> JSONResponse:
    """`{url, events, secret}`: 201 when created, 200 when replaced."""
    hall, webhooks = _webhooks(request)
    created, webhook = await webhooks.put(hall, request.path_params["id"], await json_body(request))
    await server_of(request).engine.notify("webhook", hall, webhook.id)
    result = {"webhook": webhook.public(), "created": created}
    return JSONResponse({"ok": True, "result": result}, 201 if created else 200)


async def get_webhook(request: Request) -> JSONResponse:
    hall, webhooks = _webhooks(request)
    return JSONResponse(webhooks.get(hall, request.path_params["id"]).public())


async def delete_webhook(request: Request) -> Response:
    """Forget the webhook with its undelivered events and its log."""
    hall, webhooks = _webhooks(request)
    webhook_id = request.path_params["id"]
    await webhooks.delete(hall, webhook_id)
    await server_of(request).engine.notify("webhook", hall, webhook_id)
    return Response(status_code=204)


async def get_deliveries(request: Request) -> JSONResponse:
    """The latest attempts, newest first, and how many events wait for delivery."""
    hall, webhooks = _webhooks(request)
    attempts, pending = await webhooks.recent(hall, request.path_params["id"])
    return JSONResponse(
        {
            "webhook": request.path_params["id"],
            "pending": pending,
            "deliveries": [attempt.public() for attempt in attempts],
        }
    )


def webhook_routes() -> list[Route]:
    return [
        Route("/api/halls/{hall}/webhooks", list_webhooks, methods=["GET"]),
        Route("/api/halls/{hall}/webhooks/{id}", put_webhook, methods=["PUT"]),
        Route("/api/halls/{hall}/webhooks/{id}", get_webhook, methods=["GET"]),
        Route("/api/halls/{hall}/webhooks/{id}", delete_webhook, methods=["DELETE"]),
        Route("/api/halls/{hall}/webhooks/{id}/deliveries", get_deliveries, methods=["GET"]),
    ]
