"""The demo merchant's world: its locations and channels, where its customers live, what
tax applies there. Plain data; email domains are the ones reserved for examples."""

from __future__ import annotations

from dataclasses import dataclass

from ordermill.channels.domain import AvailabilityRules, ChannelFacts
from ordermill.locations.domain import LocationFacts, ShippingRates
from ordermill.shared.address import Address

US_EAST, US_WEST, EU_3PL, STORE = "US-EAST", "US-WEST", "EU-3PL", "STORE-BK"
EU_COUNTRIES = ["AT", "BE", "DE", "DK", "ES", "FI", "FR", "IE", "IT", "LU", "NL", "PL", "PT",
                "SE"]

LOCATIONS = (
    LocationFacts(
        code=US_EAST, name="East Coast Fulfillment Center", kind="warehouse",
        address=Address(company="Ordermill Goods", line1="120 Distribution Way", city="Edison",
                        region="NJ", postal_code="08837", country="US", phone="+1 555 0100"),
        latitude=40.5187, longitude=-74.4121, priority=10,
        notification_email="east-team@example.com", cutoff_time="16:00",
        timezone="America/New_York",
        shipping_rates=ShippingRates(domestic=695, international=2495, per_kg=120)),
    LocationFacts(
        code=US_WEST, name="West Coast Fulfillment Center", kind="warehouse",
        address=Address(company="Ordermill Goods", line1="8800 Logistics Avenue", city="Reno",
                        region="NV", postal_code="89506", country="US", phone="+1 555 0101"),
        latitude=39.6280, longitude=-119.8490, priority=20,
        notification_email="west-team@example.com", cutoff_time="15:00",
        timezone="America/Los_Angeles",
        shipping_rates=ShippingRates(domestic=645, international=2595, per_kg=110)),
    LocationFacts(
        code=EU_3PL, name="EU fulfilment partner, Venlo", kind="3pl",
        address=Address(company="Maasland Fulfilment B.V.", line1="Logistiekweg 12",
                        city="Venlo", postal_code="5928 LD", country="NL"),
        latitude=51.3826, longitude=6.1555, priority=30,
        notification_email="orders@maasland.example.net", cutoff_time="14:00",
        timezone="Europe/Amsterdam", ships_to=EU_COUNTRIES,
        shipping_rates=ShippingRates(domestic=495, international=1295, per_kg=90)),
    LocationFacts(
        code=STORE, name="Brooklyn Store", kind="store",
        address=Address(company="Ordermill Goods", line1="214 Kent Avenue", city="Brooklyn",
                        region="NY", postal_code="11249", country="US", phone="+1 555 0102"),
        latitude=40.7170, longitude=-73.9640, pickup=True, priority=40,
        notification_email="brooklyn@example.com", daily_order_limit=40,
        timezone="America/New_York", ships_to=["US"],
        shipping_rates=ShippingRates(domestic=895, international=2995, per_kg=150)),
)
STORE_ADDRESS = LOCATIONS[3].address


@dataclass(frozen=True)
class ChannelPlan:
    """A channel as the demo runs it: its facts plus how its buyers behave."""

    facts: ChannelFacts
    currency: str
    region: str  # which customers buy here: "US", "EU", "amazon" or "store"
    orders_per_day: float
    weekdays: tuple[float, ...]  # Monday first
    price_percent: int = 100  # marketplaces sell a little dearer to cover their fees
    shipping_price: int = 0
    free_shipping_from: int | None = None
    tax: bool = True


_ONLINE_WEEK = (1.12, 1.08, 1.04, 1.0, 0.94, 0.80, 1.02)
_MARKETPLACE_WEEK = (1.05, 1.03, 1.0, 1.0, 0.97, 0.93, 1.02)
_STORE_WEEK = (0.65, 0.75, 0.85, 0.95, 1.15, 1.55, 1.25)

