"""The real web application served by uvicorn on a free local port, in a background thread,
for tests whose clients need real sockets (many at once, each with its own connection)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp

from ordermill.api.app import create_app
from ordermill.db.engine import Database

START_TIMEOUT_SECONDS = 10.0
STOP_TIMEOUT_SECONDS = 10.0


class LiveServer:
    """One uvicorn server over one ASGI app; `url` is known as soon as it is constructed."""

    def __init__(self, app: ASGIApp) -> None:
        # Binding here, before the thread starts, means the port is ours: no race with
        # another process picking the same free port between a probe and uvicorn's bind.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        host, port = self._socket.getsockname()
        self.url = f"http://{host}:{port}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                                backlog=256, timeout_graceful_shutdown=5)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run,
                                        kwargs={"sockets": [self._socket]},
                                        name="live-server", daemon=True)

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the live server stopped while starting")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the live server did not start in time")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(STOP_TIMEOUT_SECONDS)
        self._socket.close()
        if self._thread.is_alive():
            raise RuntimeError("the live server did not shut down in time")

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


@contextmanager
def serving(database: Database) -> Iterator[str]:
    """The ordermill app over `database`, up for the duration of the block; yields its URL.

    A test module turns it into a fixture in three lines, so the dependency stays visible:
    `with serving(database) as url: yield url`.
    """
    with LiveServer(create_app(database)) as server:
        yield server.url
