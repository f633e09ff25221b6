"""Where live metrics report what Prometheus counts. `metrics.prometheus` implements it; the
default `NullSink` drops everything (tests, servers without /metrics).

Counting calls (`ticket_*`, `rating`) come only for events this process committed (`observe`
with `local=True`), so that Prometheus can sum counters over server processes. Gauge calls
(`waiting`, `expected_wait`) carry hall-wide facts and come for every event.
"""

from __future__ import annotations

from typing import Protocol


class Sink(Protocol):
    def ticket_issued(self, queue: str) -> None: ...

    def ticket_called(self, queue: str, wait_s: float) -> None: ...

    def ticket_finished(self, queue: str, service_s: float) -> None: ...

    def rating(self, score: int) -> None: ...

    def alert_raised(self, kind: str) -> None: ...

    def waiting(self, queue: str, count: int) -> None: ...

    def expected_wait(self, queue: str, seconds: float | None) -> None: ...


class NullSink:
    def ticket_issued(self, queue: str) -> None:
        pass

    def ticket_called(self, queue: str, wait_s: float) -> None:
        pass

    def ticket_finished(self, queue: str, service_s: float) -> None:
        pass

    def rating(self, score: int) -> None:
        pass

    def alert_raised(self, kind: str) -> None:
        pass

    def waiting(self, queue: str, count: int) -> None:
        pass

    def expected_wait(self, queue: str, seconds: float | None) -> None:
        pass


NULL_SINK = NullSink()
