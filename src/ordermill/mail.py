"""Sending email over SMTP, configured by the environment: ORDERMILL_SMTP_HOST (no host, no
mail), ORDERMILL_SMTP_PORT, ORDERMILL_SMTP_SECURITY (none, starttls or tls),
ORDERMILL_SMTP_USERNAME, ORDERMILL_SMTP_PASSWORD, ORDERMILL_SMTP_FROM and
ORDERMILL_PUBLIC_URL (where links in mail point)."""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage

DEFAULT_SENDER = "ordermill <ordermill@localhost>"
SECURITY = ("none", "starttls", "tls")
TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    security: str = "none"
    username: str | None = None
    password: str | None = None
    sender: str = DEFAULT_SENDER
    public_url: str = "http://127.0.0.1:8000"

    def __repr__(self) -> str:  # never print the password into a log
        return f"SmtpSettings(host={self.host!r}, port={self.port}, security={self.security!r})"


def settings(environment: Mapping[str, str] | None = None) -> SmtpSettings | None:
    """The SMTP server to send through, or None when mail is not set up."""
    env = os.environ if environment is None else environment
    host = env.get("ORDERMILL_SMTP_HOST", "").strip()
    if not host:
        return None
    security = env.get("ORDERMILL_SMTP_SECURITY", "none").strip().lower()
    if security not in SECURITY:
        raise ValueError(f"ORDERMILL_SMTP_SECURITY must be one of {', '.join(SECURITY)}")
    default_port = {"none": 25, "starttls": 587, "tls": 465}[security]
    return SmtpSettings(host, int(env.get("ORDERMILL_SMTP_PORT") or default_port), security,
                        env.get("ORDERMILL_SMTP_USERNAME") or None,
                        env.get("ORDERMILL_SMTP_PASSWORD") or None,
                        env.get("ORDERMILL_SMTP_FROM") or DEFAULT_SENDER,
                        (env.get("ORDERMILL_PUBLIC_URL") or SmtpSettings.public_url).rstrip("/"))


def send(smtp: SmtpSettings, message: EmailMessage) -> None:
    """Hand the message to the server; an error raises, so the caller can try again later."""
    if "From" not in message:
        message["From"] = smtp.sender
    context = ssl.create_default_context()
    client: smtplib.SMTP = (smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS,
                                             context=context)
                            if smtp.security == "tls"
                            else smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS))
    with client:
        if smtp.security == "starttls":
            client.starttls(context=context)
        if smtp.username and smtp.password:
            client.login(smtp.username, smtp.password)
        client.send_message(message)
