"""Pick list endpoints: a walk through a location's shelves for some fulfillment orders."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/pick-lists", tags=["picking"])
