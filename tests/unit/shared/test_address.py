"""Postal addresses: required parts, length limits and ISO 3166-1 alpha-2 countries."""

from __future__ import annotations

import pytest

from ordermill.shared.address import Address, validate_address
from ordermill.shared.errors import ErrorCollector, FieldError

HOME = Address(name="Ada Buyer", line1="1 Main St", city="Springfield", postal_code="12345",
               country="US")


def _errors(address: Address, prefix: str = "shipping_address") -> list[FieldError]:
    collector = ErrorCollector()
    validate_address(address, prefix, collector)
    return collector.errors


def test_a_complete_address_has_no_errors() -> None:
    assert _errors(HOME) == []


def test_an_address_needs_a_street_a_city_and_a_country() -> None:
    assert _errors(Address(name="Ada Buyer")) == [
        FieldError("shipping_address.line1", "is required"),
        FieldError("shipping_address.city", "is required"),
        FieldError("shipping_address.country", "is required"),
    ]


def test_blank_text_does_not_count_as_given() -> None:
    blank = Address(line1="   ", city="\t", country="US")

    assert _errors(blank, "billing_address") == [
        FieldError("billing_address.line1", "is required"),
        FieldError("billing_address.city", "is required"),
    ]


@pytest.mark.parametrize(("field", "limit"), [
    ("name", 200), ("company", 200), ("line1", 200), ("line2", 200), ("city", 100),
    ("region", 100), ("postal_code", 20), ("phone", 40),
])
def test_each_part_has_a_length_limit(field: str, limit: int) -> None:
    at_limit = Address(**{**HOME.as_dict(), field: "x" * limit})
    over_limit = Address(**{**HOME.as_dict(), field: "x" * (limit + 1)})

    assert _errors(at_limit) == []
    assert _errors(over_limit) == [
        FieldError(f"shipping_address.{field}", f"at most {limit} characters")]


@pytest.mark.parametrize("country", ["us", "USA", "XX", "UK", "EU"])
def test_the_country_must_be_an_iso_alpha_2_code(country: str) -> None:
    errors = _errors(Address(**{**HOME.as_dict(), "country": country}))

    assert FieldError("shipping_address.country",
                      "not an ISO 3166-1 alpha-2 country code") in errors


@pytest.mark.parametrize("country", ["US", "GB", "DE", "JP", "BR", "ZA", "NZ"])
def test_real_countries_are_accepted(country: str) -> None:
    assert _errors(Address(**{**HOME.as_dict(), "country": country})) == []


def test_as_dict_lists_every_part_including_the_empty_ones() -> None:
    assert HOME.as_dict() == {"name": "Ada Buyer", "company": None, "line1": "1 Main St",
                              "line2": None, "city": "Springfield", "region": None,
                              "postal_code": "12345", "country": "US", "phone": None}
