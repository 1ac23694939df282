"""A location's floor plan over HTTP: aisles, cross aisles, the depot and the bin of each sku."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from ordermill.fulfillment.tables import location_bins, location_layouts
from tests import builders
from tests.e2e.conftest import key_for
from tests.e2e.test_bad_input import assert_problem

LAYOUT = "/api/v1/locations/east/layout"


def _layout(**changes: Any) -> dict[str, Any]:
    return {"aisle_count": 10, "aisle_length_m": 30.0, "aisle_spacing_m": 3.0,
            "cross_aisle_count": 2, "depot": {"aisle": 0, "position_m": 0.0},
            "bins": [{"code": "A03-12", "sku": "MUG", "aisle": 3, "position_m": 12.5},
                     {"code": "A01-02", "sku": "LID", "aisle": 1, "position_m": 2.0}],
            **changes}


@pytest.fixture
def shop(database: Database) -> None:
    builders.location(database, "east")
    builders.location(database, "west")
    for sku in ("MUG", "LID", "TEA"):
        builders.product(database, sku)


def _rows(database: Database) -> tuple[list[Any], list[Any]]:
    with database.reading() as connection:
        return (list(connection.execute(sa.select(location_layouts))),
                list(connection.execute(sa.select(location_bins).order_by(location_bins.c.id))))


@pytest.mark.usefixtures("shop")
def test_a_layout_is_stored_and_read_back_with_its_bins_in_walking_order(
        admin: TestClient) -> None:
    response = admin.put(LAYOUT, json=_layout())
    assert response.status_code == 200, response.text
    stored = response.json()
    assert {k: v for k, v in stored.items() if k != "updated_at"} == {
        "location": "east", "aisle_count": 10, "aisle_length_m": 30.0, "aisle_spacing_m": 3.0,
        "cross_aisle_count": 2, "depot": {"aisle": 0, "position_m": 0.0},
        "bins": [{"code": "A01-02", "sku": "LID", "aisle": 1, "position_m": 2.0},
                 {"code": "A03-12", "sku": "MUG", "aisle": 3, "position_m": 12.5}]}
    assert admin.get(LAYOUT).json() == stored


@pytest.mark.usefixtures("shop")
def test_a_new_layout_replaces_the_old_one_whole(admin: TestClient, database: Database) -> None:
    admin.put(LAYOUT, json=_layout())
    response = admin.put(LAYOUT, json=_layout(
        aisle_count=4, bins=[{"code": "B1", "sku": "TEA", "aisle": 2, "position_m": 7}]))
    assert response.status_code == 200, response.text
    assert [(b["code"], b["sku"]) for b in admin.get(LAYOUT).json()["bins"]] == [("B1", "TEA")]
    layouts, bins = _rows(database)
    assert (len(layouts), len(bins)) == (1, 1)
    entries = admin.get("/api/v1/audit-log", params={"entity_type": "location"}).json()["items"]
    assert sorted((e["action"], e["after"]["bins"]) for e in entries
                  if e["action"] == "location.layout_set") == [
        ("location.layout_set", 1), ("location.layout_set", 2)]


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize(("changes", "field"), [
    ({"aisle_count": 0}, "aisle_count"),
    ({"aisle_length_m": -1}, "aisle_length_m"),
    ({"aisle_spacing_m": 0}, "aisle_spacing_m"),
    ({"cross_aisle_count": 1}, "cross_aisle_count"),
    ({"depot": {"aisle": 10, "position_m": 0}}, "depot.aisle"),
    ({"depot": {"aisle": 0, "position_m": 30.5}}, "depot.position_m"),
    ({"bins": [{"code": "X1", "sku": "NOPE", "aisle": 1, "position_m": 1}]}, "bins.0.sku"),
    ({"bins": [{"code": "X1", "sku": "MUG", "aisle": 12, "position_m": 1}]}, "bins.0.aisle"),
    ({"bins": [{"code": "X1", "sku": "MUG", "aisle": 1, "position_m": 31}]},
     "bins.0.position_m"),
    ({"bins": [{"code": "X1", "sku": "MUG", "aisle": 1, "position_m": 1},
               {"code": "X2", "sku": "MUG", "aisle": 2, "position_m": 1}]}, "bins.1.sku"),
    ({"bins": [{"code": "X1", "sku": "MUG", "aisle": 1, "position_m": 1},
               {"code": "X1", "sku": "LID", "aisle": 2, "position_m": 1}]}, "bins.1.code"),
    ({"bins": [{"code": "X 1", "sku": "MUG", "aisle": 1, "position_m": 1}]}, "bins.0.code"),
    ({"aisle_count": "10"}, "aisle_count"),
    ({"shelves": 3}, "shelves"),
])
def test_a_layout_breaking_a_rule_is_refused_naming_the_field_and_changes_nothing(
        admin: TestClient, database: Database, changes: dict[str, Any], field: str) -> None:
    admin.put(LAYOUT, json=_layout())
    before = _rows(database)
    assert_problem(admin.put(LAYOUT, json=_layout(**changes)), 422, field)
    assert _rows(database) == before


@pytest.mark.usefixtures("shop")
def test_a_layout_for_an_unknown_location_or_none_yet_is_not_found(admin: TestClient) -> None:
    assert_problem(admin.put("/api/v1/locations/nowhere/layout", json=_layout()), 404)
    assert_problem(admin.get("/api/v1/locations/west/layout"), 404)


@pytest.mark.usefixtures("shop")
def test_a_warehouse_key_reads_only_its_own_locations_layout(
        admin: TestClient, app_client: TestClient, database: Database) -> None:
    admin.put(LAYOUT, json=_layout())
    admin.put("/api/v1/locations/west/layout", json=_layout(bins=[]))
    key = key_for(database, "warehouse", locations=["west"])
    as_west = {"Authorization": f"Bearer {key}"}
    assert app_client.get("/api/v1/locations/west/layout", headers=as_west).status_code == 200
    assert_problem(app_client.get(LAYOUT, headers=as_west), 404)
    assert_problem(app_client.put(LAYOUT, json=_layout(), headers=as_west), 403)
