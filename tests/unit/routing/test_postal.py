"""Postal and country centroids from the bundled GeoNames and countryinfo data."""

from __future__ import annotations

import pytest

from ordermill.routing.domain import haversine_km
from ordermill.routing.postal import Centroid, centroid, normalise_postal_code

NEW_YORK_10001 = (40.7484, -73.9967)


def _assert_at(found: Centroid | None, point: tuple[float, float], precision: str) -> None:
    assert found is not None and found.precision == precision
    assert (found.latitude, found.longitude) == pytest.approx(point, abs=1e-3)  # about 100 m


@pytest.mark.parametrize(("country", "postal_code", "expected"), [
    ("US", "10001", (40.7484, -73.9967)),  # New York, Chelsea
    ("US", "90210", (34.0901, -118.4065)),  # Beverly Hills
    ("GB", "SW1A 1AA", (51.5018, -0.1328)),  # Buckingham Palace's outward code, SW1A
    ("DE", "10115", (52.5323, 13.3846)),  # Berlin-Mitte
    ("CA", "K1A 0B1", (45.4207, -75.7023)),  # Ottawa, the FSA K1A
    ("NL", "1012 AB", (52.3735, 4.8951)),  # Amsterdam centre, PC4 1012
    ("FR", "75008", (48.86485, 2.33355)),  # Paris 8e, the mean of its two GeoNames places
])
def test_a_known_postal_code_resolves_to_its_geonames_centroid(
        country: str, postal_code: str, expected: tuple[float, float]) -> None:
    _assert_at(centroid(country, postal_code), expected, "postal_code")


@pytest.mark.parametrize("zip_plus_four", ["10001-1234", "100011234", " 10001 1234 "])
def test_a_zip_plus_four_is_read_as_its_five_digit_zip(zip_plus_four: str) -> None:
    _assert_at(centroid("US", zip_plus_four), NEW_YORK_10001, "postal_code")


@pytest.mark.parametrize(("country", "written", "normalised"), [
    ("US", "10001-1234", "10001"),
    ("GB", "sw1a 1aa", "SW1A"),
    ("GB", "M1 1AE", "M1"),
    ("GB", "EC1A", "EC1A"),
    ("CA", "k1a 0b1", "K1A"),
    ("NL", "1012 ab", "1012"),
    ("IE", "D02 X285", "D02"),
    ("FR", "75700 CEDEX 07", "75700"),
    ("LU", "L-1234", "1234"),
    ("SE", "111 22", "11122"),
    ("DE", " 10115 ", "10115"),
])
def test_postal_codes_are_normalised_to_the_form_the_data_holds(
        country: str, written: str, normalised: str) -> None:
    assert normalise_postal_code(country, written) == normalised


def test_spelling_and_case_of_a_postcode_do_not_change_its_centroid() -> None:
    assert centroid("GB", "sw1a1aa") == centroid("GB", "SW1A 1AA")
    assert centroid("ca", "k1a0b1") == centroid("CA", "K1A 0B1")


def test_an_unknown_code_falls_back_to_its_longest_known_prefix() -> None:
    found = centroid("US", "10099")

    assert found is not None and found.precision == "postal_prefix"
    assert haversine_km((found.latitude, found.longitude), NEW_YORK_10001) < 10


def test_an_unknown_code_with_no_known_prefix_falls_back_to_the_country() -> None:
    assert centroid("US", "00000") == Centroid(38.0, -97.0, "country")
    assert centroid("GB", "ZZ9 9ZZ") == Centroid(54.0, -2.0, "country")


def test_an_address_without_a_postal_code_gets_its_country_centroid() -> None:
    assert centroid("DE", None) == Centroid(51.0, 9.0, "country")
    assert centroid("DE", "") == Centroid(51.0, 9.0, "country")
    assert centroid("DE", " - ") == Centroid(51.0, 9.0, "country")


def test_a_country_without_postal_data_still_gets_its_country_centroid() -> None:
    assert centroid("SA", "12345") == Centroid(25.0, 45.0, "country")


@pytest.mark.parametrize("country", ["ZZ", "UK", "Germany", "", "D"])
def test_an_unknown_country_has_no_centroid(country: str) -> None:
    assert centroid(country, "10001") is None


def test_codes_either_side_of_the_180th_meridian_average_near_it() -> None:
    found = centroid("RU", "689")  # Chukotka: 160 degrees east to 174 west

    assert found is not None and found.precision == "postal_prefix"
    assert 150 < found.longitude <= 180  # a plain mean of the longitudes gives 72, in Siberia
