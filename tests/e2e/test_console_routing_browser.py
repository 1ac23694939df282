"""A channel's routing page and an order's routing in a real browser: they fit a tablet and a
desktop without sideways scrolling, every control large enough to touch, before and after a
what-if."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from ordermill.accounts.service import create_user
from ordermill.db.engine import Database
from tests import builders
from tests.e2e.test_console_browser import (  # noqa: F401  (chromium and server are fixtures)
    DESKTOP,
    PASSWORD,
    TABLET,
    TOUCH_TARGET_PX,
    chromium,
    server,
)
from tests.e2e.test_console_routing import RULES_PAGE, _order, _split_shop

pytestmark = pytest.mark.browser
SCREENSHOTS = "ORDERMILL_SCREENSHOTS"  # a directory to keep the pages' pictures in


def _fits(page: Page, width: str) -> None:
    assert not page.evaluate("document.body.scrollWidth > window.innerWidth"), (
        f"{page.url} is wider than a {width}")
    # A checkbox or radio button is touched through its label: that is the target to measure.
    small = page.evaluate("""min => [...document.querySelectorAll(
        'main button, main .button, main input:not([type=hidden]), main select, main summary')]
        .map(e => ['checkbox', 'radio'].includes(e.type) && e.closest('label')
                  ? e.closest('label') : e)
        .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < min)
        .map(e => e.outerHTML.slice(0, 80))""", TOUCH_TARGET_PX)
    assert small == [], f"{page.url} at {width} width: touch targets under 44px: {small}"


def _shot(page: Page, folder: Path, name: str) -> None:
    picture = Path(os.environ.get(SCREENSHOTS) or folder) / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")  # else the sticky top bar lands mid-picture
    page.screenshot(path=str(picture), full_page=True)
    assert picture.stat().st_size > 10_000


def test_the_routing_pages_fit_a_tablet_and_a_desktop_with_large_touch_targets(
        database: Database, server: str, chromium: Browser, tmp_path: Path) -> None:  # noqa: F811
    _split_shop(database)
    orders = [_order(database, f"A-{number}", {"MUG": 1, "LID": 1}) for number in range(3)]
    create_user(builders.uow(database), email="lead@example.com", name="Ops lead",
                role="manager", password=PASSWORD)
    page = chromium.new_page(viewport=TABLET)
    page.goto(f"{server}{RULES_PAGE}")
    page.fill("input[name=email]", "lead@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign in')")
    assert page.url == f"{server}{RULES_PAGE}"

    for name, viewport in (("tablet", TABLET), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        _fits(page, name)
        _shot(page, tmp_path, f"routing-rules-{name}")

    page.check("input[name=policy][value=allow_splits]")
    page.uncheck("input[name=use_fewest_shipments]")
    page.click("button:has-text('Compare with live rules')")
    results = page.locator("#what-if")
    expect(results.locator("thead th")).to_have_text(["Measure", "Live rules", "Draft",
                                                      "Change"])
    expect(results.locator("tr", has_text="Shipments").locator("td")).to_have_text(
        ["3", "6", "+3"])
    expect(page.locator("input[name=policy][value=allow_splits]")).to_be_checked()
    for name, viewport in (("tablet", TABLET), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        _fits(page, name)
        _shot(page, tmp_path, f"routing-what-if-{name}")

    page.goto(f"{server}/console/orders/{orders[0]['id']}")
    expect(page.locator("#routing table.candidates tr.winner th")).to_have_text("west")
    for name, viewport in (("tablet", TABLET), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        _fits(page, name)
        _shot(page, tmp_path, f"order-routing-{name}")
