"""Timestamps keep their instant on every database: stored in UTC, read back as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from ordermill.db.engine import Database
from ordermill.db.outbox import outbox


def test_an_aware_time_in_another_zone_reads_back_as_the_same_instant_in_utc(
        database: Database) -> None:
    placed = datetime(2026, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    with database.write_connection() as connection, connection.begin():
        connection.execute(outbox.insert().values(topic="t", payload="{}", created_at=placed,
                                                  available_at=placed))
    with database.reading() as connection:
        stored = connection.execute(sa.select(outbox.c.created_at)).scalar_one()
        earlier = connection.execute(sa.select(sa.func.count()).select_from(outbox).where(
            outbox.c.created_at < datetime(2026, 3, 1, 11, 0, tzinfo=UTC))).scalar_one()
    assert stored == datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
    assert stored.tzinfo == UTC
    assert earlier == 1


def test_a_time_without_a_zone_is_refused_before_it_is_stored(database: Database) -> None:
    with pytest.raises(sa.exc.StatementError), database.write_connection() as connection, \
            connection.begin():
        connection.execute(outbox.insert().values(topic="t", payload="{}",
                                                  created_at=datetime(2026, 3, 1, 12, 30),
                                                  available_at=datetime(2026, 3, 1, 12, 30)))
    with database.reading() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(outbox)).scalar() == 0
