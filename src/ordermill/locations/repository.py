"""Loading and saving locations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.locations.tables import locations


def location_by_code(connection: Connection, code: str) -> Any:
    return connection.execute(sa.select(locations).where(locations.c.code == code)).first()


def locations_by_code(connection: Connection, codes: Iterable[str]) -> dict[str, Any]:
    codes = list(set(codes))
    if not codes:
        return {}
    rows = connection.execute(sa.select(locations).where(locations.c.code.in_(codes)))
    return {row.code: row for row in rows}


def insert_location(connection: Connection, values: dict[str, Any]) -> int:
    return int(connection.execute(locations.insert().values(**values)
                                  .returning(locations.c.id)).scalar_one())


def update_location(connection: Connection, location_id: int, values: dict[str, Any]) -> None:
    connection.execute(locations.update().where(locations.c.id == location_id).values(**values))


def codes_by_id(connection: Connection, location_ids: Iterable[int]) -> dict[int, str]:
    rows = connection.execute(sa.select(locations.c.id, locations.c.code)
                              .where(locations.c.id.in_(list(location_ids))))
    return {row.id: row.code for row in rows}