CHANNELS = (
    ChannelPlan(ChannelFacts(code="web", name="Web store", kind="web",
                             locations=[US_EAST, US_WEST, STORE], shortage_policy="backorder"),
                "USD", "US", 18, _ONLINE_WEEK, shipping_price=695, free_shipping_from=7500),
    ChannelPlan(ChannelFacts(code="shopify", name="Shopify storefront", kind="shopify",
                             locations=[US_WEST, US_EAST], shortage_policy="backorder",
                             availability=AvailabilityRules(buffer=1)),
                "USD", "US", 11, _ONLINE_WEEK, shipping_price=595, free_shipping_from=5000),
    ChannelPlan(ChannelFacts(code="amazon", name="Amazon US", kind="amazon",
                             locations=[US_EAST, US_WEST], shortage_policy="reject",
                             payment_terms="net_15",
                             availability=AvailabilityRules(buffer=2, cap_percent=80)),
                "USD", "amazon", 13, _MARKETPLACE_WEEK, price_percent=108, tax=False),
    ChannelPlan(ChannelFacts(code="ebay", name="eBay Europe", kind="ebay", locations=[EU_3PL],
                             shortage_policy="reject", payment_terms="net_7",
                             availability=AvailabilityRules(buffer=1, cap_percent=50)),
                "EUR", "EU", 5, _MARKETPLACE_WEEK, shipping_price=490),
    ChannelPlan(ChannelFacts(code="pos", name="Brooklyn store till", kind="pos",
                             locations=[STORE], shortage_policy="reject"),
                "USD", "store", 7, _STORE_WEEK),
)

# Euro prices from dollar prices: a fixed rate, so the data set is the same every time.
EUR_PER_100_USD = 92

# (city, region, postal code, country, tax in basis points of the net amount)
US_CITIES = (
    ("New York", "NY", "10001", "US", 888), ("Brooklyn", "NY", "11201", "US", 888),
    ("Boston", "MA", "02108", "US", 625), ("Philadelphia", "PA", "19103", "US", 800),
    ("Chicago", "IL", "60601", "US", 1025), ("Austin", "TX", "78701", "US", 825),
    ("Houston", "TX", "77002", "US", 825), ("Denver", "CO", "80202", "US", 881),
    ("Seattle", "WA", "98101", "US", 1035), ("Portland", "OR", "97205", "US", 0),
    ("San Francisco", "CA", "94103", "US", 863), ("Los Angeles", "CA", "90012", "US", 950),
    ("San Diego", "CA", "92101", "US", 775), ("Phoenix", "AZ", "85004", "US", 860),
    ("Atlanta", "GA", "30303", "US", 890), ("Miami", "FL", "33130", "US", 700),
    ("Minneapolis", "MN", "55401", "US", 903), ("Nashville", "TN", "37203", "US", 925),
    ("Salt Lake City", "UT", "84111", "US", 775), ("Raleigh", "NC", "27601", "US", 725),
)
EU_CITIES = (
    ("Berlin", None, "10115", "DE", 1900), ("Hamburg", None, "20095", "DE", 1900),
    ("Munich", None, "80331", "DE", 1900), ("Cologne", None, "50667", "DE", 1900),
    ("Amsterdam", None, "1012 AB", "NL", 2100), ("Rotterdam", None, "3011 AD", "NL", 2100),
    ("Paris", None, "75002", "FR", 2000), ("Lyon", None, "69002", "FR", 2000),
    ("Madrid", None, "28013", "ES", 2100), ("Barcelona", None, "08002", "ES", 2100),
    ("Milan", None, "20121", "IT", 2200), ("Vienna", None, "1010", "AT", 2000),
    ("Brussels", None, "1000", "BE", 2100), ("Copenhagen", None, "1050", "DK", 2500),
)
US_STREETS = ("Maple Street", "Oak Avenue", "Cedar Lane", "Park Place", "Elm Street",
              "Washington Avenue", "Lake Drive", "Hillside Road", "Sunset Boulevard",
              "Pine Street", "Highland Avenue", "River Road", "Church Street", "Mill Lane")
EU_STREETS = ("Hauptstrasse", "Lindenallee", "Kerkstraat", "Rue de la Paix", "Calle Mayor",
              "Via Roma", "Schulstrasse", "Stationsweg", "Rue Victor Hugo", "Gran Via",
              "Ringstrasse", "Nørregade")
FIRST_NAMES = ("Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Mia",
               "Lucas", "Amelia", "Mason", "Harper", "Ethan", "Isabella", "Logan", "Chloe",
               "Daniel", "Grace", "Henry", "Zoe", "Samuel", "Priya", "Mateo", "Aisha", "Wei",
               "Sofia", "Jonas", "Lena", "Luca", "Marie", "Hugo", "Camille", "Finn", "Elena",
               "Diego", "Nora", "Omar", "Yuki", "Kofi")
LAST_NAMES = ("Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Lopez",
              "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Lee", "Clark",
              "Walker", "Hall", "Young", "King", "Nguyen", "Patel", "Kim", "Chen", "Schmidt",
              "Müller", "de Vries", "Janssen", "Dubois", "Moreau", "Rossi", "Bianchi",
              "Fernández", "Novak", "Larsen", "Berg", "Okafor", "Haddad", "Sato", "Mensah")
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
WALK_IN_EMAIL = "walk-in@store.example.com"
