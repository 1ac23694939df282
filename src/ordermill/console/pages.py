"""Rendering console pages: the template environment, display filters and flash messages.

Pages only show what the use cases and queries return; nothing here decides a business rule.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from ordermill import __version__
from ordermill.accounts.service import ConsoleSession
from ordermill.shared.clock import as_utc
from ordermill.shared.errors import OrdermillError
from ordermill.shared.money import Money

FLASH_COOKIE = "om_flash"
HOME = "/console/"
# The console runs no script and is never framed; the policy makes that a promise. The pack
# station alone loads the console's own script file (its beep), and still no inline script.
_POLICY = ("default-src 'self'; script-src {scripts}; object-src 'none'; base-uri 'none'; "
           "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": _POLICY.format(scripts="'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
SCRIPTED_HEADERS = {**SECURITY_HEADERS,
                    "Content-Security-Policy": _POLICY.format(scripts="'self'")}

# What staff read on the timeline instead of the event's topic.
EVENT_TITLES = {
    "order.created": "Order placed",
    "order.confirmed": "Confirmed",
    "order.backordered": "Backordered",
    "order.backorder_allocated": "Backorder allocated",
    "order.held": "Hold placed",
    "order.hold_released": "Hold released",
    "order.cancelled": "Order cancelled",
    "order.lines_cancelled": "Units cancelled",
}

_UNSHOWN_FACTS = frozenset({"currency", "order_id", "hold_id", "line_id"})


@dataclass(frozen=True)
class Flash:
    """A one-time message shown on the next page: the outcome of the last form."""

    kind: str  # "success" or "error"
    text: str
    details: list[str] = field(default_factory=list)

    @classmethod
    def of_error(cls, error: OrdermillError) -> Flash:
        return cls("error", error.detail, [f"{e.field}: {e.message}" for e in error.errors])


def money(amount: int, currency: str) -> str:
    return Money(amount, currency).format()


def moment(value: str | datetime | None, shape: str = "%Y-%m-%d %H:%M UTC") -> str:
    """A timestamp as staff read it, in UTC; `shape` picks the parts (strftime)."""
    if value is None:
        return ""
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    return as_utc(parsed).strftime(shape)


def label(value: str | None) -> str:
    return "" if value is None else value.replace("_", " ").capitalize()


def event_title(topic: str) -> str:
    return EVENT_TITLES.get(topic, label(topic.replace(".", " ")))


def event_details(detail: Mapping[str, Any] | None) -> list[str]:
    """A timeline entry's facts as short phrases; ids are left to the links around them."""
    facts = dict(detail or {})
    currency = facts.get("currency")
    phrases = []
    for key, value in facts.items():
        if key in _UNSHOWN_FACTS or value in (None, "", {}, []):
            continue
        if key == "total" and isinstance(currency, str):
            value = money(value, currency)
        elif isinstance(value, Mapping):
            value = ", ".join(f"{name} \N{MULTIPLICATION SIGN} {count}"
                              for name, count in value.items())
        elif isinstance(value, list):
            value = ", ".join(_item(item) for item in value)
        phrases.append(f"{label(key)}: {label(value) if key == 'reason' else value}")
    return phrases


def _item(item: Any) -> str:
    """One entry of a listed fact: a placement reads as its location, sku and quantity."""
    if isinstance(item, Mapping) and {"location", "sku", "quantity"} <= item.keys():
        return f"{item['location']}: {item['sku']} \N{MULTIPLICATION SIGN} {item['quantity']}"
    return str(item)


def page_link(path: str, params: Mapping[str, str | int | None]) -> str:
    """A link to a page with the given filters, leaving out the empty ones."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("ordermill.console", "templates"),
                      autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(money=money, moment=moment, label=label, event_title=event_title,
                       event_details=event_details)
    env.globals.update(version=__version__)
    return env


def render(request: Request, template: str, session: ConsoleSession | None, *,
           status_code: int = 200, notice: Flash | None = None, scripted: bool = False,
           **context: Any) -> HTMLResponse:
    """The page, with `notice` or else the flash left by the previous form (shown once);
    `scripted` lets it load the console's own script files."""
    flash = notice or _read_flash(request)
    html = environment().get_template(template).render(
        request=request, session=session, principal=session.principal if session else None,
        flash=flash, **context)
    response = HTMLResponse(html, status_code=status_code,
                            headers=SCRIPTED_HEADERS if scripted else SECURITY_HEADERS)
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/console", httponly=True)
    return response


def redirect(url: str, flash: Flash | None = None) -> RedirectResponse:
    """POST-redirect-GET: the browser lands on a page that is safe to reload."""
    response = RedirectResponse(url, status_code=303)
    if flash is not None:
        encoded = base64.urlsafe_b64encode(json.dumps(asdict(flash)).encode()).decode()
        response.set_cookie(FLASH_COOKIE, encoded, max_age=60, path="/console", httponly=True,
                            samesite="lax")
    return response


def attempt(back: str, work: Callable[[], str]) -> RedirectResponse:
    """Run a form's use case; its message, or the domain error it raised, greets the user on
    `back`."""
    try:
        message = work()
    except OrdermillError as error:
        return redirect(back, Flash.of_error(error))
    return redirect(back, Flash("success", message))


def _read_flash(request: Request) -> Flash | None:
    encoded = request.cookies.get(FLASH_COOKIE)
    if not encoded:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(encoded.encode()))
        return Flash(str(data["kind"]), str(data["text"]), [str(d) for d in data["details"]])
    except (binascii.Error, ValueError, KeyError, TypeError):
        return None


def local_path(candidate: str | None, fallback: str = HOME) -> str:
    """Where to go after a form: only a console path, never another site."""
    if (candidate and candidate.startswith("/console") and not candidate.startswith("//")
            and "\\" not in candidate and "\n" not in candidate and "\r" not in candidate):
        return candidate
    return fallback
