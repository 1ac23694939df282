"""Routing over HTTP: each channel's rules (read, replaced, refused when wrong) and the decision
that placed an order, with every location weighed, its score per criterion, and why it won or
was left out."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from ordermill.db.audit import audit_log
from ordermill.db.engine import Database
from ordermill.db.outbox import outbox
from ordermill.routing import postal
from ordermill.routing.tables import channel_routing_rules
from tests import builders, stock_truth
from tests.e2e.test_bad_input import assert_problem

ORDERS = "/api/v1/orders"
NEW_YORK = {"latitude": 40.7128, "longitude": -74.006}
LOS_ANGELES = {"latitude": 34.0522, "longitude": -118.2437}
DEFAULT_RULES = [{"criterion": "fewest_shipments", "weight": 3},
                 {"criterion": "distance", "weight": 2}, {"criterion": "priority", "weight": 1}]
EVERY_FILTER = ["capacity", "cutoff", "has_stock", "ships_to_destination"]


def _rules_path(channel: str = "web") -> str:
    return f"/api/v1/channels/{channel}/routing-rules"


def _place(client: TestClient, lines: dict[str, int], external_id: str = "A-1",
           channel: str = "web", **fields: Any) -> dict[str, Any]:
    body = {**builders.order_body(channel, external_id, lines), **fields}
    response = client.post(ORDERS, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _routing(client: TestClient, order_id: int) -> dict[str, Any]:
    response = client.get(f"{ORDERS}/{order_id}/routing")
    assert response.status_code == 200, response.text
    return dict(response.json())


def _shipped_from(database: Database, order: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Units per sku, per location whose fulfillment order holds them."""
    shipped: dict[str, dict[str, int]] = {}
    for line in order["lines"]:
        for reservation in line["reservations"]:
            shipped.setdefault(reservation["location"], {})[line["sku"]] = (
                reservation["quantity"])
    with database.reading() as connection:
        assert set(stock_truth.fulfillment_orders(connection, order["id"])) == set(shipped)
    return shipped


