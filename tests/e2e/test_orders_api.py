"""Orders over HTTP: where stock is reserved, shortages, holds, cancellations, search and the
timeline."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from tests import builders, stock_truth

ORDERS = "/api/v1/orders"


def _shop(database: Database, *, shortage_policy: str = "reject") -> None:
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG")
    builders.product(database, "LID")
    builders.product(database, "SET", components={"MUG": 2, "LID": 1})
    builders.channel(database, "web", ["east", "west"], shortage_policy=shortage_policy)


def _place(client: TestClient, lines: dict[str, int], external_id: str = "A-1",
           channel: str = "web", **fields: Any) -> dict[str, Any]:
    body = {**builders.order_body(channel, external_id, lines), **fields}
    response = client.post(ORDERS, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _reserved(database: Database) -> dict[tuple[str, str], int]:
    """Reserved units per (sku, location), after checking they match the open allocations."""
    with database.reading() as connection:
        levels = stock_truth.levels(connection)
        held = stock_truth.allocated_units(connection)
    reserved = {place: level.reserved for place, level in levels.items() if level.reserved}
    assert reserved == held
    return reserved


def _held(database: Database, order: dict[str, Any], location: str, units: int
          ) -> dict[str, Any]:
    """A reservation as the order shows it: units at a location, in that location's
    fulfillment order."""
    with database.reading() as connection:
        fulfillment_order_id, _ = stock_truth.fulfillment_orders(connection,
                                                                 order["id"])[location]
    return {"location": location, "quantity": units, "fulfillment_order_id": fulfillment_order_id}


def _timeline(client: TestClient, order_id: int) -> list[str]:
    return [event["type"] for event in client.get(f"{ORDERS}/{order_id}/events").json()["items"]]


def _hold(client: TestClient, order_id: int, reason: str = "manual") -> dict[str, Any]:
    response = client.post(f"{ORDERS}/{order_id}/holds", json={"reason": reason})
    assert response.status_code == 201, response.text
    return dict(response.json())


def _numbers(client: TestClient, **params: Any) -> list[str]:
    return [item["external_id"] for item in client.get(ORDERS, params=params).json()["items"]]


def test_a_location_that_has_every_line_ships_the_whole_order(database: Database,
                                                              admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 10)
    builders.stock(database, "MUG", "west", 1)
    builders.stock(database, "LID", "west", 1)

    order = _place(admin, {"MUG": 1, "LID": 1})

    assert [line["reservations"] for line in order["lines"]] == [
        [_held(database, order, "west", 1)], [_held(database, order, "west", 1)]]
    assert _reserved(database) == {("MUG", "west"): 1, ("LID", "west"): 1}


def test_without_one_location_for_everything_the_order_is_split_by_priority(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 2)
    builders.stock(database, "MUG", "west", 3)

    order = _place(admin, {"MUG": 4})

    assert order["lines"][0]["reservations"] == [_held(database, order, "east", 2),
                                                 _held(database, order, "west", 2)]
    assert (order["status"], order["fulfillment_status"]) == ("confirmed", "allocated")
    assert _reserved(database) == {("MUG", "east"): 2, ("MUG", "west"): 2}


def test_a_kit_reserves_its_components(database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "LID", "east", 5)

    order = _place(admin, {"SET": 2})

    assert order["lines"][0]["reservations"] == [_held(database, order, "east", 2)]
    assert _reserved(database) == {("MUG", "east"): 4, ("LID", "east"): 2}


def test_a_rejecting_channel_refuses_a_short_order_and_nothing_is_reserved(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 2)
    builders.stock(database, "MUG", "west", 1)

    response = admin.post(ORDERS, json=builders.order_body("web", "A-1", {"MUG": 4}))

    assert response.status_code == 409
    assert response.json()["shortages"] == [{"sku": "MUG", "requested": 4, "available": 3}]
    assert admin.get(ORDERS).json()["items"] == []
    assert _reserved(database) == {}


def test_a_backordering_channel_takes_a_short_order_and_reserves_what_there_is(
        database: Database, admin: TestClient) -> None:
    _shop(database, shortage_policy="backorder")
    builders.stock(database, "MUG", "east", 3)

    order = _place(admin, {"MUG": 5})

    line = order["lines"][0]
    assert (order["status"], order["fulfillment_status"]) == ("pending", "partially_allocated")
    assert (line["allocated_quantity"], line["backordered_quantity"]) == (3, 2)
    assert _reserved(database) == {("MUG", "east"): 3}
    assert _timeline(admin, order["id"]) == ["order.created", "order.backordered"]


def test_holds_stack_and_the_last_release_restores_the_status(database: Database,
                                                              admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    order = _place(admin, {"MUG": 1})

    first = _hold(admin, order["id"], "payment")
    second = _hold(admin, order["id"], "fraud_review")
    hold_ids = [hold["id"] for hold in second["holds"]]
    one_released = admin.post(f"{ORDERS}/{order['id']}/holds/{hold_ids[0]}/release").json()
    all_released = admin.post(f"{ORDERS}/{order['id']}/holds/{hold_ids[1]}/release").json()

    assert (first["status"], len(first["holds"])) == ("on_hold", 1)
    assert [hold["reason"] for hold in second["holds"]] == ["payment", "fraud_review"]
    assert (one_released["status"], [h["reason"] for h in one_released["holds"]]) == (
        "on_hold", ["fraud_review"])
    assert (all_released["status"], all_released["holds"]) == ("confirmed", [])
    assert _reserved(database) == {("MUG", "east"): 1}


def test_a_released_hold_returns_a_backordered_order_to_pending(database: Database,
                                                                admin: TestClient) -> None:
    _shop(database, shortage_policy="backorder")
    order = _place(admin, {"MUG": 1})
    hold = _hold(admin, order["id"])["holds"][0]

    released = admin.post(f"{ORDERS}/{order['id']}/holds/{hold['id']}/release").json()

    assert released["status"] == "pending"


def test_releasing_a_hold_the_order_does_not_have_is_not_found(database: Database,
                                                               admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    order = _place(admin, {"MUG": 1})
    hold = _hold(admin, order["id"])["holds"][0]
    admin.post(f"{ORDERS}/{order['id']}/holds/{hold['id']}/release")

    again = admin.post(f"{ORDERS}/{order['id']}/holds/{hold['id']}/release")

    assert again.status_code == 404
    assert admin.get(f"{ORDERS}/{order['id']}").json()["status"] == "confirmed"


def test_cancelling_the_order_releases_its_reservations_and_its_holds(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "LID", "east", 5)
    order = _place(admin, {"MUG": 2, "SET": 1})
    _hold(admin, order["id"])

    response = admin.post(f"{ORDERS}/{order['id']}/cancel", json={"reason": "customer asked"})

    assert response.status_code == 200, response.text
    cancelled = response.json()
    assert (cancelled["status"], cancelled["fulfillment_status"]) == ("cancelled", "cancelled")
    assert [line["cancelled_quantity"] for line in cancelled["lines"]] == [2, 1]
    assert cancelled["holds"] == []
    assert _reserved(database) == {}
    level = admin.get("/api/v1/inventory", params={"sku": "MUG"}).json()["items"][0]
    assert (level["on_hand"], level["reserved"], level["available"]) == (5, 0, 5)


def test_cancelling_part_of_a_line_releases_only_those_units(database: Database,
                                                             admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    order = _place(admin, {"MUG": 4})
    line_id = order["lines"][0]["id"]

    response = admin.post(f"{ORDERS}/{order['id']}/cancel",
                          json={"lines": [{"line_id": line_id, "quantity": 3}]})

    changed = response.json()
    assert (changed["status"], changed["lines"][0]["cancelled_quantity"]) == ("confirmed", 3)
    assert changed["lines"][0]["reservations"] == [_held(database, order, "east", 1)]
    assert _reserved(database) == {("MUG", "east"): 1}
    assert _timeline(admin, order["id"])[-1] == "order.lines_cancelled"


def test_cancelling_part_of_a_short_line_cancels_the_backordered_units_first(
        database: Database, admin: TestClient) -> None:
    _shop(database, shortage_policy="backorder")
    builders.stock(database, "MUG", "east", 3)
    order = _place(admin, {"MUG": 5})
    line_id = order["lines"][0]["id"]

    changed = admin.post(f"{ORDERS}/{order['id']}/cancel",
                         json={"lines": [{"line_id": line_id, "quantity": 2}]}).json()

    line = changed["lines"][0]
    assert (line["allocated_quantity"], line["backordered_quantity"]) == (3, 0)
    assert _reserved(database) == {("MUG", "east"): 3}


def test_cancelling_more_units_than_are_open_changes_nothing(database: Database,
                                                            admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    order = _place(admin, {"MUG": 2})
    before = admin.get(f"{ORDERS}/{order['id']}").json()

    response = admin.post(f"{ORDERS}/{order['id']}/cancel",
                          json={"lines": [{"line_id": before["lines"][0]["id"], "quantity": 3}]})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["lines.0.quantity"]
    assert admin.get(f"{ORDERS}/{order['id']}").json() == before
    assert _timeline(admin, order["id"]) == ["order.created", "order.confirmed"]
    assert _reserved(database) == {("MUG", "east"): 2}


def test_cancelling_a_cancelled_order_is_a_conflict_naming_its_status(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    order = _place(admin, {"MUG": 1})
    admin.post(f"{ORDERS}/{order['id']}/cancel")

    again = admin.post(f"{ORDERS}/{order['id']}/cancel")
    hold = admin.post(f"{ORDERS}/{order['id']}/holds", json={"reason": "manual"})

    assert again.status_code == 409
    assert again.json()["current_status"] == "cancelled"
    assert again.json()["detail"] == "cannot cancel an order that is cancelled"
    assert (hold.status_code, hold.json()["current_status"]) == (409, "cancelled")
    assert _timeline(admin, order["id"]) == ["order.created", "order.confirmed",
                                             "order.cancelled"]


def test_the_timeline_lists_every_change_in_order_with_who_made_it(database: Database,
                                                                   admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    order = _place(admin, {"MUG": 2})
    hold = _hold(admin, order["id"], "address")["holds"][0]
    admin.post(f"{ORDERS}/{order['id']}/holds/{hold['id']}/release")
    admin.post(f"{ORDERS}/{order['id']}/cancel",
               json={"lines": [{"line_id": order["lines"][0]["id"], "quantity": 1}]})

    events = admin.get(f"{ORDERS}/{order['id']}/events").json()["items"]

    assert [e["type"] for e in events] == ["order.created", "order.confirmed", "order.held",
                                           "order.hold_released", "order.lines_cancelled"]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    assert all(e["actor"].endswith("admin key") for e in events)
    assert events[2]["detail"]["reason"] == "address"
    assert events[4]["detail"]["lines"] == {"MUG": 1}


def test_orders_are_found_by_status_channel_sku_and_number(database: Database,
                                                            admin: TestClient) -> None:
    _shop(database, shortage_policy="backorder")
    builders.channel(database, "pos", ["east"])
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "LID", "east", 5)
    first = _place(admin, {"MUG": 1}, "A-1")
    _place(admin, {"LID": 1}, "A-2", channel="pos")
    _place(admin, {"MUG": 9}, "A-3")

    assert _numbers(admin) == ["A-3", "A-2", "A-1"]
    assert _numbers(admin, status="pending") == ["A-3"]
    assert _numbers(admin, channel="pos") == ["A-2"]
    assert _numbers(admin, sku="MUG") == ["A-3", "A-1"]
    assert _numbers(admin, number=first["number"]) == ["A-1"]
    assert _numbers(admin, number=first["number"].lower()) == ["A-1"]
    assert _numbers(admin, sku="MUG", status="confirmed", channel="web") == ["A-1"]
    assert _numbers(admin, number="OM-999999") == []


def test_a_number_that_is_no_order_number_finds_nothing(database: Database,
                                                        admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    _place(admin, {"MUG": 1})

    for number in ("OM-\u00b9", "XX-000001", "OM-", "1"):
        response = admin.get(ORDERS, params={"number": number})
        assert (response.status_code, response.json()["items"]) == (200, [])


def test_orders_are_found_by_the_customer_email_however_it_is_spelled(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    _place(admin, {"MUG": 1}, "A-1", customer={"email": "ada.lovelace@gmail.com"})
    _place(admin, {"MUG": 1}, "A-2", customer={"email": "bob@example.com"})

    assert _numbers(admin, email="ADALovelace+shop@googlemail.com") == ["A-1"]
    assert _numbers(admin, email=" Bob@Example.com ") == ["A-2"]
    assert _numbers(admin, email="b.ob@example.com") == []


def test_orders_are_found_by_when_they_were_placed_in_any_utc_offset(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    _place(admin, {"MUG": 1}, "A-1", placed_at="2024-05-01T09:00:00Z")
    _place(admin, {"MUG": 1}, "A-2", placed_at="2024-05-01T12:30:00+02:00")
    _place(admin, {"MUG": 1}, "A-3", placed_at="2024-05-02T08:00:00Z")

    placed = {item["external_id"]: item["placed_at"]
              for item in admin.get(ORDERS).json()["items"]}

    assert placed["A-2"] == "2024-05-01T10:30:00Z"
    assert _numbers(admin, placed_from="2024-05-01T10:00:00Z") == ["A-3", "A-2"]
    assert _numbers(admin, placed_to="2024-05-01T10:30:00Z") == ["A-1"]
    assert _numbers(admin, placed_from="2024-05-01T12:00:00+02:00",
                    placed_to="2024-05-02T00:00:00Z") == ["A-2"]


def test_a_placed_at_without_an_offset_is_refused(database: Database,
                                                  admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    body = {**builders.order_body("web", "A-1", {"MUG": 1}), "placed_at": "2024-05-01T09:00:00"}

    response = admin.post(ORDERS, json=body)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["placed_at"]
    assert admin.get(ORDERS).json()["items"] == []


def test_the_order_list_pages_back_from_the_newest(database: Database,
                                                   admin: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    for external_id in ("A-1", "A-2", "A-3"):
        _place(admin, {"MUG": 1}, external_id)

    first = admin.get(ORDERS, params={"limit": 2}).json()
    rest = admin.get(ORDERS, params={"limit": 2, "cursor": first["next_cursor"]}).json()

    assert [o["external_id"] for o in first["items"]] == ["A-3", "A-2"]
    assert ([o["external_id"] for o in rest["items"]], rest["next_cursor"]) == (["A-1"], None)


def test_an_unknown_order_is_not_found(admin: TestClient) -> None:
    assert admin.get(f"{ORDERS}/999").status_code == 404
    assert admin.get(f"{ORDERS}/999/events").status_code == 404
    assert admin.post(f"{ORDERS}/999/cancel").status_code == 404


def test_a_line_can_be_cancelled_by_its_sku(database: Database, admin: TestClient) -> None:
    builders.location(database, "east")
    builders.product(database, "MUG")
    builders.product(database, "CUP")
    builders.channel(database, "web", ["east"])
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "CUP", "east", 5)
    order = admin.post("/api/v1/orders",
                       json=builders.order_body("web", "S-1", {"MUG": 3, "CUP": 1})).json()

    response = admin.post(f"/api/v1/orders/{order['id']}/cancel",
                          json={"lines": [{"sku": "MUG", "quantity": 2}]})

    assert response.status_code == 200, response.text
    lines = {line["sku"]: line for line in response.json()["lines"]}
    assert (lines["MUG"]["cancelled_quantity"], lines["MUG"]["allocated_quantity"]) == (2, 1)
    assert lines["CUP"]["cancelled_quantity"] == 0
    level = admin.get("/api/v1/inventory", params={"sku": "MUG"}).json()["items"][0]
    assert level["reserved"] == 1


def test_a_line_named_by_both_id_and_sku_is_refused_and_nothing_changes(
        database: Database, admin: TestClient) -> None:
    builders.location(database, "east")
    builders.product(database, "MUG")
    builders.channel(database, "web", ["east"])
    builders.stock(database, "MUG", "east", 5)
    order = admin.post("/api/v1/orders", json=builders.order_body("web", "S-1", {"MUG": 3})).json()
    line_id = order["lines"][0]["id"]

    response = admin.post(f"/api/v1/orders/{order['id']}/cancel",
                          json={"lines": [{"line_id": line_id, "sku": "MUG"}]})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines.0"
    assert admin.get(f"/api/v1/orders/{order['id']}").json() == order
