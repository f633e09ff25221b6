"""`played`, the report tests' scripted day in an SQLite file, for `hall report`."""

from __future__ import annotations

from tests.hall.report.conftest import played

__all__ = ["played"]
