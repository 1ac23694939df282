"""Pydantic building blocks shared by the routers: strict types, addresses, limits."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ordermill.shared.address import Address
from ordermill.shared.errors import ErrorCollector
from ordermill.shared.money import MAX_AMOUNT


class Strict(BaseModel):
    """Wrong types are refused, not coerced: "10" is not 10 and 19.99 is not money."""

    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # No text column can store NUL, and PostgreSQL refuses it outright.
        if _holds_nul(value):
            raise ValueError("must not contain NUL characters")
        return value


def _holds_nul(value: object) -> bool:
    """Strings inside lists and mappings too; nested models check their own fields."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    return False


Amount = Annotated[int, Field(ge=0, le=MAX_AMOUNT, description="integer minor units")]
Quantity = Annotated[int, Field(ge=1, le=1_000_000_000)]
Sku = Annotated[str, Field(min_length=1, max_length=64)]
Code = Annotated[str, Field(min_length=1, max_length=32)]
ShortText = Annotated[str, Field(max_length=200)]


class AddressIn(Strict):
    name: ShortText | None = None
    company: ShortText | None = None
    line1: ShortText | None = None
    line2: ShortText | None = None
    city: Annotated[str, Field(max_length=100)] | None = None
    region: Annotated[str, Field(max_length=100)] | None = None
    postal_code: Annotated[str, Field(max_length=20)] | None = None
    country: Annotated[str, Field(max_length=2)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None

    def to_domain(self) -> Address:
        return Address(**self.model_dump())


class Page(BaseModel):
    items: list[dict[str, object]]
    next_cursor: str | None


def patch_changes(body: BaseModel, nullable: frozenset[str] = frozenset()) -> dict[str, object]:
    """The fields a PATCH sent; null clears only fields that may be empty."""
    changes = body.model_dump(exclude_unset=True)
    errors = ErrorCollector()
    for name, value in changes.items():
        if value is None and name not in nullable:
            errors.add(name, "must not be null")
    errors.raise_if_any()
    return changes
