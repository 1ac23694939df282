"""The demo data set, loaded small: its shape, its history, its stock truth, its seed."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from click.testing import Result
from typer.testing import CliRunner

from ordermill.accounts.tables import api_keys, users
from ordermill.catalog.tables import products
from ordermill.channels.tables import channel_listings, channels
from ordermill.cli.main import app
from ordermill.customers.tables import customers
from ordermill.db.engine import Database
from ordermill.demo import places
from ordermill.demo.catalog import Item, plan_catalog
from ordermill.demo.customers import CustomerBook
from ordermill.demo.generate import OPEN_DAYS, DemoSummary, load_demo
from ordermill.demo.history import OrderWriter, SalesModel, draw_demand
from ordermill.inventory.queries import ledger_mismatches
from ordermill.inventory.tables import stock_ledger, stock_levels
from ordermill.locations.tables import locations
from ordermill.orders.domain import OrderInput
from ordermill.orders.tables import fulfillment_order_lines as allocations
from ordermill.orders.tables import order_lines, orders
from ordermill.shared.clock import as_utc
from ordermill.worker.relay import Relay

DAYS, SCALE = 14, 0.05
Run = Callable[..., Result]


def _load(database: Database) -> DemoSummary:
    return load_demo(database, days=DAYS, seed=7, scale=SCALE)


def _count(database: Database, table: sa.Table) -> int:
    with database.reading() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table))
                   .scalar_one())


def test_the_demo_has_regions_kits_channels_and_an_admin(database: Database) -> None:
    summary = _load(database)

    with database.reading() as connection:
        countries = connection.execute(sa.select(locations.c.country).distinct()).scalars()
        kits = connection.execute(sa.select(sa.func.count()).select_from(products)
                                  .where(products.c.is_kit)).scalar_one()
        codes = connection.execute(sa.select(channels.c.code).order_by(channels.c.code))
        gtins = list(connection.execute(sa.select(products.c.gtin)).scalars())
        assert sorted(countries) == ["NL", "US"]
        assert list(codes.scalars()) == ["amazon", "ebay", "pos", "shopify", "web"]
    assert _count(database, locations) >= 3
    assert kits == summary.kits >= 2
    assert all(gtin is not None and len(gtin) == 13 for gtin in gtins)
    assert _count(database, users) == 1
    assert summary.admin_password is not None
    assert summary.api_key.startswith("om_admin_")


def test_the_demo_history_is_completed_spread_over_days_and_holds_no_stock(
        database: Database) -> None:
    summary = _load(database)
    today = datetime.now(UTC).date()
    open_from = datetime.combine(today - timedelta(days=OPEN_DAYS - 1), time(), tzinfo=UTC)

    with database.reading() as connection:
        rows = connection.execute(sa.select(orders.c.id, orders.c.status, orders.c.placed_at)
                                  ).all()
        reserved = connection.execute(
            sa.select(sa.func.coalesce(sa.func.sum(allocations.c.quantity), 0))
            .join(orders, orders.c.id == allocations.c.order_id)
            .where(orders.c.status == "completed")).scalar_one()
        line_count = connection.execute(sa.select(sa.func.count()).select_from(order_lines)
                                        ).scalar_one()
    past = [r for r in rows if as_utc(r.placed_at) < open_from]
    recent = [r for r in rows if as_utc(r.placed_at) >= open_from]
    days = {r.placed_at.date() for r in rows}
    assert len(past) == summary.past_orders > 0
    assert {r.status for r in past} == {"completed"}
    assert {r.status for r in recent} <= {"confirmed", "pending", "on_hold", "cancelled"}
    assert len(days) >= DAYS // 2
    assert reserved == 0
    assert line_count >= len(rows)
    assert _count(database, customers) == summary.customers


def test_the_demo_stock_equals_its_ledger_and_channels_get_listings(database: Database) -> None:
    _load(database)

    delivered = Relay(database).drain()

    with database.reading() as connection:
        assert ledger_mismatches(connection) == []
        policies = connection.execute(sa.select(sa.func.count()).select_from(stock_levels)
                                      .where(stock_levels.c.reorder_point > 0)).scalar_one()
    assert delivered > 0
    assert _count(database, stock_ledger) > 0
    assert policies > 0
    assert _count(database, channel_listings) > 0


def _orders_of(seed: int) -> list[OrderInput]:
    rng = random.Random(seed)
    items: list[Item] = plan_catalog(30)
    sold = {plan.facts.code: [i.facts.sku for i in items] for plan in places.CHANNELS}
    model = SalesModel({i.facts.sku: i for i in items}, draw_demand(rng, items, DAYS), sold,
                       DAYS, 0.2)
    now = datetime(2025, 6, 1, 12, tzinfo=UTC)
    writer = OrderWriter(model, places.CHANNELS, CustomerBook(rng), rng)
    return list(writer.orders(now.date() - timedelta(days=DAYS - 1), now, now))


def test_the_same_seed_gives_the_same_orders_and_another_seed_others() -> None:
    first, again, other = _orders_of(7), _orders_of(7), _orders_of(8)

    assert first == again
    assert first != other
    assert all(order.placed_at is not None and order.placed_at < datetime(2025, 6, 1, 12,
                                                                            tzinfo=UTC)
               for order in first)


@pytest.fixture
def ordermill(database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("ORDERMILL_DATABASE_URL", database_url)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def _sizes(database: Database) -> list[int]:
    return [_count(database, table) for table in (products, locations, channels, orders,
                                                  customers, stock_ledger, users, api_keys)]


def test_demo_if_empty_loads_once_however_often_it_runs(database: Database,
                                                        ordermill: Run) -> None:
    first = ordermill("demo", "--if-empty", "--days", str(DAYS), "--scale", str(SCALE))
    loaded = _sizes(database)

    second = ordermill("demo", "--if-empty", "--days", str(DAYS), "--scale", str(SCALE))

    assert first.exit_code == 0, first.output
    assert "admin@ordermill.local" in first.output
    assert first.output.strip().splitlines()[-1].startswith("om_admin_")
    assert second.exit_code == 0, second.output
    assert "demo data not loaded" in second.output
    assert _sizes(database) == loaded


def test_demo_without_if_empty_refuses_a_database_with_products(database: Database,
                                                                ordermill: Run) -> None:
    ordermill("demo", "--days", str(DAYS), "--scale", str(SCALE))
    loaded = _sizes(database)

    again = ordermill("demo", "--days", str(DAYS), "--scale", str(SCALE))

    assert again.exit_code == 1
    assert "the database has products already" in again.output
    assert _sizes(database) == loaded
