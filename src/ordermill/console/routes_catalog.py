"""Reference pages: products and kits, locations, and channels with what each would sell."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from ordermill.accounts.service import ConsoleSession
from ordermill.catalog import queries as catalog
from ordermill.channels import queries as channels
from ordermill.channels import repository as channel_rows
from ordermill.console import forms
from ordermill.console.pages import page_link, render
from ordermill.console.session import PageRefused, database, scope_of, viewing
from ordermill.inventory import queries as inventory
from ordermill.locations import queries as locations
from ordermill.routing import queries as routing

router = APIRouter(prefix="/console", include_in_schema=False)
PAGE_SIZE = 50
KINDS = ("simple", "kit")


@router.get("/products")
def products(request: Request, q: str = "", kind: str = "", active: str = "", after: str = "",
             session: ConsoleSession = Depends(viewing("products:read"))) -> Response:
    filters = {"q": q, "kind": kind if kind in KINDS else "",
               "active": active if active in ("yes", "no") else ""}
    with database(request).reading() as connection:
        items, position = catalog.list_products(
            connection, after_id=forms.cursor(after), limit=PAGE_SIZE,
            active={"yes": True, "no": False}.get(filters["active"]),
            kind=filters["kind"] or None, search=forms.optional_text(q))
    next_page = (page_link("/console/products", {**filters, "after": position})
                 if position is not None else None)
    return render(request, "catalog/products.html", session, products=items, filters=filters,
                  kinds=KINDS, next_page=next_page, paged=bool(after),
                  first_page=page_link("/console/products", filters))


@router.get("/products/{sku:path}")
def product_page(request: Request, sku: str,
                 session: ConsoleSession = Depends(viewing("products:read"))) -> Response:
    principal = session.principal
    with database(request).reading() as connection:
        product = catalog.get_product(connection, sku)
        if product is None:
            raise PageRefused(404, "Product not found", f"There is no product {sku!r}.")
        stock = (inventory.list_levels(connection, sku=sku, location_scope=scope_of(principal),
                                       limit=500)[0]
                 if principal.can("inventory:read") else [])
    return render(request, "catalog/product.html", session, product=product, stock=stock)


@router.get("/locations")
def location_list(request: Request,
                  session: ConsoleSession = Depends(viewing("locations:read"))) -> Response:
    with database(request).reading() as connection:
        places = locations.list_locations(connection, only_ids=scope_of(session.principal))
    return render(request, "catalog/locations.html", session, locations=places)


@router.get("/channels")
def channel_list(request: Request,
                 session: ConsoleSession = Depends(viewing("channels:read"))) -> Response:
    summaries = []
    with database(request).reading() as connection:
        for row in channel_rows.all_channels(connection):
            offered = channels.availability(connection, row)
            summaries.append({**channels.channel_view(connection, row), "skus": len(offered),
                              "in_stock": sum(1 for item in offered
                                              if item["available_to_sell"] > 0)})
    return render(request, "catalog/channels.html", session, channels=summaries)


@router.get("/channels/{code}")
def channel_page(request: Request, code: str, sku: str = "",
                 session: ConsoleSession = Depends(viewing("channels:read"))) -> Response:
    with database(request).reading() as connection:
        row = channel_rows.channel_by_code(connection, code)
        if row is None:
            raise PageRefused(404, "Channel not found", f"There is no channel {code!r}.")
        wanted = [s.strip() for s in sku.split(",") if s.strip()] or None
        offered = channels.availability(connection, row, wanted)
        channel = channels.channel_view(connection, row)
        rules = (routing.rules_view(connection, row.id, code)
                 if session.principal.can("routing:read") else None)
    return render(request, "catalog/channel.html", session, channel=channel,
                  availability=offered, sku=sku, routing=rules)
