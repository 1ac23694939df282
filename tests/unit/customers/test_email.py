"""Normalising emails so one person is one customer, across channels and spellings."""

from __future__ import annotations

import pytest

from ordermill.customers.domain import normalise_email
from ordermill.shared.email import is_email


def test_case_never_distinguishes_people() -> None:
    assert normalise_email("Ada.Lovelace@Example.COM") == "ada.lovelace@example.com"


def test_surrounding_spaces_are_dropped() -> None:
    assert normalise_email("  ada@example.com\t\n") == "ada@example.com"


def test_gmail_ignores_dots_in_the_local_part() -> None:
    assert normalise_email("a.d.a.lovelace@gmail.com") == "adalovelace@gmail.com"


def test_gmail_ignores_a_plus_tag() -> None:
    assert normalise_email("ada+shop@gmail.com") == "ada@gmail.com"
    assert normalise_email("ada+shop+more@gmail.com") == "ada@gmail.com"


def test_googlemail_is_the_same_mailbox_as_gmail() -> None:
    assert normalise_email("Ada.Lovelace+News@GoogleMail.com") == "adalovelace@gmail.com"


def test_every_spelling_of_one_gmail_box_meets_in_one_address() -> None:
    spellings = ["ada.lovelace@gmail.com", "ADALOVELACE@GMAIL.COM", " ada.love.lace+x@gmail.com ",
                 "adalovelace+orders@googlemail.com"]

    assert {normalise_email(s) for s in spellings} == {"adalovelace@gmail.com"}


@pytest.mark.parametrize("email", ["ada.lovelace@example.com", "ada+shop@example.com",
                                   "ada.love+shop@outlook.com", "a.d.a@gmail.co.uk"])
def test_other_domains_keep_their_dots_and_plus_tags(email: str) -> None:
    assert normalise_email(email) == email


def test_a_gmail_lookalike_subdomain_is_not_gmail() -> None:
    assert normalise_email("ada.l+x@mail.gmail.com") == "ada.l+x@mail.gmail.com"


def test_only_the_last_at_sign_separates_the_domain() -> None:
    assert normalise_email('"a@b".c+d@Gmail.com') == '"a@b"c@gmail.com'


@pytest.mark.parametrize("email", ["ada@example.com", " ada@example.com ", "a.b+c@sub.example.io"])
def test_plausible_addresses_are_emails(email: str) -> None:
    assert is_email(email) is True


@pytest.mark.parametrize("email", ["", "ada", "ada@", "@example.com", "ada@example",
                                   "ada@@example.com", "ada @example.com", "ada@example.c"])
def test_implausible_addresses_are_not_emails(email: str) -> None:
    assert is_email(email) is False
