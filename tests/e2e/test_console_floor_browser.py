"""The warehouse floor in a real browser: an order reaches its location's queue, is picked on a
tablet stop by stop (one stop short), then packed at the station by keyboard-wedge scans."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from ordermill.db.engine import Database
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
from tests.e2e.test_console_browser import (  # noqa: F401  (chromium and server are fixtures)
    TABLET,
    TOUCH_TARGET_PX,
    chromium,
    server,
)

pytestmark = pytest.mark.browser
SCREENSHOTS = "ORDERMILL_SCREENSHOTS"  # a directory to keep the pages' pictures in


def _sign_in(page: Page, email: str) -> None:
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign in')")


def _scan(page: Page, code: str) -> None:
    """What a keyboard-wedge scanner does: types the code into the focused field, then Enter."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def _fits_a_tablet(page: Page) -> None:
    assert not page.evaluate("document.body.scrollWidth > window.innerWidth"), page.url
    # A checkbox is touched through its label, which is the target that must be large.
    small = page.evaluate("""min => [...document.querySelectorAll(
        'main button, main .button, main input:not([type=hidden]), main select, main summary')]
        .map(e => e.type === 'checkbox' && e.closest('label') ? e.closest('label') : e)
        .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < min)
        .map(e => e.outerHTML.slice(0, 80))""", TOUCH_TARGET_PX)
    assert small == [], f"{page.url}: touch targets under {TOUCH_TARGET_PX}px: {small}"


def _shot(page: Page, folder: Path, name: str) -> None:
    picture = Path(os.environ.get(SCREENSHOTS) or folder) / f"{name}.png"
    page.screenshot(path=str(picture), full_page=True)
    assert picture.stat().st_size > 10_000


def test_an_order_is_picked_on_a_tablet_and_packed_by_scanning(
        database: Database, server: str, chromium: Browser,  # noqa: F811
        tmp_path: Path) -> None:
    floor(database)
    placed = order(database, "A-1", {"MUG": 2, "LID": 3})
    late = order(database, "A-2", {"TEA": 1}, late=True)
    fo_id = fulfillment_order_of(placed)
    email = user(database, "warehouse", locations=["east"])
    page = chromium.new_page(viewport=TABLET)

    page.goto(f"{server}/console/fulfillment-orders?location=east")
    _sign_in(page, email)
    row = page.locator("tr", has=page.get_by_role("link", name=placed["number"]))
    late_row = page.locator("tr", has=page.get_by_role("link", name=late["number"]))
    expect(row).to_be_visible()
    expect(late_row.locator(".badge-late")).to_have_text("Late")
    expect(row.locator(".badge-late")).to_have_count(0)
    _fits_a_tablet(page)
    _shot(page, tmp_path, "queue-tablet")
    row.get_by_role("checkbox").check()
    page.click("button:has-text('Pick list for selected')")
    expect(page.locator(".flash-success")).to_have_text("PL-000001 is ready: 2 stops, 1 tote.")
    page.click("a:has-text('Walk it')")

    expect(page.locator(".floor-progress")).to_have_text("Stop 1 of 2")
    expect(page.locator(".stop-bin")).to_have_text("A07-04")
    expect(page.locator(".stop-sku")).to_have_text("LID")
    expect(page.locator(".stop-tote")).to_have_text("T1")
    _fits_a_tablet(page)
    _shot(page, tmp_path, "walk-tablet")
    page.click("summary:has-text('Short…')")
    page.get_by_label("How many did you find?").fill("1")
    _fits_a_tablet(page)
    page.click("button:has-text('Confirm count')")
    expect(page.locator(".flash-success")).to_have_text("Stop 1: 1 of 3 LID picked, 2 short.")
    expect(page.locator(".stop-bin")).to_have_text("A03-12")
    page.click("button:has-text('Picked all 2')")
    expect(page.locator(".stop-done .stop-bin")).to_have_text("Done")
    expect(page.locator(".stop-done")).to_contain_text("LID at A07-04: 1 of 3")
    _shot(page, tmp_path, "walk-done-tablet")
    assert pick_list_now(database, 1)["status"] == "completed"
    assert fulfillment_order_now(database, fo_id)["status"] == "picked"

    page.click("a:has-text('Pack station')")
    _fits_a_tablet(page)
    _scan(page, "PL-000001")
    page.wait_for_url(re.compile(f"/console/pack/{fo_id}$"))
    _scan(page, "TEA")
    expect(page.locator(".flash-error")).to_have_text("Refused: TEA is not in this order.")
    assert page.evaluate("document.body.dataset.beeps") == "1"
    expect(page.locator('[data-sku="MUG"]')).to_have_text("0 of 2")
    _fits_a_tablet(page)
    _shot(page, tmp_path, "pack-refused-tablet")
    assert fulfillment_order_now(database, fo_id)["status"] == "picked"
    for code in (MUG_GTIN, "MUG", LID_GTIN):  # as fast as the scanner reads them
        _scan(page, code)
    expect(page.locator(".weigh h2")).to_have_text("All 3 units scanned")
    expect(page.locator(".box-code")).to_have_text("M")
    expect(page.locator('[data-sku="LID"]')).to_have_text("1 of 1")
    _fits_a_tablet(page)
    _shot(page, tmp_path, "pack-weigh-tablet")
    _scan(page, "870")  # the scale types its reading into the focused weight field

    expect(page.locator(".flash-success")).to_have_text(
        f"{placed['number']} is packed: 1 package (M), 870 g.")
    expect(page.get_by_role("link", name="Print packing slip (PDF)")).to_be_visible()
    _shot(page, tmp_path, "packed-tablet")
    packed = fulfillment_order_now(database, fo_id)
    assert packed["status"] == "packed"
    assert [(line["sku"], line["packed_quantity"]) for line in packed["lines"]] == [
        ("MUG", 2), ("LID", 1)]
    assert page.evaluate("document.body.dataset.beeps") is None  # a new page: no refusals
