"""Rules for orders: statuses and their transitions, validation, totals, fulfillment status;
and for their fulfillment orders: statuses, priorities, promised ship-by."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import IntEnum, StrEnum
from zoneinfo import ZoneInfo

from ordermill.shared.address import Address, validate_address
from ordermill.shared.email import is_email
from ordermill.shared.errors import ErrorCollector
from ordermill.shared.money import MAX_AMOUNT, is_currency
from ordermill.shared.transitions import TransitionTable

MAX_LINES = 250
MAX_LINE_QUANTITY = 100_000
MAX_TAGS = 50


class OrderStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    IN_FULFILLMENT = "in_fulfillment"
    COMPLETED = "completed"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    AUTHORIZED = "authorized"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


INTAKE_PAYMENT_STATUSES = (PaymentStatus.UNPAID, PaymentStatus.AUTHORIZED, PaymentStatus.PAID)


class HoldReason(StrEnum):
    MANUAL = "manual"
    PAYMENT = "payment"
    ADDRESS = "address"
    FRAUD_REVIEW = "fraud_review"


# Where a released hold leads: back to whatever the order was before its first hold.
PREVIOUS = "previous"
_OPEN = (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.IN_FULFILLMENT)

ORDER_TRANSITIONS = TransitionTable.of("order", [
    # action          may start from                                  leads to
    ("confirm",       [OrderStatus.PENDING],                          OrderStatus.CONFIRMED),
    ("backorder",     [OrderStatus.CONFIRMED, OrderStatus.IN_FULFILLMENT], OrderStatus.PENDING),
    ("start fulfillment", [OrderStatus.CONFIRMED],                    OrderStatus.IN_FULFILLMENT),
    ("hold",          [*_OPEN, OrderStatus.ON_HOLD],                  OrderStatus.ON_HOLD),
    ("release hold",  [OrderStatus.ON_HOLD],                          PREVIOUS),
    ("cancel",        [*_OPEN, OrderStatus.ON_HOLD],                  OrderStatus.CANCELLED),
    ("cancel lines",  [*_OPEN, OrderStatus.ON_HOLD],                  None),
    ("import as completed", [OrderStatus.PENDING],                    OrderStatus.COMPLETED),
])


class FulfillmentStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    PICKED = "picked"
    PACKED = "packed"
    SHIPPED = "shipped"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class Priority(IntEnum):
    """Lower is more urgent; the work queue sorts by it."""

    URGENT = 1
    HIGH = 2
    NORMAL = 3
    LOW = 4


# The statuses in which a location still owes the units: its work queue.
OPEN_FULFILLMENT = (FulfillmentStatus.OPEN, FulfillmentStatus.IN_PROGRESS, FulfillmentStatus.PICKED,
          FulfillmentStatus.PACKED, FulfillmentStatus.ON_HOLD)
_BEFORE_PACKING = (FulfillmentStatus.OPEN, FulfillmentStatus.IN_PROGRESS,
                   FulfillmentStatus.PICKED)

_S = FulfillmentStatus
FULFILLMENT_TRANSITIONS = TransitionTable.of("fulfillment order", [
    # action              may start from                      leads to
    ("start picking",     [_S.OPEN],                          _S.IN_PROGRESS),
    ("finish picking",    [_S.IN_PROGRESS],                   _S.PICKED),
    ("release pick list", [_S.IN_PROGRESS],                   _S.OPEN),
    ("pack",              _BEFORE_PACKING,                    _S.PACKED),
    ("ship",              [_S.PACKED],                        _S.SHIPPED),
    ("hold",              [*_BEFORE_PACKING, _S.PACKED],      _S.ON_HOLD),
    ("release hold",      [_S.ON_HOLD],                       PREVIOUS),
    ("reject",            [*_BEFORE_PACKING, _S.ON_HOLD],     _S.REJECTED),
    ("report short",      [_S.IN_PROGRESS],                   None),
    ("cancel",            [*OPEN_FULFILLMENT],                          _S.CANCELLED),
])

HANDLING_TIME = timedelta(days=1)  # promised to ship within, where a location has no cut-off


def ship_by(placed_at: datetime, cutoff_time: str | None = None,
            timezone: str = "UTC") -> datetime:
    """When a location promises to ship an order placed at `placed_at`: by its next daily
    carrier cut-off (local "HH:MM"), or within the handling time where it has none."""
    if cutoff_time is None:
        return placed_at + HANDLING_TIME
    zone = ZoneInfo(timezone)
    local = placed_at.astimezone(zone)
    hour, minute = (int(part) for part in cutoff_time.split(":"))
    cutoff = datetime.combine(local.date(), time(hour, minute), zone)
    if local >= cutoff:
        cutoff = datetime.combine(local.date() + timedelta(days=1), time(hour, minute), zone)
    return cutoff.astimezone(UTC)


@dataclass
class LineInput:
    sku: str
    quantity: int
    unit_price: int
    discount: int = 0
    tax: int = 0


@dataclass
class OrderInput:
    channel: str
    external_id: str
    currency: str
    email: str
    lines: list[LineInput]
    customer_name: str | None = None
    customer_phone: str | None = None
    shipping_address: Address = field(default_factory=Address)
    billing_address: Address | None = None
    shipping_price: int = 0
    payment_status: str = PaymentStatus.UNPAID
    payment_terms: str | None = None
    notes: str | None = None
    tags: list[str] = field(default_factory=list)
    expected_total: int | None = None
    placed_at: datetime | None = None
    priority: int = Priority.NORMAL
    ship_by: datetime | None = None  # promised; else each location's next cut-off


@dataclass(frozen=True)
class Totals:
    subtotal: int
    discount: int
    tax: int
    shipping: int
    total: int


def line_total(line: LineInput) -> int:
    return line.quantity * line.unit_price - line.discount + line.tax


def order_totals(lines: list[LineInput], shipping_price: int) -> Totals:
    """The snapshot kept with the order; the line totals plus shipping add up to it exactly."""
    subtotal = sum(line.quantity * line.unit_price for line in lines)
    discount = sum(line.discount for line in lines)
    tax = sum(line.tax for line in lines)
    return Totals(subtotal, discount, tax, shipping_price,
                  subtotal - discount + tax + shipping_price)


def _amount(name: str, value: int, errors: ErrorCollector, ceiling: int = MAX_AMOUNT) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(name, "must be an integer amount in minor units")
    elif not 0 <= value <= ceiling:
        errors.add(name, f"must be between 0 and {ceiling} minor units")


def validate_order(order: OrderInput, errors: ErrorCollector) -> None:
    if not 1 <= len(order.external_id) <= 100:
        errors.add("external_id", "1-100 characters")
    if not is_currency(order.currency):
        errors.add("currency", "not an ISO 4217 currency code")
    if not is_email(order.email):
        errors.add("customer.email", "not an email address")
    if not 1 <= len(order.lines) <= MAX_LINES:
        errors.add("lines", f"an order has 1 to {MAX_LINES} lines")
    for index, line in enumerate(order.lines):
        _validate_line(f"lines.{index}", line, errors)
    _amount("shipping_price", order.shipping_price, errors)
    validate_address(order.shipping_address, "shipping_address", errors)
    if order.billing_address is not None:
        validate_address(order.billing_address, "billing_address", errors)
    if order.payment_status not in INTAKE_PAYMENT_STATUSES:
        errors.add("payment_status", "must be unpaid, authorized or paid")
    if order.priority not in set(Priority):
        errors.add("priority", "must be one of " + ", ".join(p.name.lower() for p in Priority))
    if order.notes is not None and len(order.notes) > 5000:
        errors.add("notes", "at most 5000 characters")
    if len(order.tags) > MAX_TAGS or any(not 1 <= len(t) <= 50 for t in order.tags):
        errors.add("tags", f"at most {MAX_TAGS} tags of 1-50 characters")
    if errors.errors:
        return
    total = order_totals(order.lines, order.shipping_price).total
    if total > MAX_AMOUNT:
        errors.add("lines", "the order total is larger than we accept")
    if order.expected_total is not None and order.expected_total != total:
        errors.add("total", f"does not match the lines: they add up to {total}")


def _validate_line(prefix: str, line: LineInput, errors: ErrorCollector) -> None:
    quantity = line.quantity
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        errors.add(f"{prefix}.quantity", "must be a whole number")
        return
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        errors.add(f"{prefix}.quantity", f"must be between 1 and {MAX_LINE_QUANTITY}")
        return
    _amount(f"{prefix}.unit_price", line.unit_price, errors)
    _amount(f"{prefix}.tax", line.tax, errors)
    if isinstance(line.unit_price, int) and 0 <= line.unit_price <= MAX_AMOUNT:
        _amount(f"{prefix}.discount", line.discount, errors, line.quantity * line.unit_price)


@dataclass(frozen=True)
class LineCounts:
    """Per-line counters; the order's fulfillment status is derived from these, never stored."""

    quantity: int
    cancelled: int
    allocated: int
    shipped: int = 0

    @property
    def open(self) -> int:
        """Units still owed to the customer in some way: not cancelled."""
        return self.quantity - self.cancelled

    @property
    def backordered(self) -> int:
        """Units neither shipped nor holding stock anywhere."""
        return self.open - self.shipped - self.allocated


def fulfillment_status(lines: list[LineCounts]) -> str:
    if all(line.open == 0 for line in lines):
        return "cancelled"
    shipped = sum(line.shipped for line in lines)
    if shipped:
        return "shipped" if shipped == sum(line.open for line in lines) else "partially_shipped"
    allocated = sum(line.allocated for line in lines)
    backordered = sum(line.backordered for line in lines)
    if backordered == 0:
        return "allocated"
    return "partially_allocated" if allocated else "ordered"


def order_number(order_id: int) -> str:
    return f"OM-{order_id:06d}"


def parse_order_number(number: str) -> int | None:
    prefix, _, digits = number.strip().upper().partition("-")
    # isascii: superscripts and other scripts' digits pass isdigit but are not our numbers.
    return int(digits) if prefix == "OM" and digits.isascii() and digits.isdigit() else None
