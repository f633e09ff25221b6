"""A busy hour compressed into seconds: 20 windows, each with its clerk signed in, calling as
fast as they can (a no-show now and then, and the next ticket called at once) while a call
screen in a real Chromium watches. Every call shows in its window's cell for at least the
link's minimum time, in the order its window made them, and every call is announced exactly
once, one at a time, in the order made. The screen's speech synthesiser is a stand-in that
records what it is given (tests/displays/screen_probe.py); its chime is made short.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from tests.displays.screen_probe import (
    LAYOUT_PROBLEMS,
    QUICK_CHIME,
    open_screen,
    probe,
    spoken,
)
from tests.support.browser import Pages, screenshot, switch_language
from tests.support.device import Device, connected
from tests.support.server import HallSetup, ServerProcess, Staff, mint, new_hall

pytestmark = pytest.mark.anyio

WINDOWS = 20
VISITS = 3
"""Citizens each window calls."""
MIN_SECONDS = 1
"""The screen link's minimum time on screen (a hall would use about 8 s)."""
TV: dict[str, Any] = {"width": 1920, "height": 1080}
CLERKS = tuple(Staff(f"2{window:03d}", f"职员{window}") for window in range(1, WINDOWS + 1))


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # one event loop for the module, so one browser serves every test


async def work_a_window(clerk: Device, window: str, rng: random.Random) -> None:
    """One clerk's busy hour: call, then serve briefly or mark a no-show and call again."""
    for _ in range(VISITS):
        called = await clerk.ok("call_next", {"window": window})
        assert called["ticket"] is not None
        if rng.random() < 0.3:
            await clerk.ok("no_show", {"window": window})  # the next call comes at once
            continue
        await clerk.ok("start", {"window": window})
        await asyncio.sleep(rng.uniform(0.05, 0.4))  # the service, compressed
        await clerk.ok("finish", {"window": window})


async def test_a_busy_hour_shows_every_call_long_enough_and_announces_each_once(
    server: ServerProcess, pages: Pages, devices: list[Device]
) -> None:
    rules = {"require_sign_in": True, "announce_repeat": 1}
    hall = new_hall(server, HallSetup(staff=CLERKS, rules=rules), windows=WINDOWS)
    kiosk = await connected(server.ws_url, mint(server, hall, "kiosk"), devices)
    for index in range(WINDOWS * VISITS):
        await kiosk.ok("issue_ticket", {"service": ("social", "tax")[index % 2]})
    clerks = {}
    for window, staff in enumerate(CLERKS, start=1):
        clerk = await connected(server.ws_url, mint(server, hall, "clerk", str(window)), devices)
        await clerk.ok(
            "sign_in", {"window": str(window), "staff": staff.number, "password": staff.password}
        )
        clerks[str(window)] = clerk
    watcher = await connected(server.ws_url, mint(server, hall, "tablet"), devices)
    screen = await open_screen(
        pages, hall, f"?min_seconds={MIN_SECONDS}", viewport=TV, speech_ms=150
    )
    await screen.wait_for_selector("#waiting [data-queue='A']")
    await screen.evaluate(QUICK_CHIME)

    rng = random.Random(11)
    hour = asyncio.gather(
        *(
            work_a_window(clerk, window, random.Random(rng.random()))
            for window, clerk in clerks.items()
        )
    )
    await screen.wait_for_function(
        "() => document.querySelectorAll('.call-cell').length >= 15", timeout=30_000
    )
    await screenshot(screen, "screen-busy-hour-mid", "zh-CN")
    await hour
    while sum(event["event"] == "ticket.called" for event in watcher.events) < WINDOWS * VISITS:
        await watcher.event()
    calls = [event for event in watcher.events if event["event"] == "ticket.called"]

    await screen.wait_for_function(
        "count => window.screenProbe.utterances.length >= count && !window.hallVoice.busy",
        arg=len(calls),
        timeout=60_000,
    )
    await screen.wait_for_function("() => window.hallBoard.backlog === 0", timeout=30_000)
    record = await probe(screen)
    cells = record["cells"]

    # Every call was on screen, in its window's cell, for at least the minimum time.
    for call in calls:
        cell = cells[str(call["seq"])]
        assert (cell["window"], cell["number"]) == (
            call["data"]["window"]["id"],
            call["data"]["ticket"]["number"],
        )
        if cell["hidden"] is not None:
            assert cell["hidden"] - cell["shown"] >= MIN_SECONDS * 1000 - 5, (call, cell)
    for window_id in clerks:  # each window's calls in the order it made them
        made = [str(call["seq"]) for call in calls if call["data"]["window"]["id"] == window_id]
        shown = sorted(made, key=lambda seq: cells[seq]["shown"])
        assert shown == made

    # Every call announced exactly once, in the order made, never two at once.
    texts = [utterance["text"] for utterance in record["utterances"]]
    assert texts == [
        spoken(call["data"]["ticket"]["number"], call["data"]["window"]["name"]) for call in calls
    ]
    assert record["overlaps"] == 0
    # Every window ended its last citizen: the grid says so rather than show stale numbers.
    assert await screen.is_visible("#call-board-empty")
    assert await screen.locator(".call-cell").count() == 0

    for lang in ("zh-CN", "en"):
        await switch_language(screen, lang)
        assert await screen.evaluate(LAYOUT_PROBLEMS) == []
        await screenshot(screen, "screen-busy-hour", lang)
    assert pages.messages() == []
