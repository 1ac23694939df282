"""A channel's routing page: its rules, the form that changes them, and the what-if that replays
past orders under the form's draft beside the live rules without changing anything."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.engine import Connection
from starlette.datastructures import FormData
from starlette.responses import Response

from ordermill.accounts.service import ConsoleSession
from ordermill.channels import queries as channels
from ordermill.channels.repository import channel_by_code
from ordermill.console import forms, routing_form
from ordermill.console.pages import Flash, redirect, render
from ordermill.console.routing_form import Draft
from ordermill.console.session import PageRefused, database, posting, unit_of_work, viewing
from ordermill.orders import what_if
from ordermill.routing import queries, service
from ordermill.shared.clock import utcnow
from ordermill.shared.errors import FieldError, NotFound, ValidationFailed

router = APIRouter(prefix="/console/channels", include_in_schema=False)


def routing_path(code: str) -> str:
    return f"/console/channels/{code}/routing"


async def _posted(request: Request) -> FormData:
    return await request.form()


def _channel(connection: Connection, code: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The channel and its rules as they are now."""
    row = channel_by_code(connection, code)
    if row is None:
        raise PageRefused(404, "Channel not found", f"There is no channel {code!r}.")
    return channels.channel_view(connection, row), queries.rules_view(connection, row.id, code)


def _draft(form: FormData) -> Draft:
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    filters = [value for value in form.getlist("filters") if isinstance(value, str)]
    return routing_form.draft_from(fields, filters, utcnow().date())


def _page(request: Request, session: ConsoleSession, code: str, draft: Draft | None = None, *,
          not_done: str = "saved", comparison: list[dict[str, str]] | None = None,
          outcome: dict[str, Any] | None = None) -> Response:
    """The page; a draft with errors comes back as sent, marked, with a 422."""
    with database(request).reading() as connection:
        channel, rules = _channel(connection, code)
    draft = draft or routing_form.draft_of(rules, utcnow().date())
    notice = None
    if draft.errors:
        notice = Flash("error", f"The draft was not {not_done}: fix the fields marked below.",
                       draft.error_list())
    return render(request, "catalog/routing.html", session,
                  status_code=422 if draft.errors else 200, notice=notice, channel=channel,
                  rules=rules, draft=draft, comparison=comparison, outcome=outcome,
                  can_change=session.principal.can("routing:write"),
                  policies=routing_form.POLICIES, criteria=routing_form.CRITERIA,
                  filters=routing_form.FILTERS)


@router.get("/{code}/routing")
def routing_page(request: Request, code: str,
                 session: ConsoleSession = Depends(viewing("routing:read"))) -> Response:
    return _page(request, session, code)


@router.post("/{code}/routing")
def save_rules(request: Request, code: str, form: FormData = Depends(_posted),
               session: ConsoleSession = Depends(posting("routing:write"))) -> Response:
    draft = _draft(form)
    rules: dict[str, Any] = {}
    try:
        rules, _ = routing_form.rules_of(draft)
        service.set_routing_rules(unit_of_work(request, session), code, rules)
    except ValidationFailed as error:
        draft.errors = routing_form.form_errors(error.errors, rules)
        return _page(request, session, code, draft)
    except NotFound as error:
        raise PageRefused(404, "Channel not found", f"There is no channel {code!r}.") from error
    return redirect(routing_path(code), Flash(
        "success", f"Routing rules for {code} saved: they apply to the next order."))


@router.post("/{code}/routing/what-if")
def try_rules(request: Request, code: str, form: FormData = Depends(_posted),
              session: ConsoleSession = Depends(posting("routing:read"))) -> Response:
    """Reads only, like the API's simulation; a POST because the draft is the whole form."""
    draft = _draft(form)
    rules: dict[str, Any] = {}
    errors: list[FieldError] = []
    try:
        rules, draft_rules = routing_form.rules_of(draft)
    except ValidationFailed as error:
        errors += error.errors
    period = [_day(draft.placed_from, "placed_from", errors),
              _day(draft.placed_to, "placed_to", errors, following=True)]
    outcome = None
    if not errors and period[0] and period[1]:
        try:
            with database(request).reading() as connection:
                outcome = what_if.simulate(connection, code, period[0], period[1], draft_rules)
        except ValidationFailed as error:
            errors += error.errors
        except NotFound as error:
            raise PageRefused(404, "Channel not found",
                              f"There is no channel {code!r}.") from error
    if errors or outcome is None:
        draft.errors = routing_form.form_errors(errors, rules)
        return _page(request, session, code, draft, not_done="compared")
    return _page(request, session, code, draft, comparison=comparison(outcome),
                 outcome=outcome)


def _day(text: str, name: str, errors: list[FieldError], *,
         following: bool = False) -> datetime | None:
    try:
        moment = forms.day_start(text, name, following=following)
    except ValidationFailed as error:
        errors += error.errors
        return None
    if moment is None:
        errors.append(FieldError(name, "choose a day"))
    return moment


def comparison(outcome: dict[str, Any]) -> list[dict[str, str]]:
    """The what-if's measures as rows: live, draft, and how the draft differs."""
    live, draft = outcome["live"], outcome["draft"]

    def row(measure: str, key: str, shown: Any, change: Any) -> dict[str, str]:
        before, after = live[key], draft[key]
        differs = before != after and before is not None and after is not None
        return {"measure": measure, "live": shown(before), "draft": shown(after),
                "change": change(after - before) if differs else
                ("same" if before == after else "")}

    count = "{:,}".format
    return [
        row("Orders", "orders", count, _signed),
        row("Shipments", "shipments", count, _signed),
        row("Split rate", "split_rate", lambda v: f"{v * 100:.1f}%",
            lambda d: f"{_signed(round(d * 100, 1))} points"),
        row("Average distance", "average_distance_km",
            lambda v: "not known" if v is None else f"{round(v):,} km",
            lambda d: f"{_signed(round(d))} km"),
        row("Estimated shipping cost", "estimated_shipping_cost", count, _signed),
        row("Unserved orders", "unserved_orders", count, _signed),
    ]


def _signed(value: float) -> str:
    return f"{value:+,}".replace("-", "\N{MINUS SIGN}")
