"""The routing what-if: a period's orders replayed under a draft rule set beside the live one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from tests import builders
from tests.e2e.test_bad_input import assert_problem, footprint

SIMULATIONS = "/api/v1/routing/simulations"


def _shop(database: Database, admin: TestClient) -> None:
    """East ships anything but only has mugs; west has both mugs and lids."""
    builders.location(database, "east", priority=1, latitude=40.71, longitude=-74.0,
                      shipping_rates={"domestic": 500, "international": 1500})
    builders.location(database, "west", priority=2, latitude=34.05, longitude=-118.24,
                      shipping_rates={"domestic": 700, "international": 1500})
    builders.product(database, "MUG")
    builders.product(database, "LID")
    builders.channel(database, "web", ["east", "west"], shortage_policy="backorder")
    builders.stock(database, "MUG", "east", 50)
    builders.stock(database, "MUG", "west", 50)
    builders.stock(database, "LID", "west", 50)
    for number in range(4):
        response = admin.post("/api/v1/orders", json=builders.order_body(
            "web", f"A-{number}", {"MUG": 1, "LID": 1}))
        assert response.status_code == 201, response.text


def _period() -> dict[str, str]:
    now = datetime.now(UTC)
    return {"from": (now - timedelta(hours=1)).isoformat(),
            "to": (now + timedelta(minutes=1)).isoformat()}


def test_a_draft_that_allows_splits_by_priority_shows_more_splits_than_ship_complete(
        database: Database, admin: TestClient) -> None:
    _shop(database, admin)
    before = footprint(database)

    response = admin.post(SIMULATIONS, json={"channel": "web", **_period(), "rules": {
        "policy": "allow_splits", "rules": [{"criterion": "priority", "weight": 1}]}})

    assert response.status_code == 200, response.text
    report = response.json()
    assert report["orders"] == 4
    assert (report["live"]["split_rate"], report["live"]["shipments"]) == (0.0, 4)
    assert (report["draft"]["split_rate"], report["draft"]["shipments"]) == (1.0, 8)
    assert report["live"]["estimated_shipping_cost"] == 4 * 700
    assert report["draft"]["estimated_shipping_cost"] == 4 * (500 + 700)
    assert report["live"]["unserved_orders"] == report["draft"]["unserved_orders"] == 0
    assert footprint(database) == before  # a replay changes nothing


def test_a_draft_with_an_unknown_criterion_or_a_reversed_period_is_refused(
        database: Database, admin: TestClient) -> None:
    _shop(database, admin)
    period = _period()

    unknown = admin.post(SIMULATIONS, json={"channel": "web", **period, "rules": {
        "rules": [{"criterion": "cheapest_moon", "weight": 1}]}})
    reversed_period = admin.post(SIMULATIONS, json={
        "channel": "web", "from": period["to"], "to": period["from"],
        "rules": {"rules": [{"criterion": "priority"}]}})

    assert_problem(unknown, 422)
    assert_problem(reversed_period, 422)
