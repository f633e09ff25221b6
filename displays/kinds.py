"""Device kinds of the protocol, as named constants and the groups the rules speak of."""

from __future__ import annotations

KIOSK = "kiosk"
CLERK = "clerk"
CALL_SCREEN = "call_screen"
WINDOW_SCREEN = "window_screen"
RATING_PAD = "rating_pad"
TABLET = "tablet"
TRACKER = "tracker"
ADMIN = "admin"

DEVICE_KINDS = (KIOSK, CLERK, CALL_SCREEN, WINDOW_SCREEN, RATING_PAD, TABLET)
"""Kinds an administrator mints device tokens for."""

KINDS = (*DEVICE_KINDS, TRACKER, ADMIN)
"""Every kind: devices, phone trackers (a ticket's track token) and the admin token (HTTP)."""

WINDOW_KINDS = frozenset({CLERK, WINDOW_SCREEN, RATING_PAD})
"""Kinds bound to one window: their device record names it."""

HALL_WIDE_KINDS = frozenset({KIOSK, CLERK, CALL_SCREEN, TABLET, ADMIN})
"""Kinds that receive every hall event (a gap in `seq` means loss)."""
