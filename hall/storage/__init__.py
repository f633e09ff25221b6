"""Where halls are kept: event streams, snapshots, replies, devices, staff and read models, on
SQLite (the default, a file) or PostgreSQL. See docs/storage.md."""

from __future__ import annotations

from hall.storage.sql import SqlStore


def open_store(url: str) -> SqlStore:
    """The store for a database URL: `sqlite:///path/to/hall.db` or
    `postgresql://user@host:port/db`. Call `upgrade()` before first use."""
    return SqlStore(url)


__all__ = ["SqlStore", "open_store"]
