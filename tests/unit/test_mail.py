"""SMTP settings from the environment: no host means no mail, and the password stays private."""

from __future__ import annotations

import pytest

from ordermill.mail import settings


def test_without_a_host_no_mail_is_sent() -> None:
    assert settings({"ORDERMILL_SMTP_PORT": "2525"}) is None


def test_each_kind_of_security_has_its_usual_port() -> None:
    ports = {security: settings({"ORDERMILL_SMTP_HOST": "mail.example.com",
                                 "ORDERMILL_SMTP_SECURITY": security})
             for security in ("none", "starttls", "tls")}
    assert {k: v.port for k, v in ports.items() if v} == {"none": 25, "starttls": 587,
                                                          "tls": 465}


def test_the_password_is_never_part_of_the_settings_as_printed() -> None:
    smtp = settings({"ORDERMILL_SMTP_HOST": "mail.example.com",
                     "ORDERMILL_SMTP_USERNAME": "oms", "ORDERMILL_SMTP_PASSWORD": "s3cret"})

    assert smtp is not None and smtp.password == "s3cret"
    assert "s3cret" not in repr(smtp) and "s3cret" not in str(smtp)


def test_an_unknown_kind_of_security_is_refused() -> None:
    with pytest.raises(ValueError, match="ORDERMILL_SMTP_SECURITY"):
        settings({"ORDERMILL_SMTP_HOST": "mail.example.com", "ORDERMILL_SMTP_SECURITY": "ssl3"})
