"""Pick lists and packing slips as PDFs: the text a picker or a customer reads, page by page, and
what every barcode scans to when the page is rendered at about 216 dpi."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from ordermill.fulfillment.documents import (
    PackingSlip,
    PickListDocument,
    PickStop,
    SlipLine,
    packing_slip_pdf,
    pick_list_pdf,
)

CREATED = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
RETURNS = "Return unused items within 30 days.\nUse the enclosed label & <tape>."


def _stop(sequence: int, **changes: Any) -> PickStop:
    sku = f"SKU-{sequence:04d}"
    return replace(PickStop(sequence=sequence, bin=f"A{sequence % 7:02d}-{sequence:03d}", sku=sku,
                            description=f"Widget {sequence}", quantity=sequence % 5 + 1,
                            tote=f"T{sequence % 3}", barcode=sku), **changes)


def _pick_list(stops: list[PickStop]) -> PickListDocument:
    return PickListDocument(code="PL-000012", location="WH-EAST", created_at=CREATED,
                            route_length_m=142.0, s_shape_length_m=188.54, stops=stops)


def _slip(lines: list[SlipLine]) -> PackingSlip:
    return PackingSlip(
        merchant_name="Acme & Sons <Ltd>", merchant_address=["1 Main St", "Springfield, IL 62701"],
        order_number="OM-000123", placed_at=CREATED,
        ship_to=["Jane Doe", "2 Elm St", "Shelbyville"], lines=lines, return_instructions=RETURNS)


def _page_lines(pdf: bytes) -> list[list[str]]:
    return [[line.strip() for line in page.extract_text().splitlines()]
            for page in PdfReader(BytesIO(pdf)).pages]


def _scans(pdf: bytes) -> list[Counter[str]]:
    """What the barcodes of each page decode to, the page rendered at scale 3 (216 dpi)."""
    return [Counter(found.text for found in zxingcpp.read_barcodes(page.render(scale=3).to_pil()))
            for page in pdfium.PdfDocument(pdf)]


def test_a_pick_list_prints_its_header_then_one_row_a_stop_in_walking_order() -> None:
    stops = [_stop(3), _stop(1, tote=None), _stop(2)]

    pages = _page_lines(pick_list_pdf(_pick_list(stops)))

    assert pages == [[
        "Pick list PL-000012", "Location WH-EAST", "Created 2025-03-14 09:30 UTC",
        "Route 142.0 m (S-shape 188.5 m)", "Page 1 of 1",
        "#", "Bin", "SKU", "Description", "Qty", "Tote", "Scan",
        "3", "A03-003", "SKU-0003", "Widget 3", "4", "T0",
        "1", "A01-001", "SKU-0001", "Widget 1", "2", "—",
        "2", "A02-002", "SKU-0002", "Widget 2", "3", "T2",
    ]]


def test_the_list_code_and_every_stops_gtin_or_sku_scan_to_exactly_their_values() -> None:
    stops = [_stop(1, barcode="4006381333931"), _stop(2, barcode="04006381333931"),
             _stop(3, barcode="96385074"), _stop(4, barcode="036000291452"), _stop(5),
             _stop(6, sku="MUG<&>1", barcode="MUG<&>1")]

    scans = _scans(pick_list_pdf(_pick_list(stops)))

    assert scans == [Counter(["PL-000012", "4006381333931", "04006381333931", "96385074",
                              "036000291452", "SKU-0005", "MUG<&>1"])]


def test_markup_characters_from_users_are_printed_literally() -> None:
    stops = [_stop(1, bin="B<1>", sku="MUG<&>1", description="Tom & Jerry <b>mug</b>",
                   tote="<T&1>")]

    pages = _page_lines(pick_list_pdf(_pick_list(stops)))

    assert pages[0][-6:] == ["1", "B<1>", "MUG<&>1", "Tom & Jerry <b>mug</b>", "2", "<T&1>"]


def test_a_description_too_long_for_its_column_is_cut_to_one_line_with_an_ellipsis() -> None:
    description = "Stainless steel vacuum flask, double walled, 750 ml, bamboo lid"
    stops = [_stop(1, description=description)]

    pages = _page_lines(pick_list_pdf(_pick_list(stops)))

    assert pages[0][-3] == "Stainless steel vacuum flask, double walled, 7…"


def test_a_barcode_too_long_for_its_column_is_narrowed_to_fit_and_still_scans() -> None:
    long_sku = "FLASK-750-BRUSHED-BAMBOO"
    stops = [_stop(1, sku=long_sku, barcode=long_sku)]

    scans = _scans(pick_list_pdf(_pick_list(stops)))

    assert scans == [Counter(["PL-000012", long_sku])]


def test_a_120_stop_pick_list_runs_over_pages_that_each_repeat_the_header() -> None:
    stops = [_stop(sequence) for sequence in range(1, 121)]

    pages = _page_lines(pick_list_pdf(_pick_list(stops)))

    assert len(pages) == 11
    for number, lines in enumerate(pages, start=1):
        assert lines[:5] == ["Pick list PL-000012", "Location WH-EAST",
                             "Created 2025-03-14 09:30 UTC", "Route 142.0 m (S-shape 188.5 m)",
                             f"Page {number} of 11"]
        assert lines[5:12] == ["#", "Bin", "SKU", "Description", "Qty", "Tote", "Scan"]
    printed = [line for lines in pages for line in lines if line.startswith("SKU-")]
    assert printed == [stop.sku for stop in stops]


def test_every_page_of_a_long_pick_list_scans_its_code_and_all_pages_every_stop_once() -> None:
    stops = [_stop(sequence) for sequence in range(1, 121)]

    scans = _scans(pick_list_pdf(_pick_list(stops)))

    assert [page["PL-000012"] for page in scans] == [1] * 11
    assert sum((page - Counter(["PL-000012"]) for page in scans), Counter()) == Counter(
        stop.barcode for stop in stops)


@pytest.mark.parametrize("barcode", ["", "CAFÉ-1", "TAB\tSKU"])
def test_a_barcode_value_code_128_cannot_carry_is_refused(barcode: str) -> None:
    with pytest.raises(ValueError, match="Code 128 cannot carry"):
        pick_list_pdf(_pick_list([_stop(1, barcode=barcode)]))


def test_the_same_document_renders_to_the_same_bytes() -> None:
    document = _pick_list([_stop(1), _stop(2)])
    slip = _slip([SlipLine("SKU-0001", "Widget", 1)])

    assert pick_list_pdf(document) == pick_list_pdf(document)
    assert packing_slip_pdf(slip) == packing_slip_pdf(slip)


def test_a_packing_slip_prints_merchant_order_ship_to_lines_and_return_instructions() -> None:
    lines = [SlipLine("MUG<&>1", "Tom & Jerry <b>mug</b>", 2), SlipLine("SKU-0002", "Widget", 1)]

    pages = _page_lines(packing_slip_pdf(_slip(lines)))

    assert pages == [[
        "Packing slip OM-000123 · Page 1 of 1",
        "Acme & Sons <Ltd>", "1 Main St", "Springfield, IL 62701",
        "Order OM-000123", "Placed 2025-03-14",
        "Ship to", "Jane Doe", "2 Elm St", "Shelbyville",
        "SKU", "Item", "Quantity",
        "MUG<&>1", "Tom & Jerry <b>mug</b>", "2",
        "SKU-0002", "Widget", "1",
        "Returns", "Return unused items within 30 days.", "Use the enclosed label & <tape>.",
    ]]


def test_a_packing_slips_order_number_barcode_scans_to_the_order_number() -> None:
    scans = _scans(packing_slip_pdf(_slip([SlipLine("SKU-0001", "Widget", 1)])))

    assert scans == [Counter(["OM-000123"])]


def test_a_long_packing_slip_runs_over_pages_with_every_line_once_and_returns_last() -> None:
    lines = [SlipLine(f"SKU-{number:04d}", f"Widget {number}", number % 4 + 1)
             for number in range(1, 121)]

    pages = _page_lines(packing_slip_pdf(_slip(lines)))

    assert len(pages) == 4
    assert [page[0] for page in pages] == [
        f"Packing slip OM-000123 · Page {number} of 4" for number in (1, 2, 3, 4)]
    assert [page[1:4] for page in pages[1:]] == [["SKU", "Item", "Quantity"]] * 3
    printed = [line for lines in pages for line in lines if line.startswith("SKU-")]
    assert printed == [line.sku for line in lines]
    assert pages[-1][-3:] == ["Returns", "Return unused items within 30 days.",
                              "Use the enclosed label & <tape>."]
