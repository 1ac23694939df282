"""Routing in the console over HTTP: an order's decisions on its page, a channel's rules read,
changed, refused when wrong and kept from those who may not change them, and the what-if that
replays past orders under the form's draft beside the live rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ordermill.channels.repository import channel_by_code
from ordermill.db.engine import Database
from ordermill.fulfillment.service import reject_fulfillment_order
from ordermill.orders.intake import place_order
from ordermill.routing import postal
from ordermill.routing import queries as routing
from ordermill.shared.clock import utcnow
from ordermill.web import build
from tests import builders
from tests.e2e.test_bad_input import footprint
from tests.e2e.test_console import _post, _signed_in, _token_on
from tests.e2e.test_routing_api import EVERY_FILTER, _rules_changes, _three_locations

RULES_PAGE = "/console/channels/web/routing"
WHAT_IF = f"{RULES_PAGE}/what-if"
CRITERIA = ("fewest_shipments", "distance", "shipping_cost", "priority", "performance")


@pytest.fixture
def browser(database: Database) -> Iterator[TestClient]:
    with TestClient(build(database), follow_redirects=False) as client:
        yield client


def _order(database: Database, external_id: str, lines: dict[str, int]) -> dict[str, Any]:
    return place_order(builders.uow(database),
                       builders.order_input("web", external_id, lines)).order


def _shipped_from(order: dict[str, Any]) -> dict[str, dict[str, int]]:
    shipped: dict[str, dict[str, int]] = {}
    for line in order["lines"]:
        for reservation in line["reservations"]:
            shipped.setdefault(reservation["location"], {})[line["sku"]] = (
                reservation["quantity"])
    return shipped


def _near_new_york(database: Database) -> None:
    """Three locations; the buyer's ZIP (12345) is near east. Read as a running server reads
    it at start: until a country's codes are read, an address lies at the country's centre."""
    _three_locations(database)
    postal.warm(["US"])


def _split_shop(database: Database) -> None:
    """east, first by priority, has only mugs; west has mugs and lids."""
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


def _fields(policy: str, preferences: dict[str, tuple[str, str]],
            filters: tuple[str, ...] | list[str] = tuple(EVERY_FILTER), split_penalty: str = "500",
            **more: str) -> dict[str, Any]:
    """The rules form as a browser sends it: `preferences` are the ticked criteria with their
    weight and order number; the others keep a weight of 1 and no number."""
    fields: dict[str, Any] = {"policy": policy, "filters": list(filters),
                              "split_penalty": split_penalty, **more}
    for criterion in CRITERIA:
        weight, place = preferences.get(criterion, ("1", ""))
        fields[f"weight_{criterion}"], fields[f"place_{criterion}"] = weight, place
        if criterion in preferences:
            fields[f"use_{criterion}"] = "yes"
    return fields


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _rows(html: str, table_class: str) -> list[list[str]]:
    """Each body row of the first table with the class, as the text of its cells."""
    found = re.search(rf'<table class="[^"]*\b{table_class}\b[^"]*">(.*?)</table>', html, re.S)
    assert found is not None, f"no {table_class} table"
    body = found.group(1).split("<tbody>")[1]
    return [[_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def _routing_section(html: str) -> str:
    return html.split('id="routing"')[1].split('class="panel order-timeline"')[0]


def _rules_now(database: Database) -> dict[str, Any]:
    with database.reading() as connection:
        channel = channel_by_code(connection, "web")
        assert channel is not None
        return routing.rules_view(connection, channel.id, "web")


def test_the_order_page_shows_every_location_weighed_with_its_scores_and_the_reason(
        database: Database, browser: TestClient) -> None:
    _near_new_york(database)
    order = _order(database, "A-1", {"MUG": 1})
    _signed_in(browser, database, "support")

    page = browser.get(f"/console/orders/{order['id']}")

    assert page.status_code == 200
    section = _routing_section(page.text)
    assert "When the order was placed" in section and "policy: ship complete" in section
    assert ("Why: east ships every line, with the best score of the 2 that can (score 0.83: "
            "fewest_shipments 1.00, distance 1.00, shipping_cost 0.50, priority 0.00, "
            "performance 0.50)") in _text(section)
    headers = re.findall(r"<th[^>]*>([^<]+)</th>", section.split("<tbody>")[0])
    assert headers == ["Location", "Outcome", "Fewest shipments", "Distance", "Shipping cost",
                       "Priority", "Performance", "Total"]
    assert _rows(section, "candidates") == [
        ["east", "Ships MUG \N{MULTIPLICATION SIGN} 1", "1.00", "1.00", "0.50", "0.00",
         "0.50", "0.83"],
        ["west", "Weighed, not chosen", "1.00", "0.00", "0.50", "1.00", "0.50", "0.67"],
        ["north", "Left out: no stock for any line", "0.00", "0.50", "0.50", "0.00", "0.50",
         "0.17"]]
    assert re.findall(r'<tr class="(\w+)">', section) == ["winner", "weighed", "excluded"]


def test_the_newest_routing_decision_comes_first(database: Database,
                                                 browser: TestClient) -> None:
    _near_new_york(database)
    order = _order(database, "A-1", {"MUG": 1})
    at_east = order["lines"][0]["reservations"][0]["fulfillment_order_id"]
    reject_fulfillment_order(builders.uow(database), at_east, "shelf empty")
    _signed_in(browser, database, "support")

    section = _routing_section(browser.get(f"/console/orders/{order['id']}").text)

    assert re.findall(r"<h3>([^<]+)</h3>", section) == ["After a location rejected it",
                                                        "When the order was placed"]
    newest, first = section.split('<article class="decision">')[1:]
    assert 'badge-current">Current<' in newest and "badge-current" not in first
    assert [row[:2] for row in _rows(newest, "candidates") if row[1].startswith("Ships")] == [
        ["west", "Ships MUG \N{MULTIPLICATION SIGN} 1"]]
    assert [row[:2] for row in _rows(first, "candidates") if row[1].startswith("Ships")] == [
        ["east", "Ships MUG \N{MULTIPLICATION SIGN} 1"]]


def test_saved_rules_are_shown_and_route_the_next_order(database: Database,
                                                       browser: TestClient) -> None:
    _split_shop(database)
    complete = _order(database, "A-1", {"MUG": 1, "LID": 1})
    _signed_in(browser, database, "manager")
    assert "Never: these are ordermill's defaults." in browser.get(RULES_PAGE).text

    saved = _post(browser, RULES_PAGE, RULES_PAGE, _fields(
        "allow_splits", {"priority": ("1", "1"), "distance": ("0", "2")},
        filters=("has_stock", "ships_to_destination"), split_penalty="250"))
    split = _order(database, "A-2", {"MUG": 1, "LID": 1})

    assert saved.status_code == 303
    assert saved.headers["location"] == RULES_PAGE
    rules = _rules_now(database)
    assert {key: rules[key] for key in ("policy", "rules", "filters", "split_penalty",
                                        "default", "updated_by")} == {
        "policy": "allow_splits",
        "rules": [{"criterion": "priority", "weight": 1.0},
                  {"criterion": "distance", "weight": 0.0}],
        "filters": ["has_stock", "ships_to_destination"], "split_penalty": 250,
        "default": False, "updated_by": rules["updated_by"]}
    assert rules["updated_by"].endswith("manager@example.com")
    assert _shipped_from(complete) == {"west": {"MUG": 1, "LID": 1}}
    assert _shipped_from(split) == {"east": {"MUG": 1}, "west": {"LID": 1}}
    shown = _text(browser.get(RULES_PAGE).text)
    assert "Routing rules for web saved: they apply to the next order." in shown
    assert ("Policy Allow splits Each line from the best-scoring location that has it, even "
            "if that means several shipments. Preferences Priority · weight 1 Distance · "
            "weight 0 Earlier ones break ties.") in shown
    assert "by user:" in shown and "manager@example.com" in shown
    order_page = _routing_section(browser.get(f"/console/orders/{split['id']}").text)
    assert "each line from the best-scoring location that has it: east, west" in order_page


BAD_FORMS = {
    "weight above 100": ({"priority": ("101", "1")}, {}, "weight_priority",
                         "a number from 0 to 100"),
    "no preference ticked": ({}, {}, "rules", "choose at least one preference"),
    "weight not a number": ({"distance": ("heavy", "1")}, {}, "weight_distance",
                            "a number from 0 to 100"),
    "two with one number": ({"priority": ("1", "1"), "distance": ("1", "1")}, {},
                            "place_priority", "distance is number 1 too; give each its own"),
    "number beyond the list": ({"priority": ("1", "6")}, {}, "place_priority",
                               "a whole number from 1 to 5"),
    "split penalty in words": ({"priority": ("1", "1")}, {"split_penalty": "lots"},
                               "split_penalty", "must be a whole number"),
    "split penalty too large": ({"priority": ("1", "1")}, {"split_penalty": "10000001"},
                                "split_penalty", "minor units from 0 to 10000000"),
    "unknown policy": ({"priority": ("1", "1")}, {"policy": "cheapest"}, "policy",
                       "one of ship_complete, allow_splits, hold_until_complete"),
}


@pytest.mark.parametrize(("preferences", "changes", "field", "message"), BAD_FORMS.values(),
                         ids=BAD_FORMS.keys())
def test_wrong_rules_are_marked_at_their_field_and_change_nothing(
        database: Database, browser: TestClient, preferences: dict[str, tuple[str, str]],
        changes: dict[str, str], field: str, message: str) -> None:
    _split_shop(database)
    _signed_in(browser, database, "manager")
    before = _rules_now(database)

    sent = {**_fields("allow_splits", preferences), **changes}

    refused = _post(browser, RULES_PAGE, RULES_PAGE, sent)

    assert refused.status_code == 422
    assert re.findall(r'<p class="field-error" id="error-([\w]+)">([^<]+)</p>',
                      refused.text) == [(field, message)]
    assert "The draft was not saved: fix the fields marked below." in refused.text
    for name, value in sent.items():  # the form comes back as it was sent
        if name.startswith(("weight_", "split_penalty")):
            assert f'name="{name}" value="{value}"' in refused.text
    assert _rules_now(database) == before
    assert _rules_changes(database) == ([], [], [])


def test_a_role_that_may_not_change_routing_sees_the_rules_but_no_form(
        database: Database, browser: TestClient) -> None:
    _split_shop(database)
    _signed_in(browser, database, "support")

    page = browser.get(RULES_PAGE)
    posted = browser.post(RULES_PAGE, data={
        **_fields("allow_splits", {"priority": ("1", "1")}), "csrf_token": _token_on(page.text)})

    assert page.status_code == 200
    assert "Current rules" in page.text and "Ship complete" in page.text
    assert "Save rules" not in page.text and 'name="policy"' not in page.text
    assert "may view these rules but not change them" in page.text
    assert (posted.status_code, "may not change routing" in posted.text) == (403, True)
    assert _rules_changes(database) == ([], [], [])
    channel_page = browser.get("/console/channels/web").text
    assert f'href="{RULES_PAGE}">Routing rules<' in channel_page


def test_a_role_without_routing_at_all_cannot_open_the_page(database: Database,
                                                           browser: TestClient) -> None:
    _split_shop(database)
    _signed_in(browser, database, "warehouse", locations=["east"])

    assert browser.get(RULES_PAGE).status_code == 403


def test_rules_posted_without_the_sessions_token_are_refused(database: Database,
                                                             browser: TestClient) -> None:
    _split_shop(database)
    _signed_in(browser, database, "manager")
    fields = _fields("allow_splits", {"priority": ("1", "1")})

    missing = browser.post(RULES_PAGE, data=fields)
    forged = browser.post(RULES_PAGE, data={**fields, "csrf_token": "forged"})
    compared = browser.post(WHAT_IF, data=fields)

    assert [r.status_code for r in (missing, forged, compared)] == [403, 403, 403]
    assert "Form expired" in forged.text
    assert _rules_changes(database) == ([], [], [])


def test_the_what_if_shows_the_live_rules_and_the_draft_side_by_side_and_changes_nothing(
        database: Database, browser: TestClient) -> None:
    _split_shop(database)
    for number in range(4):
        _order(database, f"A-{number}", {"MUG": 1, "LID": 1})
    _signed_in(browser, database, "manager")
    today = utcnow().date()
    yesterday, today_text = (today - timedelta(days=1)).isoformat(), today.isoformat()
    before = footprint(database), _rules_changes(database)

    shown = _post(browser, RULES_PAGE, WHAT_IF, _fields(
        "allow_splits", {"priority": ("1", "1")}, placed_from=yesterday, placed_to=today_text))

    assert shown.status_code == 200
    assert (footprint(database), _rules_changes(database)) == before
    assert re.findall(r"<th[^>]*>([^<]+)</th>", shown.text.split('id="what-if"')[1]
                      .split("<tbody>")[0]) == ["Measure", "Live rules", "Draft", "Change"]
    rows = _rows(shown.text, "what-if-table")
    assert [row for row in rows if row[0] != "Average distance"] == [
        ["Orders", "4", "4", "same"],
        ["Shipments", "4", "8", "+4"],
        ["Split rate", "0.0%", "100.0%", "+100.0 points"],
        ["Estimated shipping cost", "2,800", "4,800", "+2,000"],
        ["Unserved orders", "0", "0", "same"]]
    assert [row[0] for row in rows].count("Average distance") == 1
    assert f"4 orders placed {yesterday} to {today_text}" in _text(shown.text)
    assert 'value="allow_splits" checked' in shown.text  # the draft stays in the form
    assert _rules_now(database)["default"] is True


def test_a_what_if_over_a_reversed_period_or_wrong_rules_says_why(database: Database,
                                                                  browser: TestClient) -> None:
    _split_shop(database)
    _signed_in(browser, database, "manager")

    reversed_period = _post(browser, RULES_PAGE, WHAT_IF, _fields(
        "allow_splits", {"priority": ("1", "1")}, placed_from="2024-05-10",
        placed_to="2024-05-01"))
    wrong_rules = _post(browser, RULES_PAGE, WHAT_IF, _fields(
        "allow_splits", {"priority": ("101", "1")}, placed_from="2024-05-01",
        placed_to="not a day"))

    assert (reversed_period.status_code, wrong_rules.status_code) == (422, 422)
    assert "The draft was not compared" in reversed_period.text
    assert re.findall(r'id="error-([\w]+)">([^<]+)<', reversed_period.text) == [
        ("placed_to", "a period after `from`, of at most 92 days")]
    assert re.findall(r'id="error-([\w]+)">([^<]+)<', wrong_rules.text) == [
        ("weight_priority", "a number from 0 to 100"),
        ("placed_to", "must be a day as YYYY-MM-DD")]
    assert 'id="what-if"' not in reversed_period.text + wrong_rules.text
