"""The unit of work: one transaction per use case, rolled back unless the use case commits.

Events and audit entries gathered during the use case are written in that same transaction,
so they exist exactly when the change does.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from ordermill.db import audit, outbox, raw
from ordermill.db.engine import Database
from ordermill.shared.clock import utcnow
from ordermill.shared.events import Actor, AuditEntry, Event

T = TypeVar("T")
_AT_COMMIT = raw.RawChain({"audit": audit.APPEND, "outbox": outbox.APPEND})


class RetryTransaction(Exception):
    """Raised inside a use case when a concurrent writer got there first; the caller retries."""


class UnitOfWork:
    def __init__(self, database: Database, actor: Actor) -> None:
        self.database = database
        self.actor = actor
        self._connection: Connection | None = None
        self._events: list[Event] = []
        self._audit: list[AuditEntry] = []
        self.committed = False

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open")
        return self._connection

    def __enter__(self) -> UnitOfWork:
        self._connection = self.database.write_connection()
        self._connection.begin()
        self._events, self._audit, self.committed = [], [], False
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        connection, self._connection = self.connection, None
        try:
            if not self.committed:
                connection.rollback()
        finally:
            connection.close()

    def publish(self, event: Event) -> None:
        self._events.append(event)

    def record(self, entry: AuditEntry) -> None:
        self._audit.append(entry)

    def commit(self) -> None:
        now = utcnow()
        written = audit.rows(self.actor, self._audit, now)
        published = outbox.rows(self._events, now)
        if self.connection.dialect.name == "postgresql":
            # Every use case ends here: the rows in one statement, sent with the COMMIT in
            # one round trip.
            with raw.pipeline(self.connection):
                raw.send_chain(self.connection, _AT_COMMIT, [written, published])
                self.connection.commit()
        else:
            raw.run_rows(self.connection, outbox.APPEND, published)
            raw.run_rows(self.connection, audit.APPEND, written)
            self.connection.commit()
        self.committed = True


def run_with_retries(work: Callable[[], T], *, attempts: int = 8) -> T:
    """Run a use case again when it lost a race (a stock row changed under it, a deadlock
    victim, a locked SQLite file); the use case itself is idempotent up to commit."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except RetryTransaction:
            if attempt == attempts:
                raise
        except OperationalError as error:
            if attempt == attempts or not _is_transient(error):
                raise
    raise AssertionError("unreachable")


def _is_transient(error: OperationalError) -> bool:
    text = str(error.orig).lower()
    return any(marker in text
               for marker in ("deadlock", "could not serialize", "database is locked"))
