"""Pack station endpoints: each location's box catalogue, packing a fulfillment order, and its
packing slip."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["packing"])
