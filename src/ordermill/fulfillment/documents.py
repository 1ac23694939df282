"""The warehouse's printed documents as PDFs: pick lists and packing slips. It lays out what it is
given; choosing stops, routes and barcode values is the caller's job."""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

# A4, the ISO sheet. A Letter printer's "fit to page" shrinks it by 6 %, which still leaves bars
# of 0.38 mm: wide enough for any handheld scanner and for a 200 dpi render.
PICK_PAGE = landscape(A4)  # landscape: a line's barcode needs ~90 mm beside the text columns
SLIP_PAGE = A4
MARGIN = 12 * mm
BAR_WIDTH = 0.4 * mm
# Code 128's own minimum quiet zone; reportlab's default of 1/4 inch a side would eat the column.
QUIET_MODULES = 10
CELL_PADDING = 1.5 * mm
NO_TOTE = "—"

_Decorate = Callable[[Any, int, int], None]  # (canvas, page, pages)

TEXT = ParagraphStyle("text", fontName="Helvetica", fontSize=9, leading=11)
BOLD = ParagraphStyle("bold", parent=TEXT, fontName="Helvetica-Bold")
QUANTITY = ParagraphStyle("quantity", parent=BOLD, fontSize=13, leading=15)
TITLE = ParagraphStyle("title", parent=BOLD, fontSize=14, leading=18)


@dataclass(frozen=True)
class PickStop:
    sequence: int
    bin: str
    sku: str
    description: str
    quantity: int
    tote: str | None
    barcode: str  # what the line's barcode encodes: the product's GTIN, else its sku


@dataclass(frozen=True)
class PickListDocument:
    code: str
    location: str
    created_at: datetime
    route_length_m: float
    s_shape_length_m: float
    stops: list[PickStop]  # in walking order


@dataclass(frozen=True)
class SlipLine:
    sku: str
    name: str
    quantity: int


@dataclass(frozen=True)
class PackingSlip:
    merchant_name: str
    merchant_address: list[str]
    order_number: str
    placed_at: datetime
    ship_to: list[str]
    lines: list[SlipLine]
    return_instructions: str


def pick_list_pdf(document: PickListDocument) -> bytes:
    """The pick list, one row a stop in walking order, under a header repeated on every page."""
    return _render(lambda: [_stops_table(document.stops)], _pick_list_header(document),
                   page_size=PICK_PAGE, header_height=26 * mm, title=f"Pick list {document.code}")


def packing_slip_pdf(slip: PackingSlip) -> bytes:
    """The packing slip that travels in the parcel; every page names the order."""
    return _render(lambda: _slip_story(slip), _slip_header(slip),
                   page_size=SLIP_PAGE, header_height=8 * mm,
                   title=f"Packing slip {slip.order_number}")


# Pick list ---------------------------------------------------------------------------------------

# Widths of #, bin, sku, description, quantity, tote and barcode: the page's 273 mm between margins.
PICK_COLUMNS = [10 * mm, 26 * mm, 40 * mm, 71 * mm, 14 * mm, 22 * mm, 90 * mm]


def _pick_list_header(document: PickListDocument) -> _Decorate:
    facts = [f"Location {document.location}", f"Created {_time(document.created_at)}",
             f"Route {document.route_length_m:.1f} m "
             f"(S-shape {document.s_shape_length_m:.1f} m)"]

    def draw(canvas: Any, page: int, pages: int) -> None:
        width, height = PICK_PAGE
        top = height - MARGIN
        canvas.setFont("Helvetica-Bold", 16)
        canvas.drawString(MARGIN, top - 16, f"Pick list {document.code}")
        _barcode(document.code, max_width=120 * mm, height=12 * mm).drawOn(
            canvas, MARGIN, top - 22 - 12 * mm)
        canvas.setFont("Helvetica", 10)
        for index, line in enumerate([*facts, f"Page {page} of {pages}"]):
            canvas.drawRightString(width - MARGIN, top - 12 - 14 * index, line)

    return draw


def _stops_table(stops: list[PickStop]) -> Table:
    description_width = PICK_COLUMNS[3] - 2 * CELL_PADDING
    barcode_width = PICK_COLUMNS[6] - 2 * CELL_PADDING
    rows: list[list[Any]] = [["#", "Bin", "SKU", "Description", "Qty", "Tote", "Scan"]]
    rows += [[str(stop.sequence), _text(stop.bin, BOLD), _text(stop.sku, TEXT),
              _text(_truncate(stop.description, description_width, TEXT), TEXT),
              _text(str(stop.quantity), QUANTITY), _text(stop.tote or NO_TOTE, TEXT),
              _barcode(stop.barcode, max_width=barcode_width, height=10 * mm)]
             for stop in stops]
    return _table(rows, PICK_COLUMNS)


