"""The REST API application under /api/v1 over one Database; web.py adds the console."""

from __future__ import annotations

from fastapi import FastAPI

from ordermill import __version__
from ordermill.api import (
    audit,
    channels,
    customers,
    errors,
    fulfillment_orders,
    inventory,
    locations,
    orders,
    packing,
    pick_lists,
    products,
    routing,
)
from ordermill.api.middleware import RequestGuard
from ordermill.db.engine import Database

DESCRIPTION = """ordermill's REST API. Authenticate with `Authorization: Bearer <api key>`.
Money is integer minor units of the order's currency; errors are RFC 9457 problem+json;
every POST accepts an `Idempotency-Key`."""


def create_app(database: Database) -> FastAPI:
    app = FastAPI(title="ordermill", version=__version__, description=DESCRIPTION,
                  openapi_url="/api/v1/openapi.json", docs_url="/api/docs", redoc_url=None)
    app.state.database = database
    errors.install(app)
    for feature in (products, locations, inventory, channels, customers, orders,
                    fulfillment_orders, pick_lists, packing, routing, audit):
        app.include_router(feature.router, prefix="/api/v1")
    app.add_middleware(RequestGuard, database=database)
    return app
