"""Stock over HTTP: receipts, adjustments, counts, transfers and policy, all in the ledger."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from ordermill.inventory.queries import ledger_mismatches
from tests import builders

INVENTORY = "/api/v1/inventory"


def _warehouses(database: Database) -> None:
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG")
    builders.product(database, "LID")
    builders.product(database, "SET", components={"MUG": 2, "LID": 1})
    builders.channel(database, "web", ["east"])


def _post(client: TestClient, path: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"{INVENTORY}/{path}", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _level(client: TestClient, sku: str, location: str) -> tuple[int, int, int]:
    """(on hand, reserved, available) of a sku at a location."""
    items = client.get(INVENTORY, params={"sku": sku, "location": location}).json()["items"]
    assert len(items) == 1
    return items[0]["on_hand"], items[0]["reserved"], items[0]["available"]


def _ledger(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    return list(client.get(f"{INVENTORY}/ledger", params=params).json()["items"])


def _moves(client: TestClient, **params: Any) -> list[tuple[str, str, str, int, int]]:
    """(sku, location, movement, quantity, on hand after) of each ledger entry, newest first."""
    return [(e["sku"], e["location"], e["movement"], e["quantity"], e["on_hand_after"])
            for e in _ledger(client, **params)]


def _assert_ledger_is_the_truth(database: Database) -> None:
    with database.reading() as connection:
        assert ledger_mismatches(connection) == []


def test_a_receipt_adds_stock_and_writes_who_why_and_what_to_the_ledger(
        database: Database, admin: TestClient) -> None:
    _warehouses(database)

    level = _post(admin, "receipts", sku="MUG", location="east", quantity=12,
                  reason="supplier delivery", reference="PO-7")

    assert {k: level[k] for k in ("sku", "location", "on_hand", "reserved", "available")} == {
        "sku": "MUG", "location": "east", "on_hand": 12, "reserved": 0, "available": 12}
    [entry] = _ledger(admin)
    assert (entry["movement"], entry["quantity"], entry["on_hand_after"]) == ("receipt", 12, 12)
    assert (entry["reason"], entry["reference"]) == ("supplier delivery",
                                                     {"type": "receipt", "id": "PO-7"})
    assert entry["actor"].endswith("admin key")
    _assert_ledger_is_the_truth(database)


def test_an_adjustment_needs_a_reason_and_may_remove_units(database: Database,
                                                           admin: TestClient) -> None:
    _warehouses(database)
    builders.stock(database, "MUG", "east", 10)

    level = _post(admin, "adjustments", sku="MUG", location="east", quantity=-3,
                  reason="damaged")
    found = _post(admin, "adjustments", sku="MUG", location="east", quantity=1, reason="found")

    assert (level["on_hand"], found["on_hand"]) == (7, 8)
    assert [(e["movement"], e["quantity"], e["reason"]) for e in _ledger(admin)][:2] == [
        ("adjustment", 1, "found"), ("adjustment", -3, "damaged")]
    _assert_ledger_is_the_truth(database)


def test_an_adjustment_without_a_reason_is_refused_and_changes_nothing(
        database: Database, admin: TestClient) -> None:
    _warehouses(database)
    builders.stock(database, "MUG", "east", 10)

    missing = admin.post(f"{INVENTORY}/adjustments",
                         json={"sku": "MUG", "location": "east", "quantity": -2})
    blank = admin.post(f"{INVENTORY}/adjustments",
                       json={"sku": "MUG", "location": "east", "quantity": -2, "reason": " "})

    assert (missing.status_code, blank.status_code) == (422, 422)
    assert [e["field"] for e in blank.json()["errors"]] == ["reason"]
    assert _level(admin, "MUG", "east") == (10, 0, 10)
    assert len(_ledger(admin)) == 1


def test_removing_more_than_is_on_hand_is_a_conflict_and_changes_nothing(
        database: Database, admin: TestClient) -> None:
    _warehouses(database)
    builders.stock(database, "MUG", "east", 4)

    response = admin.post(f"{INVENTORY}/adjustments", json={
        "sku": "MUG", "location": "east", "quantity": -5, "reason": "lost"})

    assert response.status_code == 409
    assert response.json()["errors"] == [{"field": "quantity",
                                          "message": "only 4 of MUG on hand at east"}]
    assert _level(admin, "MUG", "east") == (4, 0, 4)
    assert len(_ledger(admin)) == 1


def test_a_cycle_count_sets_on_hand_and_records_the_difference(database: Database,
                                                               admin: TestClient) -> None:
    _warehouses(database)
    builders.stock(database, "MUG", "east", 10)

    counted = _post(admin, "counts", sku="MUG", location="east", quantity=7)

    assert (counted["on_hand"], counted["difference"]) == (7, -3)
    [entry, _receipt] = _ledger(admin)
    assert (entry["movement"], entry["quantity"], entry["on_hand_after"], entry["reason"]) == (
        "count", -3, 7, "cycle count")
    _assert_ledger_is_the_truth(database)


def test_a_count_that_matches_still_records_a_zero_entry(database: Database,
                                                         admin: TestClient) -> None:
    _warehouses(database)
    builders.stock(database, "MUG", "east", 10)

    counted = _post(admin, "counts", sku="MUG", location="east", quantity=10,
                    reason="quarterly count")

    assert (counted["on_hand"], counted["difference"]) == (10, 0)
    assert _moves(admin)[0] == ("MUG", "east", "count", 0, 10)
    assert _ledger(admin)[0]["reason"] == "quarterly count"


def test_a_first_count_of_a_place_never_stocked_creates_its_level(database: Database,
                                                                  admin: TestClient) -> None:
    _warehouses(database)

    counted = _post(admin, "counts", sku="LID", location="west", quantity=3)

    assert (counted["on_hand"], counted["difference"]) == (3, 3)
    assert _level(admin, "LID", "west") == (3, 0, 3)
    _assert_ledger_is_the_truth(database)


def test_a_count_below_the_reserved_units_leaves_nothing_available(database: Database,
                                                                   admin: TestClient) -> None:
    _warehouses(database)
    builders.stock(database, "MUG", "east", 5)
    admin.post("/api/v1/orders", json=builders.order_body("web", "A-1", {"MUG": 4}))

    _post(admin, "counts", sku="MUG", location="east", quantity=2)

    assert _level(admin, "MUG", "east") == (2, 4, 0)


def test_a_transfer_moves_free_stock_out_of_one_place_into_another(database: Database,
                                                                   admin: TestClient) -> None:
    _warehouses(database)
    builders.stock(database, "MUG", "east", 10)

    moved = _post(admin, "transfers", sku="MUG", from_location="east", to_location="west",
                  quantity=4, reason="rebalance")

    assert (moved["from"]["on_hand"], moved["to"]["on_hand"]) == (6, 4)
    assert _moves(admin)[:2] == [("MUG", "west", "transfer_in", 4, 4),
                                 ("MUG", "east", "transfer_out", -4, 6)]
    assert _ledger(admin)[0]["reference"] == {"type": "transfer", "id": "east->west"}
    _assert_ledger_is_the_truth(database)


def test_reserved_units_cannot_be_transferred(database: Database, admin: TestClient) -> None:
    _warehouses(database)
    builders.stock(database, "MUG", "east", 10)
    order = admin.post("/api/v1/orders", json=builders.order_body("web", "A-1", {"MUG": 7}))
    assert order.status_code == 201, order.text

    response = admin.post(f"{INVENTORY}/transfers", json={
        "sku": "MUG", "from_location": "east", "to_location": "west", "quantity": 4})

    assert response.status_code == 409
    assert response.json()["detail"] == "only 3 of MUG free to transfer at east"
    assert _level(admin, "MUG", "east") == (10, 7, 3)
    assert admin.get(INVENTORY, params={"location": "west"}).json()["items"] == []
    assert len(_ledger(admin)) == 1


def test_safety_stock_and_reorder_point_are_set_per_sku_and_location(database: Database,
                                                                     admin: TestClient) -> None:
    _warehouses(database)
    builders.stock(database, "MUG", "east", 10)

    response = admin.patch(f"{INVENTORY}/MUG/east", json={"safety_stock": 3,
                                                          "reorder_point": 8})
    only_point = admin.patch(f"{INVENTORY}/MUG/east", json={"reorder_point": 6})

    assert response.status_code == 200, response.text
    assert {k: response.json()[k] for k in ("safety_stock", "reorder_point", "available")} == {
        "safety_stock": 3, "reorder_point": 8, "available": 7}
    level = admin.get(INVENTORY, params={"sku": "MUG"}).json()["items"][0]
    assert {k: level[k] for k in ("safety_stock", "reorder_point", "available", "low")} == {
        "safety_stock": 3, "reorder_point": 6, "available": 7, "low": False}
    assert only_point.status_code == 200
    assert admin.get(INVENTORY, params={"low": "true"}).json()["items"] == []
    assert len(_ledger(admin)) == 1


def test_a_policy_change_without_values_is_refused(database: Database,
                                                   admin: TestClient) -> None:
    _warehouses(database)
    builders.stock(database, "MUG", "east", 10)

    response = admin.patch(f"{INVENTORY}/MUG/east", json={})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["safety_stock"]


def test_a_kit_has_no_stock_of_its_own(database: Database, admin: TestClient) -> None:
    _warehouses(database)

    responses = [
        admin.post(f"{INVENTORY}/receipts", json={"sku": "SET", "location": "east",
                                                  "quantity": 1}),
        admin.post(f"{INVENTORY}/counts", json={"sku": "SET", "location": "east",
                                                "quantity": 1}),
        admin.patch(f"{INVENTORY}/SET/east", json={"safety_stock": 1}),
    ]

    assert [r.status_code for r in responses] == [422, 422, 422]
    assert all(r.json()["errors"] == [{"field": "sku", "message": "a kit has no stock of its "
                                       "own; move its components"}] for r in responses)
    assert admin.get(INVENTORY).json()["items"] == []
    assert _ledger(admin) == []


def test_unknown_skus_and_locations_are_named(database: Database, admin: TestClient) -> None:
    _warehouses(database)

    response = admin.post(f"{INVENTORY}/receipts", json={"sku": "TEAPOT", "location": "mars",
                                                         "quantity": 1})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "sku", "message": "unknown sku 'TEAPOT'"},
        {"field": "location", "message": "unknown location 'mars'"}]


def test_the_ledger_filters_by_sku_and_location(database: Database, admin: TestClient) -> None:
    _warehouses(database)
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 6)
    builders.stock(database, "LID", "east", 7)

    assert _moves(admin, sku="MUG") == [("MUG", "west", "receipt", 6, 6),
                                        ("MUG", "east", "receipt", 5, 5)]
    assert _moves(admin, location="east") == [("LID", "east", "receipt", 7, 7),
                                              ("MUG", "east", "receipt", 5, 5)]
    assert _moves(admin, sku="LID", location="west") == []


def test_the_ledger_filters_by_time_since_inclusive_until_exclusive(database: Database,
                                                                    admin: TestClient) -> None:
    _warehouses(database)
    builders.stock(database, "MUG", "east", 1)
    time.sleep(0.01)
    middle = datetime.now(UTC)
    time.sleep(0.01)
    builders.stock(database, "MUG", "east", 2)
    later = _ledger(admin)[0]["occurred_at"]

    assert [e["quantity"] for e in _ledger(admin, since=middle.isoformat())] == [2]
    assert [e["quantity"] for e in _ledger(admin, until=middle.isoformat())] == [1]
    assert [e["quantity"] for e in _ledger(admin, since=later)] == [2]
    assert [e["quantity"] for e in _ledger(admin, until=later)] == [1]


def test_the_ledger_reads_times_in_any_utc_offset(database: Database, admin: TestClient) -> None:
    _warehouses(database)
    builders.stock(database, "MUG", "east", 1)
    time.sleep(0.01)
    middle = datetime.now(UTC).astimezone(timezone(timedelta(hours=2)))
    time.sleep(0.01)
    builders.stock(database, "MUG", "east", 2)

    assert [e["quantity"] for e in _ledger(admin, since=middle.isoformat())] == [2]
    assert [e["quantity"] for e in _ledger(admin, until=middle.isoformat())] == [1]


def test_the_ledger_pages_back_in_time_with_a_cursor(database: Database,
                                                     admin: TestClient) -> None:
    _warehouses(database)
    for quantity in (1, 2, 3, 4, 5):
        builders.stock(database, "MUG", "east", quantity)

    first = admin.get(f"{INVENTORY}/ledger", params={"limit": 2}).json()
    second = admin.get(f"{INVENTORY}/ledger",
                       params={"limit": 2, "cursor": first["next_cursor"]}).json()
    last = admin.get(f"{INVENTORY}/ledger",
                     params={"limit": 2, "cursor": second["next_cursor"]}).json()

    assert [[e["quantity"] for e in page["items"]] for page in (first, second, last)] == [
        [5, 4], [3, 2], [1]]
    assert last["next_cursor"] is None


def test_on_hand_equals_the_ledger_sum_after_every_kind_of_movement(
        database: Database, admin: TestClient) -> None:
    _warehouses(database)
    _post(admin, "receipts", sku="MUG", location="east", quantity=20)
    _post(admin, "receipts", sku="LID", location="east", quantity=9)
    _post(admin, "adjustments", sku="MUG", location="east", quantity=-2, reason="damaged")
    _post(admin, "transfers", sku="MUG", from_location="east", to_location="west", quantity=5)
    _post(admin, "counts", sku="MUG", location="west", quantity=4)
    _post(admin, "counts", sku="LID", location="west", quantity=0)
    admin.post("/api/v1/orders", json=builders.order_body("web", "A-1", {"MUG": 3, "SET": 2}))

    _assert_ledger_is_the_truth(database)
    assert _level(admin, "MUG", "east") == (13, 7, 6)
    assert _level(admin, "MUG", "west") == (4, 0, 4)
    assert _level(admin, "LID", "east") == (9, 2, 7)
