"""Opaque cursors and limits for every list endpoint."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import Query

from ordermill.shared.errors import ValidationFailed

Limit = Annotated[int, Query(ge=1, le=500, description="page size (default 50, max 500)")]
Cursor = Annotated[str | None, Query(max_length=64, description="next_cursor of the last page")]
MAX_POSITION = 2**63 - 1


def encode(position: int | None) -> str | None:
    if position is None:
        return None
    return base64.urlsafe_b64encode(f"v1:{position}".encode()).decode().rstrip("=")


def decode(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _, position = text.partition(":")
        if version != "v1":
            raise ValueError(version)
        number = int(position)
        # Positions are row ids; a larger number was never issued and would overflow the driver.
        if not 0 <= number <= MAX_POSITION:
            raise ValueError(position)
        return number
    except ValueError as error:
        raise ValidationFailed.on("cursor", "not a cursor this API gave out") from error


def page(items: list[dict[str, Any]], position: int | None) -> dict[str, Any]:
    return {"items": items, "next_cursor": encode(position)}
