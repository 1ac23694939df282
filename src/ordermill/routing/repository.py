"""Loading what routing decides from (a channel's rules, its locations, their stock, load and
record) and saving what it decided."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ordermill.channels.tables import channel_locations
from ordermill.db import raw
from ordermill.locations.domain import shipping_rates
from ordermill.locations.tables import locations
from ordermill.routing.domain import Criterion, Filter, Performance, Policy, Rule, RuleSet
from ordermill.routing.places import Place
from ordermill.routing.tables import (
    channel_routing_rules,
    location_daily_load,
    location_performance,
    routing_decisions,
)


def rule_set(connection: Connection, channel_id: int) -> RuleSet:
    """The channel's routing rules, or the defaults where it has none."""
    row = connection.execute(sa.select(channel_routing_rules).where(
        channel_routing_rules.c.channel_id == channel_id)).first()
    return RuleSet() if row is None else rules_from(row._mapping)


def rules_from(stored: Any) -> RuleSet:
    return RuleSet(tuple(Rule(Criterion(r["criterion"]), float(r["weight"]))
                         for r in stored["rules"]),
                   frozenset(Filter(f) for f in stored["filters"]), Policy(stored["policy"]),
                   int(stored["split_penalty"]))


def rules_row(rules: RuleSet) -> dict[str, Any]:
    return {"policy": str(rules.policy),
            "rules": [{"criterion": str(r.criterion), "weight": r.weight} for r in rules.rules],
            "filters": sorted(str(f) for f in rules.filters),
            "split_penalty": rules.split_penalty}


def save_rule_set(connection: Connection, channel_id: int, values: dict[str, Any]) -> None:
    connection.execute(channel_routing_rules.delete().where(
        channel_routing_rules.c.channel_id == channel_id))
    connection.execute(channel_routing_rules.insert().values(channel_id=channel_id, **values))


def places(connection: Connection, channel_id: int,
           excluded: Iterable[int] = ()) -> list[Place]:
    """The active locations that ship and may serve the channel, with their records."""
    record = location_performance.c
    rows = connection.execute(
        sa.select(locations, record.on_time_rate, record.median_hours_to_ship,
                  record.short_pick_rate)
        .join(channel_locations, channel_locations.c.location_id == locations.c.id)
        .outerjoin(location_performance, record.location_id == locations.c.id)
        .where(channel_locations.c.channel_id == channel_id, locations.c.active.is_(True),
               locations.c.ships.is_(True), locations.c.id.not_in(list(excluded)))
        .order_by(locations.c.priority, locations.c.code))
    return [place_from(row) for row in rows]


def place_from(row: Any) -> Place:
    coordinates = (None if row.latitude is None or row.longitude is None
                   else (float(row.latitude), float(row.longitude)))
    return Place(row.id, row.code, row.priority, row.country, coordinates,
                 None if row.ships_to is None else frozenset(row.ships_to),
                 row.daily_order_limit, row.cutoff_time, row.timezone,
                 shipping_rates(row.shipping_rates),
                 Performance(row.on_time_rate, row.median_hours_to_ship, row.short_pick_rate))


def load_on(connection: Connection, location_ids: Sequence[int], day: date) -> dict[int, int]:
    """Fulfillment orders each location has taken on `day` (limited locations only)."""
    if not location_ids:
        return {}
    return {row.location_id: row.orders for row in connection.execute(
        sa.select(location_daily_load).where(location_daily_load.c.location_id.in_(location_ids),
                                             location_daily_load.c.day == day))}


def claim_capacity(connection: Connection, location_id: int, day: date, limit: int) -> bool:
    """Take one of the location's places for `day`; False when none is left. One conditional
    upsert, so concurrent orders never take more places than there are."""
    dialect = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    load = location_daily_load
    claim = dialect(load).values(location_id=location_id, day=day, orders=1).on_conflict_do_update(
        index_elements=[load.c.location_id, load.c.day], set_={"orders": load.c.orders + 1},
        where=load.c.orders < limit).returning(load.c.orders)
    return limit > 0 and connection.execute(claim).first() is not None


DECISION_COLUMNS = ("order_id", "trigger", "policy", "candidates", "allocations", "short",
                    "reason", "decided_at")
DECISIONS = raw.RawRows(
    f"INSERT INTO routing_decisions ({', '.join(DECISION_COLUMNS)}) VALUES",
    f"({', '.join(':' + c for c in DECISION_COLUMNS)})")


def insert_decisions(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    raw.run_rows(connection, DECISIONS, rows)


def decisions_of(connection: Connection, order_id: int) -> list[Any]:
    return list(connection.execute(sa.select(routing_decisions).where(
        routing_decisions.c.order_id == order_id).order_by(routing_decisions.c.id)))


def save_performance(connection: Connection, location_id: int, values: dict[str, Any]) -> None:
    connection.execute(location_performance.delete().where(
        location_performance.c.location_id == location_id))
    connection.execute(location_performance.insert().values(location_id=location_id, **values))
