"""The console in a real browser: Debian's headless Chromium against a real uvicorn server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from ordermill.accounts.service import create_user
from ordermill.db.engine import Database
from ordermill.orders import queries as orders
from ordermill.orders.intake import place_order
from ordermill.web import build
from tests import builders
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "correct horse battery"
TABLET = {"width": 820, "height": 1180}
DESKTOP = {"width": 1440, "height": 900}
TOUCH_TARGET_PX = 44


@pytest.fixture
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests drive Debian's Chromium, and {CHROMIUM} is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server(database: Database) -> Iterator[str]:
    with LiveServer(build(database)) as live:
        yield live.url


def _shop_with_an_order(database: Database) -> dict[str, Any]:
    builders.location(database, "east")
    builders.product(database, "MUG", name="Stoneware mug", default_price=1500)
    builders.channel(database, "web", ["east"])
    builders.stock(database, "MUG", "east", 5)
    create_user(builders.uow(database), email="desk@example.com", name="Order desk",
                role="support", password=PASSWORD)
    return place_order(builders.uow(database), builders.order_input(
        "web", "A-1", {"MUG": 2}, unit_price=1500)).order


def _sign_in(page: Page) -> None:
    page.fill("input[name=email]", "desk@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign in')")


def _overflows(page: Page) -> bool:
    return bool(page.evaluate("document.body.scrollWidth > window.innerWidth"))


def test_the_order_desk_places_a_hold_and_sees_it_on_the_timeline(
        database: Database, server: str, chromium: Browser) -> None:
    order = _shop_with_an_order(database)
    page = chromium.new_page(viewport=DESKTOP)
    page.goto(f"{server}/console/orders/{order['id']}")
    _sign_in(page)
    assert page.url == f"{server}/console/orders/{order['id']}"
    page.select_option("select[name=reason]", "fraud_review")
    page.fill("input[name=note]", "billing and shipping far apart")
    page.click("button:has-text('Place hold')")
    assert page.inner_text(".flash-success") == f"{order['number']} is on hold (Fraud review)."
    newest = page.inner_text(".timeline li:first-child")
    assert "Hold placed" in newest
    assert "Reason: Fraud review" in newest
    assert "Note: billing and shipping far apart" in newest
    assert page.inner_text(".page-head .badge-on_hold") == "On hold"
    with database.reading() as connection:
        stored = orders.get_order(connection, order["id"])
    assert stored is not None and stored["status"] == "on_hold"
    page.reload()
    assert page.locator(".flash").count() == 0


def test_the_console_fits_a_tablet_without_sideways_scrolling(
        database: Database, server: str, chromium: Browser, tmp_path: Path) -> None:
    order = _shop_with_an_order(database)
    page = chromium.new_page(viewport=TABLET)
    page.goto(f"{server}/console/login")
    _sign_in(page)
    for path in ("/console/", "/console/orders", f"/console/orders/{order['id']}",
                 "/console/inventory", "/console/inventory/east/MUG",
                 "/console/inventory/ledger", "/console/products", "/console/locations",
                 "/console/channels", "/console/channels/web"):
        page.goto(f"{server}{path}")
        assert not _overflows(page), f"{path} is wider than a tablet"
    page.goto(f"{server}/console/orders/{order['id']}")
    screenshot = tmp_path / "order-on-tablet.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    button = page.locator("button:has-text('Place hold')").bounding_box()
    assert button is not None and button["height"] >= TOUCH_TARGET_PX


def test_the_navigation_folds_into_a_menu_on_a_tablet(database: Database, server: str,
                                                      chromium: Browser) -> None:
    _shop_with_an_order(database)
    page = chromium.new_page(viewport=TABLET)
    page.goto(f"{server}/console/login")
    _sign_in(page)
    inventory_link = page.locator("nav.nav a:has-text('Inventory')")
    assert not inventory_link.is_visible()
    page.click("label:has-text('Menu')")
    assert inventory_link.is_visible()
    inventory_link.click()
    assert page.url == f"{server}/console/inventory"
    page.set_viewport_size(DESKTOP)
    assert page.locator("nav.nav a:has-text('Orders')").is_visible()
    assert not page.locator("label:has-text('Menu')").is_visible()
