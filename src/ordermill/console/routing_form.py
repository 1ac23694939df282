"""The channel routing form: what staff typed, kept as typed so a refused form comes back as it
was sent, turned into the rule set the routing use case takes, and its errors per field.

The rules themselves are checked by `routing.domain.validate_rules`; here only what a form adds
(numbers typed as text, the order given as numbers, a preference ticked or not)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ordermill.console import forms
from ordermill.routing.domain import Criterion, Filter, Policy, RuleSet, validate_rules
from ordermill.shared.errors import ErrorCollector, FieldError, ValidationFailed

POLICIES = {
    Policy.SHIP_COMPLETE: "From one location when one can ship everything; otherwise split "
                          "over the fewest locations.",
    Policy.ALLOW_SPLITS: "Each line from the best-scoring location that has it, even if that "
                         "means several shipments.",
    Policy.HOLD_UNTIL_COMPLETE: "From one location that has everything, or hold the order "
                                "until one does.",
}
CRITERIA = {
    Criterion.FEWEST_SHIPMENTS: "How much of the order the location can ship on its own.",
    Criterion.DISTANCE: "How close the location is to the ship-to address.",
    Criterion.SHIPPING_COST: "How cheap the estimated shipping to the destination is.",
    Criterion.PRIORITY: "The location's priority number; lower comes first.",
    Criterion.PERFORMANCE: "On-time shipments, speed, and few rejections or short picks.",
}
FILTERS = {
    Filter.SHIPS_TO: "Ships to the destination country.",
    Filter.STOCK: "Has stock for at least one line.",
    Filter.CAPACITY: "Has room under its daily order limit.",
    Filter.CUTOFF: "Is before its carrier cut-off (past every cut-off, the order waits for the "
                   "next one).",
}
WHAT_IF_DAYS = 30  # the period the what-if offers first: the last month


@dataclass
class Preference:
    """One criterion's row in the form."""

    criterion: str
    used: bool
    weight: str
    place: str  # its number in the order of preferences, as typed


@dataclass
class Draft:
    """The rules as the form holds them, and the what-if period."""

    policy: str
    preferences: list[Preference]
    filters: list[str]
    split_penalty: str
    placed_from: str = ""
    placed_to: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    def error_list(self) -> list[str]:
        """Every refusal with the name of its field, for the message at the top, in the
        order the fields are on the page."""
        rows = [f"{kind}_{p.criterion}" for p in self.preferences
                for kind in ("use", "weight", "place")]
        order = ["policy", "rules", *rows, "filters", "split_penalty", "placed_from",
                 "placed_to"]
        return [f"{_field_title(name)}: {message}"
                for name, messages in sorted(self.errors.items(), key=lambda item: (
                    order.index(item[0]) if item[0] in order else len(order)))
                for message in messages]


def _field_title(name: str) -> str:
    kind, _, criterion = name.partition("_")
    if kind in ("weight", "place", "use") and criterion in set(Criterion):
        part = {"weight": "weight", "place": "order", "use": "preference"}[kind]
        return f"{criterion.replace('_', ' ').capitalize()} {part}"
    return {"placed_from": "From", "placed_to": "To", "rules": "Preferences",
            "split_penalty": "Split penalty"}.get(name, name.replace("_", " ").capitalize())


def _number_text(value: float) -> str:
    return f"{value:g}"


def default_period(today: date) -> tuple[str, str]:
    return (today - timedelta(days=WHAT_IF_DAYS - 1)).isoformat(), today.isoformat()


def draft_of(view: Mapping[str, Any], today: date) -> Draft:
    """The form filled with a channel's rules as `rules_view` shows them."""
    chosen = {rule["criterion"]: (position, rule["weight"])
              for position, rule in enumerate(view["rules"], start=1)}
    preferences = [Preference(str(c), True, _number_text(chosen[c][1]), str(chosen[c][0]))
                   for c in sorted(chosen, key=lambda name: chosen[name][0])]
    preferences += [Preference(str(c), False, "1", "") for c in Criterion if c not in chosen]
    placed_from, placed_to = default_period(today)
    return Draft(view["policy"], preferences, list(view["filters"]),
                 str(view["split_penalty"]), placed_from, placed_to)


