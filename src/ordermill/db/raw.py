"""SQL written once and sent straight to the driver, for the few hot paths that need it.

SQLAlchemy builds, keys and caches a statement on every call; on the order-intake path that
cost more CPU than the database spent. These statements run inside the same SQLAlchemy
transaction, through its DBAPI connection, and speak to SQLite and PostgreSQL alike. On
PostgreSQL, statements sent inside `pipeline()` travel together: one round trip for all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import psycopg
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, StatementError

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


class RawStatement:
    """One SQL text with `:name` parameters, as SQLite takes it and, numbered once, as
    PostgreSQL does (`$1`, `$2`, ...)."""

    def __init__(self, sql: str) -> None:
        self.sql = sql
        self.names: list[str] = []
        self.numbered = _NAMED.sub(self._number, sql)

    def _number(self, found: re.Match[str]) -> str:
        if found[1] not in self.names:
            self.names.append(found[1])
        return f"${self.names.index(found[1]) + 1}"


class RawRows:
    """Multi-row statements: the same text for 1..n rows, each size rendered once."""

    def __init__(self, head: str, row: str, tail: str = "") -> None:
        self.head, self.row, self.tail = head, row, tail
        self._sized: dict[int, RawStatement] = {}

    def for_rows(self, count: int) -> RawStatement:
        if count not in self._sized:
            self._sized[count] = RawStatement(self.rendered(count))
        return self._sized[count]

    def rendered(self, count: int, prefix: str = "") -> str:
        rows = ", ".join(_NAMED.sub(rf":{prefix}\g<1>_{i}", self.row) for i in range(count))
        return f"{self.head} {rows} {self.tail}"

    def linked(self, **values: str) -> RawRows:
        """The same rows with some parameters replaced by SQL, such as a subquery on an
        earlier part of a RawChain."""
        row = _NAMED.sub(lambda found: values.get(found[1], found[0]), self.row)
        return RawRows(self.head, row, self.tail)


class RawChain:
    """Multi-row statements sent as one, for PostgreSQL (SQLite has no INSERT inside WITH):
    every part but the last becomes a data-modifying CTE named after it (`WITH audit AS
    (INSERT ...) INSERT ...`), or every part does and `result` is the final query (or a
    function of the names of the parts present). A part may read an earlier one's RETURNING
    rows by its name; a part given no rows is left out. Each mix of row counts is rendered
    once."""

    def __init__(self, parts: Mapping[str, RawRows],
                 result: str | Callable[[frozenset[str]], str] = "") -> None:
        self.parts, self.result = dict(parts), result
        self._sized: dict[tuple[int, ...], RawStatement] = {}

    def for_rows(self, counts: tuple[int, ...]) -> RawStatement:
        if counts not in self._sized:
            present = [(name, rows.rendered(count, f"{name}_"))
                       for (name, rows), count in zip(self.parts.items(), counts, strict=True)
                       if count]
            result = (self.result(frozenset(name for name, _ in present))
                      if callable(self.result) else self.result)
            ctes, main = (present, result) if result else (present[:-1], present[-1][1])
            named = ", ".join(f"{name} AS ({sql})" for name, sql in ctes)
            self._sized[counts] = RawStatement(f"WITH {named} {main}" if named else main)
        return self._sized[counts]


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


T = TypeVar("T")


def _as_sqlalchemy_error(connection: Connection, sql: str, error: Exception) -> StatementError:
    # Raised as SQLAlchemy would (IntegrityError, OperationalError, ...), so callers that
    # retry a lost race or a deadlock recognise it whichever path ran the statement.
    return DBAPIError.instance(sql, None, error, connection.dialect.loaded_dbapi.Error,
                               dialect=connection.dialect)


class Later(Generic[T]):
    """A value read from a statement's answer once the round trip carrying it is over."""

    def __init__(self, read: Callable[[], T]) -> None:
        self._read = read

    def value(self) -> T:
        return self._read()


