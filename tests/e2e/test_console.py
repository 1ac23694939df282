"""The staff console over HTTP: sign-in, CSRF, roles, location scope, and order and stock forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ordermill.accounts.service import FAILURES_PER_EMAIL, create_user, session_for_token
from ordermill.db.engine import Database
from ordermill.inventory import queries as inventory
from ordermill.inventory.service import set_stock_policy
from ordermill.orders import queries as orders
from ordermill.orders.intake import place_order
from ordermill.shared.clock import utcnow
from ordermill.web import build
from tests import builders

PASSWORD = "correct horse battery"


@pytest.fixture
def browser(database: Database) -> Iterator[TestClient]:
    with TestClient(build(database), follow_redirects=False) as client:
        yield client


def _shop(database: Database) -> None:
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG", name="Stoneware mug", default_price=1500)
    builders.channel(database, "web", ["east", "west"])
    builders.stock(database, "MUG", "east", 5)


def _order(database: Database, external_id: str = "A-1", quantity: int = 2,
           email: str = "ada@example.com") -> dict[str, Any]:
    return place_order(builders.uow(database), builders.order_input(
        "web", external_id, {"MUG": quantity}, unit_price=1500, email=email)).order


def _user(database: Database, role: str, locations: list[str] | None = None) -> str:
    email = f"{role}@example.com"
    create_user(builders.uow(database), email=email, name=f"{role} user", role=role,
                password=PASSWORD, locations=locations)
    return email


def _token_on(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def _sign_in(client: TestClient, email: str, password: str = PASSWORD,
             next_path: str = "") -> Any:
    form = client.get("/console/login")
    return client.post("/console/login", data={
        "email": email, "password": password, "csrf_token": _token_on(form.text),
        "next": next_path})


def _signed_in(client: TestClient, database: Database, role: str,
               locations: list[str] | None = None) -> TestClient:
    assert _sign_in(client, _user(database, role, locations)).status_code == 303
    return client


def _post(client: TestClient, page: str, action: str, fields: dict[str, str]) -> Any:
    token = _token_on(client.get(page).text)
    return client.post(action, data={**fields, "csrf_token": token})


def _stock(database: Database, location: str) -> dict[str, Any]:
    with database.reading() as connection:
        return inventory.list_levels(connection, sku="MUG", location=location)[0][0]


def _order_now(database: Database, order_id: int) -> dict[str, Any]:
    with database.reading() as connection:
        order = orders.get_order(connection, order_id)
        assert order is not None
        return {**order, "timeline": orders.order_timeline(connection, order_id)}


def test_signing_in_sets_a_session_cookie_and_opens_the_dashboard(database: Database,
                                                                  browser: TestClient) -> None:
    email = _user(database, "manager")
    response = _sign_in(browser, email)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/"
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith("om_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie
    page = browser.get("/console/")
    assert page.status_code == 200
    assert "<h1>Dashboard</h1>" in page.text and email in page.text


def test_a_wrong_password_shows_an_error_and_gives_no_session(database: Database,
                                                             browser: TestClient) -> None:
    email = _user(database, "manager")
    response = _sign_in(browser, email, password="not the password")
    assert response.status_code == 400
    assert "email or password is wrong" in response.text
    assert "om_session" not in browser.cookies
    assert browser.get("/console/").status_code == 303


def test_a_page_asked_for_while_signed_out_comes_back_after_sign_in(database: Database,
                                                                    browser: TestClient) -> None:
    email = _user(database, "support")
    response = browser.get("/console/orders?status=on_hold")
    assert response.status_code == 303
    assert response.headers["location"] == (
        "/console/login?next=%2Fconsole%2Forders%3Fstatus%3Don_hold")
    signed_in = _sign_in(browser, email, next_path="/console/orders?status=on_hold")
    assert signed_in.headers["location"] == "/console/orders?status=on_hold"


def test_sign_in_never_sends_the_browser_to_another_site(database: Database,
                                                         browser: TestClient) -> None:
    email = _user(database, "support")
    response = _sign_in(browser, email, next_path="https://evil.example/console")
    assert response.headers["location"] == "/console/"


def test_a_login_form_without_its_token_is_refused(database: Database,
                                                  browser: TestClient) -> None:
    email = _user(database, "manager")
    browser.get("/console/login")
    response = browser.post("/console/login", data={"email": email, "password": PASSWORD,
                                                    "csrf_token": "guessed"})
    assert response.status_code == 403
    assert "om_session" not in browser.cookies


def test_repeated_wrong_passwords_lock_the_sign_in_for_a_while(database: Database,
                                                              browser: TestClient) -> None:
    email = _user(database, "manager")
    for _ in range(FAILURES_PER_EMAIL):
        assert _sign_in(browser, email, password="not the password").status_code == 400
    refused = _sign_in(browser, email)
    assert refused.status_code == 429
    assert "too many failed sign-ins: try again in 15 minutes" in refused.text
    assert "om_session" not in browser.cookies


def test_signing_out_ends_the_session(database: Database, browser: TestClient) -> None:
    _signed_in(browser, database, "manager")
    token = browser.cookies["om_session"]
    response = _post(browser, "/console/", "/console/logout", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login"
    assert session_for_token(database, token) is None
    browser.cookies.set("om_session", token)
    assert browser.get("/console/").status_code == 303


def test_holding_and_releasing_from_the_order_page_changes_the_order(
        database: Database, browser: TestClient) -> None:
    _shop(database)
    order = _order(database)
    _signed_in(browser, database, "support")
    page = f"/console/orders/{order['id']}"
    held = _post(browser, page, f"{page}/holds", {"reason": "fraud_review", "note": "odd"})
    assert held.status_code == 303
    assert held.headers["location"] == page
    shown = browser.get(page).text
    assert f"{order['number']} is on hold (Fraud review)." in shown
    assert "Hold placed" in shown and "Note: odd" in shown
    after_hold = _order_now(database, order["id"])
    assert after_hold["status"] == "on_hold"
    assert [h["reason"] for h in after_hold["holds"]] == ["fraud_review"]
    hold_id = after_hold["holds"][0]["id"]
    released = _post(browser, page, f"{page}/holds/{hold_id}/release", {})
    assert released.status_code == 303
    after_release = _order_now(database, order["id"])
    assert (after_release["status"], after_release["holds"]) == ("confirmed", [])
    assert [e["type"] for e in after_release["timeline"]][-2:] == ["order.held",
                                                                   "order.hold_released"]


def test_cancelling_from_the_order_page_releases_the_reserved_stock(
        database: Database, browser: TestClient) -> None:
    _shop(database)
    order = _order(database, quantity=2)
    _signed_in(browser, database, "manager")
    page = f"/console/orders/{order['id']}"
    response = _post(browser, page, f"{page}/cancel", {"reason": "customer asked"})
    assert response.status_code == 303
    assert _order_now(database, order["id"])["status"] == "cancelled"
    assert _stock(database, "east")["reserved"] == 0
    shown = browser.get(page).text
    assert "is cancelled and its reserved stock released." in shown
    assert "Cancel this order" not in shown


def test_cancelling_some_units_of_a_line_keeps_the_rest(database: Database,
                                                        browser: TestClient) -> None:
    _shop(database)
    order = _order(database, quantity=3)
    line_id = order["lines"][0]["id"]
    _signed_in(browser, database, "manager")
    page = f"/console/orders/{order['id']}"
    _post(browser, page, f"{page}/lines/cancel", {"line_id": str(line_id), "quantity": "2"})
    after = _order_now(database, order["id"])
    assert after["status"] == "confirmed"
    assert after["lines"][0]["cancelled_quantity"] == 2
    assert _stock(database, "east")["reserved"] == 1
    assert f"Cancelled 2 MUG on {order['number']}." in browser.get(page).text


def test_a_post_with_a_wrong_csrf_token_is_refused_and_writes_nothing(
        database: Database, browser: TestClient) -> None:
    _shop(database)
    order = _order(database)
    _signed_in(browser, database, "manager")
    page = f"/console/orders/{order['id']}"
    forged = browser.post(f"{page}/holds", data={"reason": "manual", "csrf_token": "forged"})
    missing = browser.post(f"{page}/cancel", data={})
    assert (forged.status_code, missing.status_code) == (403, 403)
    assert "Form expired" in forged.text
    after = _order_now(database, order["id"])
    assert (after["status"], after["holds"]) == ("confirmed", [])
    assert [e["type"] for e in after["timeline"]] == ["order.created", "order.confirmed"]
    assert _stock(database, "east")["reserved"] == 2


def test_an_analyst_sees_no_buttons_and_cannot_post(database: Database,
                                                   browser: TestClient) -> None:
    _shop(database)
    order = _order(database)
    _signed_in(browser, database, "analyst")
    page = f"/console/orders/{order['id']}"
    shown = browser.get(page)
    assert shown.status_code == 200
    assert "Place hold" not in shown.text and "Cancel this order" not in shown.text
    token = _token_on(shown.text)  # the sign-out form carries it
    held = browser.post(f"{page}/holds", data={"reason": "manual", "csrf_token": token})
    received = browser.post("/console/inventory/receipts", data={
        "sku": "MUG", "location": "east", "quantity": "5", "csrf_token": token})
    assert (held.status_code, received.status_code) == (403, 403)
    assert "may not change orders" in held.text
    assert _order_now(database, order["id"])["status"] == "confirmed"
    assert _stock(database, "east")["on_hand"] == 5


def test_a_warehouse_user_sees_only_the_stock_and_orders_of_their_locations(
        database: Database, browser: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "west", 7)
    east_order = _order(database, "A-1", quantity=5)
    west_order = _order(database, "A-2", quantity=1)
    _signed_in(browser, database, "warehouse", locations=["east"])
    levels = browser.get("/console/inventory").text
    assert "/console/inventory/east/MUG" in levels
    assert "/console/inventory/west/MUG" not in levels
    ledger = browser.get("/console/inventory/ledger").text
    assert ">east<" in ledger and ">west<" not in ledger
    assert browser.get("/console/inventory/west/MUG").status_code == 404
    order_list = browser.get("/console/orders").text
    assert east_order["number"] in order_list and west_order["number"] not in order_list
    assert browser.get(f"/console/orders/{west_order['id']}").status_code == 404
    assert "Channels" not in browser.get("/console/").text
    assert browser.get("/console/channels").status_code == 403


def test_a_warehouse_user_cannot_move_stock_at_another_location(database: Database,
                                                                browser: TestClient) -> None:
    _shop(database)
    builders.stock(database, "MUG", "west", 7)
    _signed_in(browser, database, "warehouse", locations=["east"])
    response = _post(browser, "/console/inventory", "/console/inventory/receipts", {
        "sku": "MUG", "location": "west", "quantity": "3", "next": "/console/inventory"})
    assert response.headers["location"] == "/console/inventory"
    assert "you do not work at location &#39;west&#39;" in browser.get("/console/inventory").text
    assert _stock(database, "west")["on_hand"] == 7


def test_stock_forms_write_the_ledger_and_say_what_happened(database: Database,
                                                            browser: TestClient) -> None:
    _shop(database)
    _signed_in(browser, database, "warehouse", locations=["east"])
    page = "/console/inventory/east/MUG"
    received = _post(browser, page, "/console/inventory/receipts", {
        "sku": "MUG", "location": "east", "quantity": "4", "reference": "PO-7", "next": page})
    assert received.headers["location"] == page
    assert "Received 4 MUG at east; 9 on hand, 9 available." in browser.get(page).text
    _post(browser, page, "/console/inventory/counts", {
        "sku": "MUG", "location": "east", "quantity": "8", "next": page})
    assert "Counted 8 MUG at east (difference -1)." in browser.get(page).text
    with database.reading() as connection:
        entries = inventory.list_ledger(connection, sku="MUG")[0]
    assert [(e["movement"], e["quantity"], e["on_hand_after"]) for e in entries] == [
        ("count", -1, 8), ("receipt", 4, 9), ("receipt", 5, 5)]
    assert entries[1]["reference"] == {"type": "receipt", "id": "PO-7"}
    assert entries[1]["actor"].endswith("warehouse@example.com")


def test_a_refused_stock_change_is_a_flash_and_changes_nothing(database: Database,
                                                              browser: TestClient) -> None:
    _shop(database)
    _signed_in(browser, database, "manager")
    page = "/console/inventory/east/MUG"
    too_many = _post(browser, page, "/console/inventory/adjustments", {
        "sku": "MUG", "location": "east", "quantity": "-50", "reason": "damaged", "next": page})
    assert too_many.status_code == 303
    shown = browser.get(page).text
    assert "flash-error" in shown
    assert "<p>only 5 of MUG on hand at east; cannot remove 50</p>" in shown
    not_a_number = _post(browser, page, "/console/inventory/receipts", {
        "sku": "MUG", "location": "east", "quantity": "lots", "next": page})
    assert not_a_number.status_code == 303
    assert "quantity: must be a whole number" in browser.get(page).text
    assert _stock(database, "east")["on_hand"] == 5


def test_a_form_holding_a_nul_character_is_refused_and_stores_nothing(
        database: Database, browser: TestClient) -> None:
    _shop(database)
    order = _order(database)
    assert _sign_in(browser, "manager\x00@example.com").status_code == 422
    _signed_in(browser, database, "manager")
    page = f"/console/orders/{order['id']}"
    response = _post(browser, page, f"{page}/holds", {"reason": "manual", "note": "a\x00b"})
    assert response.status_code == 422
    assert "NUL character" in response.text
    after = _order_now(database, order["id"])
    assert (after["status"], after["holds"]) == ("confirmed", [])


def test_a_second_cancel_is_explained_not_crashed(database: Database,
                                                 browser: TestClient) -> None:
    _shop(database)
    order = _order(database)
    _signed_in(browser, database, "manager")
    page = f"/console/orders/{order['id']}"
    token = _token_on(browser.get(page).text)
    browser.post(f"{page}/cancel", data={"csrf_token": token})
    again = browser.post(f"{page}/cancel", data={"csrf_token": token})
    assert again.status_code == 303
    assert "cannot cancel an order that is cancelled" in browser.get(page).text
    assert [e["type"] for e in _order_now(database, order["id"])["timeline"]].count(
        "order.cancelled") == 1


def test_the_order_list_filters_by_email_status_and_number(database: Database,
                                                          browser: TestClient) -> None:
    _shop(database)
    first = _order(database, "A-1", quantity=1, email="ada@example.com")
    second = _order(database, "A-2", quantity=1, email="bob@example.com")
    _signed_in(browser, database, "support")
    by_email = browser.get("/console/orders", params={"email": "BOB@example.com"}).text
    assert second["number"] in by_email and first["number"] not in by_email
    by_number = browser.get("/console/orders", params={"number": first["number"]}).text
    assert first["number"] in by_number and second["number"] not in by_number
    by_status = browser.get("/console/orders", params={"status": "on_hold"}).text
    assert "No orders match." in by_status
    today = utcnow().date()
    placed_today = browser.get("/console/orders", params={
        "placed_from": today.isoformat(), "placed_to": today.isoformat()}).text
    assert first["number"] in placed_today and second["number"] in placed_today
    before_today = browser.get("/console/orders", params={
        "placed_to": (today - timedelta(days=1)).isoformat()}).text
    assert "No orders match." in before_today
    bad_day = browser.get("/console/orders", params={"placed_from": "yesterday"})
    assert bad_day.status_code == 200
    assert "placed_from: must be a day as YYYY-MM-DD" in bad_day.text


def test_the_dashboard_counts_todays_orders_and_low_stock(database: Database,
                                                         browser: TestClient) -> None:
    _shop(database)
    set_stock_policy(builders.uow(database), sku="MUG", location="east", reorder_point=2)
    _order(database, "A-1", quantity=4)
    _signed_in(browser, database, "manager")
    page = browser.get("/console/").text
    today = re.search(r'Orders today</span>\s*<span class="stat-value">(\d+)<', page)
    low = re.search(r'Low stock</span>\s*<span class="stat-value">(\d+)<', page)
    assert (today and today.group(1), low and low.group(1)) == ("1", "1")


def test_reference_pages_show_products_locations_and_channel_availability(
        database: Database, browser: TestClient) -> None:
    _shop(database)
    _signed_in(browser, database, "analyst")
    assert "15.00 USD" in browser.get("/console/products").text
    assert "Stoneware mug" in browser.get("/console/products/MUG").text
    assert ">east<" in browser.get("/console/locations").text
    assert "1 of 1" in browser.get("/console/channels").text
    channel = browser.get("/console/channels/web").text
    assert re.search(r'MUG</a></td>\s*<td class="num">5</td>', channel) is not None
    assert browser.get("/console/products/NOPE").status_code == 404
    assert browser.get("/console/no-such-page").status_code == 404


def test_the_site_root_leads_to_the_console_and_the_api_still_speaks_json(
        database: Database, browser: TestClient) -> None:
    assert browser.get("/").headers["location"] == "/console/"
    stylesheet = browser.get("/console/static/console.css")
    assert stylesheet.status_code == 200
    assert stylesheet.headers["content-type"].startswith("text/css")
    api = browser.get("/api/v1/orders")
    assert api.status_code == 401
    assert api.headers["content-type"] == "application/problem+json"
