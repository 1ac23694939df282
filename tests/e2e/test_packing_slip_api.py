"""The packing slip PDF: merchant, order number with a barcode that scans, ship-to, lines,
return terms."""

from __future__ import annotations

from collections import Counter
from io import BytesIO

import pypdfium2 as pdfium
import pytest
import zxingcpp
from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.e2e.packing_world import (
    order_for_packing,
    shop,  # noqa: F401  (a fixture, named in usefixtures)
)


@pytest.mark.usefixtures("shop")
def test_the_packing_slip_names_the_merchant_order_ship_to_and_lines_and_its_barcode_scans(
        admin: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERMILL_MERCHANT_NAME", "Acme & Sons")
    monkeypatch.setenv("ORDERMILL_RETURN_INSTRUCTIONS", "Send it back within 14 days.")
    fulfillment_order_id = order_for_packing(admin, {"MUG": 2, "KETTLE": 1})
    fulfillment_order = admin.get(f"/api/v1/fulfillment-orders/{fulfillment_order_id}").json()
    number = fulfillment_order["order_number"]
    placed = admin.get(f"/api/v1/orders/{fulfillment_order['order_id']}").json()["placed_at"]

    response = admin.get(f"/api/v1/fulfillment-orders/{fulfillment_order_id}/packing-slip.pdf")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    [page] = PdfReader(BytesIO(response.content)).pages
    assert [line.strip() for line in page.extract_text().splitlines()] == [
        f"Packing slip {number} · Page 1 of 1",
        "Acme & Sons", "Ada Buyer", "1 Main St", "Springfield 12345", "US",
        f"Order {number}", f"Placed {placed[:10]}",
        "Ship to", "Ada Buyer", "1 Main St", "Springfield 12345", "US",
        "SKU", "Item", "Quantity",
        "MUG", "Stoneware mug", "2",
        "KETTLE", "Kettle", "1",
        "Returns", "Send it back within 14 days."]
    scans = [Counter(found.text for found in zxingcpp.read_barcodes(
        rendered.render(scale=3).to_pil())) for rendered in pdfium.PdfDocument(response.content)]
    assert scans == [Counter([number])]


@pytest.mark.usefixtures("shop")
def test_without_settings_the_packing_slip_is_from_ordermill_with_default_return_terms(
        admin: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORDERMILL_MERCHANT_NAME", raising=False)
    monkeypatch.delenv("ORDERMILL_RETURN_INSTRUCTIONS", raising=False)
    fulfillment_order_id = order_for_packing(admin, {"MUG": 1})

    response = admin.get(f"/api/v1/fulfillment-orders/{fulfillment_order_id}/packing-slip.pdf")

    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert text.splitlines()[1].strip() == "ordermill"
    assert "Not what you wanted? Tell us within 30 days" in text
