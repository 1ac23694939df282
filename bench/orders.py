"""Realistic order bodies as channels post them: 1-4 lines of popular skus, returning buyers,
tax, discounts and shipping in integer cents. One maker per client, so no locks are needed."""

from __future__ import annotations

import itertools
import random
from typing import Any

from seed import Product, catalog

# Popularity falls off like Zipf's law: the rank-r sku sells about 1/r^1.07 as often as the
# best seller, close to what online catalogs show. pgbench draws with the same exponent.
ZIPF_EXPONENT = 1.07
LINE_COUNTS, LINE_COUNT_WEIGHTS = (1, 2, 3, 4), (45, 30, 15, 10)
QUANTITIES, QUANTITY_WEIGHTS = (1, 2, 3), (80, 15, 5)
TAX_PERCENT = 8
FREE_SHIPPING_FROM, SHIPPING_PRICE = 5000, 599
CUSTOMERS = 20_000

_FIRST = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Radia", "Donald", "Frances",
          "Linus", "Margaret", "Tim")
_LAST = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Perlman", "Knuth",
         "Allen", "Torvalds", "Hamilton", "Berners-Lee")
_STREETS = ("Main St", "Oak Avenue", "Station Road", "Harbour View", "Mill Lane", "King Street")
_CITIES = (("Springfield", "IL", "62701", "US"), ("Toronto", "ON", "M5V 2T6", "CA"),
           ("Leeds", None, "LS1 4DY", "GB"), ("Lyon", None, "69002", "FR"),
           ("Hamburg", None, "20095", "DE"), ("Portland", "OR", "97205", "US"))


def popularity_cumulative(count: int) -> list[float]:
    return list(itertools.accumulate(1 / rank ** ZIPF_EXPONENT for rank in range(1, count + 1)))


def tax_on(amount: int) -> int:
    """The channel's sales tax on a line, rounded half up to the cent."""
    return (amount * TAX_PERCENT + 50) // 100


class OrderMaker:
    """Makes orders with external ids unique to this maker's prefix."""

    def __init__(self, channels: list[str], prefix: str, *,
                 every_order_has: Product | None = None, seed: str | None = None) -> None:
        self._channels = channels
        self._prefix = prefix
        self._always = every_order_has
        self._random = random.Random(seed)
        self._catalog = catalog()
        self._cumulative = popularity_cumulative(len(self._catalog))
        self._numbers = itertools.count(1)

    def order(self) -> dict[str, Any]:
        pick = self._random
        customer = pick.randrange(CUSTOMERS)
        lines = [self._line(product) for product in self._products()]
        subtotal = sum(line["quantity"] * line["unit_price"] - line["discount"]
                       for line in lines)
        shipping = 0 if subtotal >= FREE_SHIPPING_FROM else SHIPPING_PRICE
        body: dict[str, Any] = {
            "channel": pick.choice(self._channels),
            "external_id": f"{self._prefix}-{next(self._numbers)}",
            "currency": "USD", "customer": _customer(customer, pick),
            "shipping_address": _address(customer, home=True),
            "lines": lines, "shipping_price": shipping,
            "payment_status": pick.choice(("paid", "paid", "authorized")),
            "total": subtotal + sum(line["tax"] for line in lines) + shipping,
        }
        if pick.random() < 0.2:
            body["billing_address"] = _address(customer, home=False)
        return body

    def _products(self) -> list[Product]:
        """Distinct products, as a shop merges repeated items into one line's quantity."""
        wanted = self._random.choices(LINE_COUNTS, LINE_COUNT_WEIGHTS)[0]
        chosen = [self._always] if self._always else []
        while len(chosen) < wanted:
            product = self._random.choices(self._catalog, cum_weights=self._cumulative)[0]
            if product not in chosen:
                chosen.append(product)
        return chosen

    def _line(self, product: Product) -> dict[str, Any]:
        quantity = self._random.choices(QUANTITIES, QUANTITY_WEIGHTS)[0]
        discount = quantity * product.price // 10 if self._random.random() < 0.1 else 0
        return {"sku": product.sku, "quantity": quantity, "unit_price": product.price,
                "discount": discount, "tax": tax_on(quantity * product.price - discount)}


def _name(number: int) -> tuple[str, str]:
    return _FIRST[number % len(_FIRST)], _LAST[number // len(_FIRST) % len(_LAST)]


def _customer(number: int, pick: random.Random) -> dict[str, Any]:
    first, last = _name(number)
    # Some buyers use Gmail with dots and +tags, which intake folds into one customer.
    email = (f"{first}.{last}{number}+shop@gmail.com" if number % 10 == 0
             else f"{first}.{last}.{number}@example.com").lower()
    customer: dict[str, Any] = {"email": email, "name": f"{first} {last}"}
    if pick.random() < 0.5:
        customer["phone"] = f"+1555{number:07d}"
    return customer


def _address(number: int, *, home: bool) -> dict[str, Any]:
    city, region, postal_code, country = _CITIES[number // 7 % len(_CITIES)]
    street = _STREETS[number % len(_STREETS)] if home else "Commerce Plaza"
    address = {"name": " ".join(_name(number)),
               "line1": f"{number % 997 + 1} {street}", "city": city,
               "postal_code": postal_code, "country": country}
    if region:
        address["region"] = region
    if not home:
        address["company"] = "Example Ltd"
    return address
