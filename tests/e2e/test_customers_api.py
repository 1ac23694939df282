"""Customers over HTTP: one person across channels by normalised email, with their addresses
and orders."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from tests import builders

CUSTOMERS = "/api/v1/customers"
HOME = {"name": "Ada Lovelace", "line1": "1 Main St", "city": "Springfield",
        "postal_code": "12345", "country": "US"}
OFFICE = {"name": "Ada Lovelace", "company": "Engines Ltd", "line1": "9 Mill Rd",
          "city": "London", "postal_code": "N1 9GU", "country": "GB"}


def _shop(database: Database) -> None:
    builders.location(database, "east")
    builders.product(database, "MUG")
    builders.stock(database, "MUG", "east", 50)
    builders.channel(database, "web", ["east"])
    builders.channel(database, "amazon", ["east"])


def _place(client: TestClient, channel: str, external_id: str, email: str,
           **fields: Any) -> dict[str, Any]:
    body = {**builders.order_body(channel, external_id, {"MUG": 1}, email=email), **fields}
    response = client.post("/api/v1/orders", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _customers(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    return list(client.get(CUSTOMERS, params=params).json()["items"])


def test_orders_from_two_channels_with_two_spellings_of_one_email_are_one_customer(
        database: Database, admin: TestClient) -> None:
    _shop(database)

    web = _place(admin, "web", "W-1", "Ada.Lovelace@gmail.com")
    amazon = _place(admin, "amazon", "AMZ-1", " adalovelace+amazon@googlemail.com ")

    assert web["customer"]["id"] == amazon["customer"]["id"]
    [customer] = _customers(admin)
    assert customer["id"] == web["customer"]["id"]
    assert customer["email"] == "Ada.Lovelace@gmail.com"


def test_different_people_stay_different_customers(database: Database,
                                                   admin: TestClient) -> None:
    _shop(database)

    first = _place(admin, "web", "W-1", "ada.lovelace@example.com")
    second = _place(admin, "web", "W-2", "adalovelace@example.com")

    assert first["customer"]["id"] != second["customer"]["id"]
    assert [c["email"] for c in _customers(admin)] == ["ada.lovelace@example.com",
                                                       "adalovelace@example.com"]


def test_the_latest_name_and_phone_given_are_remembered(database: Database,
                                                        admin: TestClient) -> None:
    _shop(database)
    _place(admin, "web", "W-1", "ada@example.com")

    later = _place(admin, "amazon", "AMZ-1", "ADA@example.com",
                   customer={"email": "ADA@example.com", "name": "Ada King",
                             "phone": "+44 20 7946 0000"})

    customer = admin.get(f"{CUSTOMERS}/{later['customer']['id']}").json()
    assert (customer["name"], customer["phone"]) == ("Ada King", "+44 20 7946 0000")


def test_the_customer_remembers_each_address_once_however_it_is_spelled(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    first = _place(admin, "web", "W-1", "ada@example.com", shipping_address=HOME)
    _place(admin, "web", "W-2", "ada@example.com", shipping_address=OFFICE,
           billing_address=HOME)
    _place(admin, "amazon", "AMZ-1", "ada@example.com",
           shipping_address={**HOME, "line1": "1  MAIN st", "city": "springfield"})

    customer = admin.get(f"{CUSTOMERS}/{first['customer']['id']}").json()

    lines = sorted((a["line1"], a["city"]) for a in customer["addresses"])
    assert lines == [("1  MAIN st", "springfield"), ("9 Mill Rd", "London")]


def test_the_customer_page_lists_their_orders_from_every_channel_newest_first(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    first = _place(admin, "web", "W-1", "ada@gmail.com")
    _place(admin, "web", "W-2", "someone.else@example.com")
    _place(admin, "amazon", "AMZ-1", "a.d.a@gmail.com")

    customer = admin.get(f"{CUSTOMERS}/{first['customer']['id']}").json()

    assert [(o["channel"], o["external_id"]) for o in customer["orders"]] == [
        ("amazon", "AMZ-1"), ("web", "W-1")]
    assert customer["orders"][1]["number"] == first["number"]


def test_customers_are_found_by_any_spelling_of_their_email_or_by_name(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    _place(admin, "web", "W-1", "ada.lovelace@gmail.com",
           customer={"email": "ada.lovelace@gmail.com", "name": "Ada Lovelace"})
    _place(admin, "web", "W-2", "charles@example.com",
           customer={"email": "charles@example.com", "name": "Charles Babbage"})

    def emails(**params: Any) -> list[str]:
        return [c["email"] for c in _customers(admin, **params)]

    assert emails(email="AdaLovelace+news@gmail.com") == ["ada.lovelace@gmail.com"]
    assert emails(email="charles@example.com") == ["charles@example.com"]
    assert emails(email="char.les@example.com") == []
    assert emails(q="babbage") == ["charles@example.com"]
    assert emails(q="LOVELACE") == ["ada.lovelace@gmail.com"]


def test_the_customer_list_pages_with_a_cursor(database: Database, admin: TestClient) -> None:
    _shop(database)
    for index in range(3):
        _place(admin, "web", f"W-{index}", f"buyer{index}@example.com")

    first = admin.get(CUSTOMERS, params={"limit": 2}).json()
    rest = admin.get(CUSTOMERS, params={"limit": 2, "cursor": first["next_cursor"]}).json()

    assert [c["email"] for c in first["items"]] == ["buyer0@example.com", "buyer1@example.com"]
    assert ([c["email"] for c in rest["items"]], rest["next_cursor"]) == (
        ["buyer2@example.com"], None)


def test_an_unknown_customer_is_not_found(admin: TestClient) -> None:
    response = admin.get(f"{CUSTOMERS}/424242")

    assert response.status_code == 404
    assert response.json()["detail"] == "customer 424242 not found"
