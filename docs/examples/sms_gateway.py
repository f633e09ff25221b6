"""An example webhook receiver: "your turn is near" texts through an SMS gateway.

The hall never holds the citizen's phone number for this: the citizen's tracker (or a clerk, or
a WeChat mini-program) registers `{"track", "phone", "ahead"}` here, at `POST /subscriptions`
("text me when 3 are ahead of me"). The hall POSTs its `ticket.called` events to
`POST /hall-events` (a webhook with `"events": ["ticket.called"]`). On each call, this receiver
asks the hall where each waiting subscriber stands (`GET /api/track/{track}`, the tracker's own
public endpoint) and, for one with `ahead` or fewer tickets ahead, POSTs one request to the SMS
gateway and forgets the subscription.

Run it (standard library only):

    HALL_URL=http://127.0.0.1:8000 WEBHOOK_SECRET=... SMS_GATEWAY_URL=https://sms.example/send \
        python docs/examples/sms_gateway.py --port 8090

and point a webhook at it:

    curl -X PUT -H "Authorization: Bearer $HALL_ADMIN_TOKEN" \
        -d '{"url": "http://127.0.0.1:8090/hall-events", "events": ["ticket.called"],
             "secret": "..."}' http://127.0.0.1:8000/api/halls/demo/webhooks/sms

Without `SMS_GATEWAY_URL` the texts are printed instead of sent. What a real deployment adds:
a database for the subscriptions and the delivery ids seen (here both are in memory), the
gateway's own authentication, and a template approved by the SMS provider.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import threading
import urllib.request
from collections import OrderedDict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SEEN_IDS = 10_000
"""Delivery ids remembered to drop a delivery that comes again (at least once means twice,
now and then)."""


def signed(secret: str, body: bytes, header: str) -> bool:
    """Whether `header` (`X-Hall-Signature`) is the hall's signature of `body`."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


@dataclass
class Subscription:
    track: str
    phone: str
    ahead: int


class TurnNear:
    """The receiver's state: subscriptions by track token, delivery ids seen."""

    def __init__(self, hall_url: str, secret: str, gateway_url: str | None) -> None:
        self.hall_url = hall_url.rstrip("/")
        self.secret = secret
        self.gateway_url = gateway_url
        self.subscriptions: dict[str, Subscription] = {}
        self.seen: OrderedDict[str, None] = OrderedDict()
        self.lock = threading.Lock()

    def subscribe(self, body: dict[str, Any]) -> None:
        ahead = int(body.get("ahead", 3))
        subscription = Subscription(str(body["track"]), str(body["phone"]), max(0, ahead))
        with self.lock:
            self.subscriptions[subscription.track] = subscription

    def event(self, body: bytes, signature: str) -> int:
        """Handle one delivery; the HTTP status to answer (2xx: the hall stops retrying)."""
        if not signed(self.secret, body, signature):
            return 401
        delivery = json.loads(body)
        if not self._first_time(delivery["id"]):
            return 200  # delivered before: already handled
        if delivery["event"] == "ticket.called":
            self._check_subscribers()
        return 200

    def _first_time(self, delivery_id: str) -> bool:
        with self.lock:
            if delivery_id in self.seen:
                return False
            self.seen[delivery_id] = None
            if len(self.seen) > SEEN_IDS:
                self.seen.popitem(last=False)
            return True

    def _check_subscribers(self) -> None:
        with self.lock:
            waiting = list(self.subscriptions.values())
        for subscription in waiting:
            progress = self._progress(subscription.track)
            ticket, ahead = progress.get("ticket") or {}, progress.get("position")
            if ticket.get("state") != "waiting":
                self._forget(subscription)  # called, served or gone: nothing to announce
            elif ahead is not None and ahead <= subscription.ahead:
                self._text(subscription, ticket["number"], ahead)
                self._forget(subscription)

    def _progress(self, track: str) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.hall_url}/api/track/{track}", timeout=5) as answer:
            found: dict[str, Any] = json.load(answer)
            return found

    def _forget(self, subscription: Subscription) -> None:
        with self.lock:
            self.subscriptions.pop(subscription.track, None)

    def _text(self, subscription: Subscription, number: str, ahead: int) -> None:
        """One request to the SMS gateway: 您的A023号前面还有2位，请留意叫号。"""
        message = {
            "phone": subscription.phone,
            "template": "turn_near",
            "params": {"number": number, "ahead": ahead},
            "text": f"您的{number}号前面还有{ahead}位，请留意叫号。",
        }
        if self.gateway_url is None:
            print("SMS", json.dumps(message, ensure_ascii=False), flush=True)
            return
        request = urllib.request.Request(
            self.gateway_url,
            data=json.dumps(message, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5):
            pass


def handler(receiver: TurnNear) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path == "/hall-events":
                status = receiver.event(body, self.headers.get("X-Hall-Signature", ""))
            elif self.path == "/subscriptions":
                receiver.subscribe(json.loads(body))
                status = 201
            else:
                status = 404
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the phone numbers in requests stay out of the log

    return Handler


def serve(receiver: TurnNear, port: int) -> ThreadingHTTPServer:
    """The receiver's HTTP server on 127.0.0.1:`port` (call `serve_forever()` on it)."""
    return ThreadingHTTPServer(("127.0.0.1", port), handler(receiver))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8090)
    args = parser.parse_args()
    receiver = TurnNear(
        os.environ.get("HALL_URL", "http://127.0.0.1:8000"),
        os.environ["WEBHOOK_SECRET"],
        os.environ.get("SMS_GATEWAY_URL"),
    )
    serve(receiver, args.port).serve_forever()


if __name__ == "__main__":
    main()
