"""The demo catalog: product families with their variants, kits built from them, and GTINs.

Families come in an order that puts the kits' parts first, so even a tiny catalog has kits.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product as combinations

from ordermill.catalog.domain import KitComponent, ProductFacts, gtin_is_valid

COLOURS = {"BLK": "Black", "WHT": "White", "SGE": "Sage", "TER": "Terracotta", "NVY": "Navy",
           "SND": "Sand", "OLV": "Olive", "CPR": "Copper", "STL": "Steel", "WAL": "Walnut",
           "GRN": "Forest", "ORG": "Orange", "TAN": "Tan", "BRN": "Brown", "BLU": "Blue"}


@dataclass(frozen=True)
class Family:
    category: str
    code: str
    name: str
    price: int  # USD cents
    grams: int
    size_mm: tuple[int, int, int]
    variants: tuple[tuple[str, str], ...]  # (code, label)


def _colours(*codes: str) -> tuple[tuple[str, str], ...]:
    return tuple((code, COLOURS[code]) for code in codes)


def _labels(**labels: str) -> tuple[tuple[str, str], ...]:
    return tuple((code.lstrip("_"), label) for code, label in labels.items())


def _crossed(first: tuple[tuple[str, str], ...],
             second: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((f"{a}-{b}", f"{la}, {lb}") for (a, la), (b, lb) in combinations(first, second))


FAMILIES = (
    Family("COF", "KTL", "Gooseneck Kettle 1 L", 5900, 900, (300, 170, 200),
           _colours("BLK", "WHT", "SGE", "CPR")),
    Family("COF", "DRP", "Ceramic Pour-Over Dripper", 2400, 350, (130, 130, 100),
           _colours("WHT", "BLK", "TER", "SGE")),
    Family("COF", "FLT", "Paper Filters, 100 pack", 750, 150, (150, 120, 40),
           _labels(_01="size 01", _02="size 02", _03="size 03")),
    Family("COF", "MUG", "Stoneware Mug", 1600, 380, (120, 90, 100),
           _crossed(_colours("WHT", "BLK", "SGE", "TER", "NVY", "SND"),
                    _labels(_250="250 ml", _450="450 ml"))),
    Family("COF", "PRS", "French Press", 3400, 700, (180, 120, 220),
           _labels(_035="350 ml", _060="600 ml", _100="1 L")),
    Family("COF", "TIN", "Coffee Canister", 1900, 300, (110, 110, 160),
           _colours("BLK", "WHT", "SGE", "TER")),
    Family("OUT", "STV", "Backpacking Stove", 4900, 300, (120, 80, 80), _labels(STD="standard")),
    Family("OUT", "KTT", "Enamel Camp Kettle", 2900, 450, (200, 160, 150),
           _colours("WHT", "BLU")),
    Family("OUT", "TMB", "Camp Tumbler", 2400, 280, (90, 90, 140),
           _crossed(_colours("BLK", "OLV", "SND", "ORG"), _labels(_350="350 ml", _500="500 ml"))),
    Family("OUT", "LMP", "Rechargeable Lantern", 3900, 420, (110, 110, 190),
           _labels(STD="standard", MIN="mini")),
    Family("OUT", "HMK", "Ultralight Hammock", 5500, 500, (200, 120, 100),
           _colours("GRN", "NVY", "ORG")),
    Family("OUT", "BLN", "Packable Blanket", 6400, 700, (250, 200, 100),
           _colours("GRN", "NVY", "TER")),
    Family("COF", "TEA", "Loose Leaf Tea Tin, 100 g", 1200, 130, (80, 80, 110),
           _labels(EGR="Earl Grey", SEN="Sencha", ROO="Rooibos", CHM="Chamomile",
                   ASM="Assam")),
    Family("BAG", "DUF", "Weekender Duffel", 13900, 1400, (550, 300, 280),
           _colours("BLK", "OLV", "SND")),
    Family("BAG", "POU", "Zip Pouch", 1400, 90, (220, 140, 30),
           _labels(S="small", M="medium", L="large")),
    Family("BAG", "WLT", "Leather Card Wallet", 3600, 60, (105, 75, 10),
           _colours("BLK", "TAN", "BRN")),
    Family("TEX", "SHT", "Percale Sheet Set", 11900, 1800, (350, 300, 100),
           _crossed(_labels(TW="twin", QN="queen", KG="king"), _colours("WHT", "SND", "SGE"))),
    Family("TEX", "CUS", "Linen Cushion Cover", 2900, 250, (300, 250, 30),
           _crossed(_colours("WHT", "SND", "SGE", "TER", "NVY", "OLV"),
                    _labels(_45="45 cm", _50="50 cm"))),
    Family("TEX", "THR", "Wool Throw", 8900, 1200, (400, 300, 120),
           _colours("SND", "SGE", "TER", "NVY", "BRN")),
    Family("TEX", "TWB", "Cotton Towel", 2400, 600, (300, 200, 80),
           _crossed(_colours("WHT", "SND", "SGE", "NVY", "TER"),
                    _labels(HND="hand", BTH="bath"))),
    Family("TEX", "ROB", "Waffle Robe", 7900, 1100, (400, 300, 100),
           _crossed(_labels(S="S", M="M", L="L"), _colours("WHT", "SND"))),
    Family("KCH", "BWL", "Nesting Mixing Bowls", 3800, 1500, (280, 280, 150),
           _colours("WHT", "SGE", "TER")),
    Family("KCH", "UTN", "Olive Wood Utensil Set", 2900, 400, (320, 100, 60),
           _labels(STD="set of 4")),
    Family("KCH", "APR", "Canvas Apron", 3200, 350, (300, 250, 30),
           _colours("NVY", "SND", "BLK", "TER")),
    Family("KCH", "TWL", "Linen Tea Towel", 1400, 120, (250, 200, 10),
           _colours("WHT", "SND", "SGE", "TER", "NVY")),
    Family("BAG", "BPK", "Roll-Top Backpack", 11900, 1100, (450, 300, 150),
           _crossed(_colours("BLK", "OLV", "NVY", "SND"), _labels(_18="18 L", _24="24 L"))),
    Family("BAG", "LAP", "Laptop Sleeve", 3800, 300, (380, 270, 25),
           _labels(_13="13 inch", _14="14 inch", _16="16 inch")),
    Family("OUT", "BTL", "Insulated Bottle", 2900, 350, (80, 80, 260),
           _crossed(_labels(_050="500 ml", _075="750 ml", _100="1 L"),
                    _colours("BLK", "WHT", "SGE", "NVY"))),
    Family("COF", "GRD", "Hand Burr Grinder", 7900, 600, (200, 60, 60),
           _colours("BLK", "STL", "WAL")),
    Family("COF", "SCL", "Brewing Scale with Timer", 4500, 400, (150, 130, 30),
           _colours("BLK", "WHT")),
    Family("COF", "CLD", "Cold Brew Bottle", 2800, 500, (90, 90, 280),
           _colours("BLK", "WHT", "SGE")),
    Family("COF", "FRT", "Milk Frother", 2200, 200, (60, 60, 250),
           _colours("BLK", "WHT", "STL")),
    Family("KCH", "BRD", "Bamboo Cutting Board", 2200, 900, (380, 250, 20),
           _labels(S="small", M="medium", L="large")),
    Family("KCH", "KNF", "Chef's Knife 20 cm", 8900, 250, (330, 50, 25),
           _labels(STL="steel", DMS="damascus")),
    Family("KCH", "JAR", "Glass Storage Jar", 1100, 500, (110, 110, 180),
           _labels(_05="0.5 L", _10="1 L", _15="1.5 L")),
    Family("KCH", "PAN", "Cast Iron Skillet", 3900, 2600, (450, 270, 50),
           _labels(_20="20 cm", _26="26 cm", _30="30 cm")),
    Family("KCH", "SPC", "Spice Jar Set", 3400, 900, (250, 120, 110),
           _labels(_06="6 jars", _12="12 jars")),
    Family("KCH", "BRS", "Dish Brush", 900, 80, (250, 50, 50),
           _labels(STD="brush", RPL="replacement head")),
    Family("OUT", "CHR", "Folding Camp Chair", 6900, 2200, (800, 200, 150),
           _colours("GRN", "NVY", "SND")),
    Family("OUT", "POL", "Trekking Poles", 7400, 480, (650, 80, 80),
           _labels(ALU="aluminium", CRB="carbon")),
    Family("OUT", "HDL", "Headlamp", 2900, 90, (80, 60, 50), _colours("BLK", "ORG")),
    Family("BAG", "TOT", "Waxed Canvas Tote", 4800, 600, (400, 350, 120),
           _colours("BLK", "SND", "NVY", "OLV")),
    Family("BAG", "SLG", "Sling Bag", 4200, 350, (300, 180, 80),
           _colours("BLK", "NVY", "SND", "TER")),
    Family("TEX", "RUG", "Jute Rug", 7900, 3500, (600, 300, 300),
           _labels(_060="60 x 90 cm", _120="120 x 180 cm", _160="160 x 230 cm")),
    Family("TEX", "NAP", "Linen Napkins, set of 4", 2800, 300, (250, 200, 40),
           _colours("WHT", "SND", "SGE", "TER")),
    Family("PRT", "SPR", "Replacement Part", 900, 50, (100, 100, 20),
           _labels(GSK="press gasket", LID="kettle lid", BUR="grinder burr",
                   MSH="press mesh filter")),
)

# (sku, name, [(family code, variant number, units)]): each kit from the first variants.
KITS = (
    ("KIT-POUROVER", "Pour-Over Starter Set", (("KTL", 0, 1), ("DRP", 0, 1), ("FLT", 0, 2),
                                               ("MUG", 0, 2))),
    ("KIT-PRESS", "French Press Gift Set", (("PRS", 0, 1), ("TIN", 0, 1), ("MUG", 0, 2))),
    ("KIT-CAMP-KITCHEN", "Camp Kitchen Set", (("STV", 0, 1), ("KTT", 0, 1), ("TMB", 0, 2))),
    ("KIT-CAMP-NIGHT", "Camp Night Bundle", (("LMP", 0, 1), ("HMK", 0, 1), ("BLN", 0, 1))),
    ("KIT-TEA", "Tea Sampler", (("TEA", 0, 1), ("TEA", 1, 1), ("TEA", 2, 1))),
    ("KIT-TRAVEL", "Travel Set", (("DUF", 0, 1), ("POU", 0, 2), ("WLT", 0, 1))),
    ("KIT-BEDROOM", "Bedroom Refresh", (("SHT", 0, 1), ("CUS", 0, 2), ("THR", 0, 1))),
    ("KIT-BATH", "Bath Bundle", (("TWB", 0, 4), ("ROB", 0, 1))),
    ("KIT-BAKER", "Baker's Set", (("BWL", 0, 1), ("UTN", 0, 1), ("APR", 0, 1),
                                  ("TWL", 0, 2))),
    ("KIT-COMMUTER", "Commuter Set", (("BPK", 0, 1), ("LAP", 0, 1), ("BTL", 0, 1))),
)
GTIN_PREFIX = "20048213"  # GS1 prefix 20-29 is for restricted, in-house numbering


@dataclass(frozen=True)
class Item:
    """One sku of the demo catalog, with the category its demand is modelled by."""

    facts: ProductFacts
    category: str


def gtin_13(number: int) -> str:
    body = f"{GTIN_PREFIX}{number:04d}"
    return next(body + digit for digit in "0123456789" if gtin_is_valid(body + digit))


def retail_price(cents: int) -> int:
    """Round to a price that ends in .99, as shops do."""
    return max(99, (cents + 50) // 100 * 100 - 1)


def plan_catalog(size: int) -> list[Item]:
    """`size` skus: simple products taken one variant of each family at a time, then kits
    (about one in twenty) whose parts are all in the catalog."""
    kits_wanted = max(2, round(size / 20))
    simple = _variants(size - kits_wanted)
    by_family = {(family.code, index): item for family, index, item in simple}
    kits = [kit for kit in (_kit(sku, name, parts, by_family, len(simple) + number)
                            for number, (sku, name, parts) in enumerate(KITS))
            if kit is not None]
    return [item for _, _, item in simple] + kits[:kits_wanted]


def _variants(count: int) -> list[tuple[Family, int, Item]]:
    chosen: list[tuple[Family, int, Item]] = []
    round_number = 0
    while len(chosen) < count:
        families = [f for f in FAMILIES if round_number < len(f.variants)]
        if not families:
            break
        for family in families[:count - len(chosen)]:
            chosen.append((family, round_number, _simple(family, round_number, len(chosen))))
        round_number += 1
    return chosen


def _simple(family: Family, index: int, number: int) -> Item:
    code, label = family.variants[index]
    length, width, height = family.size_mm
    name = family.name if len(family.variants) == 1 else f"{family.name}, {label}"
    return Item(ProductFacts(
        sku=f"{family.category}-{family.code}-{code}", name=name, gtin=gtin_13(number),
        weight_grams=family.grams, length_mm=length, width_mm=width, height_mm=height,
        default_price=family.price, currency="USD"), family.category)


def _kit(sku: str, name: str, parts: tuple[tuple[str, int, int], ...],
         simple: dict[tuple[str, int], Item], number: int) -> Item | None:
    items = [(simple.get((family, index)), units) for family, index, units in parts]
    if any(item is None for item, _ in items):
        return None
    found = [(item, units) for item, units in items if item is not None]
    price = sum(item.facts.default_price * units for item, units in found)
    largest = max((item.facts for item, _ in found), key=lambda f: f.length_mm * f.width_mm)
    return Item(ProductFacts(
        sku=sku, name=name, gtin=gtin_13(number),
        weight_grams=sum(i.facts.weight_grams * u for i, u in found),
        length_mm=largest.length_mm, width_mm=largest.width_mm,
        height_mm=sum(i.facts.height_mm for i, _ in found),
        # A bundle sells for about 15% less than its parts bought one by one.
        default_price=retail_price(price * 85 // 100), currency="USD",
        components=[KitComponent(item.facts.sku, units) for item, units in found]), "KIT")
