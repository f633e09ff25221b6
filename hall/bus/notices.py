"""What server processes tell each other over the bus, as short text messages.

Two kinds of channel:

- `hall:<hall>` carries `<origin>:<seq>` after each commit to that hall (`SeqNotice`);
- `halls` carries what concerns the process as a whole (`Notice`): `<origin>:hall:<hall>` (a
  hall was created), `<origin>:device:<hall>:<device>` (a device was revoked),
  `<origin>:staff:<hall>:<number>` (a staff account was changed, deactivated or deleted),
  `<origin>:webhook:<hall>:<webhook id>` (a webhook was configured or deleted),
  `<origin>:alert:<hall>:<alert id>` (a floor manager acknowledged an alert; alert ids are
  `<kind>:<subject>:<epoch seconds>`, the one subject that holds colons) and `<origin>:alive`
  (a heartbeat: each process says it is there once a second, which also tells every process
  that the bus is carrying messages).

`<origin>` is the publishing process's id. Hall ids, device ids and staff numbers never hold a
colon. Anyone who can publish on the bus can send anything, so every reader parses with
`parse_seq` / `parse_notice`, which raise `MalformedNotice` for anything else: the reader logs
it, counts it and goes on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

HALLS_CHANNEL = "halls"
MAX_NOTICE = 512
"""Characters; a longer message is malformed (ids are short)."""

Topic = Literal["hall", "device", "staff", "alert", "alive", "webhook"]
_ID = r"[A-Za-z0-9_-]{1,100}"
_ALERT_ID = rf"[a-z_]{{1,40}}:{_ID}:[0-9]{{1,18}}"
_SEQ = re.compile(rf"(?P<origin>{_ID}):(?P<seq>[0-9]{{1,18}})")
_NOTICE = re.compile(
    rf"(?P<origin>{_ID}):(?:(?P<alive>alive)"
    rf"|(?P<hall_topic>hall):(?P<hall>{_ID})"
    rf"|(?P<topic>device|staff|webhook):(?P<in_hall>{_ID}):(?P<subject>{_ID})"
    rf"|(?P<alert_topic>alert):(?P<alert_hall>{_ID}):(?P<alert>{_ALERT_ID}))"
)


class MalformedNotice(ValueError):
    """A bus message that is not a notice of its channel."""


def hall_channel(hall: str) -> str:
    return f"hall:{hall}"


@dataclass(frozen=True, slots=True)
class SeqNotice:
    """`origin` committed hall events up to `seq`."""

    origin: str
    seq: int

    def text(self) -> str:
        return f"{self.origin}:{self.seq}"


@dataclass(frozen=True, slots=True)
class Notice:
    """A process-wide notice: `topic` with its `hall` and `subject` (device id, staff number,
    alert id)."""

    origin: str
    topic: Topic
    hall: str = ""
    subject: str = ""

    def text(self) -> str:
        if self.topic == "alive":
            return f"{self.origin}:alive"
        if self.topic == "hall":
            return f"{self.origin}:hall:{self.hall}"
        return f"{self.origin}:{self.topic}:{self.hall}:{self.subject}"


def parse_seq(message: str) -> SeqNotice:
    """The notice of a `hall:<hall>` channel; `MalformedNotice` for anything else."""
    found = _SEQ.fullmatch(message) if len(message) <= MAX_NOTICE else None
    if found is None:
        raise MalformedNotice(f"not <origin>:<seq>: {message[:80]!r}")
    return SeqNotice(found["origin"], int(found["seq"]))


def parse_notice(message: str) -> Notice:
    """The notice of the `halls` channel; `MalformedNotice` for anything else."""
    found = _NOTICE.fullmatch(message) if len(message) <= MAX_NOTICE else None
    if found is None:
        raise MalformedNotice(f"not a notice: {message[:80]!r}")
    origin = found["origin"]
    if found["alive"]:
        return Notice(origin, "alive")
    if found["hall_topic"]:
        return Notice(origin, "hall", found["hall"])
    if found["alert_topic"]:
        return Notice(origin, "alert", found["alert_hall"], found["alert"])
    topics: dict[str, Topic] = {"device": "device", "staff": "staff", "webhook": "webhook"}
    topic = topics[found["topic"]]
    return Notice(origin, topic, found["in_hall"], found["subject"])
