"""The hall server: the Starlette app (HTTP API, websocket gateway, pages, /metrics) around the
engine. This package's names are what the command line and the demo start it with; nothing
outside the package reaches into its modules."""

from hall.server.app import Settings, create_app, load_hall_file
from hall.server.callers import Server
from hall.server.run import StartupFailed, listen, serve

__all__ = [
    "Server",
    "Settings",
    "StartupFailed",
    "create_app",
    "listen",
    "load_hall_file",
    "serve",
]
