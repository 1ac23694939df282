"""Loading the demo data set through the real use cases, stage by stage, from one seed.

The same seed gives the same catalog, stock and orders; dates count back from today. Only
the admin password and API key are new each time, as secrets must be.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta

from ordermill.accounts.service import create_api_key, create_user
from ordermill.catalog.queries import list_products
from ordermill.catalog.service import create_product
from ordermill.channels.service import create_channel
from ordermill.customers.domain import normalise_email
from ordermill.db.engine import Database
from ordermill.db.uow import UnitOfWork
from ordermill.demo import places
from ordermill.demo.catalog import Item, plan_catalog
from ordermill.demo.customers import CustomerBook
from ordermill.demo.floor import lay_out_floors
from ordermill.demo.history import OrderWriter, SalesModel, draw_demand
from ordermill.demo.open_orders import OpenOrders, place_open_orders
from ordermill.demo.progress import Progress, Silent
from ordermill.demo.stock import assortments, carried_skus, create_stock, plan_stock, sold_out
from ordermill.locations.service import create_location
from ordermill.orders.domain import OrderInput
from ordermill.orders.history import record_past_orders
from ordermill.shared.clock import utcnow
from ordermill.shared.errors import Conflict
from ordermill.shared.events import Actor

DEMO = Actor("system", None, "demo data")
ADMIN_EMAIL = "admin@ordermill.local"
CATALOG_SIZE = 200
OPEN_DAYS = 2  # orders of yesterday and today are still open; older ones are fulfilled
HISTORY_BATCH = 250


@dataclass(frozen=True)
class DemoSummary:
    locations: int
    countries: int
    products: int
    kits: int
    channels: int
    customers: int
    days: int
    past_orders: int
    open_orders: OpenOrders
    admin_email: str
    admin_password: str | None  # None when that admin existed already
    api_key: str


def has_products(database: Database) -> bool:
    with database.reading() as connection:
        return bool(list_products(connection, after_id=None, limit=1)[0])


def load_demo(database: Database, *, days: int = 180, seed: int = 7, scale: float = 1.0,
              progress: Progress | None = None) -> DemoSummary:
    """Locations, catalog, channels, stock, `days` days of orders and an admin account."""
    if days < 1 or scale <= 0:
        raise ValueError("days must be at least 1 and scale above 0")
    progress = progress or Silent()
    rng = random.Random(seed)

    def unit_of_work() -> UnitOfWork:
        return UnitOfWork(database, DEMO)

    items = plan_catalog(max(24, round(CATALOG_SIZE * scale)))
    _catalog(unit_of_work, items, progress)
    carried = carried_skus(rng, items)
    model = SalesModel({item.facts.sku: item for item in items}, draw_demand(rng, items, days),
                       assortments(rng, items, carried, places.CHANNELS), days, scale)
    _channels(unit_of_work, model, progress)
    plans, corrections = plan_stock(rng, model, places.CHANNELS, carried,
                                    sold_out(model, items))
    create_stock(unit_of_work, plans, corrections, progress)
    lay_out_floors(unit_of_work, carried)
    past, opened = _orders(unit_of_work, model, rng, progress)
    password, key = _admin(unit_of_work)
    return DemoSummary(
        locations=len(places.LOCATIONS),
        countries=len({loc.address.country for loc in places.LOCATIONS}),
        products=len(items), kits=sum(1 for item in items if item.facts.components),
        channels=len(places.CHANNELS), customers=_customers(past, opened.placed),
        days=days, past_orders=len(past), open_orders=opened, admin_email=ADMIN_EMAIL,
        admin_password=password, api_key=key)


def _catalog(unit_of_work: Callable[[], UnitOfWork], items: list[Item],
             progress: Progress) -> None:
    progress.stage("Locations and catalog", len(places.LOCATIONS) + len(items))
    for location in places.LOCATIONS:
        create_location(unit_of_work(), location)
        progress.advance()
    for item in items:
        create_product(unit_of_work(), item.facts)
        progress.advance()


def _channels(unit_of_work: Callable[[], UnitOfWork], model: SalesModel,
              progress: Progress) -> None:
    """The channels; the marketplace keeps a larger buffer on its three best sellers."""
    progress.stage("Channels", len(places.CHANNELS))
    for plan in places.CHANNELS:
        facts = plan.facts
        if facts.code == "amazon":
            best = sorted(model.regular_skus("amazon"),
                          key=lambda sku: -model.rate(sku, model.days - 1))[:3]
            rules = replace(facts.availability, sku_buffers=dict.fromkeys(best, 5))
            facts = replace(facts, availability=rules)
        create_channel(unit_of_work(), facts)
        progress.advance()


def _orders(unit_of_work: Callable[[], UnitOfWork], model: SalesModel, rng: random.Random,
            progress: Progress) -> tuple[list[OrderInput], OpenOrders]:
    """The fulfilled history, recorded in batches, then the open orders of the last days."""
    now = utcnow()
    open_from = datetime.combine(now.date() - timedelta(days=OPEN_DAYS - 1), time(), tzinfo=UTC)
    writer = OrderWriter(model, places.CHANNELS, CustomerBook(rng), rng)
    orders = list(writer.orders(now.date() - timedelta(days=model.days - 1), now, open_from))
    past = [o for o in orders if o.placed_at is not None and o.placed_at < open_from]
    progress.stage("Order history", len(past))
    for start in range(0, len(past), HISTORY_BATCH):
        batch = past[start:start + HISTORY_BATCH]
        record_past_orders(unit_of_work(), batch)
        progress.advance(len(batch))
    # The orders come in time order, so the open ones are all that follow the past.
    return past, place_open_orders(unit_of_work, orders[len(past):], rng, progress)


def _admin(unit_of_work: Callable[[], UnitOfWork]) -> tuple[str | None, str]:
    password = secrets.token_urlsafe(12)
    try:
        create_user(unit_of_work(), email=ADMIN_EMAIL, name="Demo admin", role="admin",
                    password=password)
        created: str | None = password
    except Conflict:
        created = None
    key = create_api_key(unit_of_work(), name="demo admin key", role="admin")
    return created, key.key


def _customers(past: list[OrderInput], placed: list[OrderInput]) -> int:
    return len({normalise_email(order.email) for order in [*past, *placed]})
