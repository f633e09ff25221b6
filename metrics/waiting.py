"""Who is waiting in one line (a queue, a service), and since when: count and longest wait.

Members sit in a dict (ticket id -> waiting since) and a min-heap of (since, ticket id). Leaving
drops the dict entry only; a stale heap entry is discarded when it reaches the top, and the heap
is rebuilt when stale entries outnumber live ones. Joining, leaving and finding the oldest are
O(log n) amortised, whatever order tickets join and leave in.
"""

from __future__ import annotations

import heapq


class WaitingLine:
    __slots__ = ("_heap", "_since")

    def __init__(self) -> None:
        self._since: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []

    def __len__(self) -> int:
        return len(self._since)

    def join(self, ticket: str, since: float) -> None:
        self._since[ticket] = since
        heapq.heappush(self._heap, (since, ticket))

    def leave(self, ticket: str) -> None:
        self._since.pop(ticket, None)
        if len(self._heap) > 2 * len(self._since) + 32:
            self._heap = [(since, ticket) for ticket, since in self._since.items()]
            heapq.heapify(self._heap)

    def oldest(self) -> tuple[float, str] | None:
        """(waiting since, ticket id) of the ticket waiting longest, or None."""
        heap, members = self._heap, self._since
        while heap:
            since, ticket = heap[0]
            if members.get(ticket) == since:
                return since, ticket
            heapq.heappop(heap)
        return None

    def longest_wait(self, now: float) -> float:
        oldest = self.oldest()
        return max(0.0, now - oldest[0]) if oldest is not None else 0.0

    def clear(self) -> None:
        self._since.clear()
        self._heap.clear()
