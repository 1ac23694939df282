"""Running work in real threads that start together, and noticing lock trouble on the way.

Retries inside the use cases would hide a deadlock or a locked SQLite file from the caller,
so every such error is recorded while the threads run, including those a retry recovered.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event

from ordermill.db.engine import Database

T = TypeVar("T")
TIMEOUT_SECONDS = 120.0
_LOCK_TROUBLE = ("deadlock", "database is locked", "could not serialize", "lock timeout")


def run_together(tasks: Sequence[Callable[[], T]]) -> list[T | Exception]:
    """Each task in its own thread, all released at the same moment by a barrier; returns
    each task's result, or the exception it raised, in task order."""
    barrier = threading.Barrier(len(tasks))

    def started_together(task: Callable[[], T]) -> T | Exception:
        barrier.wait(TIMEOUT_SECONDS)
        try:
            return task()
        except Exception as error:  # the caller sorts expected refusals from real failures
            return error

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        futures = [pool.submit(started_together, task) for task in tasks]
        return [future.result(TIMEOUT_SECONDS) for future in futures]


def _deadlocks_counted_by_postgresql(database: Database) -> int:
    """The server's own deadlock count for this database. A backend reports its count when
    it exits at the latest, so the pool is emptied and those backends waited for first."""
    database.engine.dispose()
    others = sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                     " AND backend_type = 'client backend' AND pid <> pg_backend_pid()")
    deadline = time.monotonic() + 10
    with database.engine.connect() as connection:
        # Statistics views are a snapshot taken once per transaction; each look needs a new one.
        while connection.execute(others).scalar_one():
            connection.rollback()
            if time.monotonic() > deadline:
                raise RuntimeError("connections to the test database did not close")
            time.sleep(0.01)
        connection.rollback()
        return int(connection.execute(sa.text(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        ).scalar_one())


@contextmanager
def lock_trouble(database: Database) -> Iterator[list[str]]:
    """Collects every deadlock, serialization failure or 'database is locked' error the
    database raised inside the block. Statements sent straight to the driver bypass
    SQLAlchemy's error hook, so on PostgreSQL the server's deadlock count is checked too."""
    seen: list[str] = []
    guard = threading.Lock()

    def record(context: Any) -> None:
        text = str(context.original_exception).lower()
        if any(marker in text for marker in _LOCK_TROUBLE):
            with guard:
                seen.append(text.splitlines()[0])

    counted_before = (_deadlocks_counted_by_postgresql(database)
                      if database.is_postgresql else 0)
    event.listen(database.engine, "handle_error", record)
    try:
        yield seen
    finally:
        event.remove(database.engine, "handle_error", record)
    if database.is_postgresql:
        counted = _deadlocks_counted_by_postgresql(database) - counted_before
        already = sum("deadlock" in text for text in seen)
        seen.extend(["deadlock counted by the server"] * max(0, counted - already))