class Sent:
    """A statement on its way: executed, or queued in a pipeline; its rows are read once."""

    def __init__(self, connection: Connection, sql: str, cursor: Any,
                 rows: list[tuple[Any, ...]] | None = None) -> None:
        self._connection, self._sql, self._cursor = connection, sql, cursor
        self._rows = rows

    def rows(self) -> list[tuple[Any, ...]]:
        """Every row (an empty list for statements without rows)."""
        if self._rows is None:
            try:
                self._rows = list(self._cursor.fetchall()) if self._cursor.description else []
            except self._connection.dialect.loaded_dbapi.Error as error:
                raise _as_sqlalchemy_error(self._connection, self._sql, error) from error
            finally:
                self._cursor.close()
        return self._rows

    def then(self, read: Callable[[list[tuple[Any, ...]]], T]) -> Later[T]:
        return Later(lambda: read(self.rows()))


@contextmanager
def pipeline(connection: Connection) -> Iterator[None]:
    """On PostgreSQL, what is sent inside goes to the server in one round trip when the block
    ends (a transaction's BEGIN too); read the answers after it. Elsewhere each statement
    runs when it is sent."""
    driver = connection.connection.driver_connection
    if not isinstance(driver, psycopg.Connection):
        yield
        return
    try:
        with driver.pipeline():
            yield
    except psycopg.Error as error:
        raise _as_sqlalchemy_error(connection, "(pipeline)", error) from error


def send(connection: Connection, statement: RawStatement, params: Mapping[str, Any]) -> Sent:
    """Execute, or inside `pipeline()` on PostgreSQL queue, one statement."""
    cursor, text, arguments = _bound(connection, statement, params)
    try:
        cursor.execute(text, arguments)
    except connection.dialect.loaded_dbapi.Error as error:
        cursor.close()
        raise _as_sqlalchemy_error(connection, statement.sql, error) from error
    return Sent(connection, statement.sql, cursor)


def run(connection: Connection, statement: RawStatement,
        params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """Execute and return every row (an empty list for statements without rows)."""
    return send(connection, statement, params).rows()


def _bound(connection: Connection, statement: RawStatement,
           params: Mapping[str, Any]) -> tuple[Any, str, Any]:
    """A cursor of the driver, the text and the arguments it takes."""
    driver = connection.connection.driver_connection
    if isinstance(driver, psycopg.Connection):
        # A raw cursor takes the numbered text as it is. psycopg caches its parsing of
        # `%(name)s` only for statements of up to 50 parameters; a new order's rows sent as
        # one statement have more, and parsing them anew took 70-140 µs of every order.
        return (psycopg.RawCursor(driver), statement.numbered,
                [_value(params[name], "postgresql") for name in statement.names])
    return (connection.connection.cursor(), statement.sql,
            _adapted(params, connection.dialect.name))


def send_rows(connection: Connection, statement: RawRows,
              rows: Sequence[Mapping[str, Any]]) -> Sent:
    """Insert many rows in one statement; rows come back in the order given."""
    if not rows:
        return Sent(connection, "", None, rows=[])
    return send(connection, statement.for_rows(len(rows)), _numbered(rows))


def run_rows(connection: Connection, statement: RawRows,
             rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    return send_rows(connection, statement, rows).rows()


def send_chain(connection: Connection, chain: RawChain,
               rows: Sequence[Sequence[Mapping[str, Any]]]) -> Sent:
    """Send a chain (PostgreSQL), given each part's rows in the chain's order."""
    counts = tuple(len(part_rows) for part_rows in rows)
    if not any(counts):
        return Sent(connection, "", None, rows=[])
    params: dict[str, Any] = {}
    for name, part_rows in zip(chain.parts, rows, strict=True):
        params.update(_numbered(part_rows, f"{name}_"))
    return send(connection, chain.for_rows(counts), params)


def run_chain(connection: Connection, chain: RawChain,
              rows: Sequence[Sequence[Mapping[str, Any]]]) -> list[tuple[Any, ...]]:
    return send_chain(connection, chain, rows).rows()


def _numbered(rows: Sequence[Mapping[str, Any]], prefix: str = "") -> dict[str, Any]:
    return {f"{prefix}{name}_{i}": value
            for i, row in enumerate(rows) for name, value in row.items()}


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
