"""Bad input at order intake and on every list and path: a problem+json naming the field, and
not one row written anywhere."""

from __future__ import annotations

import base64
import copy
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from httpx import Response

from ordermill.db.engine import Database
from ordermill.schema import metadata
from tests import builders

# Every table a refused request could have written to; idempotency records are left out on
# purpose, since remembering a refusal for replay is part of the Idempotency-Key contract.
WATCHED_TABLES = (
    "products", "kit_components", "locations", "channels", "channel_locations",
    "channel_sku_buffers", "customers", "customer_addresses", "orders", "order_lines",
    "fulfillment_orders", "fulfillment_order_lines", "order_holds", "order_events",
    "stock_levels", "stock_ledger", "outbox", "audit_log",
)


def footprint(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every watched table, in primary-key order."""
    with database.reading() as connection:
        return {name: [tuple(row) for row in connection.execute(
                    sa.select(table).order_by(*table.primary_key.columns))]
                for name, table in ((n, metadata.tables[n]) for n in WATCHED_TABLES)}


def assert_problem(response: Response, status: int, field: str | None = None) -> dict[str, Any]:
    """An RFC 9457 problem with the given status that, when `field` is given, names it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["type"].startswith("/problems/")
    assert problem["status"] == status
    assert problem["title"] and problem["detail"]
    if field is not None:
        assert field in [error["field"] for error in problem["errors"]], problem
    return problem


def shop(database: Database) -> None:
    """Two locations, a sellable mug, a retired one, two channels and stock at east."""
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG", default_price=1500)
    builders.product(database, "OLD-MUG", active=False)
    builders.channel(database, "web", ["east", "west"])
    builders.channel(database, "market", ["east"])
    builders.stock(database, "MUG", "east", 10)


def valid_order() -> dict[str, Any]:
    body = builders.order_body("web", "A-1", {"MUG": 2}, unit_price=1500)
    body["lines"][0].update(discount=0, tax=0)
    return body


def _with(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `body` with the field at dotted `path` (lists by index) set to `value`."""
    changed = copy.deepcopy(body)
    *parents, last = path.split(".")
    target: Any = changed
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return changed


ONE_LINE = {"sku": "MUG", "quantity": 1, "unit_price": 1500}

BAD_ORDERS = [
    # field sent              value                       field named in the problem
    ("lines.0.quantity",      "2",                        "lines.0.quantity"),
    ("lines.0.quantity",      1.5,                        "lines.0.quantity"),
    ("lines.0.quantity",      True,                       "lines.0.quantity"),
    ("lines.0.quantity",      None,                       "lines.0.quantity"),
    ("lines.0.quantity",      0,                          "lines.0.quantity"),
    ("lines.0.quantity",      -1,                         "lines.0.quantity"),
    ("lines.0.quantity",      10**12,                     "lines.0.quantity"),
    ("lines.0.quantity",      2**70,                      "lines.0.quantity"),
    ("lines.0.unit_price",    19.99,                      "lines.0.unit_price"),
    ("lines.0.unit_price",    1999.0,                     "lines.0.unit_price"),
    ("lines.0.unit_price",    "1999",                     "lines.0.unit_price"),
    ("lines.0.unit_price",    -1,                         "lines.0.unit_price"),
    ("lines.0.unit_price",    10**14,                     "lines.0.unit_price"),
    ("lines.0.discount",      0.5,                        "lines.0.discount"),
    ("lines.0.discount",      3001,                       "lines.0.discount"),
    ("lines.0.tax",           -5,                         "lines.0.tax"),
    ("shipping_price",        4.99,                       "shipping_price"),
    ("total",                 30.0,                       "total"),
    ("total",                 2999,                       "total"),
    ("currency",              "usd",                      "currency"),
    ("currency",              "XXX",                      "currency"),
    ("currency",              "EURO",                     "currency"),
    ("currency",              840,                        "currency"),
    ("currency",              None,                       "currency"),
    ("channel",               "nowhere",                  "channel"),
    ("channel",               None,                       "channel"),
    ("lines.0.sku",           "NO-SUCH-SKU",              "lines.0.sku"),
    ("lines.0.sku",           "OLD-MUG",                  "lines.0.sku"),
    ("lines.0.sku",           "",                         "lines.0.sku"),
    ("lines",                 "MUG",                      "lines"),
    ("lines",                 [],                         "lines"),
    ("lines",                 [ONE_LINE] * 251,           "lines"),
    ("lines.0",               None,                       "lines.0"),
    ("external_id",           "x" * 101,                  "external_id"),
    ("external_id",           "",                         "external_id"),
    ("external_id",           42,                         "external_id"),
    ("external_id",           "A-1\u0000",                "external_id"),
    ("notes",                 "x" * 5001,                 "notes"),
    ("notes",                 "gift\u0000wrap",           "notes"),
    ("tags",                  "gift",                     "tags"),
    ("tags",                  ["x" * 51],                 "tags.0"),
    ("customer",              "ada@example.com",          "customer"),
    ("customer.email",        "not-an-email",             "customer.email"),
    ("customer.email",        "ada@localhost",            "customer.email"),
    ("customer.email",        None,                       "customer.email"),
    ("customer.name",         "x" * 201,                  "customer.name"),
    ("shipping_address",      None,                       "shipping_address"),
    ("shipping_address.country", "ZZ",                    "shipping_address.country"),
    ("shipping_address.country", "USA",                   "shipping_address.country"),
    ("shipping_address.country", "us",                    "shipping_address.country"),
    ("shipping_address.line1", None,                      "shipping_address.line1"),
    ("billing_address",       {"line1": "1 Main St", "city": "Springfield", "country": "XX"},
                                                          "billing_address.country"),
    ("payment_status",        "refunded",                 "payment_status"),
    ("payment_terms",         "net_1000",                 "payment_terms"),
    ("placed_at",             "yesterday",                "placed_at"),
    ("coupon",                "FREE",                     "coupon"),
    ("customer.vip",          True,                       "customer.vip"),
    ("lines.0.colour",        "red",                      "lines.0.colour"),
]


@pytest.fixture
def world(database: Database) -> Database:
    shop(database)
    return database


@pytest.mark.parametrize(("path", "value", "field"), BAD_ORDERS,
                         ids=[f"{path}={str(value)[:20]!r}" for path, value, _ in BAD_ORDERS])
def test_a_bad_order_is_refused_naming_the_field_and_changes_nothing(
        world: Database, admin: TestClient, path: str, value: Any, field: str) -> None:
    before = footprint(world)
    response = admin.post("/api/v1/orders", json=_with(valid_order(), path, value))
    assert_problem(response, 422, field)
    assert footprint(world) == before


def test_the_valid_order_the_bad_ones_are_made_from_is_taken(world: Database,
                                                             admin: TestClient) -> None:
    response = admin.post("/api/v1/orders", json=_with(valid_order(), "total", 3000))
    assert response.status_code == 201, response.text
    assert response.json()["totals"]["total"] == 3000


def test_every_failing_field_of_an_order_is_named_at_once(world: Database,
                                                          admin: TestClient) -> None:
    body = _with(_with(valid_order(), "currency", "usd"), "customer.email", "nobody")
    body = _with(body, "lines.0.sku", "NO-SUCH-SKU")
    problem = assert_problem(admin.post("/api/v1/orders", json=body), 422)
    assert {e["field"] for e in problem["errors"]} == {"currency", "customer.email",
                                                      "lines.0.sku"}


def test_an_order_for_more_than_is_in_stock_is_refused_and_reserves_nothing(
        world: Database, admin: TestClient) -> None:
    before = footprint(world)
    response = admin.post("/api/v1/orders", json=_with(valid_order(), "lines.0.quantity", 11))
    problem = assert_problem(response, 409, "lines")
    assert problem["shortages"] == [{"sku": "MUG", "requested": 11, "available": 10}]
    assert footprint(world) == before


JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(("content", "status", "slug"), [
    (b'{"channel": "web"', 400, "malformed-json"),
    (b'{"channel": "web",}', 400, "malformed-json"),
    (b"{'channel': 'web'}", 400, "malformed-json"),
    (b"\xff\xfe{}", 400, "malformed-json"),
    (b"[" * 100_000, 400, "malformed-json"),
    (b"", 422, "validation-error"),
    (b"null", 422, "validation-error"),
    (b"[]", 422, "validation-error"),
    (b'"an order"', 422, "validation-error"),
], ids=["unclosed", "trailing-comma", "single-quotes", "not-utf8", "nested-too-deep", "empty",
        "null", "array", "string"])
def test_a_body_that_is_not_an_order_object_is_refused(world: Database, admin: TestClient,
                                                       content: bytes, status: int,
                                                       slug: str) -> None:
    before = footprint(world)
    problem = assert_problem(admin.post("/api/v1/orders", content=content, headers=JSON),
                             status, "body")
    assert problem["type"] == f"/problems/{slug}"
    assert footprint(world) == before


def test_a_post_without_any_body_names_the_body(world: Database, admin: TestClient) -> None:
    before = footprint(world)
    assert_problem(admin.post("/api/v1/orders"), 422, "body")
    assert footprint(world) == before


def test_a_body_over_one_mebibyte_is_refused_before_it_is_read(world: Database,
                                                               admin: TestClient) -> None:
    before = footprint(world)
    body = _with(valid_order(), "notes", "x" * 1_048_576)
    problem = assert_problem(admin.post("/api/v1/orders", json=body), 413, "body")
    assert problem["type"] == "/problems/request-too-large"
    assert footprint(world) == before


def test_a_streamed_body_over_one_mebibyte_is_cut_off(world: Database,
                                                      admin: TestClient) -> None:
    """No Content-Length to trust: the guard counts the bytes as they arrive."""
    before = footprint(world)

    def chunks() -> Iterator[bytes]:
        yield b'{"notes": "'
        for _ in range(20):
            yield b"x" * 65_536
        yield b'"}'

    response = admin.post("/api/v1/orders", content=chunks(), headers=JSON)
    assert_problem(response, 413, "body")
    assert footprint(world) == before


def test_an_over_long_idempotency_key_is_refused(world: Database, admin: TestClient) -> None:
    before = footprint(world)
    response = admin.post("/api/v1/orders", json=valid_order(),
                          headers={"Idempotency-Key": "k" * 256})
    assert_problem(response, 400, "Idempotency-Key")
    assert footprint(world) == before


HUGE = "99999999999999999999"


@pytest.mark.parametrize(("method", "path", "field"), [
    ("GET", f"/api/v1/orders/{HUGE}", "order_id"),
    ("GET", f"/api/v1/orders/{HUGE}/events", "order_id"),
    ("POST", f"/api/v1/orders/{HUGE}/cancel", "order_id"),
    ("POST", f"/api/v1/orders/{HUGE}/holds", "order_id"),
    ("POST", f"/api/v1/orders/1/holds/{HUGE}/release", "hold_id"),
    ("GET", "/api/v1/orders/0", "order_id"),
    ("GET", "/api/v1/orders/-1", "order_id"),
    ("GET", "/api/v1/orders/OM-000001", "order_id"),
    ("GET", f"/api/v1/customers/{HUGE}", "customer_id"),
    ("GET", "/api/v1/products/MUG%00", "path"),
    ("GET", "/api/v1/channels/web%00", "path"),
])
def test_an_impossible_id_in_the_path_is_a_validation_problem_not_a_crash(
        world: Database, admin: TestClient, method: str, path: str, field: str) -> None:
    before = footprint(world)
    body = {"reason": "manual"} if path.endswith("/holds") else None
    assert_problem(admin.request(method, path, json=body), 422, field)
    assert footprint(world) == before


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


LISTS = ["/api/v1/orders", "/api/v1/products", "/api/v1/inventory", "/api/v1/inventory/ledger",
         "/api/v1/customers", "/api/v1/audit-log"]
BAD_CURSORS = {"garbage": "not a cursor!", "other-version": _cursor("v2:1"),
               "not-a-number": _cursor("v1:abc"), "negative": _cursor("v1:-1"),
               "beyond-any-id": _cursor("v1:" + "9" * 30), "too-long": "A" * 65}


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("cursor", BAD_CURSORS.values(), ids=BAD_CURSORS.keys())
def test_a_cursor_this_api_never_gave_out_is_refused(world: Database, admin: TestClient,
                                                     path: str, cursor: str) -> None:
    assert_problem(admin.get(path, params={"cursor": cursor}), 422, "cursor")


@pytest.mark.parametrize(("path", "params", "field"), [
    ("/api/v1/orders", {"limit": 0}, "limit"),
    ("/api/v1/orders", {"limit": 501}, "limit"),
    ("/api/v1/orders", {"limit": "ten"}, "limit"),
    ("/api/v1/orders", {"customer_id": HUGE}, "customer_id"),
    ("/api/v1/orders", {"placed_from": "yesterday"}, "placed_from"),
    ("/api/v1/orders", {"email": "x" * 321}, "email"),
    ("/api/v1/orders", {"email": "ada\u0000@example.com"}, "email"),
    ("/api/v1/products", {"q": "mug\u0000"}, "q"),
    ("/api/v1/products", {"kind": "bundle"}, "kind"),
    ("/api/v1/inventory/ledger", {"since": "last week"}, "since"),
    ("/api/v1/customers", {"q": "x" * 101}, "q"),
])
def test_a_bad_query_parameter_is_named(world: Database, admin: TestClient, path: str,
                                        params: dict[str, Any], field: str) -> None:
    assert_problem(admin.get(path, params=params), 422, field)
