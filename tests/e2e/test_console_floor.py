"""The warehouse floor in the console over HTTP: the work queue, a fulfillment order and its
rejection, pick lists and the picker's walk, the pack station; location scope and CSRF."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ordermill.console import routes_fulfillment
from ordermill.db.engine import Database
from ordermill.fulfillment.picking import create_pick_list
from ordermill.orders import queries as orders
from ordermill.orders.domain import Priority
from tests import builders
from tests.e2e.floor_world import (
    LID_GTIN,
    MUG_GTIN,
    PASSWORD,
    floor,
    fulfillment_order_now,
    fulfillment_order_of,
    order,
    pick_list_now,
    user,
)
from tests.e2e.test_console import (
    _sign_in,
    _token_on,
    browser,  # noqa: F401  (a fixture)
)

QUEUE = "/console/fulfillment-orders"


def _signed_in(client: TestClient, database: Database, role: str,
               locations: list[str] | None = None) -> TestClient:
    assert _sign_in(client, user(database, role, locations), PASSWORD).status_code == 303
    return client


def _post(client: TestClient, page: str, action: str, fields: dict[str, Any]) -> Any:
    return client.post(action, data={**fields, "csrf_token": _token_on(client.get(page).text)})


def _pick_list(client: TestClient, ids: list[int]) -> int:
    made = _post(client, QUEUE, "/console/pick-lists",
                 {"location": "east", "fulfillment_order": [str(i) for i in ids]})
    assert made.status_code == 303
    found = re.fullmatch(r"/console/pick-lists/(\d+)", made.headers["location"])
    assert found is not None, made.headers["location"]
    return int(found.group(1))


def _scan(client: TestClient, fo_id: int, scanned: list[str], code: str) -> Any:
    return _post(client, f"/console/pack/{fo_id}", f"/console/pack/{fo_id}/scan",
                 {"scanned": "\n".join(scanned), "code": code})


def test_the_work_queue_puts_the_most_urgent_first_and_says_which_are_late(
        database: Database, browser: TestClient) -> None:  # noqa: F811
    floor(database)
    normal = order(database, "A-1", {"MUG": 1})
    late = order(database, "A-2", {"MUG": 1}, late=True)
    urgent = order(database, "A-3", {"LID": 2}, priority=Priority.URGENT)
    _signed_in(browser, database, "warehouse", locations=["east"])

    page = browser.get(QUEUE).text

    numbers = re.findall(r'href="/console/fulfillment-orders/\d+">(OM-\d+)<', page)
    assert numbers == [urgent["number"], late["number"], normal["number"]]
    rows = re.findall(r"<tr class=\"(late)?\">(.*?)</tr>", page, re.S)
    assert [(row_class, "Late</span>" in row) for row_class, row in rows] == [
        ("", False), ("late", True), ("", False)]
    assert '<span class="badge priority-urgent">Urgent</span>' in rows[0][1]
    assert re.search(r'<td class="num">2</td>', rows[0][1])
    assert '<a href="/console/fulfillment-orders" aria-current="page">Work queue</a>' in page


def test_a_warehouse_user_cannot_open_another_locations_fulfillment_order(
        database: Database, browser: TestClient) -> None:  # noqa: F811
    floor(database)
    west = fulfillment_order_of(order(database, "A-1", {"JUG": 1}), "west")
    east = fulfillment_order_of(order(database, "A-2", {"MUG": 1}))
    west_list = create_pick_list(builders.uow(database), "west", [west])["id"]
    _signed_in(browser, database, "warehouse", locations=["east"])

    assert browser.get(f"{QUEUE}/{east}").status_code == 200
    for path in (f"{QUEUE}/{west}", f"{QUEUE}/{west}/packing-slip.pdf", f"/console/pack/{west}",
                 f"/console/pick-lists/{west_list}", f"/console/pick-lists/{west_list}/walk",
                 f"/console/pick-lists/{west_list}.pdf"):
        assert browser.get(path).status_code == 404, path
    counted = _post(browser, f"{QUEUE}/{east}", f"/console/pick-lists/{west_list}/stops/1",
                    {"picked_quantity": "1"})
    assert counted.status_code == 404
    assert browser.get("/console/pack", params={"code": f"PL-{west_list:06d}"}).status_code \
        == 404
    rejected = _post(browser, f"{QUEUE}/{east}", f"{QUEUE}/{west}/reject", {"reason": "no"})
    assert rejected.status_code == 404
    queue = browser.get(QUEUE, params={"location": "west"}).text
    assert "there is no location &#39;west&#39; that you can see" in queue
    assert "OM-000001" not in queue
    assert browser.get("/console/pack", params={"code": "OM-000001"}).status_code == 404
    assert fulfillment_order_now(database, west)["status"] == "in_progress"
    assert [s["picked_quantity"] for s in pick_list_now(database, west_list)["stops"]] == [None]


def test_the_floor_forms_refuse_a_post_without_the_session_csrf_token(
        database: Database, browser: TestClient) -> None:  # noqa: F811
    floor(database)
    fo_id = fulfillment_order_of(order(database, "A-1", {"MUG": 1}))
    _signed_in(browser, database, "manager")
    walked = _pick_list(browser, [fulfillment_order_of(order(database, "A-2", {"LID": 1}))])
    forged = {"csrf_token": "forged"}

    answers = [
        browser.post(f"{QUEUE}/{fo_id}/reject", data={**forged, "reason": "no"}),
        browser.post("/console/pick-lists", data={**forged, "location": "east",
                                                  "fulfillment_order": str(fo_id)}),
        browser.post("/console/pick-lists/wave", data={"location": "east"}),
        browser.post(f"/console/pick-lists/{walked}/stops/1",
                     data={**forged, "picked_quantity": "1"}),
        browser.post(f"/console/pack/{fo_id}/scan", data={**forged, "code": "MUG"}),
        browser.post(f"/console/pack/{fo_id}/pack",
                     data={**forged, "scanned": "MUG", "weight_grams": "500"}),
    ]

    assert [answer.status_code for answer in answers] == [403] * 6
    assert fulfillment_order_now(database, fo_id)["status"] == "open"
    assert [s["picked_quantity"] for s in pick_list_now(database, walked)["stops"]] == [None]


def test_rejecting_from_the_fulfillment_order_page_sends_the_order_elsewhere(
        database: Database, browser: TestClient) -> None:  # noqa: F811
    floor(database)
    placed = order(database, "A-1", {"JUG": 1})
    builders.stock(database, "JUG", "east", 3)
    fo_id = fulfillment_order_of(placed, "west")
    _signed_in(browser, database, "warehouse", locations=["west"])
    page = f"{QUEUE}/{fo_id}"

    answer = _post(browser, page, f"{page}/reject", {"reason": "shelf is damaged"})

    assert answer.status_code == 303 and answer.headers["location"] == page
    shown = browser.get(page).text
    assert "is rejected; its units went back to stock at west" in shown
    assert "shelf is damaged" in shown
    after = fulfillment_order_now(database, fo_id)
    assert (after["status"], after["rejection_reason"]) == ("rejected", "shelf is damaged")
    with database.reading() as connection:
        rerouted = orders.get_order(connection, placed["id"])
    assert rerouted is not None
    assert [(r["location"], r["quantity"]) for r in rerouted["lines"][0]["reservations"]] == [
        ("east", 1)]


def test_a_pick_list_is_walked_stop_by_stop_until_it_completes(
        database: Database, browser: TestClient) -> None:  # noqa: F811
    floor(database)
    fo_id = fulfillment_order_of(order(database, "A-1", {"MUG": 2, "LID": 3}))
    _signed_in(browser, database, "warehouse", locations=["east"])
    pick_list_id = _pick_list(browser, [fo_id])
    walk = f"/console/pick-lists/{pick_list_id}/walk"
    assert "is ready: 2 stops, 1 tote." in browser.get(f"/console/pick-lists/{pick_list_id}").text
    assert "0 of 2 stops counted" in browser.get(QUEUE).text  # among the open pick lists
    assert f"PL-{pick_list_id:06d}</a>" in browser.get(f"{QUEUE}/{fo_id}").text
    first = browser.get(walk).text
    assert "Stop 1 of 2" in first and 'id="stop-bin">A07-04<' in first  # the nearer aisle
    assert "Picked all 3" in first

    counted = _post(browser, walk, f"/console/pick-lists/{pick_list_id}/stops/1",
                    {"picked_quantity": "1"})
    assert counted.headers["location"] == walk
    second = browser.get(walk).text
    assert "Stop 1: 1 of 3 LID picked, 2 short." in second
    assert "Stop 2 of 2" in second and 'id="stop-bin">A03-12<' in second
    _post(browser, walk, f"/console/pick-lists/{pick_list_id}/stops/2", {"picked_quantity": "2"})

    done = browser.get(walk).text
    assert f"Stop 2: 2 of 2 MUG picked. PL-{pick_list_id:06d} is complete." in done
    assert "LID at A07-04: 1 of 3" in done
    assert pick_list_now(database, pick_list_id)["status"] == "completed"
    assert "Open pick lists" not in browser.get(QUEUE).text
    after = fulfillment_order_now(database, fo_id)
    assert after["status"] == "picked"
    assert [(line["sku"], line["quantity"], line["short_quantity"])
            for line in after["lines"]] == [("MUG", 2, 0), ("LID", 1, 2)]


def test_a_wave_takes_the_most_urgent_open_orders_a_cart_holds(
        database: Database, browser: TestClient) -> None:  # noqa: F811
    floor(database)
    normal = fulfillment_order_of(order(database, "A-1", {"MUG": 1}))
    urgent = fulfillment_order_of(order(database, "A-2", {"LID": 1}, priority=Priority.URGENT))
    _signed_in(browser, database, "warehouse", locations=["east"])

    made = _post(browser, QUEUE, "/console/pick-lists/wave",
                 {"location": "east", "max_orders": "1", "max_units": ""})

    pick_list_id = int(made.headers["location"].rsplit("/", 1)[1])
    assert [fo["id"] for fo in pick_list_now(database, pick_list_id)["fulfillment_orders"]] \
        == [urgent]
    assert fulfillment_order_now(database, normal)["status"] == "open"
    too_big = _post(browser, QUEUE, "/console/pick-lists/wave",
                    {"location": "east", "max_orders": "101"})
    assert too_big.headers["location"] == QUEUE
    assert "max_orders: 1 to 100, or empty for no limit" in browser.get(QUEUE).text
    pdf = browser.get(f"/console/pick-lists/{pick_list_id}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_pack_station_loads_by_pick_list_order_number_or_id(
        database: Database, browser: TestClient) -> None:  # noqa: F811
    floor(database)
    placed = order(database, "A-1", {"MUG": 1})
    fo_id = fulfillment_order_of(placed)
    _signed_in(browser, database, "warehouse", locations=["east"])
    pick_list_id = _pick_list(browser, [fo_id])

    for code in (f"PL-{pick_list_id:06d}", placed["number"], str(fo_id), f" {fo_id}\t"):
        answer = browser.get("/console/pack", params={"code": code})
        assert (answer.status_code, answer.headers.get("location")) == (
            303, f"/console/pack/{fo_id}"), code
    policy = "content-security-policy"
    assert "script-src 'self';" in browser.get("/console/pack").headers[policy]
    assert "script-src 'none';" in browser.get(QUEUE).headers[policy]  # only the station
    unknown = browser.get("/console/pack", params={"code": "BANANA"})
    assert unknown.status_code == 404
    assert "Nothing to pack for &#39;BANANA&#39;" in unknown.text


def test_the_pack_station_refuses_a_wrong_item_then_packs_once_all_are_scanned(
        database: Database, browser: TestClient) -> None:  # noqa: F811
    floor(database)
    fo_id = fulfillment_order_of(order(database, "A-1", {"MUG": 2, "LID": 1}))
    _signed_in(browser, database, "warehouse", locations=["east"])

    wrong = _scan(browser, fo_id, [MUG_GTIN], "TEA").text
    assert "Refused: TEA is not in this order." in wrong
    assert 'data-refused="1"' in wrong
    assert f'name="scanned" value="{MUG_GTIN}"' in wrong
    extra = _scan(browser, fo_id, [MUG_GTIN, "MUG"], MUG_GTIN).text
    assert "Refused: all 2 of MUG are already packed." in extra
    almost = _scan(browser, fo_id, [MUG_GTIN, "MUG"], "ZZZ").text
    assert re.search(r'data-sku="MUG">2 of 2<', almost) and "Pack</button>" not in almost
    complete = _scan(browser, fo_id, [MUG_GTIN, "MUG"], LID_GTIN).text
    assert "All 3 units scanned" in complete
    assert 'Use box <span class="box-code">M</span>' in complete
    assert fulfillment_order_now(database, fo_id)["status"] == "open"

    packed = _post(browser, f"/console/pack/{fo_id}", f"/console/pack/{fo_id}/pack",
                   {"scanned": f"{MUG_GTIN}\nMUG\n{LID_GTIN}", "weight_grams": "870",
                    "box": ""})

    assert packed.status_code == 303 and packed.headers["location"] == f"/console/pack/{fo_id}"
    shown = browser.get(f"/console/pack/{fo_id}").text
    assert "OM-000001 is packed: 1 package (M), 870 g." in shown
    assert f"/console/fulfillment-orders/{fo_id}/packing-slip.pdf" in shown
    after = fulfillment_order_now(database, fo_id)
    assert after["status"] == "packed"
    assert [line["packed_quantity"] for line in after["lines"]] == [2, 1]
    slip = browser.get(f"{QUEUE}/{fo_id}/packing-slip.pdf")
    assert slip.status_code == 200 and slip.content.startswith(b"%PDF")
    page = browser.get(f"{QUEUE}/{fo_id}").text
    assert "MUG \N{MULTIPLICATION SIGN} 2, LID \N{MULTIPLICATION SIGN} 1" in page
    assert "870 g" in page


def test_packing_before_every_unit_is_scanned_is_refused_and_packs_nothing(
        database: Database, browser: TestClient) -> None:  # noqa: F811
    floor(database)
    fo_id = fulfillment_order_of(order(database, "A-1", {"MUG": 2}))
    _signed_in(browser, database, "warehouse", locations=["east"])

    answer = _post(browser, f"/console/pack/{fo_id}", f"/console/pack/{fo_id}/pack",
                   {"scanned": "MUG", "weight_grams": "400"})

    assert answer.status_code == 200
    assert "scans: MUG: 1 more to scan" in answer.text
    assert fulfillment_order_now(database, fo_id)["status"] == "open"


def test_a_support_user_sees_the_queue_but_no_floor_buttons(
        database: Database, browser: TestClient) -> None:  # noqa: F811
    floor(database)
    fo_id = fulfillment_order_of(order(database, "A-1", {"MUG": 1}))
    _signed_in(browser, database, "support")

    page = browser.get(f"{QUEUE}/{fo_id}")

    assert page.status_code == 200 and "Stoneware mug" in page.text
    assert "Start a pick list" not in page.text and "Reject…" not in page.text
    assert 'name="fulfillment_order"' not in browser.get(QUEUE, params={"location": "east"}).text
    assert browser.get("/console/pack").status_code == 403


def test_the_work_queue_pages_on_in_the_same_order(
        database: Database, browser: TestClient,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    floor(database)
    placed = [order(database, "A-1", {"MUG": 1}), order(database, "A-2", {"MUG": 1}, late=True),
              order(database, "A-3", {"LID": 1}, priority=Priority.URGENT)]
    monkeypatch.setattr(routes_fulfillment, "PAGE_SIZE", 2)
    _signed_in(browser, database, "manager")

    first = browser.get(QUEUE, params={"location": "east"}).text
    following = re.search(r'href="(/console/fulfillment-orders\?[^"]*)">Next page', first)
    assert following is not None
    second = browser.get(following.group(1).replace("&amp;", "&")).text

    shown = [re.findall(r'">(OM-\d+)</a>', page) for page in (first, second)]
    assert shown == [[placed[2]["number"], placed[1]["number"]], [placed[0]["number"]]]
    assert "Next page" not in second
