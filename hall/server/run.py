"""Run the server under uvicorn until it is stopped (Ctrl-C, SIGTERM)."""

from __future__ import annotations

import gc

import uvicorn

from hall.server.app import Settings, create_app

WS_MAX_SIZE = 4 * 1024 * 1024  # larger frames are cut by the websocket layer (close 1009)


def serve(settings: Settings, host: str, port: int, log_level: str) -> None:
    """Run the server until it is stopped (Ctrl-C, SIGTERM)."""
    # Thousands of long-lived connections make young-generation collections frequent and full
    # ones slow; collect less often so a call is not held up behind a collection.
    gc.set_threshold(50_000, 20, 100)
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        ws_max_size=WS_MAX_SIZE,
        ws_per_message_deflate=False,  # compressing tiny JSON frames costs more than it saves
        log_level=log_level,
        access_log=False,
    )
