"""Catalog endpoints: products and kits by sku."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import Field

from ordermill.accounts.domain import Principal
from ordermill.api import pagination
from ordermill.api.auth import database, require, unit_of_work
from ordermill.api.schemas import Amount, Sku, Strict, patch_changes
from ordermill.catalog import queries, service
from ordermill.catalog.domain import KitComponent, ProductFacts
from ordermill.db.engine import Database
from ordermill.shared.errors import NotFound

router = APIRouter(prefix="/products", tags=["catalog"])
Dimension = Annotated[int, Field(ge=0, le=100_000)]


class ComponentIn(Strict):
    sku: Sku
    quantity: Annotated[int, Field(ge=1, le=10_000)]


class ProductIn(Strict):
    sku: Sku
    name: Annotated[str, Field(min_length=1, max_length=300)]
    gtin: Annotated[str, Field(max_length=14)] | None = None
    weight_grams: Annotated[int, Field(ge=0, le=10_000_000)] = 0
    length_mm: Dimension = 0
    width_mm: Dimension = 0
    height_mm: Dimension = 0
    default_price: Amount = 0
    currency: Annotated[str, Field(min_length=3, max_length=3)] = "USD"
    ships: bool = True
    active: bool = True
    components: Annotated[list[ComponentIn], Field(max_length=50)] = []


class ProductPatch(Strict):
    name: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    gtin: Annotated[str, Field(max_length=14)] | None = None
    weight_grams: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    length_mm: Dimension | None = None
    width_mm: Dimension | None = None
    height_mm: Dimension | None = None
    default_price: Amount | None = None
    currency: Annotated[str, Field(min_length=3, max_length=3)] | None = None
    ships: bool | None = None
    active: bool | None = None
    components: Annotated[list[ComponentIn], Field(min_length=1, max_length=50)] | None = None


@router.post("", status_code=201)
def create_product(body: ProductIn, request: Request, response: Response,
                   principal: Principal = Depends(require("products:write"))) -> dict[str, Any]:
    facts = ProductFacts(**body.model_dump(exclude={"components"}),
                         components=[KitComponent(c.sku, c.quantity) for c in body.components])
    product = service.create_product(unit_of_work(request, principal), facts)
    response.headers["Location"] = f"/api/v1/products/{product['sku']}"
    return product


@router.get("")
def list_products(limit: pagination.Limit = 50, cursor: pagination.Cursor = None,
                  active: bool | None = None, kind: Literal["simple", "kit"] | None = None,
                  q: Annotated[str | None, Query(max_length=100)] = None,
                  db: Database = Depends(database),
                  _: Principal = Depends(require("products:read"))) -> dict[str, Any]:
    with db.reading() as connection:
        items, position = queries.list_products(connection, after_id=pagination.decode(cursor),
                                                limit=limit, active=active, kind=kind, search=q)
    return pagination.page(items, position)


@router.get("/{sku}")
def get_product(sku: str, db: Database = Depends(database),
                _: Principal = Depends(require("products:read"))) -> dict[str, Any]:
    with db.reading() as connection:
        product = queries.get_product(connection, sku)
    if product is None:
        raise NotFound(f"product {sku!r} not found")
    return product


@router.patch("/{sku}")
def update_product(sku: str, body: ProductPatch, request: Request,
                   principal: Principal = Depends(require("products:write"))) -> dict[str, Any]:
    changes = patch_changes(body, frozenset({"gtin"}))
    return service.update_product(unit_of_work(request, principal), sku, changes)
