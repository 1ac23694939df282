"""Routing endpoints: each channel's routing rules, what-if replays of past orders, and exact
re-optimisation of the open backlog."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import AwareDatetime, Field

from ordermill.accounts.domain import Principal
from ordermill.api.auth import database, require, unit_of_work
from ordermill.api.schemas import Code, Strict
from ordermill.channels.repository import channel_by_code
from ordermill.db.engine import Database
from ordermill.fulfillment import backlog
from ordermill.orders import what_if
from ordermill.routing import queries, service
from ordermill.routing.domain import MAX_SPLIT_PENALTY, MAX_WEIGHT, validate_rules
from ordermill.shared.errors import ErrorCollector, NotFound

router = APIRouter(tags=["routing"])
simulations = APIRouter(prefix="/routing", tags=["routing"])
CriterionName = Literal["fewest_shipments", "distance", "shipping_cost", "priority",
                        "performance"]
FilterName = Literal["ships_to_destination", "has_stock", "capacity", "cutoff"]


class RuleIn(Strict):
    criterion: CriterionName
    weight: Annotated[float, Field(ge=0, le=MAX_WEIGHT)] = 1.0


class RoutingRulesIn(Strict):
    """Preferences in the order they break ties, the filters a location must pass, and what
    to do when no one location ships everything."""

    policy: Literal["ship_complete", "allow_splits", "hold_until_complete"] = "ship_complete"
    rules: Annotated[list[RuleIn], Field(min_length=1, max_length=5)]
    filters: Annotated[list[FilterName], Field(max_length=4)] = [
        "ships_to_destination", "has_stock", "capacity", "cutoff"]
    split_penalty: Annotated[int, Field(ge=0, le=MAX_SPLIT_PENALTY,
                                        description="minor units per extra shipment")] = 500


@router.get("/channels/{code}/routing-rules")
def get_rules(code: str, db: Database = Depends(database),
              principal: Principal = Depends(require("routing:read"))) -> dict[str, Any]:
    with db.reading() as connection:
        channel = channel_by_code(connection, code)
        if channel is None:
            raise NotFound(f"channel {code!r} not found")
        return queries.rules_view(connection, channel.id, code)


@router.put("/channels/{code}/routing-rules")
def put_rules(code: str, body: RoutingRulesIn, request: Request,
              principal: Principal = Depends(require("routing:write"))) -> dict[str, Any]:
    return service.set_routing_rules(unit_of_work(request, principal), code, body.model_dump())


class SimulationIn(Strict):
    """Replay a channel's orders placed in [from, to) against `rules`, beside its live rules."""

    channel: Code
    placed_from: Annotated[AwareDatetime, Field(alias="from", strict=False)]
    placed_to: Annotated[AwareDatetime, Field(alias="to", strict=False)]
    rules: RoutingRulesIn


@simulations.post("/simulations")
def simulate(body: SimulationIn, db: Database = Depends(database),
             principal: Principal = Depends(require("routing:read"))) -> dict[str, Any]:
    """Split rate, average distance, estimated shipping cost and orders that could not be
    served, under the draft rules and the live ones. Changes nothing."""
    errors = ErrorCollector()
    draft = validate_rules(body.rules.model_dump(), errors)
    errors.raise_if_any()
    with db.reading() as connection:
        return what_if.simulate(connection, body.channel, body.placed_from, body.placed_to,
                                draft)



class OptimizationIn(Strict):
    split_penalty: Annotated[int, Field(ge=0, le=MAX_SPLIT_PENALTY,
                                        description="minor units per extra shipment")] = 500


@simulations.post("/optimizations", status_code=201)
def propose_optimization(request: Request, body: OptimizationIn | None = None,
                         principal: Principal = Depends(require("routing:write"))
                         ) -> dict[str, Any]:
    """Decide every open fulfillment order nobody has started to pick again, all at once and
    exactly; the answer lists the moves and the savings. Nothing moves until it is applied."""
    return backlog.propose(unit_of_work(request, principal),
                           (body or OptimizationIn()).split_penalty)


@simulations.get("/optimizations/{optimization_id}")
def get_optimization(optimization_id: Annotated[int, Path(ge=1, le=2**62)],
                     db: Database = Depends(database),
                     principal: Principal = Depends(require("routing:read"))) -> dict[str, Any]:
    with db.reading() as connection:
        found = backlog.get_optimization(connection, optimization_id)
    if found is None:
        raise NotFound(f"routing optimization {optimization_id} not found")
    return found


@simulations.post("/optimizations/{optimization_id}/apply")
def apply_optimization(optimization_id: Annotated[int, Path(ge=1, le=2**62)],
                       request: Request,
                       principal: Principal = Depends(require("routing:write"))
                       ) -> dict[str, Any]:
    """Move the proposal's orders; any that changed since, or whose new locations no longer
    have the units, stay where they are and are listed as skipped."""
    return backlog.apply(unit_of_work(request, principal), optimization_id)


router.include_router(simulations)
