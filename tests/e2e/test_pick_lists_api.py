"""Pick lists over HTTP: the shortest walk through the layout, totes per fulfillment order,
waves, the picker's count, and short picks written off and routed elsewhere."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader

from ordermill.db.engine import Database
from ordermill.fulfillment.pick_route import shortest_route
from ordermill.fulfillment.warehouse import Aisles, Spot, route_length, s_shape_length
from ordermill.orders.tables import fulfillment_orders
from ordermill.shared.clock import utcnow
from tests import builders, stock_truth
from tests.e2e.test_bad_input import assert_problem, footprint

ORDERS, PICK_LISTS = "/api/v1/orders", "/api/v1/pick-lists"
BINS = {"MUG": (3, 12.5), "LID": (7, 4.0), "JUG": (1, 25.0)}


def _shop(database: Database, admin: TestClient) -> None:
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    for sku in ("MUG", "LID", "JUG", "CARD"):
        builders.product(database, sku)
    builders.channel(database, "web", ["east", "west"], shortage_policy="backorder")
    for sku in ("MUG", "LID", "JUG", "CARD"):
        builders.stock(database, sku, "east", 10)
    builders.stock(database, "MUG", "west", 10)
    response = admin.put("/api/v1/locations/east/layout", json={
        "aisle_count": 10, "aisle_length_m": 30.0, "aisle_spacing_m": 3.0,
        "depot": {"aisle": 0, "position_m": 0.0},
        "bins": [{"code": f"A{aisle:02d}-{int(position)}", "sku": sku, "aisle": aisle,
                  "position_m": position} for sku, (aisle, position) in BINS.items()]})
    assert response.status_code == 200, response.text


def _order(admin: TestClient, external_id: str, lines: dict[str, int],
           **fields: Any) -> dict[str, Any]:
    response = admin.post(ORDERS, json={**builders.order_body("web", external_id, lines),
                                        **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


def _fulfillment_order(order: dict[str, Any], location: str = "east") -> int:
    return int(next(r["fulfillment_order_id"] for line in order["lines"]
                    for r in line["reservations"] if r["location"] == location))


def _where_it_is_about_noon() -> str:
    """A time zone whose clock shows 12 o'clock or a little after right now."""
    offset = 12 - utcnow().hour
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def _pick_list(admin: TestClient, **body: Any) -> dict[str, Any]:
    response = admin.post(PICK_LISTS, json={"location": "east", **body})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_the_stops_come_in_the_shortest_walk_with_a_tote_per_fulfillment_order(
        database: Database, admin: TestClient) -> None:
    _shop(database, admin)
    first = _order(admin, "A-1", {"MUG": 2, "JUG": 1})
    second = _order(admin, "A-2", {"LID": 3, "CARD": 1})
    ids = [_fulfillment_order(first), _fulfillment_order(second)]

    listed = _pick_list(admin, fulfillment_orders=ids)

    aisles, depot = Aisles(10, 30.0, 3.0), Spot(0, 0.0)
    spots = [Spot(*BINS[sku]) for sku in ("MUG", "JUG", "LID")]
    best = shortest_route(aisles, depot, spots)
    assert listed["route_length_m"] == round(best.length_m, 2)
    assert listed["s_shape_length_m"] == round(s_shape_length(aisles, depot, spots), 2)
    stops = listed["stops"]
    walked = [Spot(*BINS[s["sku"]]) for s in stops[:3]]
    assert round(route_length(aisles, depot, walked), 2) == listed["route_length_m"]
    assert [s["sequence"] for s in stops] == [1, 2, 3, 4]
    assert sorted((s["bin"] or "", s["sku"], s["quantity"], s["tote"]) for s in stops) == [
        ("", "CARD", 1, "T2"), ("A01-25", "JUG", 1, "T1"), ("A03-12", "MUG", 2, "T1"),
        ("A07-4", "LID", 3, "T2")]
    assert stops[-1]["bin"] is None  # no bin known: picked last
    assert [(fo["id"], fo["tote"]) for fo in listed["fulfillment_orders"]] == [
        (ids[0], "T1"), (ids[1], "T2")]
    queue = admin.get("/api/v1/fulfillment-orders", params={"location": "east"}).json()
    assert {fo["id"]: fo["status"] for fo in queue["items"]} == {
        ids[0]: "in_progress", ids[1]: "in_progress"}
    assert admin.get(f"{ORDERS}/{first['id']}").json()["status"] == "in_fulfillment"


def test_a_wave_takes_the_most_urgent_open_fulfillment_orders_that_fit_the_cart(
        database: Database, admin: TestClient) -> None:
    _shop(database, admin)
    _order(admin, "A-1", {"MUG": 1})
    urgent = _order(admin, "A-2", {"LID": 1}, priority="urgent")

    listed = _pick_list(admin, wave={"max_orders": 1})

    assert [fo["id"] for fo in listed["fulfillment_orders"]] == [_fulfillment_order(urgent)]


