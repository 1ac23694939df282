"""Rules for customers: how emails are normalised so one person is one customer."""

from __future__ import annotations

import hashlib
import json

from ordermill.shared.address import Address

_GMAIL = ("gmail.com", "googlemail.com")


def normalise_email(email: str) -> str:
    """Case and surrounding space never distinguish people; for Gmail neither do dots nor
    `+tags` in the local part, which Google ignores when delivering."""
    local, _, domain = email.strip().lower().rpartition("@")
    if domain in _GMAIL:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def address_fingerprint(address: Address) -> str:
    """Two spellings of one address (case, spacing) share a fingerprint."""
    canonical = {k: " ".join(v.lower().split()) for k, v in address.as_dict().items()
                 if v and k not in ("phone", "name", "company")}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()[:32]
