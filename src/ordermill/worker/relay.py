"""Claims due outbox rows and runs their handlers, each message in its own savepoint.

A handler's database writes commit together with the mark that the message was delivered,
so for handlers that only touch the database, delivery is effectively exactly once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence

from ordermill.db import idempotency, outbox
from ordermill.db.engine import Database
from ordermill.worker.handlers import HANDLERS, Handler

log = logging.getLogger("ordermill.worker")
PURGE_EVERY_SECONDS = 600


class Relay:
    def __init__(self, database: Database,
                 handlers: Mapping[str, Sequence[Handler]] = HANDLERS,
                 *, batch_size: int = 20) -> None:
        self.database = database
        self.handlers = handlers
        self.batch_size = batch_size

    def run_once(self) -> int:
        """Deliver one batch; returns how many messages were taken."""
        with self.database.write_connection() as connection, connection.begin():
            messages = outbox.claim(connection, limit=self.batch_size)
            for message in messages:
                try:
                    with connection.begin_nested():
                        for handler in self.handlers.get(message.topic, ()):
                            handler(connection, message.id, message.payload)
                        outbox.mark_delivered(connection, message.id)
                except Exception as error:  # one bad message must not stop the rest
                    log.warning("outbox message %s (%s) failed: %r", message.id, message.topic,
                                error)
                    outbox.mark_failed(connection, message, repr(error))
            return len(messages)

    def drain(self, *, max_batches: int = 10_000) -> int:
        """Deliver until nothing is due; used by tests and after bulk work such as the demo."""
        total = 0
        for _ in range(max_batches):
            taken = self.run_once()
            total += taken
            if taken == 0:
                break
        return total

    def run_forever(self, stop: threading.Event, *, idle_seconds: float = 0.5) -> None:
        last_purge = 0.0
        while not stop.is_set():
            try:
                taken = self.run_once()
                if time.monotonic() - last_purge > PURGE_EVERY_SECONDS:
                    with self.database.write_connection() as connection, connection.begin():
                        idempotency.purge_expired(connection)
                    last_purge = time.monotonic()
            except Exception:
                log.exception("outbox relay failed; retrying")
                taken = 0
            if taken == 0:
                stop.wait(idle_seconds)


def start_in_thread(database: Database) -> tuple[threading.Thread, threading.Event]:
    """The worker inside `ordermill serve`: a daemon thread beside the web server."""
    stop = threading.Event()
    thread = threading.Thread(target=Relay(database).run_forever, args=(stop,),
                              name="ordermill-outbox", daemon=True)
    thread.start()
    return thread, stop
