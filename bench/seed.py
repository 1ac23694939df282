"""The benchmark's own PostgreSQL database: created fresh, migrated, and stocked with a catalog,
three locations, two channels and one integration key per channel, all through the use cases."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

from ordermill.accounts.service import create_api_key
from ordermill.catalog.domain import ProductFacts
from ordermill.catalog.service import create_product
from ordermill.channels.domain import ChannelFacts
from ordermill.channels.service import create_channel
from ordermill.db.engine import Database
from ordermill.db.migrate import upgrade
from ordermill.db.uow import UnitOfWork
from ordermill.inventory.service import receive_stock, set_stock_policy
from ordermill.locations.domain import LocationFacts
from ordermill.locations.service import create_location
from ordermill.shared.address import Address
from ordermill.shared.events import Actor

SKU_COUNT = 500
SKU_DIGITS = 4
SCARCE_SKU, SCARCE_PRICE = "BENCH-SCARCE", 2500
# Enough that no normal or hot-sku run, however fast, empties a shelf.
PLENTY = 1_000_000
# The scarce sku: (location, units received, safety stock); 55 units may be sold in all.
SCARCE_STOCK = (("east", 30, 0), ("west", 24, 4), ("store", 5, 0))
# (code, name, kind, priority): the lower the priority, the sooner a location is chosen.
LOCATIONS = (("east", "East warehouse", "warehouse", 10),
             ("west", "West warehouse", "warehouse", 20),
             ("store", "Flagship store", "store", 30))
# (code, kind, shortage policy, locations it ships from)
CHANNELS = (("web", "web", "reject", ("east", "west", "store")),
            ("marketplace", "amazon", "backorder", ("east", "west")))
_NOUNS = ("Mug", "Tote", "Notebook", "Candle", "Scarf", "Lamp", "Poster", "Blanket", "Bottle",
          "Planter", "Apron", "Cap")
_ADJECTIVES = ("Blue", "Linen", "Oak", "Copper", "Striped", "Recycled", "Tiny", "Classic")
_SEEDER = Actor("system", None, "order-intake benchmark")


SKU_PREFIX = "BENCH-"
# Unit prices spread from 4.99 to 149.98, computed from the rank alone so the pgbench script
# can total an order without asking the database: floor + (rank * step) % spread.
PRICE_FLOOR, PRICE_STEP, PRICE_SPREAD = 499, 7919, 14500


def sku_of(rank: int) -> str:
    """The sku of the rank-th most popular product, rank counting from 1."""
    return f"{SKU_PREFIX}{rank:0{SKU_DIGITS}d}"


def price_of(rank: int) -> int:
    return PRICE_FLOOR + (rank * PRICE_STEP) % PRICE_SPREAD


@dataclass(frozen=True)
class Product:
    sku: str
    price: int


def catalog() -> list[Product]:
    """The benchmark's products, best seller first."""
    return [Product(sku_of(rank), price_of(rank)) for rank in range(1, SKU_COUNT + 1)]


@dataclass(frozen=True)
class World:
    """What the load needs to know about the seeded database."""

    url: str
    keys: dict[str, str]  # channel code -> its integration API key


def server_url(database_url: str, name: str) -> URL:
    return make_url(database_url).set(database=name)


def libpq_conninfo(url: URL) -> str:
    """The same database as a libpq URL, for psycopg and pgbench."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def recreate_database(database_url: str, name: str) -> URL:
    maintenance = make_url(database_url)
    maintenance = maintenance.set(database=maintenance.database or "postgres")
    with psycopg.connect(libpq_conninfo(maintenance), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                           .format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return server_url(database_url, name)


def drop_database(database_url: str, name: str) -> None:
    maintenance = make_url(database_url)
    maintenance = maintenance.set(database=maintenance.database or "postgres")
    with psycopg.connect(libpq_conninfo(maintenance), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                           .format(sql.Identifier(name)))


def build_world(database_url: str, name: str) -> World:
    url = recreate_database(database_url, name).render_as_string(hide_password=False)
    database = Database(url, pool_size=2)
    try:
        upgrade(database)
        _seed_places(database)
        _seed_catalog(database)
        keys = {code: create_api_key(_uow(database), name=f"{code} integration",
                                     role="integration", channel=code).key
                for code, *_ in CHANNELS}
    finally:
        database.dispose()
    with psycopg.connect(libpq_conninfo(make_url(url)), autocommit=True) as connection:
        # What autovacuum does moments after a bulk load: without statistics the planner takes
        # 1,500 stock rows for a handful and reads them all for every order.
        connection.execute("ANALYZE")
    return World(url, keys)


def _uow(database: Database) -> UnitOfWork:
    return UnitOfWork(database, _SEEDER)


def _seed_places(database: Database) -> None:
    address = Address(line1="1 Depot Road", city="Columbus", region="OH", postal_code="43004",
                      country="US")
    for code, name, kind, priority in LOCATIONS:
        create_location(_uow(database), LocationFacts(code=code, name=name, kind=kind,
                                                      address=address, priority=priority))
    for code, kind, policy, served_by in CHANNELS:
        create_channel(_uow(database), ChannelFacts(code=code, name=code.title(), kind=kind,
                                                    locations=list(served_by),
                                                    shortage_policy=policy))


def _seed_catalog(database: Database) -> None:
    # Products in rank order, so the most popular sku also has the lowest stock row ids.
    for rank, product in enumerate(catalog(), start=1):
        name = f"{_ADJECTIVES[rank % len(_ADJECTIVES)]} {_NOUNS[rank % len(_NOUNS)]} {rank}"
        create_product(_uow(database), ProductFacts(sku=product.sku, name=name,
                                                    default_price=product.price))
        for location, *_ in LOCATIONS:
            receive_stock(_uow(database), sku=product.sku, location=location, quantity=PLENTY)
    create_product(_uow(database), ProductFacts(sku=SCARCE_SKU, name="Limited Print",
                                                default_price=SCARCE_PRICE))
    for location, units, safety_stock in SCARCE_STOCK:
        receive_stock(_uow(database), sku=SCARCE_SKU, location=location, quantity=units)
        if safety_stock:
            set_stock_policy(_uow(database), sku=SCARCE_SKU, location=location,
                             safety_stock=safety_stock)


def scarce_units_for_sale() -> int:
    return sum(units - safety_stock for _, units, safety_stock in SCARCE_STOCK)
