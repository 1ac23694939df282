"""Fulfillment orders over HTTP: one per order and location, each location's work queue (most
urgent first, paged by cursor), their ship-by promise, holds and cancellations that follow the
order (rejections are in test_fulfillment_rejection_api.py)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from tests import builders
from tests.e2e.fulfillment_world import (
    FULFILLMENT_ORDERS,
    ORDERS,
    SHIP_TO,
    a_day_after,
    fulfillment_orders_of,
    one,
    opaque,
    place,
    published,
    queue_of,
    reserved,
    shop,
    summary,
)
from tests.e2e.test_bad_input import assert_problem


def test_a_split_order_has_one_fulfillment_order_in_each_locations_queue(
        database: Database, admin: TestClient) -> None:
    shop(database)
    builders.stock(database, "MUG", "east", 2)
    builders.stock(database, "MUG", "west", 3)
    builders.stock(database, "LID", "west", 1)

    order = place(admin, {"MUG": 4, "LID": 1})

    # West holds most of the order (3 mugs and the lid), east the fourth mug.
    [east] = queue_of(admin, location="east")
    [west] = queue_of(admin, location="west")
    ship_by = a_day_after(order["placed_at"])
    assert east == summary(east["id"], order, "east", 1, ship_by=ship_by)
    assert west == summary(west["id"], order, "west", 4, ship_by=ship_by)
    assert [line["reservations"] for line in order["lines"]] == [
        [{"location": "west", "quantity": 3, "fulfillment_order_id": west["id"]},
         {"location": "east", "quantity": 1, "fulfillment_order_id": east["id"]}],
        [{"location": "west", "quantity": 1, "fulfillment_order_id": west["id"]}]]
    assert queue_of(admin, order_id=order["id"]) == [west, east]
    mug, lid = order["lines"]
    shown = one(admin, west["id"])
    assert shown == {**west, "ship_to": SHIP_TO, "notes": None, "lines": [
        {"id": shown["lines"][0]["id"], "order_line_id": mug["id"], "sku": "MUG",
         "name": "MUG", "gtin": None, "quantity": 3, "picked_quantity": 0,
         "packed_quantity": 0, "short_quantity": 0, "rejected_quantity": 0},
        {"id": shown["lines"][1]["id"], "order_line_id": lid["id"], "sku": "LID",
         "name": "LID", "gtin": None, "quantity": 1, "picked_quantity": 0,
         "packed_quantity": 0, "short_quantity": 0, "rejected_quantity": 0}]}
    assert [(e["fulfillment_order_id"], e["location"], e["lines"])
            for e in published(database, "fulfillment_order.created")] == [
        (west["id"], "west", [{"sku": "MUG", "quantity": 3}, {"sku": "LID", "quantity": 1}]),
        (east["id"], "east", [{"sku": "MUG", "quantity": 1}])]
    assert reserved(database) == {("MUG", "east"): 1, ("MUG", "west"): 3, ("LID", "west"): 1}


def test_an_unknown_fulfillment_order_is_not_found(admin: TestClient) -> None:
    assert_problem(admin.get(f"{FULFILLMENT_ORDERS}/999"), 404)
    assert_problem(admin.post(f"{FULFILLMENT_ORDERS}/999/reject", json={"reason": "gone"}), 404)


def test_the_queue_puts_priority_first_then_the_earliest_ship_by_then_age(
        database: Database, admin: TestClient) -> None:
    shop(database)
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
        placed[external_id] = place(admin, {"MUG": 1}, external_id, **fields)

    queue = queue_of(admin, location="east")

    number = {order["number"]: external_id for external_id, order in placed.items()}
    assert [number[item["order_number"]] for item in queue] == ["B", "E", "F", "G", "H", "C",
                                                                "A", "D"]
    assert [item["priority"] for item in queue] == ["urgent", "urgent", "high", "normal",
                                                    "normal", "normal", "normal", "low"]
    assert queue[0]["ship_by"] == "2099-01-05T00:00:00Z"
    assert queue[3]["ship_by"] == a_day_after(placed["G"]["placed_at"])
    assert (placed["B"]["priority"], placed["B"]["ship_by"]) == ("urgent", "2099-01-05T00:00:00Z")


def test_the_queue_pages_by_cursor_without_repeating_or_missing_a_fulfillment_order(
        database: Database, admin: TestClient) -> None:
    shop(database)
    builders.stock(database, "MUG", "east", 100)
    for number, (priority, ship_by) in enumerate([
            ("urgent", "2099-01-05T00:00:00Z"), ("urgent", "2099-01-05T00:00:00Z"),
            ("high", None), ("normal", "2099-01-01T00:00:00Z"), ("normal", None),
            ("normal", None), ("low", "2098-12-01T00:00:00Z")]):
        fields: dict[str, Any] = {"priority": priority}
        if ship_by is not None:
            fields["ship_by"] = ship_by
        place(admin, {"MUG": 1}, f"A-{number}", **fields)
    everything = [item["id"] for item in queue_of(admin)]

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
    shop(database)
    builders.stock(database, "MUG", "east", 5)
    place(admin, {"MUG": 1})

    for cursor in ("garbage", "", opaque("v1:123"),  # another list's cursor
                   opaque("q1|3|2099-01-01T00:00:00|1"),  # a moment without its offset
                   opaque("q2|3|2099-01-01T00:00:00+00:00|1"),
                   opaque("q1|0|2099-01-01T00:00:00+00:00|1"),
                   opaque("q1|3|2099-01-01T00:00:00+00:00|0")):
        problem = assert_problem(admin.get(FULFILLMENT_ORDERS, params={"cursor": cursor}), 422,
                                 "cursor")
        assert problem["errors"] == [{"field": "cursor",
                                      "message": "not a cursor this API gave out"}]


def test_a_fulfillment_order_past_its_ship_by_is_late_and_one_before_it_is_not(
        database: Database, admin: TestClient) -> None:
    shop(database)
    builders.stock(database, "MUG", "east", 5)
    overdue = place(admin, {"MUG": 1}, "A-1", ship_by="2020-01-01T00:00:00Z")
    due = place(admin, {"MUG": 1}, "A-2", ship_by="2099-01-01T00:00:00Z")
    cancelled = place(admin, {"MUG": 1}, "A-3", ship_by="2020-01-01T00:00:00Z")
    admin.post(f"{ORDERS}/{cancelled['id']}/cancel")

    late = {item["order_id"]: item["late"]
            for item in queue_of(admin, status=["open", "cancelled"])}

    assert late == {overdue["id"]: True, due["id"]: False, cancelled["id"]: False}
    [overdue_fulfillment] = queue_of(admin, order_id=overdue["id"])
    assert one(admin, overdue_fulfillment["id"])["late"] is True


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
        order = place(admin, {"MUG": 1}, f"A-{number}", channel=code, placed_at=placed_at)
        [fulfillment_order] = queue_of(admin, order_id=order["id"])
        due.append(fulfillment_order["ship_by"])
        assert order["ship_by"] is None

    assert due == [expected for _, _, expected in placed_and_due]


def test_a_ship_by_the_channel_promised_wins_over_the_locations_cut_off(
        database: Database, admin: TestClient) -> None:
    builders.location(database, "nyc", cutoff_time="15:00", timezone="America/New_York")
    builders.product(database, "MUG")
    builders.channel(database, "web", ["nyc"])
    builders.stock(database, "MUG", "nyc", 10)

    order = place(admin, {"MUG": 1}, placed_at="2024-03-09T21:00:00Z",
                   ship_by="2024-03-09T23:30:00-05:00")

    assert order["ship_by"] == "2024-03-10T04:30:00Z"
    assert [item["ship_by"] for item in queue_of(admin, order_id=order["id"])] == [
        "2024-03-10T04:30:00Z"]


def test_holding_the_order_holds_its_fulfillment_orders_and_releasing_it_reopens_them(
        database: Database, admin: TestClient) -> None:
    shop(database)
    builders.stock(database, "MUG", "east", 2)
    builders.stock(database, "MUG", "west", 3)
    order = place(admin, {"MUG": 4})
    opened = queue_of(admin, order_id=order["id"])

    held = admin.post(f"{ORDERS}/{order['id']}/holds", json={"reason": "fraud_review"}).json()

    on_hold = queue_of(admin, order_id=order["id"], status="on_hold")
    assert [(item["id"], item["status"]) for item in on_hold] == [
        (item["id"], "on_hold") for item in opened]
    assert queue_of(admin, status="open") == []
    assert [item["status"] for item in queue_of(admin, location="east")] == ["on_hold"]
    assert reserved(database) == {("MUG", "east"): 2, ("MUG", "west"): 2}

    admin.post(f"{ORDERS}/{order['id']}/holds/{held['holds'][0]['id']}/release")

    reopened = queue_of(admin, status="open")
    assert [(item["id"], item["status"], item["units"]) for item in reopened] == [
        (item["id"], "open", item["units"]) for item in opened]
    assert queue_of(admin, status="on_hold") == []
    assert [(e["fulfillment_order_id"], e["status"])
            for e in published(database, "fulfillment_order.held")] == [
        (item["id"], "on_hold") for item in opened]
    assert [(e["fulfillment_order_id"], e["status"])
            for e in published(database, "fulfillment_order.released")] == [
        (item["id"], "open") for item in opened]


def test_cancelling_the_order_cancels_its_fulfillment_orders(database: Database,
                                                            admin: TestClient) -> None:
    shop(database)
    builders.stock(database, "MUG", "east", 2)
    builders.stock(database, "MUG", "west", 3)
    order = place(admin, {"MUG": 4})
    opened = queue_of(admin, order_id=order["id"])

    admin.post(f"{ORDERS}/{order['id']}/cancel", json={"reason": "customer asked"})

    assert queue_of(admin) == []
    cancelled = queue_of(admin, status="cancelled")
    assert [(item["id"], item["status"], item["units"], item["late"]) for item in cancelled] == [
        (item["id"], "cancelled", 0, False) for item in opened]
    assert [(e["fulfillment_order_id"], e["status"], e["reason"])
            for e in published(database, "fulfillment_order.cancelled")] == [
        (item["id"], "cancelled", "customer asked") for item in opened]
    assert reserved(database) == {}


def test_cancelling_part_of_a_line_keeps_the_fulfillment_order_open_with_fewer_units(
        database: Database, admin: TestClient) -> None:
    shop(database)
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "LID", "east", 5)
    order = place(admin, {"MUG": 3, "LID": 1})
    [before] = queue_of(admin)

    admin.post(f"{ORDERS}/{order['id']}/cancel",
               json={"lines": [{"line_id": order["lines"][0]["id"], "quantity": 2}]})

    [after] = queue_of(admin)
    assert (after["id"], after["status"], after["units"]) == (before["id"], "open", 2)
    assert [(line["sku"], line["quantity"]) for line in one(admin, after["id"])["lines"]] == [
        ("MUG", 1), ("LID", 1)]
    assert published(database, "fulfillment_order.cancelled") == []
    assert reserved(database) == {("MUG", "east"): 1, ("LID", "east"): 1}


def test_cancelling_the_units_one_location_holds_cancels_only_its_fulfillment_order(
        database: Database, admin: TestClient) -> None:
    shop(database)
    builders.stock(database, "MUG", "east", 2)
    builders.stock(database, "MUG", "west", 3)
    order = place(admin, {"MUG": 4})
    ids = {code: fulfillment_order_id for code, (fulfillment_order_id, _)
           in fulfillment_orders_of(database, order["id"]).items()}

    changed = admin.post(f"{ORDERS}/{order['id']}/cancel",
                         json={"lines": [{"line_id": order["lines"][0]["id"], "quantity": 2}]})

    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "confirmed"
    assert fulfillment_orders_of(database, order["id"]) == {"east": (ids["east"], "open"),
                                                          "west": (ids["west"], "cancelled")}
    assert [(item["id"], item["units"]) for item in queue_of(admin)] == [(ids["east"], 2)]
    assert [(e["fulfillment_order_id"], e["status"], e["reason"])
            for e in published(database, "fulfillment_order.cancelled")] == [
        (ids["west"], "cancelled", None)]
    assert reserved(database) == {("MUG", "east"): 2}


def test_an_unknown_status_is_refused(admin: TestClient) -> None:
    assert_problem(admin.get(FULFILLMENT_ORDERS, params={"status": "lost"}), 422, "status.0")
