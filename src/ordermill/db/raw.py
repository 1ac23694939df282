"""SQL written once and sent straight to the driver, for the few hot paths that need it.

SQLAlchemy builds, keys and caches a statement on every call; on the order-intake path that
cost more CPU than the database spent. These statements run inside the same SQLAlchemy
transaction, through its DBAPI connection, and speak to SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


class RawStatement:
    """One SQL text with `:name` parameters, rendered once per driver's parameter style."""

    def __init__(self, sql: str) -> None:
        self.sql = sql
        self._pyformat = _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))

    def text_for(self, dialect: str) -> str:
        return self._pyformat if dialect == "postgresql" else self.sql


class RawRows:
    """Multi-row statements: the same text for 1..n rows, each size rendered once."""

    def __init__(self, head: str, row: str, tail: str = "") -> None:
        self.head, self.row, self.tail = head, row, tail
        self._sized: dict[int, RawStatement] = {}

    def for_rows(self, count: int) -> RawStatement:
        if count not in self._sized:
            rows = ", ".join(_NAMED.sub(rf":\g<1>_{i}", self.row) for i in range(count))
            self._sized[count] = RawStatement(f"{self.head} {rows} {self.tail}")
        return self._sized[count]


class RawInList:
    """A statement with one `IN ({values})` list whose length varies: each length rendered
    once. The values are bound as `:value_0`, `:value_1`, ..."""

    def __init__(self, sql: str) -> None:
        self.sql = sql
        self._sized: dict[int, RawStatement] = {}

    def bind(self, values: Sequence[Any],
             **params: Any) -> tuple[RawStatement, dict[str, Any]]:
        count = len(values)
        if count not in self._sized:
            listed = ", ".join(f":value_{i}" for i in range(count))
            self._sized[count] = RawStatement(self.sql.replace("{values}", listed))
        return self._sized[count], {**params,
                                    **{f"value_{i}": v for i, v in enumerate(values)}}


def run(connection: Connection, statement: RawStatement,
        params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """Execute and return every row (an empty list for statements without rows)."""
    dialect = connection.dialect.name
    driver_error = connection.dialect.loaded_dbapi.Error
    cursor = connection.connection.cursor()
    try:
        cursor.execute(statement.text_for(dialect), _adapted(params, dialect))
        return list(cursor.fetchall()) if cursor.description else []
    except driver_error as error:
        # Raised as SQLAlchemy would (IntegrityError, OperationalError, ...), so callers that
        # retry a lost race or a deadlock recognise it whichever path ran the statement.
        raise DBAPIError.instance(statement.sql, None, error, driver_error,
                                  dialect=connection.dialect) from error
    finally:
        cursor.close()


def run_rows(connection: Connection, statement: RawRows,
             rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """Insert many rows in one statement; rows come back in the order given."""
    if not rows:
        return []
    params = {f"{name}_{i}": value for i, row in enumerate(rows) for name, value in row.items()}
    return run(connection, statement.for_rows(len(rows)), params)


def _adapted(params: Mapping[str, Any], dialect: str) -> dict[str, Any]:
    return {name: _value(value, dialect) for name, value in params.items()}


def _value(value: Any, dialect: str) -> Any:
    if isinstance(value, datetime):
        # The same text SQLAlchemy writes for DateTime on SQLite, in UTC (see UtcDateTime).
        moment = value.astimezone(UTC)
        return moment if dialect == "postgresql" else moment.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def as_utc_time(value: Any) -> datetime:
    """A timestamp read by a raw statement: text on SQLite, aware datetime on PostgreSQL."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.astimezone(UTC)  # type: ignore[no-any-return]
