"""Rules for channels: kinds, shortage policy, payment terms and available-to-sell."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from ordermill.shared.errors import ErrorCollector

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,31}$")
MAX_BUFFER = 1_000_000


class ChannelKind(StrEnum):
    WEB = "web"
    SHOPIFY = "shopify"
    WOOCOMMERCE = "woocommerce"
    AMAZON = "amazon"
    EBAY = "ebay"
    POS = "pos"
    SOCIAL = "social"
    MANUAL = "manual"


class ShortagePolicy(StrEnum):
    BACKORDER = "backorder"
    REJECT = "reject"


PAYMENT_TERMS = ("prepaid", "due_on_receipt", "net_7", "net_15", "net_30", "net_45", "net_60",
                 "net_90")


@dataclass
class AvailabilityRules:
    buffer: int = 0
    cap_percent: int | None = None
    sku_buffers: dict[str, int] = field(default_factory=dict)

    def available_to_sell(self, sku: str, stock: int) -> int:
        """What the channel may publish: stock less its buffer, within its share cap."""
        buffer = self.sku_buffers.get(sku, self.buffer)
        publish = max(0, stock - buffer)
        if self.cap_percent is not None:
            publish = min(publish, stock * self.cap_percent // 100)
        return publish


@dataclass
class ChannelFacts:
    code: str
    name: str
    kind: str
    locations: list[str] = field(default_factory=list)
    shortage_policy: str = ShortagePolicy.REJECT
    payment_terms: str = "prepaid"
    availability: AvailabilityRules = field(default_factory=AvailabilityRules)
    active: bool = True


def validate_channel(facts: ChannelFacts, errors: ErrorCollector) -> None:
    if not CODE_PATTERN.match(facts.code):
        errors.add("code", "1-32 lower-case letters, digits, '_' or '-'")
    if not facts.name.strip() or len(facts.name) > 200:
        errors.add("name", "1-200 characters")
    if facts.kind not in set(ChannelKind):
        errors.add("kind", f"must be one of {', '.join(k.value for k in ChannelKind)}")
    if facts.shortage_policy not in set(ShortagePolicy):
        errors.add("shortage_policy", "must be backorder or reject")
    if facts.payment_terms not in PAYMENT_TERMS:
        errors.add("payment_terms", f"must be one of {', '.join(PAYMENT_TERMS)}")
    if len(set(facts.locations)) != len(facts.locations):
        errors.add("locations", "a location is listed twice")
    rules = facts.availability
    if not 0 <= rules.buffer <= MAX_BUFFER:
        errors.add("availability.buffer", f"must be between 0 and {MAX_BUFFER}")
    if rules.cap_percent is not None and not 1 <= rules.cap_percent <= 100:
        errors.add("availability.cap_percent", "must be between 1 and 100")
    for sku, buffer in rules.sku_buffers.items():
        if not 0 <= buffer <= MAX_BUFFER:
            errors.add(f"availability.sku_buffers.{sku}", f"must be between 0 and {MAX_BUFFER}")