def test_confirming_every_stop_picks_the_fulfillment_orders_and_closes_the_list(
        database: Database, admin: TestClient) -> None:
    _shop(database, admin)
    order = _order(admin, "A-1", {"MUG": 2, "LID": 1})
    listed = _pick_list(admin, fulfillment_orders=[_fulfillment_order(order)])

    response = admin.post(f"{PICK_LISTS}/{listed['id']}/confirm", json={})

    assert response.status_code == 200, response.text
    done = response.json()
    assert done["status"] == "completed"
    assert {s["sku"]: s["picked_quantity"] for s in done["stops"]} == {"MUG": 2, "LID": 1}
    fulfillment = admin.get(f"/api/v1/fulfillment-orders/{_fulfillment_order(order)}").json()
    assert fulfillment["status"] == "picked"
    assert [(line["sku"], line["quantity"], line["picked_quantity"])
            for line in fulfillment["lines"]] == [("MUG", 2, 2), ("LID", 1, 1)]


def test_a_short_pick_writes_the_missing_units_off_and_routes_them_elsewhere(
        database: Database, admin: TestClient) -> None:
    _shop(database, admin)
    order = _order(admin, "A-1", {"MUG": 3})
    east = _fulfillment_order(order)
    listed = _pick_list(admin, fulfillment_orders=[east])

    response = admin.post(f"{PICK_LISTS}/{listed['id']}/confirm",
                          json={"lines": [{"sequence": 1, "picked_quantity": 1}]})

    assert response.status_code == 200, response.text
    changed = admin.get(f"{ORDERS}/{order['id']}").json()
    west = _fulfillment_order(changed, "west")
    assert [(r["location"], r["quantity"]) for r in changed["lines"][0]["reservations"]] == [
        ("east", 1), ("west", 2)]
    with database.reading() as connection:
        levels = stock_truth.levels(connection)
    assert (levels[("MUG", "east")].on_hand, levels[("MUG", "east")].reserved) == (8, 1)
    assert levels[("MUG", "west")].reserved == 2
    fulfillment = admin.get(f"/api/v1/fulfillment-orders/{east}").json()
    assert fulfillment["status"] == "picked"
    assert [(line["quantity"], line["picked_quantity"], line["short_quantity"])
            for line in fulfillment["lines"]] == [(1, 1, 2)]
    assert admin.get(f"/api/v1/fulfillment-orders/{west}").json()["status"] == "open"
    ledger = admin.get("/api/v1/inventory/ledger", params={"sku": "MUG", "location": "east"})
    newest = ledger.json()["items"][0]
    assert (newest["quantity"], newest["reason"]) == (-2, "short pick")
    timeline = [e["type"] for e in admin.get(f"{ORDERS}/{order['id']}/events").json()["items"]]
    assert timeline[-2:] == ["fulfillment_order.short_picked", "order.rerouted"]


def test_the_pick_list_prints_as_a_pdf_with_its_stops(database: Database,
                                                      admin: TestClient) -> None:
    _shop(database, admin)
    order = _order(admin, "A-1", {"MUG": 2})
    listed = _pick_list(admin, fulfillment_orders=[_fulfillment_order(order)])

    response = admin.get(f"{PICK_LISTS}/{listed['id']}.pdf")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert listed["code"] in text and "A03-12" in text and "MUG" in text


def test_a_fulfillment_order_already_being_picked_cannot_join_another_list(
        database: Database, admin: TestClient) -> None:
    _shop(database, admin)
    order = _order(admin, "A-1", {"MUG": 2})
    _pick_list(admin, fulfillment_orders=[_fulfillment_order(order)])
    before = footprint(database)

    response = admin.post(PICK_LISTS, json={"location": "east",
                                            "fulfillment_orders": [_fulfillment_order(order)]})

    assert assert_problem(response, 409)["current_status"] == "in_progress"
    assert footprint(database) == before


def test_a_list_names_fulfillment_orders_or_a_wave_and_only_of_its_location(
        database: Database, admin: TestClient) -> None:
    _shop(database, admin)
    order = _order(admin, "A-1", {"MUG": 1, "CARD": 1})
    west_only = _order(admin, "A-2", {"MUG": 15})
    before = footprint(database)

    neither = admin.post(PICK_LISTS, json={"location": "east"})
    elsewhere = admin.post(PICK_LISTS, json={
        "location": "east", "fulfillment_orders": [_fulfillment_order(west_only, "west")]})
    twice = admin.post(PICK_LISTS, json={
        "location": "east", "fulfillment_orders": [_fulfillment_order(order)] * 2})

    for response in (neither, elsewhere, twice):
        assert_problem(response, 422)
    assert footprint(database) == before


def test_a_wave_takes_the_earliest_carrier_cut_off_before_priority(
        database: Database, admin: TestClient) -> None:
    _shop(database, admin)
    assert admin.patch("/api/v1/locations/east", json={
        "cutoff_time": "18:00", "timezone": _where_it_is_about_noon()}).status_code == 200
    early = _fulfillment_order(_order(admin, "A-1", {"MUG": 1}))
    _order(admin, "A-2", {"LID": 1}, priority="urgent")
    with database.write_connection() as connection, connection.begin():
        # It reached the location a day ago: its cut-off passed yesterday at 18:00, the
        # urgent one's is today's.
        connection.execute(fulfillment_orders.update()
                           .where(fulfillment_orders.c.id == early)
                           .values(created_at=utcnow() - timedelta(days=1)))

    listed = _pick_list(admin, wave={"max_orders": 1})

    assert [fo["id"] for fo in listed["fulfillment_orders"]] == [early]
