"""Rules for products: sku shape, GTIN check digits, physical facts, kit composition."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ordermill.shared.errors import ErrorCollector
from ordermill.shared.money import MAX_AMOUNT, is_currency

SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$")
MAX_GRAMS = 10_000_000
MAX_MM = 100_000
MAX_KIT_COMPONENTS = 50


def gtin_is_valid(gtin: str) -> bool:
    """GTIN-8, -12, -13 or -14 with a correct GS1 mod-10 check digit."""
    # isascii: other scripts' digits pass isdigit, yet are no GTIN (and some break int()).
    if not (gtin.isascii() and gtin.isdigit()) or len(gtin) not in (8, 12, 13, 14):
        return False
    digits = [int(d) for d in gtin]
    body, check = digits[:-1], digits[-1]
    # Weights alternate 3, 1, 3, ... starting from the digit next to the check digit.
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


@dataclass(frozen=True)
class KitComponent:
    sku: str
    quantity: int


@dataclass
class ProductFacts:
    """What a merchant says about a product; validated as a whole."""

    sku: str
    name: str
    gtin: str | None = None
    weight_grams: int = 0
    length_mm: int = 0
    width_mm: int = 0
    height_mm: int = 0
    default_price: int = 0
    currency: str = "USD"
    ships: bool = True
    active: bool = True
    components: list[KitComponent] = field(default_factory=list)


def validate_product(facts: ProductFacts, errors: ErrorCollector) -> None:
    if not SKU_PATTERN.match(facts.sku):
        errors.add("sku", "1-64 letters, digits, '.', '_', '-' or '/', starting with a letter "
                          "or digit")
    if not facts.name.strip():
        errors.add("name", "must not be empty")
    if facts.gtin is not None and not gtin_is_valid(facts.gtin):
        errors.add("gtin", "not a valid GTIN-8/12/13/14 (check digit or length is wrong)")
    if not 0 <= facts.weight_grams <= MAX_GRAMS:
        errors.add("weight_grams", f"must be between 0 and {MAX_GRAMS}")
    for name in ("length_mm", "width_mm", "height_mm"):
        if not 0 <= getattr(facts, name) <= MAX_MM:
            errors.add(name, f"must be between 0 and {MAX_MM}")
    if not 0 <= facts.default_price <= MAX_AMOUNT:
        errors.add("default_price", f"must be between 0 and {MAX_AMOUNT} minor units")
    if not is_currency(facts.currency):
        errors.add("currency", "not an ISO 4217 currency code")
    validate_components(facts.sku, facts.components, errors)


def validate_components(sku: str, components: list[KitComponent], errors: ErrorCollector) -> None:
    if len(components) > MAX_KIT_COMPONENTS:
        errors.add("components", f"a kit has at most {MAX_KIT_COMPONENTS} components")
    seen: set[str] = set()
    for index, component in enumerate(components):
        if component.sku == sku:
            errors.add(f"components.{index}.sku", "a kit cannot contain itself")
        if component.sku in seen:
            errors.add(f"components.{index}.sku", "listed twice")
        seen.add(component.sku)
        if not 1 <= component.quantity <= 10_000:
            errors.add(f"components.{index}.quantity", "must be between 1 and 10000")


def kit_units_available(component_needs: dict[int, int], available: dict[int, int]) -> int:
    """Whole kits the components allow: the limiting component decides."""
    if not component_needs:
        return 0
    return min(available.get(product_id, 0) // per_kit
               for product_id, per_kit in component_needs.items())