def draft_from(form: Mapping[str, str], filters: Iterable[str], today: date) -> Draft:
    """The form as posted; rows in the order the page showed them."""
    shown = [key.removeprefix("weight_") for key in form if key.startswith("weight_")]
    order = [c for c in shown if c in set(Criterion)] + [
        str(c) for c in Criterion if str(c) not in shown]
    preferences = [Preference(c, bool(form.get(f"use_{c}")), form.get(f"weight_{c}", "").strip(),
                              form.get(f"place_{c}", "").strip()) for c in order]
    placed_from, placed_to = default_period(today)
    return Draft(form.get("policy", ""), preferences, list(filters),
                 form.get("split_penalty", "").strip(),
                 form.get("placed_from", placed_from).strip(),
                 form.get("placed_to", placed_to).strip())


def rules_of(draft: Draft) -> tuple[dict[str, Any], RuleSet]:
    """The rule set the use case takes, and as the engine reads it; raises ValidationFailed
    naming the form's fields, all at once: what the form adds and what the domain checks."""
    errors = ErrorCollector()
    chosen: list[tuple[int, int, str, float]] = []
    for row, preference in enumerate(draft.preferences):
        if not preference.used:
            continue
        weight = _weight(preference, errors)
        place = _place(preference, errors)
        if weight is not None and place is not None:
            chosen.append((place, row, preference.criterion, weight))
    if not any(p.used for p in draft.preferences):
        errors.add("rules", "choose at least one preference")
    _no_shared_places(chosen, errors)
    penalty = _whole(draft.split_penalty, "split_penalty", errors)
    chosen.sort()
    rules = {"policy": draft.policy, "filters": list(draft.filters),
             "split_penalty": 0 if penalty is None else penalty,
             "rules": [{"criterion": criterion, "weight": weight}
                       for _, _, criterion, weight in chosen]}
    checked = ErrorCollector()
    parsed = validate_rules(rules, checked)
    for name, message in _named(checked.errors, rules):
        # What the form already refused (nothing ticked, a row or the penalty unreadable) is
        # said once, in the form's words.
        if (name == "rules" and errors.errors) or (name == "split_penalty" and penalty is None):
            continue
        errors.add(name, message)
    errors.raise_if_any("the routing rules have fields to fix")
    return rules, parsed


def form_errors(errors: Iterable[FieldError],
                rules: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field errors, as the use cases name them, under the names of the form's fields."""
    fields: dict[str, list[str]] = {}
    for name, message in _named(errors, rules):
        fields.setdefault(name, []).append(message)
    return fields


def _named(errors: Iterable[FieldError], rules: Mapping[str, Any]) -> list[tuple[str, str]]:
    named = [rule["criterion"] for rule in rules.get("rules", [])]
    return [(_form_field(item, named), item.message) for item in errors]


def _form_field(item: FieldError, named: list[str]) -> str:
    parts = item.field.split(".")
    if parts[0] == "rules" and len(parts) == 3 and parts[1].isdigit() \
            and int(parts[1]) < len(named):
        return f"{'weight' if parts[2] == 'weight' else 'use'}_{named[int(parts[1])]}"
    # The what-if names its period `from` and `to`; the form calls them placed_from/_to.
    return {"from": "placed_from", "to": "placed_to"}.get(parts[0], parts[0])


def _weight(preference: Preference, errors: ErrorCollector) -> float | None:
    try:
        weight = float(preference.weight)
    except ValueError:
        weight = math.nan
    if not math.isfinite(weight) or len(preference.weight) > 20:
        errors.add(f"weight_{preference.criterion}", "a number from 0 to 100")
        return None
    return weight  # its range is the domain's to check


def _place(preference: Preference, errors: ErrorCollector) -> int | None:
    text, name = preference.place, f"place_{preference.criterion}"
    if not text:
        return len(Criterion) + 1  # unnumbered ones go last, in the order shown
    place = _whole(text, name, errors)
    if place is not None and not 1 <= place <= len(Criterion):
        errors.add(name, f"a whole number from 1 to {len(Criterion)}")
        return None
    return place


def _no_shared_places(chosen: list[tuple[int, int, str, float]],
                      errors: ErrorCollector) -> None:
    """Earlier preferences break ties, so two with one number would leave it to chance."""
    seen: dict[int, str] = {}
    for place, _, criterion, _ in sorted(chosen, key=lambda item: item[1]):
        if place in seen and place <= len(Criterion):
            other = seen[place].replace("_", " ")
            errors.add(f"place_{criterion}", f"{other} is number {place} too; give each its own")
        seen.setdefault(place, criterion)


def _whole(text: str, name: str, errors: ErrorCollector) -> int | None:
    try:
        return forms.whole_number(text, name)
    except ValidationFailed as error:
        errors.errors.extend(error.errors)
        return None
