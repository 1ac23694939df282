"""How often orders queue for each other's rows: samples pg_stat_activity while a run is
measured and counts our backends waiting for a lock, such as a hot sku's stock row."""

from __future__ import annotations

import threading
import time

import psycopg

from measure import Window

SAMPLE_EVERY = 0.05  # seconds; one cheap catalog query each time
_QUERY = """
SELECT count(*) FILTER (WHERE wait_event_type = 'Lock')
FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"""


class LockWaits:
    """The average number of our backends waiting for a lock over the window."""

    def __init__(self, conninfo: str, window: Window) -> None:
        self._conninfo, self._window = conninfo, window
        self._waiting = self._samples = 0
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self) -> None:
        self._thread.join()

    def _sample(self) -> None:
        with psycopg.connect(self._conninfo, autocommit=True) as connection:
            while (now := time.perf_counter()) < self._window.end:
                if now >= self._window.start:
                    row = connection.execute(_QUERY).fetchone()
                    assert row is not None
                    self._waiting += row[0]
                    self._samples += 1
                time.sleep(SAMPLE_EVERY)

    @property
    def waiting(self) -> float | None:
        return self._waiting / self._samples if self._samples else None
