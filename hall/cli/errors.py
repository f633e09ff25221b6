"""The `hall` command's exit statuses, defined once, and the one exception a sub-command raises
for a mistake: `main()` prints `hall <command>: <message>` on stderr (one line, never a
traceback unless `hall --debug`) and exits with the error's status.

The table below is printed at the end of `hall --help` and documented in docs/cli.md.
"""

from __future__ import annotations

OK = 0
"""Done."""
FAILED = 1
"""The input was fine but the command could not do it: nothing to write (an empty day), a file
that cannot be written, a server that failed to start or to listen."""
USAGE = 2
"""A usage mistake or invalid input: an unknown option or a bad value (argparse's own status),
an unreadable or invalid file, a malformed or unsupported URL, a hall, staff number or database
file that does not exist."""
UNAVAILABLE = 3
"""A service cannot be reached or opened: the database (refused, unknown host, timed out,
missing PostgreSQL database or role, an SQLite file that cannot be opened or written) or the
bus (Redis)."""
INTERNAL = 70
"""A bug: an unexpected exception (`hall --debug ...` shows its traceback)."""
INTERRUPTED = 130
"""Interrupted (Ctrl-C), quietly."""
BROKEN_PIPE = 141
"""Standard output was closed early (piped into `head`), quietly."""

EXIT_STATUSES: tuple[tuple[int, str], ...] = (
    (OK, "done"),
    (FAILED, "could not do it: nothing to write, a file not writable, the server did not start"),
    (USAGE, "usage or invalid input: option, file, URL, hall, staff number, missing SQLite file"),
    (UNAVAILABLE, "the database or the bus cannot be reached or opened"),
    (INTERNAL, "internal error (a bug): run with --debug for the traceback"),
    (INTERRUPTED, "interrupted (Ctrl-C)"),
    (BROKEN_PIPE, "output closed early (e.g. piped into head)"),
)


class CliError(Exception):
    """A mistake the user can fix: `message` says what is wrong and what to do (one line),
    `status` is one of the exit statuses above."""

    def __init__(self, message: str, status: int = USAGE) -> None:
        super().__init__(message)
        self.message = " ".join(message.split())  # one line, whatever the cause's text holds
        self.status = status


def exit_status_table() -> str:
    """The table for `hall --help`."""
    rows = "\n".join(f"  {status:>3}  {meaning}" for status, meaning in EXIT_STATUSES)
    return f"exit statuses:\n{rows}"
