"""Fulfillment orders over HTTP: one per order and location, each location's work queue (most
urgent first, paged by cursor), their ship-by promise, holds and cancellations that follow the
order, a location rejecting its work, and warehouse keys that see only their locations."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from ordermill.db.outbox import outbox
from ordermill.routing.tables import channel_routing_rules, location_daily_load, routing_decisions
from ordermill.shared.clock import rfc3339
from tests import builders, stock_truth
from tests.e2e.conftest import key_for
from tests.e2e.test_bad_input import assert_problem, footprint

FULFILLMENT_ORDERS = "/api/v1/fulfillment-orders"
ORDERS = "/api/v1/orders"
SHIP_TO = {"name": "Ada Buyer", "company": None, "line1": "1 Main St", "line2": None,
           "city": "Springfield", "region": None, "postal_code": "12345", "country": "US",
           "phone": None}


def _shop(database: Database, *, shortage_policy: str = "backorder") -> None:
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG")
    builders.product(database, "LID")
    builders.channel(database, "web", ["east", "west"], shortage_policy=shortage_policy)


def _place(client: TestClient, lines: dict[str, int], external_id: str = "A-1",
           channel: str = "web", **fields: Any) -> dict[str, Any]:
    body = {**builders.order_body(channel, external_id, lines), **fields}
    response = client.post(ORDERS, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _queue(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get(FULFILLMENT_ORDERS, params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    assert page["next_cursor"] is None
    return list(page["items"])


def _one(client: TestClient, fulfillment_order_id: int) -> dict[str, Any]:
    response = client.get(f"{FULFILLMENT_ORDERS}/{fulfillment_order_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def _fulfillment_orders(database: Database, order_id: int) -> dict[str, tuple[int, str]]:
    with database.reading() as connection:
        return stock_truth.fulfillment_orders(connection, order_id)


def _reserved(database: Database) -> dict[tuple[str, str], int]:
    """Reserved units per (sku, location), after checking they match what fulfillment orders
    hold and that no order is half reserved."""
    with database.reading() as connection:
        levels = stock_truth.levels(connection)
        held = stock_truth.allocated_units(connection)
        assert stock_truth.half_reserved_orders(connection) == []
    reserved = {place: level.reserved for place, level in levels.items() if level.reserved}
    assert reserved == held
    return reserved


def _timeline(client: TestClient, order_id: int) -> list[dict[str, Any]]:
    return list(client.get(f"{ORDERS}/{order_id}/events").json()["items"])


def _published(database: Database, topic: str) -> list[dict[str, Any]]:
    with database.reading() as connection:
        rows = connection.execute(sa.select(outbox.c.payload).where(outbox.c.topic == topic)
                                  .order_by(outbox.c.id)).scalars().all()
    return [json.loads(payload) for payload in rows]


def _summary(fulfillment_order_id: int, order: dict[str, Any], location: str, units: int, *,
             ship_by: str, status: str = "open", priority: str = "normal",
             late: bool = False) -> dict[str, Any]:
    """A queue row as the API shows it, created with its order."""
    return {"id": fulfillment_order_id, "order_id": order["id"],
            "order_number": order["number"], "location": location, "status": status,
            "priority": priority, "ship_by": ship_by, "late": late, "units": units,
            "rejection_reason": None, "created_at": order["created_at"],
            "updated_at": order["created_at"]}


def _a_day_after(moment: str) -> str:
    return rfc3339(datetime.fromisoformat(moment) + timedelta(days=1)) or ""


def _opaque(text: str) -> str:
    """A cursor in the queue's own encoding."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _reject(client: TestClient, fulfillment_order_id: int, reason: str) -> dict[str, Any]:
    response = client.post(f"{FULFILLMENT_ORDERS}/{fulfillment_order_id}/reject",
                           json={"reason": reason})
    assert response.status_code == 200, response.text
    return dict(response.json())


