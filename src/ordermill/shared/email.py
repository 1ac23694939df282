"""What counts as an email address wherever one is given: customers, staff, locations."""

from __future__ import annotations

import re

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s.]{2,63}$")


def is_email(value: str) -> bool:
    return bool(EMAIL_PATTERN.match(value.strip()))
