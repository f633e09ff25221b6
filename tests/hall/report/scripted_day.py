"""A scripted service day of a two-window hall, played through the real engine and storage
with explicit times, for the report's tests to check against figures computed by hand.

The day is 2026-11-22 in Asia/Shanghai (local midnight is 16:00 UTC). The evening before and the
minutes after the next midnight have tickets, a rating, a follow-up case and appointments of
their own: none of them may show up in the day's report. Every time below is local.

| ticket | service | issued | called (window, clerk) | wait | start - finish | service | end |
|---|---|---|---|---|---|---|---|
| A001 | social | 00:02 | 00:05 (1, 1001) | 180 | 00:06 - 00:10 | 240 | rated 4 |
| A002 | social | 09:00 | 09:06 (1, 1001) | 360 | 09:07 - 09:15 | 480 | rated 5 |
| A003 | social | 09:02 | 09:10 (2, 1002) | 480 | (no start) - 09:20 | 600 | rated 1: follow-up |
| B001 | tax | 09:04 | 09:16 (1, 1001) | 720 | 09:17 - 09:29 | 720 | rated 5 |
| A004 | social | 09:50 check-in | 09:52 (2, 1002) | 120 | 09:53 - 10:01 | 480 | not rated |
| B002 | tax | 10:05 | 10:30 (1, 1001) | 1500 | | | no-show 10:35 |
| A005 | social | 10:10 | 10:12 (2, 1002) | 120 | 10:12 - 10:30 | 1080 | rated 3 |
| A006 | social | 13:00 | 13:05 (2, 1001) | 300 | 13:05 - 13:15 | 600 | rated 5 |
| A007 | social | 14:00 | 14:02 (1, 1002) | 120 | | | transferred to B 14:05 |
| A007 | social (in B) | | 14:11 (2, 1001) | 360 | 14:11 - 14:21 | 600 | rated 4 |
| B003 | tax | 15:20 late check-in | 15:40 (1, 1002) | 1200 | 15:41 - 15:50 | 540 | not rated |
| B004 | tax | 23:50 | | | | | still waiting at midnight |

Clerks: 1001 (王晓丽) at window 1 00:03-00:12 and 09:00-12:00, at window 2 12:01-17:00; 1002
(李明) at window 2 09:00-12:00, at window 1 12:01-17:00. The waiting target is 10 minutes.
Appointments of the day: social 10:00 (kept), tax 11:00 (missed), social 14:00 (cancelled),
tax 15:00 (checked in late); one more for the next day.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from displays.results import render_result
from hall.bus import open_bus
from hall.engine import Engine
from hall.storage import open_store
from queueing import commands as cmd
from queueing.config import parse_config
from tests.support.server import small_hall

ZONE = ZoneInfo("Asia/Shanghai")
DAY, BEFORE, AFTER = "2026-11-22", "2026-11-21", "2026-11-23"
HALL = "rpt"
HALL_NAME = "测试政务服务中心"

PERSONAL = {
    "11110001": {"name": "张三丰", "phone": "13800000001"},
    "11110002": {"name": "李四光", "phone": "13800000002"},
    "11110003": {"name": "王五常", "phone": "13800000003"},
    "11110004": {"name": "赵六顺", "phone": "13800000004"},
    "11110005": {"name": "钱七星", "phone": "13800000005"},
}
COMMENT = "态度很差，电话 13912345678"
"""The low rating's comment: personal data that must never reach the report."""


def local(day: str, hhmmss: str) -> datetime:
    parts = [int(p) for p in hhmmss.split(":")]
    hours, minutes, seconds = (parts + [0])[:3]
    base = datetime.fromisoformat(day).replace(tzinfo=ZONE)
    return base + timedelta(hours=hours, minutes=minutes, seconds=seconds)


@dataclass
class Clock:
    at: datetime = field(default_factory=lambda: local(BEFORE, "23:40"))

    def __call__(self) -> datetime:
        return self.at