def _put(client: TestClient, body: dict[str, Any], channel: str = "web") -> dict[str, Any]:
    response = client.put(_rules_path(channel), json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _rules_changes(database: Database) -> tuple[list[Any], list[Any], list[str]]:
    """The stored rules, their audit entries and their events."""
    with database.reading() as connection:
        stored = [tuple(row) for row in connection.execute(sa.select(channel_routing_rules))]
        audited = [tuple(row) for row in connection.execute(
            sa.select(audit_log.c.action, audit_log.c.entity_id, audit_log.c.after)
            .where(audit_log.c.action == "channel.routing_rules_set").order_by(audit_log.c.id))]
        published = list(connection.execute(
            sa.select(outbox.c.payload).where(outbox.c.topic == "channel.routing_rules_changed")
            .order_by(outbox.c.id)).scalars())
    return stored, audited, published


def _web(database: Database) -> None:
    builders.location(database, "east", priority=1)
    builders.product(database, "MUG")
    builders.channel(database, "web", ["east"])


def test_a_channel_without_rules_of_its_own_routes_by_the_defaults(database: Database,
                                                                   admin: TestClient) -> None:
    _web(database)

    response = admin.get(_rules_path())

    assert response.status_code == 200, response.text
    assert response.json() == {"channel": "web", "policy": "ship_complete",
                               "rules": DEFAULT_RULES, "filters": EVERY_FILTER,
                               "split_penalty": 500, "default": True, "updated_by": None,
                               "updated_at": None}


def test_rules_put_are_read_back_audited_and_announced(database: Database,
                                                       admin: TestClient) -> None:
    _web(database)
    default = admin.get(_rules_path()).json()
    body = {"policy": "allow_splits", "filters": ["has_stock", "cutoff"], "split_penalty": 0,
            "rules": [{"criterion": "priority", "weight": 2}, {"criterion": "distance",
                                                              "weight": 0.5}]}

    saved = _put(admin, body)

    assert saved == {"channel": "web", "policy": "allow_splits",
                     "rules": [{"criterion": "priority", "weight": 2.0},
                               {"criterion": "distance", "weight": 0.5}],
                     "filters": ["cutoff", "has_stock"], "split_penalty": 0, "default": False,
                     "updated_by": "api_key:1 admin key", "updated_at": saved["updated_at"]}
    assert saved["updated_at"] is not None
    assert admin.get(_rules_path()).json() == saved
    [entry] = admin.get("/api/v1/audit-log", params={"entity_type": "channel",
                                                     "action": "channel.routing_rules_set"}
                        ).json()["items"]
    assert (entry["entity"], entry["before"], entry["after"]) == (
        {"type": "channel", "id": "web"}, default, saved)
    assert [json.loads(payload) for payload in _rules_changes(database)[2]] == [
        {"channel": "web"}]


def test_rules_put_again_replace_the_earlier_ones_whole(database: Database,
                                                        admin: TestClient) -> None:
    _web(database)
    _put(admin, {"policy": "allow_splits", "filters": ["has_stock"], "split_penalty": 0,
                 "rules": [{"criterion": "priority"}, {"criterion": "distance"}]})

    saved = _put(admin, {"rules": [{"criterion": "shipping_cost", "weight": 4}]})

    assert (saved["policy"], saved["rules"], saved["filters"], saved["split_penalty"]) == (
        "ship_complete", [{"criterion": "shipping_cost", "weight": 4.0}], EVERY_FILTER, 500)
    assert len(_rules_changes(database)[0]) == 1


BAD_RULES = {
    "unknown criterion": ({"rules": [{"criterion": "speed"}]}, "rules.0.criterion"),
    "criterion twice": ({"rules": [{"criterion": "distance"}, {"criterion": "priority"},
                                   {"criterion": "distance", "weight": 2}]},
                        "rules.2.criterion"),
    "weight above 100": ({"rules": [{"criterion": "distance", "weight": 100.5}]},
                         "rules.0.weight"),
    "negative weight": ({"rules": [{"criterion": "distance", "weight": -1}]}, "rules.0.weight"),
    "unknown filter": ({"rules": [{"criterion": "distance"}], "filters": ["has_stock", "weather"]},
                       "filters.1"),
    "negative split penalty": ({"rules": [{"criterion": "distance"}], "split_penalty": -1},
                               "split_penalty"),
    "split penalty too large": ({"rules": [{"criterion": "distance"}],
                                 "split_penalty": 10_000_001}, "split_penalty"),
    "no rules": ({"rules": []}, "rules"),
    "unknown policy": ({"policy": "cheapest", "rules": [{"criterion": "distance"}]}, "policy"),
}


@pytest.mark.parametrize(("body", "field"), BAD_RULES.values(), ids=BAD_RULES.keys())
def test_wrong_rules_are_refused_naming_the_field_and_change_nothing(
        database: Database, admin: TestClient, body: dict[str, Any], field: str) -> None:
    _web(database)
    before = admin.get(_rules_path()).json()

    response = admin.put(_rules_path(), json=body)

    problem = assert_problem(response, 422, field)
    assert [error["field"] for error in problem["errors"]] == [field]
    assert admin.get(_rules_path()).json() == before
    assert _rules_changes(database) == ([], [], [])


def test_wrong_rules_over_rules_already_set_leave_those_in_place(database: Database,
                                                                 admin: TestClient) -> None:
    _web(database)
    saved = _put(admin, {"rules": [{"criterion": "priority"}]})
    changes = _rules_changes(database)

    response = admin.put(_rules_path(), json={"rules": [{"criterion": "priority"},
                                                        {"criterion": "priority"}]})

    assert_problem(response, 422, "rules.1.criterion")
    assert admin.get(_rules_path()).json() == saved
    assert _rules_changes(database) == changes


def test_rules_of_an_unknown_channel_are_not_found(database: Database,
                                                   admin: TestClient) -> None:
    _web(database)

    assert_problem(admin.get(_rules_path("nowhere")), 404)
    assert_problem(admin.put(_rules_path("nowhere"), json={"rules": [{"criterion": "distance"}]}),
                   404)
    assert _rules_changes(database) == ([], [], [])


def _three_locations(database: Database) -> None:
    """West is preferred by priority but far from the buyer (12345, New York state); east is
    near; north has no stock and no coordinates."""
    builders.location(database, "west", priority=1, **LOS_ANGELES)
    builders.location(database, "east", priority=2, **NEW_YORK)
    builders.location(database, "north", priority=2)
    builders.product(database, "MUG")
    builders.channel(database, "web", ["west", "east", "north"])
    builders.stock(database, "MUG", "west", 5)
    builders.stock(database, "MUG", "east", 5)


def test_an_orders_routing_shows_every_location_weighed_with_its_scores_and_the_reason(
        database: Database, admin: TestClient) -> None:
    _three_locations(database)
    postal.warm(["US"])  # the buyer's postal code places them, not the middle of the country

    order = _place(admin, {"MUG": 1})

    routing = _routing(admin, order["id"])
    [decision] = routing["decisions"]
    assert routing["order_id"] == order["id"]
    assert routing["current"] == decision
    assert decision == {
        "trigger": "placed", "policy": "ship_complete", "decided_at": order["created_at"],
        "candidates": [
            {"location": "east", "excluded_by": None, "why_excluded": None,
             "scores": {"fewest_shipments": 1.0, "distance": 1.0, "shipping_cost": 0.5,
                        "priority": 0.0, "performance": 0.5}, "total": 0.8333},
            {"location": "west", "excluded_by": None, "why_excluded": None,
             "scores": {"fewest_shipments": 1.0, "distance": 0.0, "shipping_cost": 0.5,
                        "priority": 1.0, "performance": 0.5}, "total": 0.6667},
            {"location": "north", "excluded_by": "has_stock",
             "why_excluded": "no stock for any line",
             "scores": {"fewest_shipments": 0.0, "distance": 0.5, "shipping_cost": 0.5,
                        "priority": 0.0, "performance": 0.5}, "total": 0.1667}],
        "winners": ["east"],
        "allocations": [{"line_number": 1, "location": "east", "quantity": 1}],
        "short": {},
        "reason": ("east ships every line, with the best score of the 2 that can (score 0.83: "
                   "fewest_shipments 1.00, distance 1.00, shipping_cost 0.50, "
                   "priority 0.00, performance 0.50)")}
    assert _shipped_from(database, order) == {"east": {"MUG": 1}}


def test_changed_rules_route_the_next_order_by_them(database: Database,
                                                    admin: TestClient) -> None:
    _three_locations(database)
    first = _place(admin, {"MUG": 1}, "A-1")

    _put(admin, {"rules": [{"criterion": "priority"}]})
    second = _place(admin, {"MUG": 1}, "A-2")

    assert _shipped_from(database, first) == {"east": {"MUG": 1}}
    assert _shipped_from(database, second) == {"west": {"MUG": 1}}
    assert _routing(admin, second["id"])["current"]["reason"].startswith(
        "west ships every line, with the best score of the 2 that can (score 1.00")


def test_allow_splits_ships_each_line_from_the_best_location_while_ship_complete_does_not(
        database: Database, admin: TestClient) -> None:
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG")
    builders.product(database, "LID")
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)
    builders.stock(database, "LID", "west", 5)
    for code, policy in (("web", "ship_complete"), ("market", "allow_splits")):
        builders.channel(database, code, ["east", "west"])
        _put(admin, {"policy": policy, "rules": [{"criterion": "priority"}]}, code)

    complete = _place(admin, {"MUG": 1, "LID": 1}, "A-1", channel="web")
    split = _place(admin, {"MUG": 1, "LID": 1}, "A-1", channel="market")

    assert _shipped_from(database, complete) == {"west": {"MUG": 1, "LID": 1}}
    assert _shipped_from(database, split) == {"east": {"MUG": 1}, "west": {"LID": 1}}
    assert _routing(admin, complete["id"])["current"]["reason"] == (
        "west ships every line, with the best score of the 1 that can (score 0.00: "
        "fewest_shipments 1.00, distance 0.50, shipping_cost 0.50, priority 0.00, "
        "performance 0.50)")
    assert _routing(admin, split["id"])["current"]["reason"] == (
        "each line from the best-scoring location that has it: east, west")
    with database.reading() as connection:
        levels = stock_truth.levels(connection)
    assert {place: level.reserved for place, level in levels.items()} == {
        ("MUG", "east"): 1, ("MUG", "west"): 1, ("LID", "west"): 2}


