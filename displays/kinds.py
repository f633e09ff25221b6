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
GUIDE = "guide"
"""导办台, floor guides' phones: help requests (`help.*`) and 帮办 tickets."""
OFFICE = "office"
"""后台审批: a back office's terminal, bound to one office (its device record keeps the office id
where a window device keeps its window); receives its office's `case.*` events only."""

DEVICE_KINDS = (KIOSK, CLERK, CALL_SCREEN, WINDOW_SCREEN, RATING_PAD, TABLET, GUIDE, OFFICE)
"""Kinds an administrator mints device tokens for."""

KINDS = (*DEVICE_KINDS, TRACKER, ADMIN)
"""Every kind: devices, phone trackers (a ticket's track token) and the admin token (HTTP)."""

WINDOW_KINDS = frozenset({CLERK, WINDOW_SCREEN, RATING_PAD})
"""Kinds bound to one window: their device record names it."""

HALL_WIDE_KINDS = frozenset({KIOSK, CLERK, CALL_SCREEN, TABLET, ADMIN, GUIDE})
"""Kinds that receive every hall event (a gap in `seq` means loss)."""