@dataclass
class PlayedDay:
    url: str
    hall: str = HALL
    tracks: list[str] = field(default_factory=list)
    """Every tracker token handed out: none may appear in the report."""


class _Script:
    def __init__(self, engine: Engine, clock: Clock, played: PlayedDay) -> None:
        self.engine, self.clock, self.played = engine, clock, played

    async def do(
        self, day: str, hhmmss: str, command: cmd.Command, **personal: dict[str, str]
    ) -> dict[str, Any]:
        self.clock.at = local(day, hhmmss)
        reply = await self.engine.submit(
            HALL, command, scope="script", key=uuid.uuid4().hex, personal=personal
        )
        assert reply.ok, (day, hhmmss, command, reply.body)
        body = dict(reply.body)
        if body.get("track"):
            self.played.tracks.append(str(body["track"]))
        return body

    async def ticket(self, day: str, hhmmss: str, service: str) -> str:
        body = await self.do(day, hhmmss, cmd.IssueTicket(service))
        return str(body["ticket"]["id"])

    async def check_in(self, day: str, hhmmss: str, code: str) -> str:
        body = await self.do(day, hhmmss, cmd.CheckIn(code))
        return str(body["ticket"]["id"])

    async def book(self, hhmmss: str, service: str, day: str, slot: str, code: str) -> None:
        start = local(day, slot).timestamp()
        personal = {code: PERSONAL[code]}
        await self.do(BEFORE, hhmmss, cmd.Book(service, start, f"citizen-{code}", code), **personal)

    async def serve(
        self, day: str, window: str, ticket: str, called: str, started: str | None, done: str
    ) -> None:
        await self.do(day, called, cmd.CallTicket(window, ticket))
        if started is not None:
            await self.do(day, started, cmd.Start(window))
        await self.do(day, done, cmd.Finish(window))


def hall_document() -> dict[str, Any]:
    return small_hall(HALL, windows=2, service_target_minutes=10)


async def play_day(url: str) -> PlayedDay:
    """Play the day (and its neighbours) into the database at `url`."""
    store = open_store(url)
    store.upgrade()
    bus = open_bus("memory://")
    await bus.connect()
    clock = Clock()
    engine = Engine(store, bus, render=render_result, clock=clock)
    await engine.start()
    played = PlayedDay(url)
    try:
        await engine.configure(parse_config(hall_document()))
        await _play(_Script(engine, clock, played))
    finally:
        await engine.stop()
        await bus.disconnect()
        store.close()
    return played


async def _play(s: _Script) -> None:
    await _evening_before(s)
    await _night(s)
    await _morning(s)
    await _afternoon(s)
    await _next_day(s)


async def _evening_before(s: _Script) -> None:
    await s.book("23:41", "social", DAY, "10:00", "11110001")
    await s.book("23:42", "tax", DAY, "11:00", "11110002")
    await s.book("23:43", "social", DAY, "14:00", "11110003")
    await s.book("23:44", "tax", DAY, "15:00", "11110004")
    await s.book("23:44:30", "social", AFTER, "10:00", "11110005")
    await s.do(BEFORE, "23:45", cmd.SignIn("1", "1001", "王晓丽"))
    late = await s.ticket(BEFORE, "23:50", "social")
    await s.serve(BEFORE, "1", late, "23:51", "23:52", "23:55")
    await s.do(BEFORE, "23:55:30", cmd.Rate(late, 5))
    await s.do(BEFORE, "23:56", cmd.SignOut("1"))
    await s.ticket(BEFORE, "23:58", "tax")  # still waiting when the day changes


async def _night(s: _Script) -> None:
    a001 = await s.ticket(DAY, "00:02", "social")
    await s.do(DAY, "00:03", cmd.SignIn("1", "1001", "王晓丽"))
    await s.serve(DAY, "1", a001, "00:05", "00:06", "00:10")
    await s.do(DAY, "00:10:30", cmd.Rate(a001, 4))
    await s.do(DAY, "00:12", cmd.SignOut("1"))


