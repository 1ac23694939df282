"""Reading what staff typed into console forms and filters: whole numbers, days, optional text.

Bad input raises the same ValidationFailed as the use cases, so it reaches the page as a flash.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from ordermill.shared.errors import ValidationFailed

MAX_WHOLE_NUMBER = 10**12


def whole_number(value: str, field_name: str) -> int:
    text = value.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > len(str(MAX_WHOLE_NUMBER)):
        raise ValidationFailed.on(field_name, "must be a whole number")
    return int(text)


def optional_number(value: str, field_name: str) -> int | None:
    return whole_number(value, field_name) if value.strip() else None


def optional_text(value: str) -> str | None:
    return value.strip() or None


def day_start(value: str, field_name: str, *, following: bool = False) -> datetime | None:
    """Midnight UTC of a YYYY-MM-DD day; with `following`, of the day after (an end bound)."""
    if not value.strip():
        return None
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError as error:
        raise ValidationFailed.on(field_name, "must be a day as YYYY-MM-DD") from error
    moment = datetime(parsed.year, parsed.month, parsed.day, tzinfo=UTC)
    return moment + timedelta(days=1) if following else moment


def cursor(value: str) -> int | None:
    """Paging positions are ids the previous page handed out; anything else starts over."""
    text = value.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None
