"""Locations over HTTP: warehouses, stores and 3PLs by code, listed by priority."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

LOCATIONS = "/api/v1/locations"
ADDRESS = {"name": "East warehouse", "line1": "5 Dock Rd", "city": "Newark",
           "postal_code": "07101", "country": "US"}


def _create(client: TestClient, code: str, **fields: Any) -> dict[str, Any]:
    body = {"code": code, "name": fields.pop("name", code), "address": ADDRESS, **fields}
    response = client.post(LOCATIONS, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _codes(client: TestClient, **params: Any) -> list[str]:
    return [item["code"] for item in client.get(LOCATIONS, params=params).json()["items"]]


def test_a_location_is_created_and_read_back_by_its_code(admin: TestClient) -> None:
    response = admin.post(LOCATIONS, json={
        "code": "east", "name": "East warehouse", "kind": "warehouse", "address": ADDRESS,
        "latitude": 40.7357, "longitude": -74.1724, "pickup": True, "priority": 10})

    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/api/v1/locations/east"
    created = response.json()
    assert {k: v for k, v in created.items() if k not in ("created_at", "updated_at")} == {
        "code": "east", "name": "East warehouse", "kind": "warehouse",
        "address": {**ADDRESS, "company": None, "line2": None, "region": None, "phone": None},
        "latitude": 40.7357, "longitude": -74.1724, "ships": True, "pickup": True,
        "priority": 10, "active": True, "notification_email": None, "daily_order_limit": None,
        "cutoff_time": None, "timezone": "UTC", "ships_to": None, "shipping_rates": None}
    assert admin.get(f"{LOCATIONS}/east").json() == created


def test_locations_are_listed_by_priority_then_code(admin: TestClient) -> None:
    _create(admin, "west", priority=20)
    _create(admin, "store-2", kind="store", priority=5)
    _create(admin, "east", priority=20)
    _create(admin, "3pl", kind="3pl", priority=50)

    assert _codes(admin) == ["store-2", "east", "west", "3pl"]


def test_the_list_filters_by_active(admin: TestClient) -> None:
    _create(admin, "east")
    _create(admin, "old", active=False)

    assert _codes(admin, active="true") == ["east"]
    assert _codes(admin, active="false") == ["old"]


def test_patch_changes_only_what_it_names_and_merges_the_address(admin: TestClient) -> None:
    before = _create(admin, "east", priority=10)

    response = admin.patch(f"{LOCATIONS}/east", json={"priority": 3,
                                                      "address": {"line2": "Gate 4"}})

    assert response.status_code == 200, response.text
    after = response.json()
    assert after["priority"] == 3
    assert after["address"] == {**before["address"], "line2": "Gate 4"}
    assert {k: after[k] for k in ("name", "kind", "ships", "pickup", "active", "created_at")} == \
           {k: before[k] for k in ("name", "kind", "ships", "pickup", "active", "created_at")}
    assert admin.get(f"{LOCATIONS}/east").json() == after


def test_a_location_is_closed_by_deactivating_it(admin: TestClient) -> None:
    _create(admin, "east")

    response = admin.patch(f"{LOCATIONS}/east", json={"active": False})

    assert response.json()["active"] is False
    assert _codes(admin, active="true") == []


def test_a_second_location_with_the_same_code_is_a_conflict_and_changes_nothing(
        admin: TestClient) -> None:
    first = _create(admin, "east", name="East")

    response = admin.post(LOCATIONS, json={"code": "east", "name": "Other", "address": ADDRESS})

    assert response.status_code == 409
    assert response.json()["detail"] == "a location with code 'east' already exists"
    assert admin.get(f"{LOCATIONS}/east").json() == first


def test_an_address_outside_the_iso_country_list_is_refused(admin: TestClient) -> None:
    response = admin.post(LOCATIONS, json={"code": "east", "name": "East",
                                           "address": {**ADDRESS, "country": "XX"}})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "address.country",
                                          "message": "not an ISO 3166-1 alpha-2 country code"}]
    assert admin.get(f"{LOCATIONS}/east").status_code == 404


def test_a_latitude_needs_its_longitude(admin: TestClient) -> None:
    response = admin.post(LOCATIONS, json={"code": "east", "name": "East", "address": ADDRESS,
                                           "latitude": 40.7})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["latitude"]
    assert _codes(admin) == []


def test_an_unknown_kind_is_refused(admin: TestClient) -> None:
    response = admin.post(LOCATIONS, json={"code": "east", "name": "East", "address": ADDRESS,
                                           "kind": "garage"})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["kind"]


def test_a_patch_that_breaks_a_rule_changes_nothing(admin: TestClient) -> None:
    before = _create(admin, "east")

    response = admin.patch(f"{LOCATIONS}/east", json={"address": {"city": "  "}})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "address.city", "message": "is required"}]
    assert admin.get(f"{LOCATIONS}/east").json() == before


def test_an_unknown_code_is_not_found(admin: TestClient) -> None:
    assert admin.get(f"{LOCATIONS}/nowhere").status_code == 404
    assert admin.patch(f"{LOCATIONS}/nowhere", json={"priority": 1}).status_code == 404