async def _morning(s: _Script) -> None:
    await s.do(DAY, "09:00", cmd.SignIn("1", "1001", "王晓丽"))
    await s.do(DAY, "09:00", cmd.SignIn("2", "1002", "李明"))
    a002 = await s.ticket(DAY, "09:00", "social")
    a003 = await s.ticket(DAY, "09:02", "social")
    b001 = await s.ticket(DAY, "09:04", "tax")
    await s.do(DAY, "09:06", cmd.CallTicket("1", a002))
    await s.do(DAY, "09:07", cmd.Start("1"))
    await s.do(DAY, "09:10", cmd.CallTicket("2", a003))
    await s.do(DAY, "09:15", cmd.Finish("1"))
    await s.do(DAY, "09:15:20", cmd.Rate(a002, 5))
    await s.do(DAY, "09:16", cmd.CallTicket("1", b001))
    await s.do(DAY, "09:17", cmd.Start("1"))
    await s.do(DAY, "09:20", cmd.Finish("2"))
    await s.do(DAY, "09:20:30", cmd.Rate(a003, 1, ("attitude",), COMMENT))
    await s.do(DAY, "09:29", cmd.Finish("1"))
    await s.do(DAY, "09:29:10", cmd.Rate(b001, 5))
    a004 = await s.check_in(DAY, "09:50", "11110001")
    await s.serve(DAY, "2", a004, "09:52", "09:53", "10:01")
    b002 = await s.ticket(DAY, "10:05", "tax")
    a005 = await s.ticket(DAY, "10:10", "social")
    await s.do(DAY, "10:12", cmd.CallTicket("2", a005))
    await s.do(DAY, "10:12", cmd.Start("2"))
    await s.do(DAY, "10:30", cmd.CallTicket("1", b002))
    await s.do(DAY, "10:30", cmd.Finish("2"))
    await s.do(DAY, "10:30:20", cmd.Rate(a005, 3))
    await s.do(DAY, "10:35", cmd.NoShow("1"))
    await s.do(DAY, "11:20", cmd.Tick())  # the 11:00 appointment is missed
    await s.do(DAY, "12:00", cmd.SignOut("1"))
    await s.do(DAY, "12:00", cmd.SignOut("2"))


async def _afternoon(s: _Script) -> None:
    await s.do(DAY, "12:01", cmd.SignIn("1", "1002", "李明"))
    await s.do(DAY, "12:01", cmd.SignIn("2", "1001", "王晓丽"))
    a006 = await s.ticket(DAY, "13:00", "social")
    await s.serve(DAY, "2", a006, "13:05", "13:05", "13:15")
    await s.do(DAY, "13:15:10", cmd.Rate(a006, 5))
    await s.do(DAY, "13:30", cmd.CancelBooking("11110003"))
    a007 = await s.ticket(DAY, "14:00", "social")
    await s.do(DAY, "14:02", cmd.CallTicket("1", a007))
    await s.do(DAY, "14:05", cmd.Transfer("1", to_queue="B"))
    await s.serve(DAY, "2", a007, "14:11", "14:11", "14:21")
    await s.do(DAY, "14:21:10", cmd.Rate(a007, 4))
    b003 = await s.check_in(DAY, "15:20", "11110004")
    await s.serve(DAY, "1", b003, "15:40", "15:41", "15:50")
    await s.do(DAY, "17:00", cmd.Tick())  # B003's rating times out
    await s.do(DAY, "17:00", cmd.SignOut("1"))
    await s.do(DAY, "17:00", cmd.SignOut("2"))
    await s.ticket(DAY, "23:50", "tax")  # waits past midnight


async def _next_day(s: _Script) -> None:
    a001 = await s.ticket(AFTER, "00:02", "social")
    await s.do(AFTER, "00:03", cmd.SignIn("1", "1001", "王晓丽"))
    await s.serve(AFTER, "1", a001, "00:04", "00:05", "00:06")
    await s.do(AFTER, "00:06:30", cmd.Rate(a001, 2))