def test_a_location_that_does_not_ship_to_the_country_is_left_out_and_the_decision_says_so(
        database: Database, admin: TestClient) -> None:
    builders.location(database, "east", priority=1, ships_to=["US"])
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG")
    builders.channel(database, "web", ["east", "west"])
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)
    to_canada = {"name": "Ada Buyer", "line1": "1 Wellington St", "city": "Ottawa",
                 "postal_code": "K1A 0B1", "country": "CA"}

    at_home = _place(admin, {"MUG": 1}, "A-1")
    abroad = _place(admin, {"MUG": 1}, "A-2", shipping_address=to_canada)

    assert _shipped_from(database, at_home) == {"east": {"MUG": 1}}
    assert _shipped_from(database, abroad) == {"west": {"MUG": 1}}
    candidates = _routing(admin, abroad["id"])["current"]["candidates"]
    assert [(c["location"], c["excluded_by"], c["why_excluded"]) for c in candidates] == [
        ("west", None, None), ("east", "ships_to_destination", "does not ship to CA")]


def test_a_location_past_its_cut_off_is_skipped_while_another_can_ship(
        database: Database, admin: TestClient) -> None:
    # Midnight is the cut-off, so every moment of the day is past it.
    builders.location(database, "east", priority=1, cutoff_time="00:00",
                      timezone="Pacific/Kiritimati")
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG")
    builders.channel(database, "web", ["east", "west"])
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)

    order = _place(admin, {"MUG": 1})

    assert _shipped_from(database, order) == {"west": {"MUG": 1}}
    candidates = _routing(admin, order["id"])["current"]["candidates"]
    assert [(c["location"], c["excluded_by"], c["why_excluded"]) for c in candidates] == [
        ("west", None, None), ("east", "cutoff", "past the carrier cut-off")]


