"""Raw statements sent together in a pipeline: answers after the block, errors as SQLAlchemy's."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ordermill.catalog.tables import products
from ordermill.db import raw
from ordermill.db.engine import Database
from tests import builders

_SKU = raw.RawStatement("SELECT sku FROM products WHERE sku = :sku")
_RENAME = raw.RawStatement("UPDATE products SET sku = :new WHERE sku = :old RETURNING sku")


def _skus(database: Database) -> list[str]:
    with database.reading() as connection:
        return sorted(connection.execute(sa.select(products.c.sku)).scalars())


def test_each_statement_sent_in_a_pipeline_answers_after_it(database: Database) -> None:
    builders.product(database, "MUG")
    builders.product(database, "LID")
    with database.write_connection() as connection, connection.begin():
        with raw.pipeline(connection):
            renamed = raw.send(connection, _RENAME, {"old": "MUG", "new": "CUP"})
            found = raw.send(connection, _SKU, {"sku": "CUP"})
            missing = raw.send(connection, _SKU, {"sku": "MUG"})
        assert (renamed.rows(), found.rows(), missing.rows()) == ([("CUP",)], [("CUP",)], [])
    assert _skus(database) == ["CUP", "LID"]


def test_a_failing_statement_in_a_pipeline_is_sqlalchemys_error_and_nothing_stays(
        database: Database) -> None:
    builders.product(database, "MUG")
    builders.product(database, "LID")
    with database.write_connection() as connection:
        connection.begin()
        with pytest.raises(IntegrityError), raw.pipeline(connection):
            raw.send(connection, _RENAME, {"old": "MUG", "new": "CUP"})
            raw.send(connection, _RENAME, {"old": "LID", "new": "CUP"})
        connection.rollback()
    assert _skus(database) == ["LID", "MUG"]