# Packing slip ------------------------------------------------------------------------------------

SLIP_COLUMNS = [50 * mm, 106 * mm, 30 * mm]  # sku, item, quantity: the 186 mm between margins


def _slip_header(slip: PackingSlip) -> _Decorate:
    def draw(canvas: Any, page: int, pages: int) -> None:
        width, height = SLIP_PAGE
        canvas.setFont("Helvetica", 9)
        canvas.drawRightString(width - MARGIN, height - MARGIN - 9,
                               f"Packing slip {slip.order_number} · Page {page} of {pages}")

    return draw


def _slip_story(slip: PackingSlip) -> list[Flowable]:
    merchant = [_text(slip.merchant_name, TITLE), _text_lines(slip.merchant_address)]
    order = [_text(f"Order {slip.order_number}", TITLE),
             _barcode(slip.order_number, max_width=80 * mm, height=12 * mm),
             _text(f"Placed {slip.placed_at:%Y-%m-%d}", TEXT)]
    top = Table([[merchant, order]], colWidths=[sum(SLIP_COLUMNS) / 2] * 2,
                style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    rows: list[list[Any]] = [["SKU", "Item", "Quantity"]]
    rows += [[_text(line.sku, TEXT), _text(line.name, TEXT), _text(str(line.quantity), BOLD)]
             for line in slip.lines]
    return [top, Spacer(0, 8 * mm), _text("Ship to", BOLD), _text_lines(slip.ship_to),
            Spacer(0, 8 * mm), _table(rows, SLIP_COLUMNS), Spacer(0, 8 * mm),
            _text("Returns", BOLD), _text_lines(slip.return_instructions.splitlines())]


# Shared ------------------------------------------------------------------------------------------

def _render(story: Callable[[], list[Flowable]], decorate: _Decorate, *,
            page_size: tuple[float, float], header_height: float, title: str) -> bytes:
    """Lays the story out twice: the first pass counts the pages, so that every header can say
    "page x of y". Headers are drawn outside the frame, so both passes break pages alike."""
    _, pages = _build(story(), decorate, 0, page_size, header_height, title)
    pdf, _ = _build(story(), decorate, pages, page_size, header_height, title)
    return pdf


def _build(story: list[Flowable], decorate: _Decorate, pages: int,
           page_size: tuple[float, float], header_height: float, title: str) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    # invariant: no creation date or random file id, so the same document gives the same bytes.
    doc = BaseDocTemplate(buffer, pagesize=page_size, leftMargin=MARGIN, rightMargin=MARGIN,
                          topMargin=MARGIN, bottomMargin=MARGIN, title=title, invariant=1)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height - header_height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(
        frames=[frame], onPage=lambda canvas, built: decorate(canvas, built.page, pages))])
    doc.build(story)
    return buffer.getvalue(), doc.page


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    """Column titles repeated on every page; only horizontal rules, which no quiet zone crosses."""
    return Table(rows, colWidths=widths, repeatRows=1, style=TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
    ]))


def _barcode(value: str, *, max_width: float, height: float) -> Code128:
    """A Code 128 of the value, bars 0.4 mm wide, narrowed only as far as needed to fit."""
    # Refused rather than printed: reportlab would drop what Code 128 cannot carry, and a barcode
    # that scans to something else sends the picker to the wrong product.
    if not value or not (value.isascii() and value.isprintable()):
        raise ValueError(f"Code 128 cannot carry {value!r}")
    barcode = _code128(value, BAR_WIDTH, height)
    if barcode.width <= max_width:
        return barcode
    # Long skus only: a 40-character one gets 0.16 mm bars, which a good imager still reads off a
    # laser print; the sku is printed beside it for keying in when one does not.
    return _code128(value, BAR_WIDTH * max_width / barcode.width, height)


def _code128(value: str, bar_width: float, height: float) -> Code128:
    quiet = QUIET_MODULES * bar_width
    return Code128(value, barWidth=bar_width, barHeight=height, lquiet=quiet, rquiet=quiet,
                   humanReadable=0)


def _text(text: str, style: ParagraphStyle) -> Paragraph:
    """User text as a paragraph; escaped, because Paragraph reads <, > and & as markup."""
    return Paragraph(html.escape(text, quote=False), style)


def _text_lines(lines: list[str]) -> Paragraph:
    return Paragraph("<br/>".join(html.escape(line, quote=False) for line in lines), TEXT)


def _truncate(text: str, width: float, style: ParagraphStyle) -> str:
    """The text, cut to one line of the width with an ellipsis; a row stays one barcode high."""
    if stringWidth(text, style.fontName, style.fontSize) <= width:
        return text
    while text and stringWidth(text + "…", style.fontName, style.fontSize) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").rstrip()