def test_a_location_past_its_cut_off_still_ships_when_no_other_can(database: Database,
                                                                   admin: TestClient) -> None:
    builders.location(database, "east", priority=1, cutoff_time="00:00",
                      timezone="Pacific/Kiritimati")
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG")
    builders.channel(database, "web", ["east", "west"])
    builders.stock(database, "MUG", "east", 5)

    # 23:00 on 1 May in Kiritimati (UTC+14): east's next cut-off is its midnight, 10:00 UTC.
    order = _place(admin, {"MUG": 1}, placed_at="2024-05-01T09:00:00Z")

    assert _shipped_from(database, order) == {"east": {"MUG": 1}}
    assert order["status"] == "confirmed"
    current = _routing(admin, order["id"])["current"]
    assert current["reason"].startswith(
        "every location that could ship is past its carrier cut-off, so the order waits for "
        "the next one; east ships every line")
    assert current["winners"] == ["east"]
    queued = admin.get("/api/v1/fulfillment-orders", params={"order_id": order["id"]}).json()
    assert [(item["location"], item["ship_by"]) for item in queued["items"]] == [
        ("east", "2024-05-01T10:00:00Z")]


def test_the_routing_of_an_unknown_order_is_not_found(admin: TestClient) -> None:
    assert_problem(admin.get(f"{ORDERS}/999/routing"), 404)