def _everything(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row a refused request could have written, routing's tables included."""
    found = footprint(database)
    with database.reading() as connection:
        for table in (routing_decisions, location_daily_load, channel_routing_rules):
            found[table.name] = [tuple(row) for row in connection.execute(
                sa.select(table).order_by(*table.primary_key.columns))]
    return found


def test_a_split_order_has_one_fulfillment_order_in_each_locations_queue(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 2)
    builders.stock(database, "MUG", "west", 3)
    builders.stock(database, "LID", "west", 1)

    order = _place(admin, {"MUG": 4, "LID": 1})

    # West holds most of the order (3 mugs and the lid), east the fourth mug.
    [east] = _queue(admin, location="east")
    [west] = _queue(admin, location="west")
    ship_by = _a_day_after(order["placed_at"])
    assert east == _summary(east["id"], order, "east", 1, ship_by=ship_by)
    assert west == _summary(west["id"], order, "west", 4, ship_by=ship_by)
    assert [line["reservations"] for line in order["lines"]] == [
        [{"location": "west", "quantity": 3, "fulfillment_order_id": west["id"]},
         {"location": "east", "quantity": 1, "fulfillment_order_id": east["id"]}],
        [{"location": "west", "quantity": 1, "fulfillment_order_id": west["id"]}]]
    assert _queue(admin, order_id=order["id"]) == [west, east]
    mug, lid = order["lines"]
    shown = _one(admin, west["id"])
    assert shown == {**west, "ship_to": SHIP_TO, "notes": None, "lines": [
        {"id": shown["lines"][0]["id"], "order_line_id": mug["id"], "sku": "MUG",
         "name": "MUG", "gtin": None, "quantity": 3, "picked_quantity": 0,
         "packed_quantity": 0, "short_quantity": 0, "rejected_quantity": 0},
        {"id": shown["lines"][1]["id"], "order_line_id": lid["id"], "sku": "LID",
         "name": "LID", "gtin": None, "quantity": 1, "picked_quantity": 0,
         "packed_quantity": 0, "short_quantity": 0, "rejected_quantity": 0}]}
    assert [(e["fulfillment_order_id"], e["location"], e["lines"])
            for e in _published(database, "fulfillment_order.created")] == [
        (west["id"], "west", [{"sku": "MUG", "quantity": 3}, {"sku": "LID", "quantity": 1}]),
        (east["id"], "east", [{"sku": "MUG", "quantity": 1}])]
    assert _reserved(database) == {("MUG", "east"): 1, ("MUG", "west"): 3, ("LID", "west"): 1}


def test_an_unknown_fulfillment_order_is_not_found(admin: TestClient) -> None:
    assert_problem(admin.get(f"{FULFILLMENT_ORDERS}/999"), 404)
    assert_problem(admin.post(f"{FULFILLMENT_ORDERS}/999/reject", json={"reason": "gone"}), 404)


def test_the_queue_puts_priority_first_then_the_earliest_ship_by_then_age(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 100)
    wanted = [("A", "normal", "2099-01-03T00:00:00Z"), ("B", "urgent", "2099-01-05T00:00:00Z"),
              ("C", "normal", "2099-01-01T00:00:00Z"), ("D", "low", "2098-12-01T00:00:00Z"),
              ("E", "urgent", "2099-01-05T00:00:00Z"), ("F", "high", "2099-01-02T00:00:00Z"),
              ("G", "normal", None), ("H", "normal", None)]
    placed = {}
    for external_id, priority, ship_by in wanted:
        fields: dict[str, Any] = {"priority": priority}
        if ship_by is not None:
            fields["ship_by"] = ship_by
        placed[external_id] = _place(admin, {"MUG": 1}, external_id, **fields)

    queue = _queue(admin, location="east")

    number = {order["number"]: external_id for external_id, order in placed.items()}
    assert [number[item["order_number"]] for item in queue] == ["B", "E", "F", "G", "H", "C",
                                                                "A", "D"]
    assert [item["priority"] for item in queue] == ["urgent", "urgent", "high", "normal",
                                                    "normal", "normal", "normal", "low"]
    assert queue[0]["ship_by"] == "2099-01-05T00:00:00Z"
    assert queue[3]["ship_by"] == _a_day_after(placed["G"]["placed_at"])
    assert (placed["B"]["priority"], placed["B"]["ship_by"]) == ("urgent", "2099-01-05T00:00:00Z")


def test_the_queue_pages_by_cursor_without_repeating_or_missing_a_fulfillment_order(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 100)
    for number, (priority, ship_by) in enumerate([
            ("urgent", "2099-01-05T00:00:00Z"), ("urgent", "2099-01-05T00:00:00Z"),
            ("high", None), ("normal", "2099-01-01T00:00:00Z"), ("normal", None),
            ("normal", None), ("low", "2098-12-01T00:00:00Z")]):
        fields: dict[str, Any] = {"priority": priority}
        if ship_by is not None:
            fields["ship_by"] = ship_by
        _place(admin, {"MUG": 1}, f"A-{number}", **fields)
    everything = [item["id"] for item in _queue(admin)]

    for limit in (1, 2, 3, 7):
        seen, cursor, pages = [], None, 0
        while True:
            params: dict[str, Any] = {"limit": limit}
            if cursor is not None:
                params["cursor"] = cursor
            response = admin.get(FULFILLMENT_ORDERS, params=params)
            assert response.status_code == 200, response.text
            page = response.json()
            seen += [item["id"] for item in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
            assert len(page["items"]) == limit
        assert seen == everything
        assert pages == -(-len(everything) // limit)
    assert len(everything) == 7


def test_a_cursor_the_api_never_gave_out_is_refused(database: Database,
                                                    admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    _place(admin, {"MUG": 1})

    for cursor in ("garbage", "", _opaque("v1:123"),  # another list's cursor
                   _opaque("q1|3|2099-01-01T00:00:00|1"),  # a moment without its offset
                   _opaque("q2|3|2099-01-01T00:00:00+00:00|1"),
                   _opaque("q1|0|2099-01-01T00:00:00+00:00|1"),
                   _opaque("q1|3|2099-01-01T00:00:00+00:00|0")):
        problem = assert_problem(admin.get(FULFILLMENT_ORDERS, params={"cursor": cursor}), 422,
                                 "cursor")
        assert problem["errors"] == [{"field": "cursor",
                                      "message": "not a cursor this API gave out"}]


def test_a_fulfillment_order_past_its_ship_by_is_late_and_one_before_it_is_not(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    overdue = _place(admin, {"MUG": 1}, "A-1", ship_by="2020-01-01T00:00:00Z")
    due = _place(admin, {"MUG": 1}, "A-2", ship_by="2099-01-01T00:00:00Z")
    cancelled = _place(admin, {"MUG": 1}, "A-3", ship_by="2020-01-01T00:00:00Z")
    admin.post(f"{ORDERS}/{cancelled['id']}/cancel")

    late = {item["order_id"]: item["late"]
            for item in _queue(admin, status=["open", "cancelled"])}

    assert late == {overdue["id"]: True, due["id"]: False, cancelled["id"]: False}
    [overdue_fulfillment] = _queue(admin, order_id=overdue["id"])
    assert _one(admin, overdue_fulfillment["id"])["late"] is True


def test_ship_by_is_the_locations_next_cut_off_in_its_own_time_zone(
        database: Database, admin: TestClient) -> None:
    builders.location(database, "nyc", cutoff_time="15:00", timezone="America/New_York")
    builders.location(database, "tokyo", cutoff_time="12:00", timezone="Asia/Tokyo")
    builders.location(database, "plain")
    builders.product(database, "MUG")
    for code in ("nyc", "tokyo", "plain"):
        builders.channel(database, code, [code])
        builders.stock(database, "MUG", code, 10)
    placed_and_due = [
        # 16:00 EST on Saturday, past the cut-off: Sunday's, after clocks went forward (EDT).
        ("nyc", "2024-03-09T21:00:00Z", "2024-03-10T19:00:00Z"),
        # 01:30 EST on Sunday, an hour before the change: the same day's cut-off, in EDT.
        ("nyc", "2024-03-10T06:30:00Z", "2024-03-10T19:00:00Z"),
        ("tokyo", "2024-05-01T02:59:00Z", "2024-05-01T03:00:00Z"),  # 11:59 JST
        ("tokyo", "2024-05-01T03:00:00Z", "2024-05-02T03:00:00Z"),  # 12:00 JST: too late
        ("plain", "2024-05-01T10:15:00Z", "2024-05-02T10:15:00Z"),  # no cut-off: a day
    ]

    due = []
    for number, (code, placed_at, _) in enumerate(placed_and_due):
        order = _place(admin, {"MUG": 1}, f"A-{number}", channel=code, placed_at=placed_at)
        [fulfillment_order] = _queue(admin, order_id=order["id"])
        due.append(fulfillment_order["ship_by"])
        assert order["ship_by"] is None

    assert due == [expected for _, _, expected in placed_and_due]


def test_a_ship_by_the_channel_promised_wins_over_the_locations_cut_off(
        database: Database, admin: TestClient) -> None:
    builders.location(database, "nyc", cutoff_time="15:00", timezone="America/New_York")
    builders.product(database, "MUG")
    builders.channel(database, "web", ["nyc"])
    builders.stock(database, "MUG", "nyc", 10)

    order = _place(admin, {"MUG": 1}, placed_at="2024-03-09T21:00:00Z",
                   ship_by="2024-03-09T23:30:00-05:00")

    assert order["ship_by"] == "2024-03-10T04:30:00Z"
    assert [item["ship_by"] for item in _queue(admin, order_id=order["id"])] == [
        "2024-03-10T04:30:00Z"]


def test_holding_the_order_holds_its_fulfillment_orders_and_releasing_it_reopens_them(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 2)
    builders.stock(database, "MUG", "west", 3)
    order = _place(admin, {"MUG": 4})
    opened = _queue(admin, order_id=order["id"])

    held = admin.post(f"{ORDERS}/{order['id']}/holds", json={"reason": "fraud_review"}).json()

    on_hold = _queue(admin, order_id=order["id"], status="on_hold")
    assert [(item["id"], item["status"]) for item in on_hold] == [
        (item["id"], "on_hold") for item in opened]
    assert _queue(admin, status="open") == []
    assert [item["status"] for item in _queue(admin, location="east")] == ["on_hold"]
    assert _reserved(database) == {("MUG", "east"): 2, ("MUG", "west"): 2}

    admin.post(f"{ORDERS}/{order['id']}/holds/{held['holds'][0]['id']}/release")

    reopened = _queue(admin, status="open")
    assert [(item["id"], item["status"], item["units"]) for item in reopened] == [
        (item["id"], "open", item["units"]) for item in opened]
    assert _queue(admin, status="on_hold") == []
    assert [(e["fulfillment_order_id"], e["status"])
            for e in _published(database, "fulfillment_order.held")] == [
        (item["id"], "on_hold") for item in opened]
    assert [(e["fulfillment_order_id"], e["status"])
            for e in _published(database, "fulfillment_order.released")] == [
        (item["id"], "open") for item in opened]


def test_cancelling_the_order_cancels_its_fulfillment_orders(database: Database,
                                                            admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 2)
    builders.stock(database, "MUG", "west", 3)
    order = _place(admin, {"MUG": 4})
    opened = _queue(admin, order_id=order["id"])

    admin.post(f"{ORDERS}/{order['id']}/cancel", json={"reason": "customer asked"})

    assert _queue(admin) == []
    cancelled = _queue(admin, status="cancelled")
    assert [(item["id"], item["status"], item["units"], item["late"]) for item in cancelled] == [
        (item["id"], "cancelled", 0, False) for item in opened]
    assert [(e["fulfillment_order_id"], e["status"], e["reason"])
            for e in _published(database, "fulfillment_order.cancelled")] == [
        (item["id"], "cancelled", "customer asked") for item in opened]
    assert _reserved(database) == {}


def test_cancelling_part_of_a_line_keeps_the_fulfillment_order_open_with_fewer_units(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "LID", "east", 5)
    order = _place(admin, {"MUG": 3, "LID": 1})
    [before] = _queue(admin)

    admin.post(f"{ORDERS}/{order['id']}/cancel",
               json={"lines": [{"line_id": order["lines"][0]["id"], "quantity": 2}]})

    [after] = _queue(admin)
    assert (after["id"], after["status"], after["units"]) == (before["id"], "open", 2)
    assert [(line["sku"], line["quantity"]) for line in _one(admin, after["id"])["lines"]] == [
        ("MUG", 1), ("LID", 1)]
    assert _published(database, "fulfillment_order.cancelled") == []
    assert _reserved(database) == {("MUG", "east"): 1, ("LID", "east"): 1}


def test_cancelling_the_units_one_location_holds_cancels_only_its_fulfillment_order(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 2)
    builders.stock(database, "MUG", "west", 3)
    order = _place(admin, {"MUG": 4})
    ids = {code: fulfillment_order_id for code, (fulfillment_order_id, _)
           in _fulfillment_orders(database, order["id"]).items()}

    changed = admin.post(f"{ORDERS}/{order['id']}/cancel",
                         json={"lines": [{"line_id": order["lines"][0]["id"], "quantity": 2}]})

    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "confirmed"
    assert _fulfillment_orders(database, order["id"]) == {"east": (ids["east"], "open"),
                                                          "west": (ids["west"], "cancelled")}
    assert [(item["id"], item["units"]) for item in _queue(admin)] == [(ids["east"], 2)]
    assert [(e["fulfillment_order_id"], e["status"], e["reason"])
            for e in _published(database, "fulfillment_order.cancelled")] == [
        (ids["west"], "cancelled", None)]
    assert _reserved(database) == {("MUG", "east"): 2}


def test_an_unknown_status_is_refused(admin: TestClient) -> None:
    assert_problem(admin.get(FULFILLMENT_ORDERS, params={"status": "lost"}), 422, "status.0")


def test_a_rejected_fulfillment_order_is_routed_again_to_the_other_location(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)
    order = _place(admin, {"MUG": 2}, priority="high")
    [(east_id, _)] = _fulfillment_orders(database, order["id"]).values()

    rejected = _reject(admin, east_id, "  forklift broken  ")

    assert (rejected["id"], rejected["status"], rejected["units"]) == (east_id, "rejected", 0)
    assert (rejected["rejection_reason"], rejected["late"]) == ("forklift broken", False)
    assert [(line["quantity"], line["rejected_quantity"]) for line in rejected["lines"]] == [
        (0, 2)]
    fulfillment_orders = _fulfillment_orders(database, order["id"])
    west_id = fulfillment_orders["west"][0]
    assert fulfillment_orders == {"east": (east_id, "rejected"), "west": (west_id, "open")}
    assert _queue(admin, location="east") == []
    [west] = _queue(admin, location="west")
    assert (west["id"], west["order_id"], west["priority"], west["units"]) == (
        west_id, order["id"], "high", 2)
    now = admin.get(f"{ORDERS}/{order['id']}").json()
    assert (now["status"], now["fulfillment_status"]) == ("confirmed", "allocated")
    assert now["lines"][0]["reservations"] == [
        {"location": "west", "quantity": 2, "fulfillment_order_id": west_id}]
    levels = {(item["sku"], item["location"]): (item["on_hand"], item["reserved"])
              for item in admin.get("/api/v1/inventory").json()["items"]}
    assert levels == {("MUG", "east"): (5, 0), ("MUG", "west"): (5, 2)}
    assert _reserved(database) == {("MUG", "west"): 2}
    reason = ("west ships every line, with the best score of the 1 that can (score 0.83: "
              "fewest_shipments 1.00, distance 0.50, shipping_cost 0.50, priority 1.00, "
              "performance 0.50)")
    assert [(e["type"], e["detail"]) for e in _timeline(admin, order["id"])[2:]] == [
        ("fulfillment_order.rejected", {"fulfillment_order_id": east_id,
                                        "order_id": order["id"], "location": "east",
                                        "reason": "forklift broken"}),
        ("order.rerouted", {"placed": [{"location": "west", "sku": "MUG", "quantity": 2}],
                            "backordered": {}, "reason": reason})]
    routing = admin.get(f"{ORDERS}/{order['id']}/routing").json()
    assert [d["trigger"] for d in routing["decisions"]] == ["placed", "rejected"]
    current = routing["current"]
    assert (current["trigger"], current["winners"], current["short"]) == (
        "rejected", ["west"], {})
    assert current["allocations"] == [{"line_number": 1, "location": "west", "quantity": 2}]
    assert [(c["location"], c["excluded_by"]) for c in current["candidates"]] == [
        ("west", None), ("east", "gave_back")]
    assert current["reason"] == reason
    assert _published(database, "fulfillment_order.rejected") == [
        {"fulfillment_order_id": east_id, "order_id": order["id"], "location": "east",
         "reason": "forklift broken"}]
    assert _published(database, "fulfillment_order.created")[-1] == {
        "fulfillment_order_id": west_id, "order_id": order["id"], "number": order["number"],
        "location": "west", "priority": 2, "ship_by": west["ship_by"],
        "lines": [{"sku": "MUG", "quantity": 2}]}


def test_when_every_location_has_rejected_the_order_its_units_wait_on_backorder(
        database: Database, admin: TestClient) -> None:
    _shop(database, shortage_policy="reject")
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)
    order = _place(admin, {"MUG": 2})
    [(east_id, _)] = _fulfillment_orders(database, order["id"]).values()
    _reject(admin, east_id, "flooded")
    west_id = _fulfillment_orders(database, order["id"])["west"][0]
    created_before = _published(database, "fulfillment_order.created")

    _reject(admin, west_id, "no staff")

    now = admin.get(f"{ORDERS}/{order['id']}").json()
    assert (now["status"], now["fulfillment_status"]) == ("pending", "ordered")
    line = now["lines"][0]
    assert (line["allocated_quantity"], line["backordered_quantity"], line["reservations"]) == (
        0, 2, [])
    assert _fulfillment_orders(database, order["id"]) == {"east": (east_id, "rejected"),
                                                          "west": (west_id, "rejected")}
    assert _queue(admin) == []
    assert _reserved(database) == {}
    assert _published(database, "fulfillment_order.created") == created_before
    reason = "no location ships every line: split over the fewest locations: none; 2 units short"
    assert _timeline(admin, order["id"])[-1]["detail"] == {
        "placed": [], "backordered": {"MUG": 2}, "reason": reason}
    current = admin.get(f"{ORDERS}/{order['id']}/routing").json()["current"]
    gave_back = {"excluded_by": "gave_back", "why_excluded": "gave this order back",
                 "scores": {}, "total": 0.0}
    assert (current["trigger"], current["candidates"], current["winners"]) == (
        "rejected", [{"location": "east", **gave_back}, {"location": "west", **gave_back}], [])
    assert (current["allocations"], current["short"], current["reason"]) == ([], {"1": 2}, reason)


def test_rejecting_a_cancelled_fulfillment_order_is_a_conflict_naming_its_status(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    order = _place(admin, {"MUG": 1})
    admin.post(f"{ORDERS}/{order['id']}/cancel")
    [(fulfillment_order_id, _)] = _fulfillment_orders(database, order["id"]).values()
    before = _everything(database)

    response = admin.post(f"{FULFILLMENT_ORDERS}/{fulfillment_order_id}/reject",
                          json={"reason": "too late"})

    problem = assert_problem(response, 409)
    assert problem["current_status"] == "cancelled"
    assert problem["detail"] == "cannot reject a fulfillment order that is cancelled"
    assert _everything(database) == before


def test_rejecting_a_rejected_fulfillment_order_again_is_a_conflict(database: Database,
                                                                    admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)
    order = _place(admin, {"MUG": 1})
    [(east_id, _)] = _fulfillment_orders(database, order["id"]).values()
    _reject(admin, east_id, "flooded")
    before = _everything(database)

    response = admin.post(f"{FULFILLMENT_ORDERS}/{east_id}/reject", json={"reason": "again"})

    assert assert_problem(response, 409)["current_status"] == "rejected"
    assert _everything(database) == before


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)
    order = _place(admin, {"MUG": 1})
    [(east_id, _)] = _fulfillment_orders(database, order["id"]).values()
    before = _everything(database)

    for body in ({"reason": ""}, {"reason": "   "}, {}, {"reason": "x" * 501},
                 {"reason": "flooded", "units": 1}):
        assert_problem(admin.post(f"{FULFILLMENT_ORDERS}/{east_id}/reject", json=body), 422)

    assert _everything(database) == before
    assert [item["id"] for item in _queue(admin, location="east")] == [east_id]


def test_a_warehouse_key_sees_and_rejects_only_its_own_locations_fulfillment_orders(
        database: Database, app_client: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 2)
    builders.stock(database, "MUG", "west", 3)
    admin = {"Authorization": f"Bearer {key_for(database, 'admin')}"}
    east = {"Authorization": f"Bearer {key_for(database, 'warehouse', locations=['east'])}"}
    order = app_client.post(ORDERS, json=builders.order_body("web", "A-1", {"MUG": 4}),
                            headers=admin).json()
    ids = {code: fulfillment_order_id for code, (fulfillment_order_id, _)
           in _fulfillment_orders(database, order["id"]).items()}
    before = _everything(database)

    seen = app_client.get(FULFILLMENT_ORDERS, headers=east).json()["items"]
    of_west = app_client.get(FULFILLMENT_ORDERS, params={"location": "west"},
                             headers=east).json()["items"]
    read_west = app_client.get(f"{FULFILLMENT_ORDERS}/{ids['west']}", headers=east)
    reject_west = app_client.post(f"{FULFILLMENT_ORDERS}/{ids['west']}/reject",
                                  json={"reason": "not ours"}, headers=east)
    read_east = app_client.get(f"{FULFILLMENT_ORDERS}/{ids['east']}", headers=east)

    assert [(item["id"], item["location"]) for item in seen] == [(ids["east"], "east")]
    assert of_west == []
    assert_problem(read_west, 404)
    assert_problem(reject_west, 404)
    assert read_west.json()["detail"] == reject_west.json()["detail"] == (
        f"fulfillment order {ids['west']} not found")
    assert (read_east.status_code, read_east.json()["location"]) == (200, "east")
    assert _everything(database) == before


def test_a_warehouse_key_rejects_its_own_locations_fulfillment_order(
        database: Database, app_client: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)
    admin = {"Authorization": f"Bearer {key_for(database, 'admin')}"}
    east = {"Authorization": f"Bearer {key_for(database, 'warehouse', locations=['east'])}"}
    order = app_client.post(ORDERS, json=builders.order_body("web", "A-1", {"MUG": 1}),
                            headers=admin).json()
    [(east_id, _)] = _fulfillment_orders(database, order["id"]).values()

    response = app_client.post(f"{FULFILLMENT_ORDERS}/{east_id}/reject",
                               json={"reason": "no packers"}, headers=east)

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["location"]) == ("rejected", "east")
    assert app_client.get(FULFILLMENT_ORDERS, headers=east).json()["items"] == []
    assert _reserved(database) == {("MUG", "west"): 1}


def test_rejecting_a_held_orders_fulfillment_order_sends_the_units_on_hold(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)
    order = _place(admin, {"MUG": 2})
    hold = admin.post(f"{ORDERS}/{order['id']}/holds", json={"reason": "fraud_review"}).json()
    [(east_id, _)] = _fulfillment_orders(database, order["id"]).values()

    _reject(admin, east_id, "flooded")

    west_id, west_status = _fulfillment_orders(database, order["id"])["west"]
    assert admin.get(f"{ORDERS}/{order['id']}").json()["status"] == "on_hold"
    # The order is still under fraud review: west must not start picking it.
    assert west_status == "on_hold"
    assert _queue(admin, status="open") == []
    admin.post(f"{ORDERS}/{order['id']}/holds/{hold['holds'][0]['id']}/release")
    assert _fulfillment_orders(database, order["id"])["west"] == (west_id, "open")


def test_a_held_orders_rerouted_units_join_its_fulfillment_order_at_that_location(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 2)
    builders.stock(database, "MUG", "west", 5)
    order = _place(admin, {"MUG": 6})
    ids = {code: fulfillment_order_id for code, (fulfillment_order_id, _)
           in _fulfillment_orders(database, order["id"]).items()}
    admin.post(f"{ORDERS}/{order['id']}/holds", json={"reason": "address"})

    _reject(admin, ids["west"], "flooded")

    # One fulfillment order per order and location: east's held one takes the unit it can.
    held = _queue(admin, order_id=order["id"])
    assert [(item["id"], item["location"], item["status"], item["units"]) for item in held] == [
        (ids["east"], "east", "on_hold", 2)]
    assert _reserved(database) == {("MUG", "east"): 2}
